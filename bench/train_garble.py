#!/usr/bin/env python3
"""Train newsclean's fluency model (newsclean/fluency.py) on the garble benchmark's DEV split.

    python bench/train_garble.py [DEV.jsonl] [--folds 5] [--write]

Features: hashed character 3-5-grams (sublinear TF-IDF) plus the surface statistics of
newsclean.fluency.surface_features, including the precise rules' score. The script reports
ROC-AUC overall and per source under GroupKFold cross-validation (by the benchmark's `group`, so
no article or source segment is on both sides) and picks the flagging threshold on those
out-of-fold scores: the lowest at which precision reaches --min-precision, and never below
--min-threshold (real news has far fewer garbled sentences than the balanced benchmark). With --write it fits
on all of dev and writes newsclean/models/garble_fluency.npz (plain arrays, no pickle).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsclean.fluency import MODEL_PATH, SURFACE_FEATURES, model_text, surface_features  # noqa: E402
from newsclean.garble import rule_score  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "bench" / "garble" / "dev.jsonl"
N_FEATURES = 2 ** 18
NGRAMS = (3, 5)
ANALYZER = "char"  # 'char_wb' scores the same (0.708 vs 0.710 out of fold) and is slower
SURFACE_GAIN = 0.1  # scaled surface features next to L2-normalised n-gram rows
C = 1.0


def check_hashing(counts, texts) -> None:
    """newsclean.hashing (what scoring runs, without scikit-learn) must give scikit-learn's matrix."""
    from newsclean.hashing import hashed_counts

    coo = counts.tocsr()
    coo.sum_duplicates()
    coo = coo.tocoo()
    row, column, count = hashed_counts(texts, NGRAMS[0], NGRAMS[1], N_FEATURES)
    order = np.lexsort((coo.col, coo.row))
    if not (np.array_equal(coo.row[order], row) and np.array_equal(coo.col[order], column)
            and np.array_equal(coo.data[order], count)):
        raise SystemExit("newsclean.hashing differs from scikit-learn's HashingVectorizer: the shipped model would score wrongly")


def fit(texts, surface, y, lm=None, lm_gain=None):
    """The model's arrays. ``lm``: the LM garble mode's sentence features (one row per text), fitted in
    the same regression beside the n-grams and surface statistics, scaled the same way, each column
    then multiplied by ``lm_gain`` (default SURFACE_GAIN: a smaller gain regularises a column more;
    bench/train_garble_lm.py); their arrays are returned as ``lm_*``."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    hv = HashingVectorizer(analyzer=ANALYZER, ngram_range=NGRAMS, n_features=N_FEATURES, alternate_sign=False, norm=None)
    counts = hv.transform([model_text(t) for t in texts])
    check_hashing(counts, [model_text(t) for t in texts])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    scaler = StandardScaler().fit(surface)
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    blocks = [tfidf.transform(counts), csr_matrix((surface - scaler.mean_) / scale * SURFACE_GAIN)]
    extra = {}
    if lm is not None:
        lm_mean, lm_scale = lm.mean(axis=0), lm.std(axis=0)
        lm_scale[lm_scale == 0] = 1.0
        gain = np.full(lm.shape[1], SURFACE_GAIN) if lm_gain is None else np.asarray(lm_gain, dtype=float)
        blocks.append(csr_matrix((lm - lm_mean) / lm_scale * gain))
        extra = {"lm_mean": lm_mean, "lm_scale": lm_scale, "lm_gain": gain}
    X = hstack(blocks).tocsr()
    clf = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    w = clf.coef_[0]
    n_surface = surface.shape[1]
    if lm is not None:
        extra["lm_weights"] = w[N_FEATURES + n_surface:]
    text_logits = X[:, :N_FEATURES] @ w[:N_FEATURES]  # the n-gram part of each training sentence
    return {**extra, "n_features": np.array(N_FEATURES), "ngram_range": np.array(NGRAMS), "analyzer": np.array(ANALYZER), "idf": tfidf.idf_.astype(np.float32),
            "text_weights": w[:N_FEATURES].astype(np.float32), "surface_mean": scaler.mean_, "surface_scale": scale,
            "surface_weights": w[N_FEATURES:N_FEATURES + n_surface], "surface_gain": np.array(SURFACE_GAIN),
            "intercept": np.array(clf.intercept_[0]),
            # bound used to skip the n-gram part for sentences that cannot reach the threshold
            "text_logit_high": np.array(np.percentile(text_logits, 99.5)),
            "text_logit_mean": np.array(text_logits.mean())}


def predict(arrays, texts, rules):
    import tempfile

    from newsclean.fluency import FluencyModel

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.npz"
        np.savez_compressed(path, threshold=np.array(0.5), **arrays)
        return FluencyModel(path).probabilities(texts, rules)


def load_dev(path: Path):
    """(rows, texts, labels, groups, rule scores, surface features) of a garble benchmark file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] == "garbled" for r in rows])
    groups = [r["group"] for r in rows]
    rules = [rule_score(t) for t in texts]
    surface = np.array([surface_features(t, s) for t, s in zip(texts, rules)])
    return rows, texts, y, groups, rules, surface


def out_of_fold(folds, texts, surface, y, rules) -> np.ndarray:
    """The fluency model's out-of-fold probabilities on ``folds`` ([(train, test), ...])."""
    oof = np.zeros(len(texts))
    for train, test in folds:
        arrays = fit([texts[i] for i in train], surface[train], y[train])
        oof[test] = predict(arrays, [texts[i] for i in test], [rules[i] for i in test])
    return oof


def pick_threshold(oof: np.ndarray, y: np.ndarray, min_precision: float, min_threshold: float) -> float:
    """The lowest probability (in steps of 0.01) at which the out-of-fold precision reaches
    ``min_precision`` over at least 10 flags, never below ``min_threshold``."""
    from sklearn.metrics import precision_score

    for t in np.arange(0.50, 0.99, 0.01):
        flagged = oof >= t
        if flagged.sum() >= 10 and precision_score(y, flagged) >= min_precision:
            return max(float(t), min_threshold)
    return max(0.99, min_threshold)


def main() -> None:
    from sklearn.metrics import precision_score, roc_auc_score
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-precision", type=float, default=0.85)
    # the benchmark is balanced; real news is not: at 0.77 the model flagged 4.2% of the sentences
    # of the extraction benchmark's (fluent) ground-truth bodies, at 0.90 0.5%
    ap.add_argument("--min-threshold", type=float, default=0.90,
                    help="never flag below this probability, whatever the precision on dev")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    rows, texts, y, groups, rules, surface = load_dev(a.dev)
    oof = out_of_fold(GroupKFold(a.folds).split(texts, y, groups), texts, surface, y, rules)
    print(f"{len(rows)} sentences, {a.folds}-fold GroupKFold by benchmark group")
    print(f"  out-of-fold ROC-AUC  overall {roc_auc_score(y, oof):.3f}")
    for src in sorted({r['source'] for r in rows}):
        m = np.array([r["source"] == src for r in rows])
        print(f"                       {src:22s} {roc_auc_score(y[m], oof[m]):.3f}")
    threshold = pick_threshold(oof, y, a.min_precision, a.min_threshold)
    flagged = (oof >= threshold) | (np.array(rules) >= 0.5)
    print(f"  threshold {threshold:.2f}: flagged precision {precision_score(y, flagged):.3f}, "
          f"recall {flagged[y].mean():.3f} (with the rules)")
    if a.write:
        arrays = fit(texts, surface, y)
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(MODEL_PATH, threshold=np.array(threshold), **arrays)
        print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1e6:.1f} MB); surface features: {', '.join(SURFACE_FEATURES)}")


if __name__ == "__main__":
    main()

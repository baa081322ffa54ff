#!/usr/bin/env python3
"""How the block model holds on a page in a language it has no word lists for, and whether training
on such pages helps.

    python bench/unknown_language.py [--cache bench/out/blocks.npz] [--train normal|augmented|both]

The held-out pages are in 20+ languages; newsclean has function-word lists for nine and its
lexicon (bench/train_blocks.py) knows the words of the dev pages, nearly all English. A page in
another language reaches the block model with no stopword share (``has_stopword_list`` false), a
prose test without function words, and a lexicon that knows none of its words. This script
simulates that on the dev pages themselves: every WCXB and AEB text dump is read again with the
stopword language forced to none, and its lexicon features are those of a page whose words the
lexicon does not know (the features of empty text). Then, with the folds, features and parameters
of bench/train_blocks.py (stage 1 cross-fitted, stage 2 on out-of-fold stage-1 probabilities,
threshold 0.4), it prints the out-of-fold macro F1 per source and style, on the pages as they are
and on their unknown-language copies, for a model trained on the pages as they are (``normal``)
and one trained on both (``augmented``: each unknown-language copy in its page's fold, so no site
is seen out of fold).

Data: the WCXB dev pages (CC-BY-4.0) and the AEB dev pages (MIT), read in place.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_blocks as tb  # noqa: E402
from cases import domain_folds  # noqa: E402

from newsclean import block_model as bm  # noqa: E402

THRESHOLD = 0.4


def oof(data, unknown_rows: np.ndarray, train_mask: np.ndarray, folds: int = 5, copy_weight: float = 1.0) -> np.ndarray:
    """Out-of-fold stage-2 probabilities of every row, the models fitted on rows of ``train_mask``
    (an unknown-language copy weighs ``copy_weight`` times its page)."""
    X, y, page = data["X"], data["y"].astype(int), data["page"]
    words = np.expm1(X[:, bm.OWN_FEATURES.index("log_words")])
    w = tb.weights(words, page) * np.where(unknown_rows, copy_weight, 1.0)
    domains = np.array([data["meta"][k][3] for k in page])
    texts = list(data["texts"])
    token_sets = [bm.lexical_tokens(t) if not unknown_rows[i] else frozenset() for i, t in enumerate(texts)]
    split = domain_folds(domains, folds)
    lex = np.zeros((len(y), 2), dtype=np.float32)
    for tr, te in split:
        lexicon, _, _ = tb.fit_lexicon(token_sets, y, w, domains, tr[~unknown_rows[tr]])
        lex[te] = lexicon.features(["" if unknown_rows[i] else texts[i] for i in te])
    X1 = np.concatenate([bm.stage1_features(X[lo:hi], lex[lo:hi]) for lo, hi in tb._bounds(page)])
    p1 = np.zeros(len(y))
    for tr, te in split:
        tr = tr[train_mask[tr]]
        p1[te] = tb.fit(X1[tr], y[tr], w[tr]).predict_proba(X1[te])[:, 1]
    X2 = tb.stage2_matrix(X1, p1, page)
    p2 = np.zeros(len(y))
    for tr, te in split:
        tr = tr[train_mask[tr]]
        p2[te] = tb.fit(X2[tr], y[tr], w[tr]).predict_proba(X2[te])[:, 1]
    return p2


def report(data, p2, n_normal_pages: int, label: str) -> None:
    rows = tb.page_scores(data, p2, THRESHOLD)
    groups: dict[tuple, list] = {}
    for k, (source, style, f1, *_rest) in enumerate(rows):
        groups.setdefault((source, style, "as is" if k < n_normal_pages else "unknown language"), []).append(
            (f1, _rest[2]))
    for (source, style, form), vals in sorted(groups.items()):
        coll = sum(1 for f1, dump in vals if f1 < 0.2 and dump >= 0.5)
        print(f"  {label:10s} {source:5s} {style:9s} {form:17s} pages {len(vals):4d}  "
              f"F1 {statistics.fmean(f for f, _ in vals):.3f}  collapses {coll}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, help="bench/train_blocks.py's row cache (the unknown-language rows "
                                               "are kept beside it, as *_unknown.npz)")
    ap.add_argument("--train", choices=("normal", "augmented", "both"), default="both")
    ap.add_argument("--copy-weight", type=float, default=1.0, help="weight of an unknown-language copy against its page")
    a = ap.parse_args()
    normal = tb.build(a.cache)
    unknown = tb.build_unknown(a.cache.with_name(a.cache.stem + "_unknown.npz") if a.cache else None)
    data = tb.merge(normal, unknown)
    unknown_rows = np.r_[np.zeros(len(normal["y"]), bool), np.ones(len(unknown["y"]), bool)]
    print(f"{len(normal['meta'])} pages as they are, {len(unknown['meta'])} text dumps as unknown-language pages; "
          f"out of fold (folds by domain), threshold {THRESHOLD}")
    if a.train in ("normal", "both"):
        report(data, oof(data, unknown_rows, ~unknown_rows), len(normal["meta"]), "normal")
    if a.train in ("augmented", "both"):
        report(data, oof(data, unknown_rows, np.ones(len(unknown_rows), bool), copy_weight=a.copy_weight),
               len(normal["meta"]), f"aug×{a.copy_weight:g}")


if __name__ == "__main__":
    main()

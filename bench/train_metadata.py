#!/usr/bin/env python3
"""Train newsclean's title and author models (newsclean/metadata.py) on the shared dev pages, cross-validated by site.

    python bench/train_metadata.py --target title|author [--folds 5] [--write] [--block-folds DIR] [--fold-models DIR]

Data: the WCXB dev pages (CC-BY-4.0) as text and Markdown dumps, and the AEB dev pages (MIT) as text
dumps, read in place. Each page goes through newsclean's ingest and layout stages and the head reading
of the metadata stage, exactly as in the pipeline. Title candidates are the short lines around the
article's start that no date, byline or footer rule took; author candidates are the names those lines
give ('By …' lines, a meta line's first field, a line that is only a name). A candidate is right when
it equals the truth after folding case and punctuation (authors: also 'and' and list commas). AEB's
titles are og:title values, which pages often state otherwise, so AEB pages count only when one
candidate matches.

Run the title first: the author features read where the title was taken. With ``--block-folds DIR``
(bench/train_blocks.py --fold-models DIR) each page's layout, and for authors its title, come from the
models of its site's fold, so the features are out of fold as they will be on new sites.

Printed, out of fold (folds by domain, bench/cases.py fold_of): the share of pages whose value is
among the candidates (the ceiling), and the accuracy per source and dump style at each least
probability; the best goes into the model: best by the mean of the accuracy over all pages (a page
stating no value is right only when none is picked) and over the pages that state one (what
bench/extraction.py reports). ``--fold-models DIR`` writes each fold's model there (for
bench/extraction.py --fold-models). With ``--write`` the trees are fitted on all pages and written to
newsclean/models/{title,author,date}_model.npz (plain arrays), after checking numpy scoring against
sklearn. The shipped models are written with ``--block-folds``: they learn from layouts scored by
block models that never saw the page's site, as the shipped block model scores a new site's pages
(on in-sample layouts the author model's least probability came out 0.2, on out-of-fold ones 0.1).

    python bench/train_blocks.py --fold-models bench/out/folds
    for t in title author date; do
        python bench/train_metadata.py --target $t --block-folds bench/out/folds --fold-models bench/out/folds --write
    done
"""
from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import AEB_DEV, WCXB_DEV, FoldModels, domain_folds, load_cases, norm_meta  # noqa: E402

from newsclean import block_model as bm  # noqa: E402
from newsclean import dates  # noqa: E402
from newsclean import metadata as md  # noqa: E402

SOURCES = {"aeb": (AEB_DEV, ("text",)), "wcxb": (WCXB_DEV, ("text", "markdown"))}
NAMES = {"title": md.TITLE_FEATURES, "author": md.AUTHOR_FEATURES, "date": dates.DATE_FEATURES}
PATHS = {"title": md.TITLE_MODEL_PATH, "author": md.AUTHOR_MODEL_PATH, "date": dates.DATE_MODEL_PATH}
FIELD = {"title": "title", "author": "author", "date": "published"}
PARAMS = dict(max_iter=80, learning_rate=0.1, max_leaf_nodes=16, max_depth=5, min_samples_leaf=20,
              l2_regularization=1.0, early_stopping=False, random_state=0)


def page_candidates(raw: bytes, name: str, target: str):
    """Candidate features and values of one page (its layout scored by the block model in use)."""
    from newsclean.boilerplate import score_layout
    from newsclean.pipeline import ingest_document

    doc = score_layout(ingest_document(raw, name))
    blocks = list(doc.blocks)
    rules = md.MetadataRules()
    meta, taken, head_start, head_end = md.read_head(doc, rules)
    names = NAMES[target]
    if target == "title":
        cands = md.title_candidates(blocks, head_start, head_end, taken, rules)
        values = [value for _, value in cands]
        X = md.title_features(blocks, doc.article_p, cands, head_end) if cands else None
    elif target == "date":
        md.take_title(doc, blocks, meta, taken, head_start, head_end, rules)
        title_index = next((i for i, r in taken.items() if r.category == "title"), None)
        cands = dates.date_candidates(blocks, md.date_dayfirst(doc), head_end=head_end)
        values = [c[1].isoformat() for c in cands]
        X = dates.date_features(blocks, doc.article_p, cands, head_end, title_index, frozenset(taken)) if cands else None
    else:
        md.take_title(doc, blocks, meta, taken, head_start, head_end, rules)
        title_index = next((i for i, r in taken.items() if r.category == "title"), None)
        cands = [c for c in md.author_candidates(blocks, head_start, head_end, taken, rules) if c[0] != title_index]
        values = [c[1] for c in cands]
        X = md.author_features(blocks, doc.article_p, cands, head_end, title_index) if cands else None
    return (X if X is not None else np.zeros((0, len(names)))), values


def same_value(pred: str, truth: str, target: str) -> bool:
    if target == "date":  # to the day
        return pred[:10] == truth[:10]
    if target == "author":  # several authors: the contract joins them with '; ', pages with ', ' and 'and'
        fold = lambda v: " ".join(w for w in norm_meta(v).split() if w != "and")  # noqa: E731
        return fold(pred) == fold(truth)
    return norm_meta(pred) == norm_meta(truth)


def build(target: str, folds=None):
    X, y, page, meta = [], [], [], []
    for source, (folder, styles) in SOURCES.items():
        for case in load_cases(folder):
            truth = case.truth.get(FIELD[target])
            if not norm_meta(truth) and (target == "title" or source == "aeb"):
                continue  # a page whose truth has no author is kept: picking a name there is a mistake
            for style in styles:
                if not case.has(style):
                    continue
                if folds is not None:
                    folds.use_for(case.domain)  # the models of the page's fold: its features are out of fold
                Xp, values = page_candidates(*case.raw(style), target)
                labels = np.array([bool(truth) and same_value(v, truth, target) for v in values], dtype=int)
                if source == "aeb" and not labels.any():
                    continue
                meta.append((source, style, case.domain, bool(labels.any()) if truth else None))
                if len(values):
                    X.append(Xp)
                    y.append(labels)
                    page.append(np.full(len(values), len(meta) - 1))
    return np.concatenate(X), np.concatenate(y), np.concatenate(page), meta


def fit(X, y):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**PARAMS).fit(X, y)


def accuracy(p, y, page, meta, min_probability, valued_only=False):
    """Per (source, style): share of pages given the right value: the truth's, or none where the
    truth has none (a page with no candidates is right only then). ``valued_only``: over the pages
    whose truth has a value (bench/extraction.py's figure)."""
    keep = [k for k, m in enumerate(meta) if not valued_only or m[3] is not None]
    pages = Counter((meta[k][0], meta[k][1]) for k in keep)
    with_candidates = set(page.tolist())
    hits = Counter((m[0], m[1]) for k, m in enumerate(meta) if m[3] is None and k not in with_candidates and k in keep)
    for k in np.unique(page):
        if valued_only and meta[k][3] is None:
            continue
        rows = np.flatnonzero(page == k)
        best = rows[np.argmax(p[rows])]
        picked = p[best] >= min_probability
        if (picked and y[best]) or (not picked and meta[k][3] is None):
            hits[(meta[k][0], meta[k][1])] += 1
    return {key: hits[key] / n for key, n in pages.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--target", choices=tuple(NAMES), default="title")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--fold-models", type=Path, metavar="DIR", help="write each fold's model here")
    ap.add_argument("--block-folds", type=Path, metavar="DIR",
                    help="score each page's layout with its fold's block model (bench/train_blocks.py --fold-models)")
    a = ap.parse_args()
    X, y, page, meta = build(a.target, FoldModels(a.block_folds) if a.block_folds else None)
    prefix = a.target
    names = NAMES[a.target]
    path = PATHS[a.target]
    for key in sorted({(m[0], m[1]) for m in meta}):
        ms = [m for m in meta if (m[0], m[1]) == key]
        print(f"{key[0]:5s} {key[1]:9s} pages {len(ms):4d}, {a.target} among the candidates: "
              f"{statistics.fmean(bool(m[3]) for m in ms if m[3] is not None):.3f} (of the pages with one)")
    domains = np.array([meta[k][2] for k in page])
    p = np.zeros(len(y))
    fold_arrays = []
    for tr, te in domain_folds(domains, a.folds):
        clf = fit(X[tr], y[tr])
        p[te] = clf.predict_proba(X[te])[:, 1]
        fold_arrays.append(bm.forest_arrays(clf._predictors, clf._baseline_prediction.item(), prefix))
    best = None
    for min_probability in (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5):
        acc = accuracy(p, y, page, meta, min_probability)
        valued = accuracy(p, y, page, meta, min_probability, valued_only=True)
        # both readings count: a wrong name on a page that states none, and a missed name on one that does
        mean = statistics.fmean([*acc.values(), *valued.values()])
        print(f"least probability {min_probability}: " + ", ".join(f"{k[0]} {k[1]} {v:.3f} ({valued[k]:.3f})" for k, v in sorted(acc.items()))
              + " (out of fold; in brackets, of the pages whose truth has a value)")
        if best is None or mean > best[0]:
            best = (mean, min_probability)
    if a.fold_models is not None:
        a.fold_models.mkdir(parents=True, exist_ok=True)
        for k, arrays in enumerate(fold_arrays):
            np.savez_compressed(a.fold_models / f"{prefix}-{k}.npz", **arrays, names=np.array(names),
                                min_probability=np.float64(best[1]))
        print(f"wrote {len(fold_arrays)} fold models to {a.fold_models}")
    if not a.write:
        return
    clf = fit(X, y)
    arrays = {**bm.forest_arrays(clf._predictors, clf._baseline_prediction.item(), prefix),
              "names": np.array(names), "min_probability": np.float64(best[1])}
    forest = bm._forest(arrays, prefix)
    diff = np.abs(forest.proba(X) - clf.predict_proba(X)[:, 1]).max()
    assert diff < 1e-6, diff
    np.savez_compressed(path, **arrays)
    print(f"wrote {path} (least probability {best[1]}, numpy vs sklearn {diff:.1e})")


if __name__ == "__main__":
    main()

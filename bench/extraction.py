#!/usr/bin/env python3
"""Article-body and metadata extraction: newsclean per input style beside trafilatura, in one run.

    python bench/extraction.py [CASES_DIR ...] [--styles text,markdown,crude,html] [--out bench/out/extraction]

Each CASES_DIR is a folder of either shared layout (default: the AEB dev pages and the WCXB dev
pages, ``../shared/bench/{extraction,wcxb}/dev``; see bench/cases.py): ``<id>.html`` or
``<id>.html.gz``, ``<id>.txt`` (text dump), ``<id>.md`` (Markdown dump; where a case has none, as the
AEB pages, made from its HTML by html2text as WCXB's were), ``<id>.json`` (truth). Styles: ``text``,
``markdown``, ``crude`` (the text dump without its blank lines, the dump style the held-out set has
and the dev data has not) and ``html``. For every folder and style it prints:

  F1 P R      macro over cases of 4-token-shingle F1/precision/recall (the shared scorer's headline)
  collapse    pages scoring F1 < 0.2 whose dump holds the article (the dump itself recalls >= 0.5)
  with        share of the truth's must-keep sentences found in the output (WCXB only)
  without     share of the truth's must-drop page lines left in the output (WCXB only)
  title author date   exact after folding case and punctuation (dates to the day), over the
              cases whose truth has the field
  ms/page     wall time of the system alone, per page, in this process

With ``--fold-models DIR`` every page is cleaned by the models of its site's cross-validation fold
(bench/cases.py fold_of), so the figures on the dev pages are out of fold; without it the shipped
models, trained on all dev pages, score pages they saw.

Systems: ``newsclean`` (the whole pipeline on that style's file), ``keep-all`` (the dump as it is:
the floor) and, on the HTML, ``trafilatura`` (default settings; metadata from its bare_extraction).
Per-case figures go to ``--out/<folder>-<system>-<style>.cases.jsonl``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import AEB_DEV, STYLES, WCXB_DEV, Case, FoldModels, load_cases, norm_meta, same_date, scorer  # noqa: E402

COLLAPSE_F1 = 0.2
HOLDS_ARTICLE_RECALL = 0.5


def newsclean(case: Case, style: str) -> dict:
    from newsclean.pipeline import clean_document

    raw, name = case.raw(style)
    doc = clean_document(raw, name)
    m = doc.metadata
    return {"text": doc.body, "title": m.title, "author": m.author, "published": m.published}


def keep_all(case: Case, style: str) -> dict:
    raw, _ = case.raw(style)
    return {"text": raw.decode("utf-8", "replace")}


def trafilatura_html(case: Case, style: str) -> dict:
    import trafilatura

    html = case.html_text()
    text = trafilatura.extract(html, deduplicate=False) or ""
    meta = trafilatura.extract_metadata(html)
    m = meta.as_dict() if meta is not None else {}
    return {"text": text, "title": m.get("title"), "author": m.get("author"), "published": m.get("date")}


SYSTEMS = {"newsclean": newsclean, "keep-all": keep_all, "trafilatura": trafilatura_html}


def _contains(haystack: str, needle: str) -> bool:
    return " ".join(needle.split()) in haystack


def measure(cases: list[Case], system: str, style: str, out: Path | None, folds: FoldModels | None = None) -> dict:
    sc = scorer()
    run = SYSTEMS[system]
    rows = []
    elapsed = 0.0
    run(cases[0], style)  # warm-up: imports and lazy models are not a page's cost
    for case in cases:
        if folds is not None:
            folds.use_for(case.domain)
        t = time.perf_counter()
        try:
            pred = run(case, style)
        except Exception as exc:  # a failing page scores 0, the run goes on
            print(f"  {system}/{style} failed on {case.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            pred = {"text": ""}
        elapsed += time.perf_counter() - t
        text = pred.get("text") or ""
        s = sc.score_case(case.truth["body"], text)["shingle4"]
        row = {"id": case.id, "domain": case.domain, "f1": s["f1"], "precision": s["precision"], "recall": s["recall"]}
        flat = " ".join(text.split())
        if case.truth.get("with"):
            row["with"] = sum(_contains(flat, w) for w in case.truth["with"]) / len(case.truth["with"])
        if case.truth.get("without"):
            row["without"] = sum(_contains(flat, w) for w in case.truth["without"]) / len(case.truth["without"])
        for field in ("title", "author", "published"):
            if case.truth.get(field) and "title" in pred:
                row[field] = (same_date(pred.get(field), case.truth[field]) if field == "published"
                              else norm_meta(pred.get(field)) == norm_meta(case.truth[field]))
        if style != "html":
            holds = sc.score_case(case.truth["body"], case.raw(style)[0].decode("utf-8", "replace"))["shingle4"]
            row["dump_recall"] = holds["recall"]
        rows.append(row)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
    return summarise(rows, 1000 * elapsed / len(cases))


def summarise(rows: list[dict], ms: float) -> dict:
    def mean(key):
        vals = [r[key] for r in rows if key in r]
        return statistics.fmean(vals) if vals else None

    collapses = sum(1 for r in rows if r["f1"] < COLLAPSE_F1 and r.get("dump_recall", 1.0) >= HOLDS_ARTICLE_RECALL)
    return {"cases": len(rows), "f1": mean("f1"), "precision": mean("precision"), "recall": mean("recall"),
            "collapses": collapses, "with": mean("with"), "without": mean("without"),
            "title": mean("title"), "author": mean("author"), "published": mean("published"), "ms": ms}


def fmt(v, width=6, digits=3) -> str:
    return f"{v:{width}.{digits}f}" if isinstance(v, (int, float)) and v is not None else f"{'—':>{width}s}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("folders", nargs="*", type=Path, default=[AEB_DEV, WCXB_DEV])
    ap.add_argument("--styles", default=",".join(STYLES), help="comma-separated: " + ", ".join(STYLES))
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: " + ", ".join(SYSTEMS))
    ap.add_argument("--limit", type=int, help="first N cases of each folder (a quick look)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "extraction")
    ap.add_argument("--fold-models", type=Path, metavar="DIR",
                    help="clean each page with the models of its site's fold (written by bench/train_blocks.py and "
                         "bench/train_metadata.py --fold-models DIR): out-of-fold figures on the dev pages")
    a = ap.parse_args()
    styles = a.styles.split(",")
    systems = a.systems.split(",")
    print(f"{'folder':10s} {'system':12s} {'style':9s} {'cases':>5s} {'F1':>6s} {'P':>6s} {'R':>6s} {'coll.':>5s} "
          f"{'with':>6s} {'w/out':>6s} {'title':>6s} {'author':>6s} {'date':>6s} {'ms/page':>8s}")
    for folder in a.folders:
        cases = load_cases(folder)[: a.limit]
        label = folder.parent.name if folder.name == "dev" else folder.name
        for style in styles:
            present = [c for c in cases if c.has(style if style != "crude" else "text")]
            if not present:
                continue
            for system in systems:
                if (system == "trafilatura" and style != "html") or (system == "keep-all" and style == "html"):
                    continue
                folds = FoldModels(a.fold_models) if a.fold_models and system == "newsclean" else None
                s = measure(present, system, style, a.out / f"{label}-{system}-{style}.cases.jsonl", folds)
                print(f"{label:10s} {system:12s} {style:9s} {s['cases']:5d} {fmt(s['f1'])} {fmt(s['precision'])} "
                      f"{fmt(s['recall'])} {s['collapses']:5d} {fmt(s['with'])} {fmt(s['without'])} {fmt(s['title'])} "
                      f"{fmt(s['author'])} {fmt(s['published'])} {fmt(s['ms'], 8, 1)}", flush=True)


if __name__ == "__main__":
    main()

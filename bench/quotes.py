#!/usr/bin/env python3
"""Repeated-quote benchmark: newsclean over articles with repeated quotes, graded per article set.

    python bench/quotes.py [ARTICLE_SET_DIR ...] [--out bench/out/quotes] [-v]

Each ARTICLE_SET_DIR (default: ../shared/bench/quotes/dev_articles and dev_articles_partial)
holds raw/*.txt and gold/*.gold.json. The raw articles go through the whole newsclean pipeline
(the same clean_batch the CLI runs); the clean JSONL is graded by
`../shared/bench/score_quotes.py articles`, which prints repeat recall, originals kept, false
removals (and which were recorded as duplicate_quote). The time the dedup stage alone takes per
article is printed as well.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "bench"
DEFAULT_SETS = [SHARED / "quotes" / "dev_articles", SHARED / "quotes" / "dev_articles_partial"]


def dedup_ms_per_article(files: list[Path]) -> float:
    from newsclean.boilerplate import classify_boilerplate
    from newsclean.metadata import extract_metadata
    from newsclean.pipeline import ingest_document
    from newsclean.quotes import dedup_quotes
    from newsclean.repair import repair_paragraphs

    docs = [repair_paragraphs(classify_boilerplate(extract_metadata(ingest_document(f.read_bytes(), f.name))))
            for f in files]
    started = time.perf_counter()
    for _ in range(5):
        for d in docs:
            dedup_quotes(d)
    return 1000 * (time.perf_counter() - started) / (5 * len(docs))


def main() -> None:
    from newsclean.io import write_jsonl_atomic
    from newsclean.pipeline import clean_batch

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "quotes")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    for article_set in a.sets:
        files = sorted((article_set / "raw").glob("*.txt"))
        result = clean_batch([(str(f), f.name) for f in files])
        out = a.out / article_set.name / "documents.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl_atomic(out, result.records)
        print(f"== {article_set.name}: {len(files)} articles, dedup stage {dedup_ms_per_article(files):.2f} ms/article")
        sys.stdout.flush()
        cmd = [sys.executable, str(SHARED / "score_quotes.py"), "articles", str(article_set), str(out)]
        subprocess.run(cmd + (["-v"] if a.verbose else []), check=True)


if __name__ == "__main__":
    main()

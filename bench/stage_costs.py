#!/usr/bin/env python3
"""Cost of each pipeline stage per document, on real pages.

    python bench/stage_costs.py [FOLDER] [--repeat 3]

Runs every *.txt (and *.html) file of FOLDER (default: the extraction benchmark's dev pages)
through the stages one by one, as pipeline.clean_document does, and prints the mean, median (the
typical page) and 90th percentile milliseconds of each stage per document, and of the garble
stage per 5 KB of clean text. Single process, one core; the first pass is a warm-up (imports,
model loading).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "bench" / "extraction" / "dev"


def clear_caches() -> None:
    from newsclean import fluency, garble, patterns, signals

    for cached in (patterns.first_matching_rule, signals.guess_language_by_stopwords, signals.parse_date,
                   signals.word_count, signals.stopword_ratio,
                   fluency._zipf, garble._zipf):
        cached.cache_clear()


def main() -> None:
    from newsclean.garble import LM_COUNTS, GarbleRules
    from newsclean.pipeline import PipelineConfig, ingest_document, stages

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--suffix", default=".txt", help=".txt (text dumps) or .html")
    ap.add_argument("--garble", choices=("fast", "lm"), default="fast", help="the garble stage's mode")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    a = ap.parse_args()
    files = sorted(a.folder.glob(f"*{a.suffix}"))[:a.limit or None]
    config = PipelineConfig(garble=GarbleRules(mode=a.garble))
    raws = [(f.read_bytes(), f.name) for f in files]
    times: dict[str, list[float]] = defaultdict(list)
    garble_per_5kb: list[float] = []
    for rep in range(a.repeat + 1):
        clear_caches()
        for raw, name in raws:
            t = time.perf_counter()
            doc = ingest_document(raw, name)
            spent = {"ingest+segment": time.perf_counter() - t}
            for stage_name, stage in stages(config):
                t = time.perf_counter()
                doc = stage(doc)
                spent[stage_name] = time.perf_counter() - t
            if rep == 0:
                continue  # warm-up
            for k, v in spent.items():
                times[k].append(1000 * v)
            size = len(doc.body.encode())
            if size > 500:
                garble_per_5kb.append(1000 * spent["garble"] * 5000 / size)
    print(f"{len(files)} documents ({a.suffix}) from {a.folder}, {a.repeat} timed passes")
    print(f"{'stage':16s} {'mean ms':>8s} {'median':>8s} {'p90 ms':>8s}")
    for k, v in times.items():
        v = sorted(v)
        print(f"{k:16s} {statistics.mean(v):8.2f} {statistics.median(v):8.2f} {v[int(0.9 * len(v))]:8.2f}")
    g = sorted(garble_per_5kb)
    print(f"{'garble per 5 KB':16s} {statistics.mean(g):8.2f} {statistics.median(g):8.2f} {g[int(0.9 * len(g))]:8.2f}")
    if a.garble == "lm":
        share = LM_COUNTS["scored_by_lm"] / max(1, LM_COUNTS["sentences"])
        print(f"LM mode: {LM_COUNTS['scored_by_lm']} of {LM_COUNTS['sentences']} sentences given to the fluency "
              f"models were scored by the LM ({share:.1%}), over all passes")


if __name__ == "__main__":
    main()

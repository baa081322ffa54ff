#!/usr/bin/env python3
"""Cost of each pipeline stage per document, on real pages.

    python bench/stage_costs.py [FOLDER] [--repeat 3] [--suffix .txt|.html] [--limit N] [--garble fast|lm]

Runs every *.txt (or *.html) file of FOLDER (default: the extraction benchmark's dev pages; the
WCXB dev pages are ../shared/bench/wcxb/dev) through the stages one by one, as
pipeline.clean_document does, and prints the mean, median (the typical page), 90th and 99th
percentile and largest milliseconds of each stage and of the whole document, of the garble stage
per 5 KB of clean text, and the slowest pages with their costliest stage. Single process, one core;
the first pass is a warm-up (imports, model loading); a page's time is its median over the passes.
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
    from newsclean import fluency, patterns, signals

    for cached in (patterns.first_matching_rule, signals.guess_language_by_stopwords, signals.parse_date,
                   signals.word_count, signals.stopword_ratio,
                   fluency._zipf):  # garble._zipf is the same cache
        cached.cache_clear()


def main() -> None:
    from newsclean.garble import LM_COUNTS, GarbleRules
    from newsclean.pipeline import PipelineConfig, ingest_document, stages

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--suffix", default=".txt", help=".txt (text dumps), .md or .html (gzipped copies too)")
    ap.add_argument("--garble", choices=("fast", "lm"), default="fast", help="the garble stage's mode")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    a = ap.parse_args()
    files = sorted(f for f in a.folder.iterdir()
                   if f.name.endswith(a.suffix) or f.name.endswith(a.suffix + ".gz"))[:a.limit or None]
    config = PipelineConfig(garble=GarbleRules(mode=a.garble))
    raws = [(f.read_bytes(), f.name) for f in files]
    times: dict[str, list[float]] = defaultdict(list)
    per_page: dict[str, list[dict[str, float]]] = defaultdict(list)
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
            per_page[name].append({k: 1000 * v for k, v in spent.items()})
            size = len(doc.body.encode())
            if size > 500:
                garble_per_5kb.append(1000 * spent["garble"] * 5000 / size)
    print(f"{len(files)} documents ({a.suffix}) from {a.folder}, {a.repeat} timed passes")
    times["document"] = [sum(run.values()) for runs in per_page.values() for run in runs]

    def pct(v: list[float], q: float) -> float:
        return v[min(len(v) - 1, int(q * len(v)))]

    print(f"{'stage':16s} {'mean ms':>8s} {'median':>8s} {'p90 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}")
    for k, v in times.items():
        v = sorted(v)
        print(f"{k:16s} {statistics.mean(v):8.2f} {statistics.median(v):8.2f} {pct(v, 0.9):8.2f} {pct(v, 0.99):8.2f} {v[-1]:8.2f}")
    page_ms = {name: statistics.median(sum(run.values()) for run in runs) for name, runs in per_page.items()}
    med = statistics.median(page_ms.values())
    print(f"documents/s on one core: {1000 * len(page_ms) / sum(page_ms.values()):.1f}; "
          f"p99 / median page: {pct(sorted(page_ms.values()), 0.99) / med:.1f}")
    print("slowest pages:")
    for name in sorted(page_ms, key=page_ms.get, reverse=True)[:5]:
        stage_ms = {k: statistics.median(run[k] for run in per_page[name]) for k in per_page[name][0]}
        worst = max(stage_ms, key=stage_ms.get)
        print(f"  {name:28s} {page_ms[name]:8.1f} ms  ({worst} {stage_ms[worst]:.1f} ms)")
    g = sorted(garble_per_5kb)
    print(f"{'garble per 5 KB':16s} {statistics.mean(g):8.2f} {statistics.median(g):8.2f} {g[int(0.9 * len(g))]:8.2f}")
    if a.garble == "lm":
        share = LM_COUNTS["scored_by_lm"] / max(1, LM_COUNTS["sentences"])
        print(f"LM mode: {LM_COUNTS['scored_by_lm']} of {LM_COUNTS['sentences']} sentences given to the fluency "
              f"models were scored by the LM ({share:.1%}), over all passes")


if __name__ == "__main__":
    main()

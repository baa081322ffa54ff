#!/usr/bin/env python3
"""Incremental runs at scale: first run, no-change rerun, rerun with 1% new files.

    python bench/incremental.py [--docs 10000] [-j 2] [--source DIR ...] [--keep DIR]

The corpus is made from the shared pages' text dumps (WCXB dev and AEB dev by default), each
copy made unique by a small edit (one sentence added), written to a temporary folder (never into
the repository). Each run is `newsclean clean SRC --out OUT --incremental` in a fresh process,
timed as a whole (wall, including start-up) with its peak resident memory from /usr/bin/time
(the parent process; with -j the workers' own peaks are printed beside it).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
DEFAULT_SOURCES = [SHARED / "wcxb" / "dev", SHARED / "extraction" / "dev"]
CLI = [sys.executable, "-m", "newsclean.cli"]


def make_corpus(sources: list[Path], folder: Path, docs: int, start: int = 0) -> int:
    pages = sorted(p for s in sources for p in s.glob("*.txt"))
    if not pages:
        sys.exit(f"no .txt pages under {', '.join(map(str, sources))}")
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for i in range(start, start + docs):
        page = pages[i % len(pages)]
        text = page.read_text(encoding="utf-8", errors="replace")
        # a small edit that makes each copy a distinct document, the rest of the page as it was
        (folder / f"{i // 1000:03d}").mkdir(exist_ok=True)
        (folder / f"{i // 1000:03d}" / f"{i:06d}-{page.stem}.txt").write_text(
            text + f"\n\nArchive copy {i} of {page.stem}, filed for the incremental benchmark.\n", encoding="utf-8")
        written += 1
    return written


def timed_run(src: Path, out: Path, workers: int) -> dict:
    cmd = ["/usr/bin/time", "-f", "RSS_KB=%M"] + CLI + ["clean", str(src), "--out", str(out), "--incremental", "-q",
                                                        "-j", str(workers)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    rss = int(re.search(r"RSS_KB=(\d+)", proc.stderr).group(1))
    summary = json.loads((out / "summary.json").read_text())
    return {"wall": wall, "rss_mb": rss / 1024, "cleaned": summary["documents"], "rejected": summary["rejected"],
            "inputs": summary["inputs"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("-j", "--workers", type=int, default=1)
    ap.add_argument("--source", type=Path, action="append")
    ap.add_argument("--keep", type=Path, help="build the corpus and output here and keep them")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="newsclean-incremental-"))
    src, out = base / "raw", base / "clean"
    try:
        t = time.perf_counter()
        n = make_corpus(args.source or DEFAULT_SOURCES, src, args.docs)
        print(f"corpus: {n} files in {time.perf_counter() - t:.1f} s under {src}", flush=True)
        rows = [("first run", timed_run(src, out, args.workers))]
        rows.append(("no-change rerun", timed_run(src, out, args.workers)))
        make_corpus(args.source or DEFAULT_SOURCES, src, max(1, args.docs // 100), start=args.docs)
        rows.append(("rerun, 1% new", timed_run(src, out, args.workers)))
        print(f"\n{'run':18s} {'wall s':>8s} {'cleaned':>8s} {'docs/s':>8s} {'peak RSS MB':>12s}  inputs")
        for name, r in rows:
            rate = r["cleaned"] / r["wall"] if r["cleaned"] else 0
            print(f"{name:18s} {r['wall']:8.1f} {r['cleaned']:8d} {rate:8.1f} {r['rss_mb']:12.0f}  {r['inputs']}")
        print(f"\n-j {args.workers}; wall includes process start-up; docs/s counts documents cleaned in that run")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

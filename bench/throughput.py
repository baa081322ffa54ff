#!/usr/bin/env python3
"""Throughput of the whole pipeline: documents/s, MB/s and peak memory, with and without Prefect.

    python bench/throughput.py [--docs 2000] [--source ../shared/bench/extraction/dev] [--no-prefect]

The corpus is the text dumps (*.txt) of SOURCE, repeated (each copy made unique by one line, so
nothing is rejected as a duplicate) until it holds --docs documents. It is written to a temporary
folder and cleaned three times: by the plain runner (what `newsclean clean` does), by the same
runner with one process per core ("workers", `newsclean clean -j N`), and by the Prefect flow
under Prefect's temporary test server. Peak memory is the process's maximum resident set size
(ru_maxrss), measured in a fresh subprocess for each mode (for "workers", the parent's only).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "bench" / "extraction" / "dev"

CHILD = r"""
import json, resource, sys, time
mode, src, out = sys.argv[1:4]
t = time.perf_counter()
if mode in ("plain", "workers"):
    import os
    from newsclean import run_clean
    summary = run_clean([src], out, workers=1 if mode == "plain" else (os.cpu_count() or 1)).as_dict()
else:
    from prefect.testing.utilities import prefect_test_harness
    from flows.clean import clean_flow
    with prefect_test_harness():
        t = time.perf_counter()  # the temporary server's start-up is not the flow's cost
        summary = clean_flow(raw_paths=[src], out_dir=out)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "documents": summary["documents"], "rejected": summary["rejected"],
                  "bytes_in": summary["bytes_in"], "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_corpus(source: Path, n: int, dest: Path) -> int:
    texts = sorted(source.glob("*.txt"))
    if not texts:
        sys.exit(f"no .txt files in {source}")
    total = 0
    for i in range(n):
        f = texts[i % len(texts)]
        (dest / f"{i:05d}_{f.name}").write_bytes(f.read_bytes() + f"\n\ncopy {i}\n".encode())
        total += f.stat().st_size
    return total


def run(mode: str, src: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{mode} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--no-prefect", action="store_true", help="only the plain runner")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "raw"
        src.mkdir()
        size = build_corpus(a.source, a.docs, src)
        print(f"corpus: {a.docs} documents, {size / 1e6:.1f} MB (text dumps of {a.source})")
        modes = ["plain", "workers"] + ([] if a.no_prefect else ["prefect"])
        print(f"{'mode':8s} {'docs/s':>8s} {'MB/s':>6s} {'seconds':>8s} {'peak MB':>8s} {'cleaned':>8s} {'rejected':>8s}")
        for mode in modes:
            r = run(mode, src, Path(tmp) / f"out-{mode}")
            print(f"{mode:8s} {r['documents'] / r['seconds']:8.1f} {r['bytes_in'] / 1e6 / r['seconds']:6.2f} "
                  f"{r['seconds']:8.1f} {r['peak_mb']:8.0f} {r['documents']:8d} {r['rejected']:8d}")


if __name__ == "__main__":
    main()

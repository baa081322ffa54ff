#!/usr/bin/env python3
"""Throughput of the whole pipeline: documents/s, MB/s and peak memory, per input form and runner.

    python bench/throughput.py [--docs 2000 20000] [--source ../shared/bench/extraction/dev] [--modes ...]

The corpus is the text dumps (*.txt) of SOURCE, repeated (each copy made unique by one line, so
nothing is rejected as a duplicate) until it holds --docs documents, written as files, or as one
JSON Lines file (``jsonl``); ``warc`` is SOURCE's HTML pages, repeated the same way, as one WARC
file (the HTML path: another workload). Modes: ``plain`` (what `newsclean clean` does),
``workers`` (one process per core, `-j N`), ``jsonl``, ``warc``, ``dask-1`` / ``dask-2`` (a local
Dask cluster of 1 or 2 worker processes, `--dask local`), ``prefect`` (the flow, under Prefect's
temporary test server) and ``prefect-dask`` (the flow with workers=2: prefect-dask on a local
cluster). Peak memory is the maximum resident set size (ru_maxrss) of the run's process, and of its
largest child (worker processes), measured in a fresh subprocess for each mode.
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
if mode in ("plain", "workers", "jsonl", "warc", "dask-1", "dask-2"):
    import os
    from newsclean import run_clean
    from newsclean.io import discover
    from newsclean.run import clean_files, dask_batches
    workers = {"workers": os.cpu_count() or 1, "dask-1": 1, "dask-2": 2}.get(mode, 1)
    options = {"batch_runner": dask_batches(None)} if mode.startswith("dask") else {}
    summary = clean_files(discover([src]), out, workers=workers, **options).as_dict()
else:
    from prefect.testing.utilities import prefect_test_harness
    from flows.clean import clean_flow
    with prefect_test_harness():
        t = time.perf_counter()  # the temporary server's start-up is not the flow's cost
        summary = clean_flow(raw_paths=[src], out_dir=out, workers=2 if mode == "prefect-dask" else 1)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "documents": summary["documents"], "rejected": summary["rejected"],
                  "bytes_in": summary["bytes_in"], "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
MODES = ("plain", "workers", "jsonl", "warc", "dask-1", "dask-2", "prefect", "prefect-dask")


def build_corpus(source: Path, n: int, dest: Path, form: str) -> int:
    """``n`` documents from SOURCE's text dumps as files (``files``) or one JSON Lines file
    (``jsonl``), or from its HTML pages as one WARC file (``warc``); returns the raw bytes."""
    import gzip
    import io

    texts = sorted(source.glob("*.html" if form == "warc" else "*.txt"))
    if not texts:
        sys.exit(f"no input files in {source}")
    total = 0
    if form == "files":
        for i in range(n):
            f = texts[i % len(texts)]
            data = f.read_bytes() + f"\n\ncopy {i}\n".encode()
            (dest / f"{i:05d}_{f.name}").write_bytes(data)
            total += len(data)
    elif form == "jsonl":
        with gzip.open(dest / "corpus.jsonl.gz", "wt", encoding="utf-8") as fh:
            for i in range(n):
                text = texts[i % len(texts)].read_text(encoding="utf-8", errors="replace") + f"\n\ncopy {i}\n"
                fh.write(json.dumps({"text": text, "url": f"https://example.org/{i}"}) + "\n")
                total += len(text.encode())
    else:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        with open(dest / "corpus.warc.gz", "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for i in range(n):
                html = texts[i % len(texts)].read_bytes().replace(b"</body>", f"<p>copy {i}</p></body>".encode())
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response",
                                                              payload=io.BytesIO(html), http_headers=headers))
                total += len(html)
    return total


def run(mode: str, src: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{mode} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[2000], help="corpus sizes, e.g. 2000 20000")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    a = ap.parse_args()
    print(f"{'docs':>6s} {'mode':12s} {'docs/s':>8s} {'MB/s':>6s} {'seconds':>8s} {'peak MB':>8s} {'child MB':>8s} "
          f"{'cleaned':>8s} {'rejected':>8s}")
    for n in a.docs:
        with tempfile.TemporaryDirectory() as tmp:
            made: dict[str, Path] = {}
            for mode in a.modes:
                form = mode if mode in ("jsonl", "warc") else "files"
                if form not in made:
                    made[form] = Path(tmp) / form
                    made[form].mkdir()
                    build_corpus(a.source, n, made[form], form)
                r = run(mode, made[form], Path(tmp) / f"out-{mode}")
                print(f"{n:6d} {mode:12s} {r['documents'] / r['seconds']:8.1f} {r['bytes_in'] / 1e6 / r['seconds']:6.2f} "
                      f"{r['seconds']:8.1f} {r['peak_mb']:8.0f} {r['children_peak_mb']:8.0f} {r['documents']:8d} "
                      f"{r['rejected']:8d}", flush=True)


if __name__ == "__main__":
    main()

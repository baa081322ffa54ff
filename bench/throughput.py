#!/usr/bin/env python3
"""Throughput of the whole pipeline: documents/s, MB/s and peak memory, per input form and runner, beside peers.

    python bench/throughput.py [--docs 2000 20000] [--source ../shared/bench/wcxb/dev] [--modes ...] [--repeat 3]

The corpus is the text dumps (*.txt) of SOURCE, repeated (each copy made unique by one line, so
nothing is rejected as a duplicate) until it holds --docs documents, written as files, or as one
JSON Lines file (``jsonl``); ``warc`` is SOURCE's HTML pages (``.html`` or ``.html.gz``), repeated
the same way, as one WARC file (the HTML path: another workload). Modes: ``plain`` (what
`newsclean clean` does), ``workers`` (one process per core, `-j N`), ``jsonl``, ``warc``,
``dask-1`` / ``dask-2`` (a local Dask cluster of 1 or 2 worker processes, `--dask local`),
``prefect`` (the flow, under Prefect's temporary test server) and ``prefect-dask`` (the flow with
workers=2: prefect-dask on a local cluster).

Peers, on the same files in the same run (install them with ``pip install -e ".[bench]"``):

- ``datatrove``: datatrove's text filter chain as FineWeb runs it, one task: JsonlReader over the
  ``jsonl`` corpus → GopherRepetitionFilter → GopherQualityFilter →
  C4QualityFilter(filter_no_terminal_punct=False) → FineWebQualityFilter → JsonlWriter. Compare
  it with ``jsonl`` (the same file, newsclean). It filters documents and cleans no line, so it is a
  floor on what a cleaning pipeline costs, not the same work.
- ``trafilatura``: ``trafilatura.extract`` alone on every HTML page of the ``warc`` corpus, text
  written as JSON Lines. Compare it with ``warc`` (the HTML path).

With ``--repeat R`` every mode runs R times, interleaved (mode A, B, A, B, ...), each in a fresh
subprocess; the table gives the median time and the largest peak. Pages/s counts every page read
(cleaned + rejected; for datatrove, kept + filtered). Peak memory is the maximum resident set size
(ru_maxrss) of the run's process, and of its largest child (worker processes).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "bench" / "wcxb" / "dev"

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
elif mode == "datatrove":
    import glob, gzip, os
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter)
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from loguru import logger
    logger.remove()  # datatrove logs every step at INFO to stderr
    LocalPipelineExecutor(pipeline=[
        JsonlReader(src), GopherRepetitionFilter(), GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False), FineWebQualityFilter(), JsonlWriter(out),
    ], tasks=1, workers=1, logging_dir=os.path.join(out, "logs")).run()
    def lines(path):
        with gzip.open(path, "rt") as fh:
            return sum(1 for _ in fh)
    kept = sum(lines(f) for f in glob.glob(os.path.join(out, "*.jsonl.gz")))
    pages = lines(glob.glob(os.path.join(src, "*.jsonl.gz"))[0])
    summary = {"documents": kept, "rejected": pages - kept}
elif mode == "trafilatura":
    import glob, os
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator
    os.makedirs(out, exist_ok=True)
    kept = rejected = 0
    with open(glob.glob(os.path.join(src, "*.warc.gz"))[0], "rb") as fh, \
            open(os.path.join(out, "documents.jsonl"), "w", encoding="utf-8") as dst:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            text = trafilatura.extract(rec.content_stream().read().decode("utf-8", "replace"))
            if text:
                kept += 1
                dst.write(json.dumps({"url": rec.rec_headers.get_header("WARC-Target-URI"), "text": text}) + "\n")
            else:
                rejected += 1
    summary = {"documents": kept, "rejected": rejected}
else:
    from prefect.testing.utilities import prefect_test_harness
    from flows.clean import clean_flow
    with prefect_test_harness():
        t = time.perf_counter()  # the temporary server's start-up is not the flow's cost
        summary = clean_flow(raw_paths=[src], out_dir=out, workers=2 if mode == "prefect-dask" else 1)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "documents": summary["documents"], "rejected": summary["rejected"],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
MODES = ("plain", "workers", "jsonl", "warc", "dask-1", "dask-2", "prefect", "prefect-dask", "datatrove", "trafilatura")
#: the input form each mode reads
FORM = {"jsonl": "jsonl", "datatrove": "jsonl", "warc": "warc", "trafilatura": "warc"}


def build_corpus(source: Path, n: int, dest: Path, form: str) -> int:
    """``n`` documents from SOURCE's text dumps as files (``files``) or one JSON Lines file
    (``jsonl``), or from its HTML pages as one WARC file (``warc``); returns the raw bytes."""
    import gzip
    import io

    if form == "warc":
        texts = sorted([*source.glob("*.html"), *source.glob("*.html.gz")])
    else:
        texts = sorted(source.glob("*.txt"))
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
                f = texts[i % len(texts)]
                html = (gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()).replace(b"</body>", f"<p>copy {i}</p></body>".encode())
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
    ap.add_argument("--modes", nargs="+", default=[m for m in MODES if m not in ("datatrove", "trafilatura")],
                    choices=MODES, help="runners to time (datatrove and trafilatura are peers: name them)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per mode, interleaved; the median is printed")
    a = ap.parse_args()
    import statistics

    print(f"{'docs':>6s} {'mode':12s} {'pages/s':>8s} {'MB/s':>6s} {'seconds':>8s} {'peak MB':>8s} {'child MB':>8s} "
          f"{'kept':>8s} {'rejected':>8s}  runs")
    for n in a.docs:
        with tempfile.TemporaryDirectory() as tmp:
            made: dict[str, Path] = {}
            size: dict[str, int] = {}
            for mode in a.modes:
                form = FORM.get(mode, "files")
                if form not in made:
                    made[form] = Path(tmp) / form
                    made[form].mkdir()
                    size[form] = build_corpus(a.source, n, made[form], form)
            results: dict[str, list[dict]] = {m: [] for m in a.modes}
            for i in range(a.repeat):
                for mode in a.modes:
                    out = Path(tmp) / f"out-{mode}-{i}"
                    results[mode].append(run(mode, made[FORM.get(mode, "files")], out))
                    subprocess.run(["rm", "-rf", str(out)], check=True)
            for mode, rs in results.items():
                secs = statistics.median(r["seconds"] for r in rs)
                r = rs[0]
                pages = r["documents"] + r["rejected"]
                print(f"{n:6d} {mode:12s} {pages / secs:8.1f} {size[FORM.get(mode, 'files')] / 1e6 / secs:6.2f} "
                      f"{secs:8.1f} {max(x['peak_mb'] for x in rs):8.0f} {max(x['children_peak_mb'] for x in rs):8.0f} "
                      f"{r['documents']:8d} {r['rejected']:8d}  {' '.join(format(x['seconds'], '.1f') for x in rs)}",
                      flush=True)


if __name__ == "__main__":
    main()

"""The Prefect flow: clean a folder of raw articles in file batches, one task per batch.

A task costs ~15 ms of engine overhead, so tasks are batches of files, never single documents.
Batches run concurrently on the default thread-pool task runner; their results are validated
and written in input order by the flow, so output is identical to ``newsclean clean``. Each run
publishes a Markdown artifact with the run summary, visible in the Prefect UI.

Serve it without a deployment:   python -m flows.clean --serve
"""
from __future__ import annotations

import argparse
from itertools import islice
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from newsclean.corpus import CorpusLines
from newsclean.io import REJECTS, OutputWriter, batched, discover, read_jsonl
from newsclean.pipeline import BatchResult, clean_batch
from newsclean.quotes import QuoteIndex
from newsclean.run import DEFAULT_BATCH_SIZE


# NO_CACHE: results are not persisted anyway, and hashing the inputs (file lists, the corpus
# index) for a cache key would cost time on every task
@task(name="index-corpus-lines", cache_policy=NO_CACHE)
def corpus_lines_task(files: list[tuple[str, str]]) -> CorpusLines:
    """Pre-pass: the short lines that repeat across the corpus (site furniture)."""
    return CorpusLines.from_files(files)


@task(name="clean-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def clean_batch_task(files: list[tuple[str, str]], corpus: CorpusLines | None = None) -> BatchResult:
    """Clean one batch of ``(path, source)`` files (pure function, safe to retry)."""
    return clean_batch(files, corpus=corpus)


def summary_markdown(summary: dict, out_dir: str, rejects: list[dict]) -> str:
    def rows(counter: dict) -> str:
        return "\n".join(f"| {k} | {v} |" for k, v in counter.items()) or "| – | 0 |"

    ratio = summary["bytes_out"] / summary["bytes_in"] if summary["bytes_in"] else 0
    lines = [
        f"# newsclean run → `{out_dir}`", "",
        f"**{summary['documents']}** documents cleaned, **{summary['rejected']}** rejected; "
        f"{summary['bytes_in']:,} bytes in, {summary['bytes_out']:,} out ({ratio:.0%} kept); "
        f"{summary['repairs']} paragraphs repaired; {summary['seconds']:.2f} s cleaning.", "",
        "## Removed, by category", "| category | blocks |", "|---|---|", rows(summary["removed_by_category"]), "",
        "## Removed, by rule", "| rule | blocks |", "|---|---|", rows(summary["removed_by_rule"]), "",
        "## Flags", "| kind | count |", "|---|---|", rows(summary["flags_by_kind"]), "",
        "| signal | count |", "|---|---|", rows(summary["flags_by_reason"]), "",
        "## Rejects", "| source | stage | reason |", "|---|---|---|",
        "\n".join(f"| {r['source']} | {r['stage']} | {r['reason'][:120]} |" for r in rejects) or "| – | – | – |",
    ]
    return "\n".join(lines)


@flow(name="newsclean-clean", log_prints=True)
def clean_flow(raw_paths: list[str] | None = None, out_dir: str = "clean",
               batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Clean every raw file under ``raw_paths`` (default ``["raw"]``) into ``out_dir``."""
    logger = get_run_logger()
    files = discover(raw_paths or ["raw"])
    batches = batched(files, batch_size)
    logger.info("%d files in %d batches of up to %d", len(files), len(batches), batch_size)
    corpus = corpus_lines_task(files)
    logger.info("%d lines repeat across the corpus", len(corpus.repeated))
    pending = list(clean_batch_task.map(batches, corpus=unmapped(corpus)))
    writer = OutputWriter(out_dir)
    quotes = QuoteIndex()
    try:
        for i in range(1, len(batches) + 1):
            result = pending.pop(0).result()  # drop each batch once written: memory stays flat
            for record in writer.write_batch(result):
                quotes.add(record)
            logger.info("batch %d/%d: %d cleaned, %d rejected", i, len(batches),
                        len(result.records), len(result.rejects))
        summary = writer.commit(quotes.rows()).as_dict()
    except BaseException:
        writer.abort()
        raise
    create_markdown_artifact(key="newsclean-run-summary",
                             markdown=summary_markdown(summary, out_dir, _first_rejects(Path(out_dir))),
                             description=f"newsclean: {summary['documents']} cleaned, {summary['rejected']} rejected")
    return summary


def _first_rejects(out_dir: Path, limit: int = 50) -> list[dict]:
    """The first rejects as written (validation failures included), for the artifact's table."""
    path = out_dir / REJECTS
    return list(islice(read_jsonl(path), limit)) if path.exists() else []


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run or serve the newsclean Prefect flow.")
    parser.add_argument("--serve", action="store_true", help="serve on an interval schedule (Ctrl-C stops)")
    parser.add_argument("--interval", type=int, default=3600, help="seconds between scheduled runs with --serve")
    parser.add_argument("--raw", default="raw")
    parser.add_argument("--out", default="clean")
    args = parser.parse_args()
    if args.serve:
        clean_flow.serve(name="newsclean-local", interval=args.interval,
                         parameters={"raw_paths": [args.raw], "out_dir": args.out})
    else:
        print(clean_flow(raw_paths=[args.raw], out_dir=args.out))

"""The Prefect flow: the CLI's runner (newsclean/run.py) with one Prefect task per batch of files.

A task costs ~15 ms of engine overhead, so tasks are batches of pages, never single documents. With
``workers`` > 1 or a ``dask_address``, the batches run on Dask through prefect-dask (a local cluster,
or an existing one): the parent flow picks the task runner and runs the batches in a subflow.
The runner decides what to clean (incremental by default: only new and changed files, resumable)
and writes results in input order, so output is identical to ``newsclean clean``; batches in
flight are bounded. Each run publishes a Markdown artifact with the run summary, visible in the
Prefect UI. An empty or missing input folder fails the run and leaves the output as it was.

Serve it without a deployment:   python -m flows.clean --serve
"""
from __future__ import annotations

import argparse
from collections import deque
from itertools import islice
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from newsclean.corpus import CorpusLines
from newsclean.io import REJECTS, discover, read_jsonl
from newsclean.pipeline import BatchResult, InputLimits, PipelineConfig, clean_batch
from newsclean.garble import GarbleRules
from newsclean.readers import Fields
from newsclean.run import DEFAULT_BATCH_SIZE, clean_files, clean_incremental


@task(name="clean-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def clean_batch_task(files: list[tuple[str, str]], config: PipelineConfig,
                     corpus: CorpusLines | None = None) -> BatchResult:
    """Clean one batch of ``(path, source)`` files (pure function, safe to retry)."""
    return clean_batch(files, config, corpus)


def _task_batches(batches, config: PipelineConfig, workers: int, corpus: CorpusLines | None):
    """The runner's batch results, each from a Prefect task; at most ``2 × workers`` in flight."""
    logger = get_run_logger()
    pending: deque = deque()
    todo = iter(batches)
    limit = max(2, 2 * workers)
    for i, batch in enumerate(todo):
        pending.append(clean_batch_task.submit(batch, config, corpus))
        if len(pending) >= limit:
            break
    done = 0
    while pending:
        result = pending.popleft().result()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(clean_batch_task.submit(nxt, config, corpus))
        done += 1
        logger.info("batch %d: %d cleaned, %d rejected", done, len(result.records), len(result.rejects))
        yield result


def summary_markdown(summary: dict, out_dir: str, rejects: list[dict]) -> str:
    def rows(counter: dict) -> str:
        return "\n".join(f"| {k} | {v} |" for k, v in counter.items()) or "| – | 0 |"

    ratio = summary["bytes_out"] / summary["bytes_in"] if summary["bytes_in"] else 0
    lines = [
        f"# newsclean run → `{out_dir}`", "",
        f"**{summary['documents']}** documents cleaned, **{summary['rejected']}** rejected; "
        f"{summary['bytes_in']:,} bytes in, {summary['bytes_out']:,} out ({ratio:.0%} kept); "
        f"{summary['repairs']} paragraphs repaired; {summary['seconds']:.2f} s cleaning.", "",
        "## Inputs", "| what | files |", "|---|---|", rows(summary.get("inputs", {})), "",
        "## Removed, by category", "| category | blocks |", "|---|---|", rows(summary["removed_by_category"]), "",
        "## Removed, by rule", "| rule | blocks |", "|---|---|", rows(summary["removed_by_rule"]), "",
        "## Flags", "| kind | count |", "|---|---|", rows(summary["flags_by_kind"]), "",
        "| signal | count |", "|---|---|", rows(summary["flags_by_reason"]), "",
        "## Rejects", "| source | stage | reason |", "|---|---|---|",
        "\n".join(f"| {r['source']} | {r['stage']} | {r['reason'][:120]} |" for r in rejects) or "| – | – | – |",
    ]
    return "\n".join(lines)


def task_runner_for(workers: int, dask_address: str | None):
    """Prefect's task runner for a run: Dask through prefect-dask when a scheduler address is given
    (an existing cluster) or ``workers`` > 1 (a local cluster of that many processes, closed after
    the run); else Prefect's default (one batch at a time here: the cleaning is CPU-bound)."""
    if not dask_address and workers <= 1:
        return None
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": ":0"})  # any free port: never a clash


@flow(name="newsclean-clean-batches", log_prints=True)
def clean_batches_flow(raw_paths: list[str], out_dir: str, options: dict, incremental: bool) -> dict:
    """The runner over the files under ``raw_paths`` with one task per batch, on the task runner the
    parent chose. The folders, not the file list, are its parameters: Prefect's server refuses a
    flow run whose parameters pass 512 KB serialized (~3,000 file names)."""
    files = discover(raw_paths)
    get_run_logger().info("%d files under %s", len(files), raw_paths)
    run = clean_incremental if incremental else clean_files
    return run(files, out_dir, batch_runner=_task_batches, **options).as_dict()


@flow(name="newsclean-clean", log_prints=True)
def clean_flow(raw_paths: list[str] | None = None, out_dir: str = "clean",
               batch_size: int = DEFAULT_BATCH_SIZE, incremental: bool = True, workers: int = 1,
               corpus_lines: bool = True, reclean: bool = False, state_url: str | None = None,
               force: bool = False, max_mb: float = 50, time_budget: float = 60,
               fields: list[str] | None = None, dask_address: str | None = None,
               shard_mb: int = 64, gzip_shards: bool = False, garble: str = "fast") -> dict:
    """Clean the raw files under ``raw_paths`` (default ``["raw"]``) into ``out_dir``: by default
    only new and changed ones, appended to the dataset there (``incremental=False``: a snapshot).

    The parameters are the CLI's options: ``workers`` > 1 cleans batches on a local Dask cluster
    of that many processes, ``dask_address`` on an existing cluster (``tcp://HOST:PORT``);
    ``fields`` renames JSON Lines fields (``["html=raw_html"]``); ``garble`` is "fast" or "lm"."""
    logger = get_run_logger()
    raw_paths = [str(p) for p in raw_paths or ["raw"]]
    discover(raw_paths)  # a missing or empty folder raises here: the run fails, output untouched
    config = PipelineConfig(limits=InputLimits(max_bytes=int(max_mb * 1024 * 1024), seconds=time_budget),
                            garble=GarbleRules(mode=garble))
    if garble == "lm":  # convert the model once here, not in every worker (a missing package raises)
        from newsclean.lm import prepare

        logger.info("LM garble mode: model at %s", prepare())
    options = dict(batch_size=batch_size, config=config, workers=workers, corpus_lines=corpus_lines,
                   fields=Fields.parse(fields or []))
    if incremental:
        options.update(state_url=state_url, reclean=reclean, shard_bytes=shard_mb * 1024 * 1024, compress=gzip_shards)
    else:
        options.update(force=force)
    runner = task_runner_for(workers, dask_address)
    inner = clean_batches_flow if runner is None else clean_batches_flow.with_options(task_runner=runner)
    summary = inner(raw_paths, out_dir, options, incremental)
    create_markdown_artifact(key="newsclean-run-summary",
                             markdown=summary_markdown(summary, out_dir, _first_rejects(Path(out_dir))),
                             description=f"newsclean: {summary['documents']} cleaned, {summary['rejected']} rejected")
    return summary


def _first_rejects(out_dir: Path, limit: int = 50) -> list[dict]:
    """The first rejects as written (validation failures included), for the artifact's table."""
    paths = [out_dir / REJECTS] if (out_dir / REJECTS).exists() else sorted((out_dir / "rejects").glob("*.jsonl"))
    rows: list[dict] = []
    for path in paths:
        rows += list(islice(read_jsonl(path), limit - len(rows)))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run or serve the newsclean Prefect flow.")
    parser.add_argument("--serve", action="store_true", help="serve on an interval schedule (Ctrl-C stops)")
    parser.add_argument("--interval", type=int, default=3600, help="seconds between scheduled runs with --serve")
    parser.add_argument("--raw", default="raw")
    parser.add_argument("--out", default="clean")
    parser.add_argument("--snapshot", action="store_true", help="replace a snapshot output instead of adding to the dataset")
    args = parser.parse_args()
    params = {"raw_paths": [args.raw], "out_dir": args.out, "incremental": not args.snapshot}
    if args.serve:
        # limit=1: a run that outlasts the interval is not overlapped by the next one
        clean_flow.serve(name="newsclean-local", interval=args.interval, parameters=params, limit=1)
    else:
        print(clean_flow(**params))

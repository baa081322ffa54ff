"""Run: clean many files in batches into an output folder, without Prefect.

The one runner behind ``newsclean clean`` and the Prefect flow. Two output modes:

- **snapshot** (:func:`clean_files`, the CLI's default): ``documents.jsonl``, ``rejects.jsonl``,
  ``quotes.jsonl`` and ``summary.json`` replaced atomically at the end of the run;
- **incremental** (:func:`clean_incremental`, ``--incremental`` and the flow's default): only inputs
  that are new or changed since the last run are cleaned; records are appended to size-capped
  shards of an append-only dataset (newsclean/dataset.py), each batch committed to the state
  store (newsclean/state.py) in one transaction, so a killed run resumes where it stopped.

Inputs are streamed as pages (newsclean/readers.py: a file, a JSON Lines line, a WARC record) and
cut into batches lazily. Batches are cleaned here, by worker processes, or on Dask
(:func:`dask_batches`), at most ``2 × workers`` in flight, and written in input order, so the
output does not depend on scheduling and memory does not grow with the corpus. Everything that
links records (identical ids, near-duplicates, quotes) happens in the writer, in that order.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import sys
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import orjson

from .corpus import CorpusLines, article_and_lines
from .io import DOCUMENTS, SUMMARY, InputError, OutputWriter, discover, screen_batch, write_jsonl_atomic, write_summary
from .near_duplicates import NearDuplicateIndex
from .pipeline import BatchResult, PipelineConfig, RunSummary, clean_batch
from .quotes import QuoteIndex
from .readers import DEFAULT_BATCH_SIZE, Fields, Page, container_kind, pages

#: the lock file of an incremental dataset (hidden: no glob of the output matches it)
LOCK = ".newsclean.lock"


class OutputShrinkError(InputError):
    """A snapshot run would replace an output with fewer records, from other inputs."""


def pipeline_version() -> str:
    """The package version and a digest of the shipped models: a record cleaned under another
    version is 'stale' (re-cleaned only with ``--reclean``)."""
    from . import __version__

    digest = hashlib.sha256()
    for model in sorted((Path(__file__).parent / "models").glob("*")):
        digest.update(model.name.encode() + model.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:8]}"


BatchRunner = Callable[[Iterable[list[Page]], PipelineConfig, int, "CorpusLines | None"], Iterator[BatchResult]]


def batches_of(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size``, lazily: a JSON Lines file of a million pages is never held."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _cleaned_batches(batches: Iterable[list[Page]], config: PipelineConfig, workers: int,
                     corpus: CorpusLines | None) -> Iterator[BatchResult]:
    """Batch results in input order, cleaned here or by ``workers`` processes, at most
    ``2 × workers`` batches in flight (memory stays flat however many batches there are)."""
    if workers <= 1:
        for batch in batches:
            yield clean_batch(batch, config, corpus)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        todo = iter(batches)
        for batch in todo:
            pending.append(pool.submit(clean_batch, batch, config, corpus))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(clean_batch, nxt, config, corpus))
            yield result


def dask_batches(address: str | None = None) -> BatchRunner:
    """A batch runner on Dask: the cluster whose scheduler is at ``address`` (``tcp://HOST:PORT``;
    its workers need newsclean installed), or a local cluster of ``workers`` processes (one thread
    each) started for the run and closed after it. At most ``2 × cluster threads`` batches are in
    flight, and results come back in input order, so the output is the plain run's."""

    def run(batches: Iterable[list[Page]], config: PipelineConfig, workers: int,
            corpus: CorpusLines | None) -> Iterator[BatchResult]:
        from distributed import Client, LocalCluster

        cluster = None
        if address:
            client = Client(address)
        else:
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            shared = client.scatter(corpus, broadcast=True) if corpus is not None else None
            limit = 2 * max(1, sum(client.nthreads().values()))
            pending: deque = deque()
            todo = iter(batches)
            for batch in todo:
                pending.append(client.submit(clean_batch, batch, config, shared, pure=False))
                if len(pending) >= limit:
                    break
            while pending:
                future = pending.popleft()
                result = future.result()
                future.release()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(client.submit(clean_batch, nxt, config, shared, pure=False))
                yield result
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run


def run_clean(paths: Iterable[str | Path], out_dir: str | Path, batch_size: int = DEFAULT_BATCH_SIZE,
              config: PipelineConfig = PipelineConfig(),
              on_batch: Callable[[BatchResult, int], None] | None = None, workers: int = 1,
              corpus_lines: bool = True, force: bool = False, fields: Fields = Fields()) -> RunSummary:
    """Clean every supported file under ``paths`` into ``out_dir`` (snapshot); returns the summary.

    ``workers`` > 1 cleans batches in that many processes (the output is the same, in input
    order). ``corpus_lines`` runs the pre-pass that finds lines repeated across the corpus
    (newsclean/corpus.py). ``on_batch(result, files_in_batch)`` is called after each batch.
    """
    return clean_files(discover(paths), out_dir, batch_size, config, on_batch, workers, corpus_lines, force,
                       fields=fields)


def _previous_snapshot(out: Path) -> tuple[int, str | None]:
    """(records in the current documents.jsonl, digest of the inputs it was made from)."""
    docs = out / DOCUMENTS
    if not docs.is_file():
        return 0, None
    with open(docs, "rb") as fh:
        count = sum(1 for line in fh if line.strip())
    try:
        digest = orjson.loads((out / SUMMARY).read_bytes()).get("inputs_digest")
    except (OSError, ValueError):
        digest = None
    return count, digest


def inputs_digest(files: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(sorted(source for _, source in files)).encode()).hexdigest()[:16]


def clean_files(files: list[tuple[str, str]], out_dir: str | Path, batch_size: int = DEFAULT_BATCH_SIZE,
                config: PipelineConfig = PipelineConfig(),
                on_batch: Callable[[BatchResult, int], None] | None = None, workers: int = 1,
                corpus_lines: bool = True, force: bool = False,
                batch_runner: BatchRunner = _cleaned_batches, fields: Fields = Fields()) -> RunSummary:
    """:func:`run_clean` for files already found (``[(path, source)]``, as ``io.discover`` gives).

    Refuses (:class:`OutputShrinkError`, nothing replaced) to replace an output with fewer records
    made from another set of inputs, unless ``force``. ``batch_runner(batches, config, workers,
    corpus)`` yields the batch results in order (the flow passes one that runs Prefect tasks)."""
    if not files:
        raise InputError("no input files: nothing to clean, and the output was left as it was")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out names a file, not a folder: {out}")
    before, before_digest = _previous_snapshot(out)
    digest = inputs_digest(files)
    corpus = CorpusLines.from_pages(pages(files, fields)) if corpus_lines else None
    quotes = QuoteIndex()
    writer = OutputWriter(out)
    skipped: Counter = Counter()
    try:  # from here on, any exit but the commit removes the temporary files
        batches = batches_of(pages(files, fields, skipped), batch_size)
        for result in batch_runner(batches, config, workers, corpus):
            for record in writer.write_batch(result):
                quotes.add(record)
            if on_batch:
                on_batch(result, len(result.inputs))
        if not force and writer.summary.documents < before and digest != before_digest:
            raise OutputShrinkError(
                f"this run made {writer.summary.documents} records from other inputs than the "
                f"{before} already in {out / DOCUMENTS}; left it as it was. Give --force to replace it, or "
                f"use --incremental to add to it")
        writer.summary.inputs["files"] = len(files)
        writer.summary.inputs.update(skipped)
        return writer.commit(quotes.iter_rows(), extra={"inputs_digest": digest})
    except BaseException:
        writer.abort()
        raise
    finally:
        quotes.close()


#: an incremental dataset's quote index, beside its state store (derived state: deleting it only
#: costs one rebuild from the live records)
QUOTE_INDEX_FILE = "quote_index.sqlite"


def _updated_quote_index(out: Path, store, version: str) -> QuoteIndex:
    """The quote index of every live record, kept in ``OUT/quote_index.sqlite``: the one saved by
    the last run with the records of the shards written since added in shard order (what a rebuild
    would add last), or, when a record was superseded since or the saved index is of another
    version, rebuilt from all. The additions and the record of what they cover are committed
    together, so a crash leaves the last saved index whole; nothing is loaded but the union-find."""
    from .dataset import live_records, read_shard

    shards = [name for name, _ in store.final_shards("documents")]
    _, superseded = store.record_counts()
    index, saved = QuoteIndex.saved(out / QUOTE_INDEX_FILE)
    state = {"version": version, "shards": shards, "superseded": superseded}
    if saved is not None and saved.get("version") == version and saved.get("superseded") == superseded:
        covered = saved.get("shards", [])
        fresh = [name for name in shards if name not in covered]
        if set(covered) <= set(shards) and shards[:len(shards) - len(fresh)] == sorted(covered):
            for name in fresh:
                for record in read_shard(out / name):
                    index.add(record)
            index.save(state)
            return index
    if saved is not None:  # a stale index: start it again
        index.close()
        (out / QUOTE_INDEX_FILE).unlink(missing_ok=True)
        index, _ = QuoteIndex.saved(out / QUOTE_INDEX_FILE)
    for record in live_records(out, store):
        index.add(record)
    index.save(state)
    store.drop_blob("quote_index")  # where earlier versions kept the index, pickled whole
    return index


def new_run_id(after: str | None = None) -> str:
    """Sortable: the UTC start time to the microsecond, then 4 random hex digits; strictly later
    than ``after`` (the dataset's last run), so sorting records by ``run`` finds the latest even
    for runs started in the same second or under a clock set back."""
    run = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + secrets.token_hex(2)
    if after is not None and run <= after:
        run = after + secrets.token_hex(2)  # a prefix sorts first: strictly later
    return run


#: what the state store keeps as a JSON Lines or WARC file's digest: its pages are compared one by
#: one, so a file whose size or time changed is always read again (appended lines are found)
CONTAINER_DIGEST = "pages"


def plan_incremental(files: list[tuple[str, str]], store, version: str, reclean: bool, summary: RunSummary,
                     recleaned: set[str], seen: dict | None = None) -> list[tuple[str, str]]:
    """The inputs to clean this run: new ones, changed ones (size or mtime differ *and* the bytes'
    SHA-256 differs), and, with ``reclean``, those cleaned under another pipeline version. A JSON
    Lines or WARC file is listed when its size or time changed; :func:`incremental_pages` then
    picks its new and changed pages."""
    seen = store.seen_inputs() if seen is None else seen
    todo, touched = [], []
    for path, source in files:
        st = os.stat(path)
        old = seen.get(source)
        if old is None:
            summary.inputs["new"] += 1
            todo.append((path, source))
            continue
        if (st.st_size, st.st_mtime_ns) != (old.size, old.mtime_ns):
            if old.raw_sha256 == CONTAINER_DIGEST:
                summary.inputs["changed"] += 1
                todo.append((path, source))
                continue
            with open(path, "rb") as fh:
                sha = hashlib.file_digest(fh, "sha256").hexdigest()
            if sha != old.raw_sha256:
                summary.inputs["changed"] += 1
                todo.append((path, source))
                continue
            touched.append((source, st.st_size, st.st_mtime_ns))
        if old.version != version:
            if reclean:
                summary.inputs["recleaned"] += 1
                recleaned.add(source)
                todo.append((path, source))
                continue
            summary.inputs["stale_version"] += 1
        summary.inputs["unchanged"] += 1
    store.touch_inputs(touched)
    return todo


def incremental_pages(todo: list[tuple[str, str]], seen: dict, version: str, reclean: bool, fields: Fields,
                      recleaned: set[str], summary: RunSummary | None = None,
                      skipped: Counter | None = None) -> Iterator[Page]:
    """The pages of the files to clean this run; of a JSON Lines or WARC file, only the lines and
    records that are new or changed since they were cleaned (or, with ``reclean``, cleaned by
    another version). Counts them in ``summary`` when given (the pre-pass reads them too)."""
    for page in pages(todo, fields, skipped):
        if container_kind(page.path) is None:
            yield page
            continue
        old = seen.get(page.source)
        if old is not None and old.raw_sha256 == page.sha256:
            if old.version == version or not reclean:
                if summary is not None:
                    summary.inputs["pages_unchanged"] += 1
                continue
            recleaned.add(page.source)
            kind = "pages_recleaned"
        else:
            kind = "pages_new" if old is None else "pages_changed"
        if summary is not None:
            summary.inputs[kind] += 1
        yield page


#: inputs the corpus pre-pass counts per transaction of the state store: their line keys are held
#: until committed (all of a 100,000-file first run at once took ~1 KB a page, growing with the corpus)
CORPUS_CHUNK = 2000


def corpus_from_store(todo: Iterable[Page], store, rules=None, chunk: int = CORPUS_CHUNK) -> CorpusLines:
    """Count the lines of inputs the store has not counted yet (``chunk`` inputs per transaction: a
    killed run leaves whole chunks counted, and its next run counts the rest), then the repeated
    lines of everything counted so far, in this run and before."""
    from .corpus import CorpusRules

    rules = rules or CorpusRules()
    fresh = []
    for page in todo:
        found = article_and_lines(page, rules)
        if found:
            fresh.append(found)
            if len(fresh) >= chunk:
                store.add_corpus_documents(fresh)
                fresh = []
    store.add_corpus_documents(fresh)
    total, rows = store.corpus_totals(rules.min_documents)
    need = max(rules.min_documents, rules.min_share * total)
    return CorpusLines(rules, total, repeated=frozenset(k for k, n in rows if n >= need))


def clean_incremental(files: list[tuple[str, str]], out_dir: str | Path, batch_size: int = DEFAULT_BATCH_SIZE,
                      config: PipelineConfig = PipelineConfig(),
                      on_batch: Callable[[BatchResult, int], None] | None = None, workers: int = 1,
                      corpus_lines: bool = True, state_url: str | None = None, reclean: bool = False,
                      shard_bytes: int | None = None, compress: bool = False,
                      on_plan: Callable[[int], None] | None = None,
                      batch_runner: BatchRunner = _cleaned_batches, fields: Fields = Fields()) -> RunSummary:
    """Clean the new and changed inputs of ``files`` into the dataset in ``out_dir``."""
    if not files:
        raise InputError("no input files: nothing to clean, and the dataset was left as it was")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out names a file, not a folder: {out}")
    out.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        return _clean_incremental(files, out, batch_size, config, on_batch, workers, corpus_lines, state_url,
                                  reclean, shard_bytes, compress, on_plan, batch_runner, fields)


@contextmanager
def _exclusive(out: Path):
    """One incremental run at a time per dataset: a run that overlaps another (a schedule firing
    while the last run is still going) waits for it, then finds nothing new to do."""
    with open(out / LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"newsclean: another run is writing to {out}; waiting for it to finish", file=sys.stderr, flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clean_incremental(files, out: Path, batch_size, config, on_batch, workers, corpus_lines, state_url, reclean,
                       shard_bytes, compress, on_plan, batch_runner, fields) -> RunSummary:
    from .dataset import DEFAULT_SHARD_BYTES, ShardSet, write_manifest
    from .state import NearDuplicateStore, StateStore, default_url

    store = StateStore(state_url or default_url(out))
    version = pipeline_version()
    run = new_run_id(after=store.last_run())
    summary = RunSummary()
    ShardSet.recover(out, store)
    recleaned: set[str] = set()
    seen = store.seen_inputs()
    todo = plan_incremental(files, store, version, reclean, summary, recleaned, seen)
    containers = [(path, source, os.stat(path)) for path, source in todo if container_kind(source)]
    if on_plan:
        on_plan(len(todo))
    store.start_run(run, version)
    status = "failed"
    skipped: Counter = Counter()
    try:
        def todo_pages(summary_=None, skipped_=None):
            return incremental_pages(todo, seen, version, reclean, fields, recleaned, summary_, skipped_)

        corpus = corpus_from_store(todo_pages(), store) if corpus_lines and todo else None
        shard_cap = shard_bytes or DEFAULT_SHARD_BYTES
        docs = ShardSet(out, "documents", run, store, shard_cap, compress)
        rejects = ShardSet(out, "rejects", run, store, shard_cap, compress)
        near = NearDuplicateIndex(NearDuplicateStore(store), config.near_duplicates)
        sizes: dict[str, tuple[int, int]] = {}  # (size, mtime) of the pages in flight, for their input rows

        def remember(stream):
            for page in stream:
                sizes[page.source] = (page.size, page.mtime_ns)
                yield page

        cleaned_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        batches = batches_of(remember(todo_pages(summary, skipped)), batch_size)
        for result in batch_runner(batches, config, workers, corpus):
            # the same content again from the same source (re-gzipped, re-encoded): already written
            again = [r["source"] not in recleaned and store.live_record(r["id"]) == r["source"] for r in result.records]
            if any(again):
                summary.inputs["same_content"] += sum(again)
                keep = [i for i, a in enumerate(again) if not a]
                result = BatchResult([result.records[i] for i in keep], result.rejects, result.summary,
                                     [result.stats[i] for i in keep], result.inputs)
            valid, bad = screen_batch(result, summary, store.live_record, near)
            for record in valid:
                record.update(run=run, cleaned_at=cleaned_at, version=version)
            lengths = {**docs.append(valid), **rejects.append(bad)}
            status_of = {r["source"]: (r["stage"], r.get("id")) for r in bad}
            input_rows = []
            for source, sha in result.inputs:
                size, mtime_ns = sizes.pop(source)
                stage, doc_id = status_of.get(source, ("written", None))
                input_rows.append({"source": source, "size": size, "mtime_ns": mtime_ns,
                                   "raw_sha256": sha, "status": stage, "document": doc_id})
            ids = {r["source"]: r["id"] for r in valid}
            for row in input_rows:
                row["document"] = ids.get(row["source"], row["document"])
            store.commit_batch(run, version, lengths, input_rows,
                               [{"id": r["id"], "source": r["source"], "shard": docs.name} for r in valid],
                               near.backend.take_pending())
            docs.roll_if_full()
            rejects.roll_if_full()
            if on_batch:
                on_batch(result, len(result.inputs))
        # a JSON Lines or WARC file is marked done only once every page of it is committed: after a
        # crash its next run reads it again and skips the pages already cleaned
        store.commit_batch(run, version, {}, [{"source": source, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                               "raw_sha256": CONTAINER_DIGEST, "status": "container", "document": None}
                                              for _, source, st in containers], [])
        summary.inputs.update(skipped)
        docs.close()
        rejects.close()
        manifest = write_manifest(out, store, version)
        if todo or not (out / "quotes.jsonl").exists():
            index = _updated_quote_index(out, store, version)
            try:
                write_jsonl_atomic(out / "quotes.jsonl", index.iter_rows())
            finally:
                index.close()
        summary.inputs["records_in_dataset"] = manifest["records"]
        summary.inputs["superseded_in_dataset"] = manifest["superseded"]
        write_summary(out, summary, extra={"run": run, "version": version, "mode": "incremental"})
        status = "completed"
        return summary
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        store.finish_run(run, status, summary.as_dict())
        store.close()


__all__ = ["DEFAULT_BATCH_SIZE", "OutputShrinkError", "clean_files", "clean_incremental",
           "pipeline_version", "run_clean"]

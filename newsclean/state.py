"""State store: what an incremental run remembers between runs, in a real database.

SQLAlchemy Core over a SQLite file in the output folder by default (``OUT/state.sqlite``); any
SQLAlchemy URL can be named instead (a shared Postgres for workers on several machines). It owns:

- ``inputs``: every raw input seen (its source, size, mtime, SHA-256 of the raw bytes), the record
  or reject it became, the run and the pipeline version that cleaned it;
- ``records``: every record written (document id, source, shard, run) and, when its raw file
  changed later, the record that superseded it;
- ``shards``: the dataset's shards and how many bytes of each are committed (resume truncates an
  in-progress shard back to that length);
- ``runs``: one row per run, with its status and summary;
- ``blobs``: named derived state of a pipeline version (earlier versions pickled the quote index
  here; it is now ``OUT/quote_index.sqlite``, see newsclean/run.py, and the old blob is dropped);
- ``near_index`` / ``near_bands``: every record's MinHash signature and cluster, and its LSH band
  keys (newsclean/near_duplicates.py), so today's syndicated copy is marked as a duplicate of last
  week's record; committed with the batch that wrote the record;
- ``corpus_lines`` / ``corpus_documents``: the corpus pre-pass's line counts (newsclean/corpus.py),
  kept so that what was learnt from earlier runs' pages serves later ones, and so that a resumed
  run sees the same counts as an uninterrupted one.

Every batch is committed in one transaction (its shard lengths, inputs and records together), so
a run killed at any moment leaves the store at the last whole batch.
"""
from __future__ import annotations

import heapq
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import (BigInteger, Boolean, Column, Index, Integer, LargeBinary, MetaData, String, Table, Text, create_engine,
                        delete, event, func, insert, select, update)
from sqlalchemy.engine import Engine

STATE_FILE = "state.sqlite"

_meta = MetaData()
inputs = Table(
    "inputs", _meta,
    Column("source", String, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("raw_sha256", String, nullable=False),
    Column("status", String, nullable=False),  # "written" or the reject stage
    Column("document", String),  # the record's id (or a reject's id, where the bytes were read)
    Column("run", String, nullable=False),
    Column("version", String, nullable=False),
)
records = Table(  # one row per record written: a re-clean of the same content is a new version
    "records", _meta,
    Column("id", String, primary_key=True),
    Column("run", String, primary_key=True),
    Column("source", String, nullable=False, index=True),
    Column("shard", String, nullable=False),
    Column("superseded_by", String),  # "id@run" of the version that replaced it
)
shards = Table(
    "shards", _meta,
    Column("name", String, primary_key=True),  # e.g. documents/part-r20261201T101500-00001.jsonl
    Column("kind", String, nullable=False),
    Column("committed_bytes", BigInteger, nullable=False),
    Column("lines", Integer, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("run", String, nullable=False),
)
runs = Table(
    "runs", _meta,
    Column("run", String, primary_key=True),
    Column("started", String, nullable=False),
    Column("finished", String),
    Column("status", String, nullable=False),  # running, completed, failed, interrupted
    Column("version", String, nullable=False),
    Column("summary", Text),
)
near_index = Table(  # one row per record written, in writing order (seq)
    "near_index", _meta,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False),
    Column("source", String, nullable=False),
    Column("cluster", String, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)
near_bands = Table(
    "near_bands", _meta,
    Column("key", BigInteger, nullable=False, index=True),
    Column("seq", Integer, nullable=False),
)
#: a band key's entries in writing order, so a lookup stops at the first match (created on stores
#: made before it too)
near_bands_order = Index("near_bands_key_seq", near_bands.c.key, near_bands.c.seq)
blobs = Table(  # derived state a later run may extend instead of rebuilding (the quote index)
    "blobs", _meta,
    Column("name", String, primary_key=True),
    Column("version", String, nullable=False),
    Column("data", LargeBinary, nullable=False),
)
corpus_lines = Table(
    "corpus_lines", _meta,
    Column("key", BigInteger, primary_key=True),  # a line key (corpus.line_key), as a signed 64-bit int
    Column("documents", Integer, nullable=False),
)
corpus_documents = Table(
    "corpus_documents", _meta,
    Column("raw_sha256", String, primary_key=True),  # inputs already counted
    Column("article", BigInteger, nullable=False),  # their longest line: copies of one article count once
    Column("counted", Boolean, nullable=False),
)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def signed64(key: int) -> int:
    """A 64-bit unsigned hash as the signed integer SQL stores."""
    return key - (1 << 64) if key >= 1 << 63 else key


@dataclass(frozen=True)
class SeenInput:
    size: int
    mtime_ns: int
    raw_sha256: str
    status: str
    document: str | None
    version: str


def default_url(out_dir: str | Path) -> str:
    return f"sqlite:///{Path(out_dir).resolve() / STATE_FILE}"


class StateStore:
    """The state database of one output folder (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(conn, _record):  # durable on a crash, and readers do not block the writer
                cur = conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=FULL")
                cur.close()
        _meta.create_all(self.engine)
        near_bands_order.create(self.engine, checkfirst=True)

    def close(self) -> None:
        self.engine.dispose()

    # inputs ---------------------------------------------------------------------------------
    def seen_inputs(self) -> dict[str, SeenInput]:
        with self.engine.connect() as c:
            return {r.source: SeenInput(r.size, r.mtime_ns, r.raw_sha256, r.status, r.document, r.version)
                    for r in c.execute(select(inputs))}

    def touch_inputs(self, rows: Iterable[tuple[str, int, int]]) -> None:
        """Inputs whose bytes did not change but whose size/mtime did (copied, touched)."""
        rows = list(rows)
        if rows:
            with self.engine.begin() as c:
                for source, size, mtime_ns in rows:
                    c.execute(update(inputs).where(inputs.c.source == source).values(size=size, mtime_ns=mtime_ns))

    def live_record(self, doc_id: str) -> str | None:
        """Source of the live (not superseded) record with this id, or None."""
        with self.engine.connect() as c:
            row = c.execute(select(records.c.source).where(records.c.id == doc_id,
                                                           records.c.superseded_by.is_(None))).first()
        return row.source if row else None

    def commit_batch(self, run: str, version: str, shard_lengths: dict[str, tuple[str, int, int]],
                     input_rows: list[dict], record_rows: list[dict], near: list | None = None) -> None:
        """One batch, in one transaction: shard lengths ``{name: (kind, bytes, lines)}``, the inputs
        it cleaned (``source, size, mtime_ns, raw_sha256, status, document``), the records it
        wrote (``id, source, shard``; an earlier record of the same source is superseded) and their
        near-duplicate index entries (``(Entry, band keys)``)."""
        with self.engine.begin() as c:
            for entry, keys in near or ():
                seq = c.execute(insert(near_index).values(id=entry.id, source=entry.source, cluster=entry.cluster,
                                                          signature=entry.signature)).inserted_primary_key[0]
                c.execute(insert(near_bands), [{"key": k, "seq": seq} for k in keys])
            for name, (kind, length, lines) in shard_lengths.items():
                if c.execute(update(shards).where(shards.c.name == name)
                             .values(committed_bytes=length, lines=lines)).rowcount == 0:
                    c.execute(insert(shards).values(name=name, kind=kind, committed_bytes=length, lines=lines,
                                                    final=False, run=run))
            for row in record_rows:
                c.execute(update(records).where(records.c.source == row["source"],
                                                records.c.superseded_by.is_(None)).values(superseded_by=f"{row['id']}@{run}"))
                c.execute(update(records).where(records.c.id == row["id"], records.c.superseded_by.is_(None))
                          .values(superseded_by=f"{row['id']}@{run}"))
                c.execute(insert(records).values(run=run, superseded_by=None, **row))
            for row in input_rows:
                values = dict(row, run=run, version=version)
                if c.execute(update(inputs).where(inputs.c.source == row["source"]).values(**values)).rowcount == 0:
                    c.execute(insert(inputs).values(**values))

    # shards ---------------------------------------------------------------------------------
    def open_shards(self) -> list[tuple[str, int]]:
        """(name, committed bytes) of the shards an earlier run left in progress."""
        with self.engine.connect() as c:
            return [(r.name, r.committed_bytes) for r in c.execute(select(shards).where(shards.c.final.is_(False)))]

    def finalize_shard(self, name: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(shards).where(shards.c.name == name).values(final=True))

    def drop_shard(self, name: str) -> None:
        with self.engine.begin() as c:
            c.execute(shards.delete().where(shards.c.name == name))

    def final_shards(self, kind: str) -> list[tuple[str, int]]:
        with self.engine.connect() as c:
            return [(r.name, r.lines) for r in c.execute(
                select(shards).where(shards.c.final.is_(True), shards.c.kind == kind).order_by(shards.c.name))]

    def superseded(self) -> set[tuple[str, str]]:
        """(id, run) of every record a later version replaced."""
        with self.engine.connect() as c:
            return {(r.id, r.run) for r in c.execute(select(records.c.id, records.c.run)
                                                     .where(records.c.superseded_by.is_not(None)))}

    def record_counts(self) -> tuple[int, int]:
        """(live records, superseded records)."""
        with self.engine.connect() as c:
            rows = list(c.execute(select(records.c.superseded_by)))
        live = sum(1 for r in rows if r.superseded_by is None)
        return live, len(rows) - live

    # runs -----------------------------------------------------------------------------------
    def last_run(self) -> str | None:
        """The greatest run id of this dataset, if any."""
        with self.engine.connect() as c:
            return c.execute(select(func.max(runs.c.run))).scalar()

    def start_run(self, run: str, version: str) -> None:
        with self.engine.begin() as c:
            c.execute(insert(runs).values(run=run, started=now(), status="running", version=version))

    def finish_run(self, run: str, status: str, summary: dict | None = None) -> None:
        with self.engine.begin() as c:
            c.execute(update(runs).where(runs.c.run == run).values(
                finished=now(), status=status, summary=json.dumps(summary) if summary is not None else None))

    # derived state ---------------------------------------------------------------------------
    def load_blob(self, name: str, version: str) -> bytes | None:
        """A saved blob, if it was saved by this pipeline version."""
        with self.engine.connect() as c:
            row = c.execute(select(blobs).where(blobs.c.name == name)).first()
        return row.data if row is not None and row.version == version else None

    def drop_blob(self, name: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(blobs).where(blobs.c.name == name))

    def save_blob(self, name: str, version: str, data: bytes) -> None:
        with self.engine.begin() as c:
            if c.execute(update(blobs).where(blobs.c.name == name).values(version=version, data=data)).rowcount == 0:
                c.execute(insert(blobs).values(name=name, version=version, data=data))

    # corpus line counts ---------------------------------------------------------------------
    def add_corpus_documents(self, docs: list[tuple[str, int, set[int]]]) -> None:
        """``(raw_sha256, article key, line keys)`` of inputs, in one transaction: an input counted
        before (the same raw bytes, in this call or an earlier one) is skipped, and a document whose
        longest line was already counted (a copy of one article) adds nothing. What is read back from
        the store is only what these inputs touch, so a call's memory is bounded by its own inputs."""
        if not docs:
            return
        with self.engine.begin() as c:
            shas = list({sha for sha, _, _ in docs})
            done: set[str] = set()
            for i in range(0, len(shas), 900):  # under SQLite's bound-parameter limit
                done.update(r.raw_sha256 for r in c.execute(
                    select(corpus_documents.c.raw_sha256).where(corpus_documents.c.raw_sha256.in_(shas[i:i + 900]))))
            wanted = list({signed64(article) for _, article, _ in docs})
            articles: set[int] = set()
            for i in range(0, len(wanted), 900):
                articles.update(r.article for r in c.execute(
                    select(corpus_documents.c.article).where(corpus_documents.c.counted.is_(True),
                                                             corpus_documents.c.article.in_(wanted[i:i + 900]))))
            counts: dict[int, int] = {}
            for raw_sha, article, keys in docs:
                if raw_sha in done:
                    continue
                done.add(raw_sha)
                fresh = signed64(article) not in articles
                articles.add(signed64(article))
                c.execute(insert(corpus_documents).values(raw_sha256=raw_sha, article=signed64(article), counted=fresh))
                if fresh:
                    for k in keys:
                        counts[signed64(k)] = counts.get(signed64(k), 0) + 1
            keys, known = list(counts), {}
            for i in range(0, len(keys), 900):
                known.update((r.key, r.documents) for r in c.execute(
                    select(corpus_lines).where(corpus_lines.c.key.in_(keys[i:i + 900]))))
            new = [{"key": k, "documents": n} for k, n in counts.items() if k not in known]
            if new:
                c.execute(insert(corpus_lines), new)
            for k, n in counts.items():
                if k in known:
                    c.execute(update(corpus_lines).where(corpus_lines.c.key == k).values(documents=known[k] + n))

    def corpus_totals(self, min_documents: int) -> tuple[int, list[tuple[int, int]]]:
        """(documents counted, [(line key, documents)] of lines in at least ``min_documents``)."""
        with self.engine.connect() as c:
            total = sum(1 for _ in c.execute(select(corpus_documents.c.raw_sha256)
                                             .where(corpus_documents.c.counted.is_(True))))
            rows = [(r.key % (1 << 64), r.documents) for r in
                    c.execute(select(corpus_lines).where(corpus_lines.c.documents >= min_documents))]
        return total, rows


class NearDuplicateStore:
    """The near-duplicate index backend of an incremental dataset: entries of earlier runs from the
    state database, this batch's in memory until :meth:`StateStore.commit_batch` writes them."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.pending: list = []

    def candidates(self, keys: list[int]) -> Iterator:
        """Earlier runs' entries sharing a band key, lazily in writing order (each key's from the
        (key, seq) index, merged: the caller's first match costs a seek a key, not a read of every
        copy of a much-syndicated article), then this batch's."""
        from .near_duplicates import Entry

        with self.store.engine.connect() as c:
            streams = [(row[0] for row in c.execute(select(near_bands.c.seq).where(near_bands.c.key == k)
                                                    .order_by(near_bands.c.seq))) for k in keys]
            last = None
            for seq in heapq.merge(*streams):
                if seq == last:
                    continue
                last = seq
                r = c.execute(select(near_index).where(near_index.c.seq == seq)).first()
                if r is not None:
                    yield Entry(r.id, r.source, r.cluster, r.signature)
        wanted = set(keys)
        yield from (entry for entry, k in self.pending if wanted.intersection(k))

    def add(self, entry, keys: list[int]) -> None:
        self.pending.append((entry, keys))

    def discard(self, doc_id: str, keys: list[int]) -> None:
        self.pending = [(e, k) for e, k in self.pending if e.id != doc_id]

    def take_pending(self) -> list:
        pending, self.pending = self.pending, []
        return pending

"""Dataset: the append-only output folder of incremental runs.

Layout of ``OUT/`` (any JSON Lines reader takes a glob of it, no glue)::

    documents/part-<run>-00001.jsonl[.gz]   clean records, size-capped shards
    rejects/part-<run>-00001.jsonl[.gz]     rejects, same shape as rejects.jsonl
    quotes.jsonl                            statements across every live record
    manifest.json                           shards, counts, version, superseded record ids
    summary.json                            the last run's counts
    state.sqlite                            the state store (newsclean/state.py)
    quote_index.sqlite                      the quote index of the live records (QuoteIndex.saved), extended
                                            by each run; derived: deleting it costs one rebuild

A shard is written under a hidden name (``.part-….jsonl.inprogress``) that no ``*.jsonl`` glob
matches, appended one batch at a time (fsync, then the batch's commit in the state store records
the new length), and renamed to its final name when it reaches the size cap or the run ends: a
reader never sees a partial shard. After a crash, :meth:`ShardSet.recover` truncates an
in-progress shard to its committed length (a batch that was written but not committed is cleaned
again) and finishes it. A gzip shard is a series of gzip members, one per batch, which every gzip
reader reads as one stream.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson

from .io import FILE_MODE, read_jsonl, write_jsonl_atomic
from .state import StateStore

MANIFEST = "manifest.json"
#: a shard is closed once it holds this many bytes (compressed, for .jsonl.gz)
DEFAULT_SHARD_BYTES = 64 * 1024 * 1024
KINDS = ("documents", "rejects")


def _hidden(path: Path) -> Path:
    return path.with_name(f".{path.name}.inprogress")


class ShardSet:
    """The open shard of one kind (documents or rejects), appended batch by batch."""

    def __init__(self, out_dir: Path, kind: str, run: str, store: StateStore, max_bytes: int, compress: bool):
        self.out_dir, self.kind, self.run, self.store = out_dir, kind, run, store
        self.max_bytes, self.compress = max_bytes, compress
        (out_dir / kind).mkdir(parents=True, exist_ok=True)
        self.number = 0
        self.name: str | None = None
        self.length = 0
        self.lines = 0

    @staticmethod
    def recover(out_dir: Path, store: StateStore) -> None:
        """Finish the shards an interrupted run left: truncate each to its committed length and
        give it its final name (or drop it when nothing of it was committed); delete in-progress
        files the store never heard of."""
        known = set()
        for name, committed in store.open_shards():
            known.add(name)
            final = out_dir / name
            hidden = _hidden(final)
            if hidden.exists():
                with open(hidden, "r+b") as fh:
                    fh.truncate(committed)
                    fh.flush()
                    os.fsync(fh.fileno())
                if committed == 0:
                    hidden.unlink()
                    store.drop_shard(name)
                    continue
                os.replace(hidden, final)
            if final.exists():
                store.finalize_shard(name)
            else:
                store.drop_shard(name)
        for kind in KINDS:
            for stray in (out_dir / kind).glob(".*.inprogress") if (out_dir / kind).is_dir() else []:
                if f"{kind}/{stray.name[1:-len('.inprogress')]}" not in known:
                    stray.unlink()  # opened, but killed before its first batch was committed

    def _open(self) -> None:
        self.number += 1
        suffix = ".jsonl.gz" if self.compress else ".jsonl"
        self.name = f"{self.kind}/part-{self.run}-{self.number:05d}{suffix}"
        self.length = self.lines = 0
        hidden = _hidden(self.out_dir / self.name)
        hidden.write_bytes(b"")
        os.chmod(hidden, FILE_MODE)

    def append(self, rows: list[dict]) -> dict[str, tuple[str, int, int]]:
        """Write ``rows`` durably; returns ``{shard: (kind, committed bytes, lines)}`` for the store's
        batch commit (empty when there was nothing to write)."""
        if not rows:
            return {}
        if self.name is None:
            self._open()
        data = b"".join(orjson.dumps(r) + b"\n" for r in rows)
        if self.compress:
            data = gzip.compress(data, mtime=0)
        with open(_hidden(self.out_dir / self.name), "ab") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.length += len(data)
        self.lines += len(rows)
        return {self.name: (self.kind, self.length, self.lines)}

    def roll_if_full(self) -> None:
        """After the batch commit: close the shard once it reached the size cap."""
        if self.name is not None and self.length >= self.max_bytes:
            self.close()

    def close(self) -> None:
        if self.name is None:
            return
        os.replace(_hidden(self.out_dir / self.name), self.out_dir / self.name)
        self.store.finalize_shard(self.name)
        self.name = None


def read_shard(path: Path):
    """Rows of one shard, .jsonl or .jsonl.gz."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    yield orjson.loads(line)
    else:
        yield from read_jsonl(path)


def live_records(out_dir: Path, store: StateStore):
    """Every record of the dataset that no later version superseded, in shard order."""
    superseded = store.superseded()
    for name, _ in store.final_shards("documents"):
        for record in read_shard(out_dir / name):
            if (record["id"], record["run"]) not in superseded:
                yield record


def write_manifest(out_dir: Path, store: StateStore, version: str) -> dict:
    live, superseded = store.record_counts()
    manifest = {
        "format": "newsclean-dataset/1",
        "version": version,
        "records": live,
        "superseded": superseded,
        # versions a later one replaced, as "id@run" (a record's id and run fields)
        "superseded_records": sorted(f"{i}@{r}" for i, r in store.superseded()),
        "shards": {kind: [{"path": name, "lines": lines} for name, lines in store.final_shards(kind)] for kind in KINDS},
        "state": store.url if not store.url.startswith("sqlite") else Path(store.url.split("///", 1)[1]).name,
    }
    path = out_dir / MANIFEST
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)
    return manifest


def compact(out_dir: Path, target: Path, store: StateStore) -> int:
    """Write the latest-only view (one record per source, superseded versions left out) to
    ``target`` (a .jsonl file); returns how many records it holds."""
    n = 0

    def rows():
        nonlocal n
        for record in live_records(out_dir, store):
            n += 1
            yield record

    write_jsonl_atomic(target, rows())
    return n

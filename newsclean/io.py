"""I/O: find raw files, and write clean records, rejects, quotes and the run summary.

Every output file is written to a temporary file in the output folder and renamed into place
when the run finishes (``os.replace`` is atomic on one file system), so an interrupted run never
leaves a half-written ``documents.jsonl``; the previous complete output stays until then. Each
batch is validated against the pandera schemas (``schemas.validate_records``) before it is
written: a record that fails goes to ``rejects.jsonl`` with the failure cases, never to the
clean file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

import orjson

from .near_duplicates import DiskBackend, NearDuplicateIndex
from .pipeline import BatchResult, RecordStats, RunSummary, reject
from .readers import SUPPORTED, is_supported

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
QUOTES = "quotes.jsonl"
SUMMARY = "summary.json"


class InputError(ValueError):
    """A path given on the command line that does not exist or holds nothing to clean."""


def discover(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """``[(path, source)]`` of every supported file under ``paths``, in a stable order.

    A page file is one input; a JSON Lines or WARC file holds many (newsclean/readers.py streams
    them). ``source`` is the path relative to the folder that was given (a file given by itself is
    named by its file name). With several paths, it is relative to the folder that holds them
    all, so ``siteA/article.txt`` and ``siteB/article.txt`` stay two sources. Files of other types
    are skipped; hidden files too; a file found twice is listed once.
    """
    roots = [Path(p) for p in paths]
    for p in roots:
        if not p.exists():
            raise InputError(f"no such file or folder: {p}")
        if p.is_file() and not is_supported(p.name):
            hint = " (JSON Lines: name it .jsonl)" if p.name.lower().endswith((".json", ".json.gz")) else ""
            raise InputError(f"unsupported file type: {p}{hint}; newsclean reads {SUPPORTED}")
    base = None
    if len(roots) > 1:
        base = Path(os.path.commonpath([str(p.resolve().parent) for p in roots]))
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in roots:
        if p.is_dir():
            files = [f for f in sorted(p.rglob("*")) if f.is_file() and is_supported(f.name)
                     and not any(part.startswith(".") for part in f.relative_to(p).parts)]
            names = [f.relative_to(p).as_posix() for f in files]
        else:
            files, names = [p], [p.name]
        for f, name in zip(files, names):
            key = str(f.resolve())
            if key in seen:
                continue
            seen.add(key)
            found.append((str(f), f.resolve().relative_to(base).as_posix() if base else name))
    return found


def dumps(obj) -> bytes:
    return orjson.dumps(obj)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: mode of every output file: what open() would give under this process's umask (mkstemp's
#: temporary files are 0600, which other users of a shared corpus could not read)
FILE_MODE = 0o666 & ~_umask()


class _AtomicFile:
    def __init__(self, final: Path) -> None:
        self.final = final
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
        os.fchmod(fd, FILE_MODE)
        self.tmp = Path(tmp)
        self.handle: IO[bytes] = os.fdopen(fd, "wb")

    def write_line(self, obj) -> None:
        self.handle.write(dumps(obj) + b"\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.final)

    def abort(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


def screen_batch(batch: BatchResult, summary: RunSummary, first_source: Callable[[str], str | None],
                 near: NearDuplicateIndex) -> tuple[list[dict], list[dict]]:
    """The records of ``batch`` that may be written, and every reject of it (its own, then the
    duplicates and validation failures found here); counts both in ``summary``.

    ``first_source(id)`` names where a record with that id was already written (None if nowhere).
    ``near`` marks near-duplicates (``duplicate_of``, ``cluster``) in order, before validation.
    """
    summary.merge(batch.summary)
    stats = {id(r): st for r, st in zip(batch.records, batch.stats)}
    none = RecordStats()
    fresh, rejects, here = [], list(batch.rejects), {}
    for record in batch.records:
        first = here.get(record["id"]) or first_source(record["id"])
        if first is not None and first != record["source"]:
            summary.add_reject("duplicate", stats.get(id(record), none).raw_bytes)
            rejects.append(reject(record["source"], "duplicate",
                                  f"same content as {first} (id {record['id']})", id=record["id"]))
            continue
        here[record["id"]] = record["source"]
        fresh.append(record)
    for record in fresh:
        near.assign(record, stats.get(id(record), none).minhash)
    from schemas import validate_records  # pandas and pandera: only once there is a batch to write

    valid, invalid = validate_records(fresh)
    for record, problems in invalid:
        near.discard(record, stats.get(id(record), none).minhash)
        summary.add_reject("validation", stats.get(id(record), none).raw_bytes)
        rejects.append(reject(record["source"], "validation", f"failed {len(problems)} schema check(s)",
                              id=record["id"], failures=problems, record=record))
    for record in valid:
        summary.add_written(record, stats.get(id(record), none))
    return valid, rejects


class _WrittenIds:
    """The source each written record id came from, in a private temporary SQLite database (stdlib
    ``sqlite3``, deleted when closed): as a dict it cost ~300 bytes a record, 30 MB at 100,000."""

    def __init__(self, cache_mb: int = 4) -> None:
        from .scratch import scratch_database

        self.db = scratch_database("""
            CREATE TABLE written (id TEXT PRIMARY KEY, source TEXT NOT NULL);
        """, cache_mb)

    def get(self, record_id: str) -> str | None:
        row = self.db.execute("SELECT source FROM written WHERE id = ?", (record_id,)).fetchone()
        return row[0] if row else None

    def __setitem__(self, record_id: str, source: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO written (id, source) VALUES (?, ?)", (record_id, source))

    def close(self) -> None:
        self.db.close()


class OutputWriter:
    """Validates batches and writes ``documents.jsonl`` and ``rejects.jsonl`` atomically."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.documents = _AtomicFile(self.out_dir / DOCUMENTS)
        self.rejects = _AtomicFile(self.out_dir / REJECTS)
        self.summary = RunSummary()
        self._seen_ids = _WrittenIds()
        self.near = NearDuplicateIndex(DiskBackend())  # on disk: memory flat in the corpus size

    def write_batch(self, batch: BatchResult) -> list[dict]:
        """Validate and write one batch; returns the records written (in order)."""
        valid, rejects = screen_batch(batch, self.summary, self._seen_ids.get, self.near)
        for record in valid:
            self._seen_ids[record["id"]] = record["source"]
            self.documents.write_line(record)
        for r in rejects:
            self.rejects.write_line(r)
        return valid

    def commit(self, quotes: Iterable[dict] | None = None, extra: dict | None = None) -> RunSummary:
        """Move every output into place; returns the run summary."""
        self.documents.commit()
        self.rejects.commit()
        self.near.backend.close()
        self._seen_ids.close()
        if quotes is not None:
            write_jsonl_atomic(self.out_dir / QUOTES, quotes)
        write_summary(self.out_dir, self.summary, extra)
        return self.summary

    def abort(self) -> None:
        self.documents.abort()
        self.rejects.abort()
        self.near.backend.close()
        self._seen_ids.close()


def write_summary(out_dir: Path, summary: RunSummary, extra: dict | None = None) -> None:
    """``summary.json``: the run's counts (and ``extra`` keys), replaced atomically."""
    out = _AtomicFile(Path(out_dir) / SUMMARY)
    out.handle.write(orjson.dumps({**summary.as_dict(), **(extra or {})}, option=orjson.OPT_INDENT_2) + b"\n")
    out.commit()


def write_jsonl_atomic(path: Path, rows: Iterable[dict]) -> None:
    out = _AtomicFile(path)
    try:
        for row in rows:
            out.write_line(row)
    except BaseException:
        out.abort()
        raise
    out.commit()


def read_jsonl(path: str | Path) -> Iterator[dict]:
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)

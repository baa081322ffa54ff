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
from typing import IO, Iterable, Iterator

import orjson

from schemas import validate_records

from .ingest import format_of
from .pipeline import BatchResult, RunSummary, reject

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
QUOTES = "quotes.jsonl"
SUMMARY = "summary.json"


class InputError(ValueError):
    """A path given on the command line that does not exist or holds nothing to clean."""


def discover(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """``[(path, source)]`` of every supported file under ``paths``, in a stable order.

    ``source`` is the path relative to the folder that was given (a file given by itself is
    named by its file name). Files of other types are skipped; hidden files too.
    """
    found: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and format_of(f.name) and not any(part.startswith(".") for part in rel.parts):
                    found.append((str(f), rel.as_posix()))
        elif p.is_file():
            found.append((str(p), p.name))
        else:
            raise InputError(f"no such file or folder: {p}")
    return found


def dumps(obj) -> bytes:
    return orjson.dumps(obj)


class _AtomicFile:
    def __init__(self, final: Path) -> None:
        self.final = final
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
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


class OutputWriter:
    """Validates batches and writes ``documents.jsonl`` and ``rejects.jsonl`` atomically."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.documents = _AtomicFile(self.out_dir / DOCUMENTS)
        self.rejects = _AtomicFile(self.out_dir / REJECTS)
        self.summary = RunSummary()
        self._seen_ids: dict[str, str] = {}

    def write_batch(self, batch: BatchResult) -> list[dict]:
        """Validate and write one batch; returns the records written (in order)."""
        self.summary.merge(batch.summary)
        fresh = []
        for record in batch.records:
            first = self._seen_ids.get(record["id"])
            if first is not None:
                self.summary.count_invalid(record, "duplicate")
                self.rejects.write_line(reject(record["source"], "duplicate",
                                               f"same raw bytes as {first} (id {record['id']})", id=record["id"]))
                continue
            self._seen_ids[record["id"]] = record["source"]
            fresh.append(record)
        valid, invalid = validate_records(fresh)
        for record, problems in invalid:
            self._seen_ids.pop(record["id"], None)
            self.summary.count_invalid(record, "validation")
            self.rejects.write_line(reject(record["source"], "validation",
                                           f"failed {len(problems)} schema check(s)", id=record["id"],
                                           failures=problems, record=record))
        for record in valid:
            self.documents.write_line(record)
        for r in batch.rejects:
            self.rejects.write_line(r)
        return valid

    def commit(self, quotes: list[dict] | None = None) -> RunSummary:
        """Move every output into place; returns the run summary."""
        self.documents.commit()
        self.rejects.commit()
        if quotes is not None:
            write_jsonl_atomic(self.out_dir / QUOTES, quotes)
        summary_file = _AtomicFile(self.out_dir / SUMMARY)
        summary_file.handle.write(orjson.dumps(self.summary.as_dict(), option=orjson.OPT_INDENT_2) + b"\n")
        summary_file.commit()
        return self.summary

    def abort(self) -> None:
        self.documents.abort()
        self.rejects.abort()


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


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]

"""Readers: the pages an input file holds, streamed one at a time.

Owns what counts as one page to clean and where its bytes come from:

- a page file (``.txt``, ``.md``, ``.html``, ``.htm``, each optionally ``.gz``) is one page, read by
  the worker that cleans it;
- a JSON Lines file (``.jsonl``, ``.jsonl.gz``, ``.ndjson``, ``.ndjson.gz``) holds one page per line:
  the page is the first non-empty of the line's page fields (``html``, else ``text``, ``content``,
  ``body``; an HTML field goes through the HTML path, the others through the text path), and its
  ``url``, ``title`` and date fields (``date``, ``published``, ``fetched_at``) fill the record's
  metadata where the page states none. :class:`Fields` renames them (``--field html=raw_html``).
  ``source`` is ``FILE#LINE`` (1-based);
- a WARC file (``.warc``, ``.warc.gz``) holds one page per ``response`` record with an HTML
  payload, read with warcio; the target URI is the url and the WARC-Date the date where the page
  states none. ``source`` is ``FILE@OFFSET``, the record's byte offset (what CDX indexes and
  ``warcio extract`` use). Other records are skipped and counted.

Readers never hold more than one page: memory is flat however long the file. A line that is not
JSON, a line with no page field, and a record that cannot be read are :class:`Page` items with an
``error``: the pipeline writes them as rejects for that line or record, and the file goes on.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from .ingest import format_of

#: pages per batch (one task of the flow, one unit of work of a process or Dask worker)
DEFAULT_BATCH_SIZE = 50
JSONL_SUFFIXES = (".jsonl", ".ndjson")
WARC_SUFFIXES = (".warc",)
#: a line longer than this is a reject (a page is rarely over 5 MB; one line is one page)
MAX_LINE_BYTES = 64 * 1024 * 1024


def _bare(name: str) -> str:
    lower = name.lower()
    return lower[:-3] if lower.endswith(".gz") else lower


def container_kind(name: str) -> str | None:
    """'jsonl' or 'warc' for a file that holds many pages, else None."""
    bare = _bare(name)
    if bare.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if bare.endswith(WARC_SUFFIXES):
        return "warc"
    return None


def is_supported(name: str) -> bool:
    return format_of(name) is not None or container_kind(name) is not None


SUPPORTED = ".txt, .md, .html, .htm (one page each), .jsonl, .ndjson, .warc (many pages each), each optionally .gz"


@dataclass(frozen=True)
class Page:
    """One page to clean: where it came from, its bytes (or the file that holds them), its format
    when the container says it, and the metadata the container gives."""

    source: str
    #: the file the page is in
    path: str
    #: the page's bytes; None: the whole file at ``path`` is the page
    raw: bytes | None = None
    #: "html", "text" (a text field: Markdown is still sniffed) or None (by the file name)
    format: str | None = None
    #: metadata from the container (url, title, published), used where the page states none
    hints: dict = field(default_factory=dict)
    #: why this line or record could not be read (a reject); None for a page
    error: str | None = None
    #: size and modification time of what the state store compares (the file, or the line)
    size: int = 0
    mtime_ns: int = 0
    #: SHA-256 of the line or record as read (what the state store compares), "" for a page file
    sha256: str = ""

    def read(self) -> bytes:
        return self.raw if self.raw is not None else Path(self.path).read_bytes()


@dataclass(frozen=True)
class Fields:
    """Field names of a JSON Lines page, each a list tried in order."""

    html: tuple[str, ...] = ("html",)
    text: tuple[str, ...] = ("text", "content", "body")
    url: tuple[str, ...] = ("url",)
    title: tuple[str, ...] = ("title",)
    date: tuple[str, ...] = ("date", "published", "fetched_at")

    @classmethod
    def parse(cls, specs: Iterable[str]) -> "Fields":
        """From ``ROLE=NAME[,NAME...]`` items, e.g. ``html=raw_html`` or ``date=crawl_date,ts``.
        Raises ValueError with what is wrong."""
        roles = {name: getattr(cls(), name) for name in cls.__dataclass_fields__}
        for spec in specs:
            role, sep, names = spec.partition("=")
            role = role.strip()
            if not sep or role not in roles or not names.strip():
                raise ValueError(f"--field {spec!r}: expected ROLE=NAME with ROLE one of {', '.join(roles)}")
            roles[role] = tuple(n.strip() for n in names.split(",") if n.strip())
        return cls(**roles)


def _first(obj: dict, names: tuple[str, ...]):
    for name in names:
        value = obj.get(name)
        if value not in (None, ""):
            return name, value
    return None, None


def _open(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def jsonl_pages(path: str, source: str, fields: Fields = Fields()) -> Iterator[Page]:
    """Every line of a JSON Lines file as a :class:`Page` (blank lines are skipped)."""
    mtime = os.stat(path).st_mtime_ns
    number = 0
    with _open(path) as fh:
        try:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                page = _jsonl_page(line, f"{source}#{number}", path, fields, mtime)
                yield replace(page, sha256=hashlib.sha256(line).hexdigest())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:  # a truncated .gz: what was read stands
            yield Page(f"{source}#{number + 1}", path, error=f"cannot read past line {number}: {exc}", mtime_ns=mtime)


def _jsonl_page(line: bytes, source: str, path: str, fields: Fields, mtime: int) -> Page:
    size = len(line)
    if size > MAX_LINE_BYTES:
        return Page(source, path, error=f"line of {size:,} bytes, over the {MAX_LINE_BYTES:,}-byte cap per line",
                    size=size, mtime_ns=mtime)
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Page(source, path, error=f"not JSON: {exc}", size=size, mtime_ns=mtime)
    if not isinstance(obj, dict):
        return Page(source, path, error=f"a JSON {type(obj).__name__}, not an object with a page field",
                    size=size, mtime_ns=mtime)
    name, html = _first(obj, fields.html)
    fmt = "html"
    if html is None:
        name, html = _first(obj, fields.text)
        fmt = "text"
    if html is None or not isinstance(html, str):
        wanted = ", ".join(fields.html + fields.text)
        what = f"field {name!r} is a {type(html).__name__}, not a string" if html is not None else \
            f"no page field (looked for {wanted}; rename with --field html=NAME or --field text=NAME)"
        return Page(source, path, error=what, size=size, mtime_ns=mtime)
    hints = {}
    for role in ("url", "title", "date"):
        _, value = _first(obj, getattr(fields, role))
        if role == "date" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _epoch(value)
        if isinstance(value, str) and value.strip():
            hints["published" if role == "date" else role] = value.strip()
    return Page(source, path, raw=html.encode("utf-8"), format=fmt, hints=hints, size=size, mtime_ns=mtime)


def _epoch(value: float) -> str | None:
    """A Unix time (seconds, or milliseconds as many scrapers write) as an ISO date-time."""
    from datetime import datetime, timezone

    seconds = value / 1000 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M")
    except (OverflowError, OSError, ValueError):
        return None


def warc_pages(path: str, source: str, counts: Counter | None = None) -> Iterator[Page]:
    """Every ``response`` record with an HTML payload of a WARC file as a :class:`Page`; other
    records are counted in ``counts`` (``warc_records_skipped``)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    counts = counts if counts is not None else Counter()
    mtime = os.stat(path).st_mtime_ns
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        offset = 0
        try:
            for record in records:
                html = record.rec_type == "response" and record.http_headers is not None \
                    and "html" in (record.http_headers.get_header("Content-Type") or "").lower()
                payload, problem = b"", None
                if html:
                    try:  # before the offset: warcio reads a record to its end to tell where it began
                        payload = record.content_stream().read()
                        missing = getattr(record.raw_stream, "limit", 0)
                        if missing:  # the file ends inside the record: half a page is not the article
                            problem = (f"record truncated: the file ends {missing:,} bytes before the "
                                       f"{record.length:,} its header declares")
                    except Exception as exc:  # a record that cannot be decoded: a reject, then the rest
                        problem = f"cannot read the record's payload: {type(exc).__name__}: {exc}"
                offset = records.get_record_offset()
                where = f"{source}@{offset}"
                if not html:
                    counts["warc_records_skipped"] += 1
                    continue
                if problem is not None:
                    yield Page(where, path, error=problem, mtime_ns=mtime)
                    continue
                hints = {}
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if uri:
                    hints["url"] = uri.strip("<>")
                date = record.rec_headers.get_header("WARC-Date")
                if date:
                    hints["published"] = date
                yield Page(where, path, raw=payload, format="html", hints=hints, size=len(payload), mtime_ns=mtime,
                           sha256=hashlib.sha256(payload).hexdigest())
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield Page(f"{source}@{offset}", path, error=f"cannot read the WARC past offset {offset}: "
                                                         f"{type(exc).__name__}: {exc}", mtime_ns=mtime)


def pages(files: Iterable[tuple[str, str]], fields: Fields = Fields(), counts: Counter | None = None
          ) -> Iterator[Page]:
    """Every page of ``[(path, source)]`` (as ``io.discover`` lists them), in order, streamed."""
    for path, source in files:
        kind = container_kind(source)
        if kind == "jsonl":
            yield from jsonl_pages(path, source, fields)
        elif kind == "warc":
            yield from warc_pages(path, source, counts)
        else:
            try:
                st = os.stat(path)
            except OSError as exc:
                yield Page(source, path, error=f"cannot read file: {exc.strerror or exc}")
                continue
            yield Page(source, path, size=st.st_size, mtime_ns=st.st_mtime_ns)

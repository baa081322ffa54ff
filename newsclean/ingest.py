"""Ingest: raw bytes in, decoded text and page metadata out.

Owns everything about reading a raw file's *content*: gzip, charset detection
(charset-normalizer, never a blind UTF-8 guess), telling HTML from Markdown from plain text,
and running trafilatura on HTML. It raises :class:`IngestError` with a reason a person can act
on when a file cannot be read as text; the pipeline turns that into a reject.

trafilatura is called with ``deduplicate=False``: its process-global dedup cache empties a
document the second time the same page is seen in one process (trafilatura issue 778).
"""
from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
import zlib
from dataclasses import dataclass


TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown",
                 ".html": "html", ".htm": "html"}
#: share of control characters above which decoded bytes are called binary
MAX_CONTROL_CHAR_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml)", re.I)
#: Markdown marks: ATX headings, [links](url), <autolinks>, **strong**; each span stops at the next
#: opening bracket and is bounded, so a line of '[[[[' is read in linear time, not quadratic
_MARKDOWN_SIGNS = re.compile(r"^#{1,6}\s+\S|\[[^\[\]\n]{1,500}\]\([^()\s]{0,2000}\)|<https?://[^<>\s]{1,2000}>|"
                             r"\*\*[^*\n]{1,500}\*\*", re.M)
#: a .txt with at least this many Markdown marks is read as Markdown
MARKDOWN_MIN_SIGNS = 3
#: a table cell this long (in words) holds prose: the page is laid out with a table, and
#: extraction without tables reads it better (data tables have short cells and are kept)
LAYOUT_TABLE_CELL_WORDS = 50
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)


class IngestError(ValueError):
    """A raw file that cannot be turned into text; the message is the reject reason."""


@dataclass(frozen=True)
class RawText:
    text: str
    format: str  # "text", "markdown" or "html"
    encoding: str
    #: for HTML: metadata trafilatura found in the page
    html_metadata: dict | None = None
    #: the document id: :func:`content_id` of the decoded page
    id: str = ""


def document_id(raw: bytes) -> str:
    """Id of bytes that could not be decoded (a reject): the same bytes always give the same id."""
    return hashlib.sha256(raw).hexdigest()[:20]


def content_id(text: str) -> str:
    """The document id: the first 20 hex digits of the SHA-256 of the decoded page (UTF-8, line
    ends folded to '\n'). One article as .txt, as .txt.gz (with or without a name and time in the
    gzip header) and in another charset has one id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def format_of(name: str) -> str | None:
    """The format a file name announces (``.gz`` looked through), or None if unsupported."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix, fmt in TEXT_SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    return None


#: the most bytes one input may hold once decompressed (a page is rarely over 5 MB)
MAX_INPUT_BYTES = 50 * 1024 * 1024


class TooLarge(IngestError):
    """An input over the size cap; the message says which cap."""


def maybe_gunzip(raw: bytes, name: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes, decompressed when gzip; refuses (before inflating it all) more than ``max_bytes``."""
    if len(raw) > max_bytes:
        raise TooLarge(f"{len(raw):,} bytes, over the {max_bytes:,}-byte cap per input (--max-mb)")
    if not (name.lower().endswith(".gz") or raw[:2] == b"\x1f\x8b"):
        return raw
    out, data = [], raw
    size = 0
    try:
        while data:  # a file may hold several gzip members
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while data:
                chunk = inflater.decompress(data, max_bytes + 1 - size)
                size += len(chunk)
                out.append(chunk)
                if size > max_bytes:
                    raise TooLarge(f"over {max_bytes:,} bytes once decompressed (a gzip bomb?), the cap per "
                                   f"input (--max-mb)")
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
            if not inflater.eof:
                raise IngestError("corrupt gzip data: truncated stream")
            data = inflater.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        raise IngestError(f"corrupt gzip data: {exc}") from exc
    return b"".join(out)


def decode(raw: bytes) -> tuple[str, str]:
    """Decode bytes with the detected charset; refuse binary data."""
    if not raw.strip():
        raise IngestError("empty file")
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary data (NUL bytes), not text")
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only for bytes that are not UTF-8

        best = from_bytes(raw).best()
        if best is None:
            raise IngestError("undecodable bytes: no text encoding fits") from None
        text, encoding = str(best), best.encoding
    text = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_CHAR_SHARE * max(1, len(text)):
        raise IngestError(f"binary data: {controls} control characters in {len(text)} decoded as {encoding}")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def has_layout_table(text: str, min_cell_words: int = LAYOUT_TABLE_CELL_WORDS) -> bool:
    """A Markdown table with a cell of running prose: the page used a table for layout."""
    return any(len(cell.split()) >= min_cell_words
               for row in _TABLE_ROW.finditer(text) for cell in row.group().split("|"))


def _trafilatura_json(html: str, tables: bool, favor_recall: bool = False) -> dict | None:
    import trafilatura  # heavy import, only needed for HTML

    out = trafilatura.extract(html, output_format="json", with_metadata=True,
                              include_formatting=True, include_comments=False,
                              include_tables=tables, deduplicate=False, favor_recall=favor_recall)
    return json.loads(out) if out else None


#: share of the text an extraction without tables must keep to replace the one with them
LAYOUT_TABLE_MIN_KEPT = 0.6


def extract_html(html: str) -> tuple[str, dict]:
    """Main text (Markdown-formatted, one block per line, data tables as '| a | b |' rows) and
    metadata of an HTML page."""
    data = _trafilatura_json(html, tables=True)
    if data and has_layout_table(data.get("text") or ""):
        without = _trafilatura_json(html, tables=False)
        # a page laid out with a table is extracted without tables, unless that loses most of the
        # text: then the table holds the article (WCXB dev: a page kept 4.6k of 12.7k characters)
        if without and len(without.get("text") or "") >= LAYOUT_TABLE_MIN_KEPT * len(data.get("text") or ""):
            data = without
    if not data:
        # trafilatura's default settings find no main text on some pages (WCXB dev: 1 of 709, an
        # article of 12k characters); its recall mode does, and the cleaning stages come after
        data = _trafilatura_json(html, tables=True, favor_recall=True)
    if not data:
        raise IngestError("HTML page with no extractable main text")
    meta = {
        "title": page_headline(html, data.get("title")),
        "published": data.get("date"),
        "author": clean_byline(data.get("author")),
        "site": data.get("sitename") or data.get("source-hostname"),
        "url": data.get("source") or data.get("url"),
    }
    return data.get("text") or "", meta


_H1_OPEN = re.compile(r"<h1\b[^>]{0,2000}>", re.I)
_H1_CLOSE = re.compile(r"</h1\s{0,20}>", re.I)
_TAG = re.compile(r"<[^>]{0,2000}>")
#: a page's headline (its <h1>) replaces the metadata title when at least this share of the shorter
#: one's words are in the other: the same headline without the site's name ('Headline | Site') or
#: in the page's own words rather than the share title's
HEADLINE_MIN_SHARED_WORDS = 0.5
#: longer <h1> text is not a headline
HEADLINE_MAX_WORDS = 30


def page_headline(html: str, meta_title: str | None, max_h1: int = 3) -> str | None:
    """The page's headline: the first of its first ``max_h1`` <h1> elements that states the metadata
    title (og:title / <title>, which often carry the site's name or a share-only wording), or that
    title when none does. WCXB dev (709 pages, h1-ish truth): title accuracy 0.547 -> 0.839; AEB dev
    (70 pages, whose truth is og:title, site name included): 0.871 -> 0.729, and 0.957 -> 0.914 when
    a site-name suffix is not counted (bench/extraction.py --styles html)."""
    words = set(_WORD_FOLD.findall((meta_title or "").lower()))
    pos = 0
    for _ in range(max_h1):
        m = _H1_OPEN.search(html, pos)
        if m is None:
            break
        close = _H1_CLOSE.search(html, m.end())
        if close is None:
            break
        end = pos = close.start()
        text = " ".join(html_lib.unescape(_TAG.sub(" ", html[m.end():end])).split())
        h1 = set(_WORD_FOLD.findall(text.lower()))
        if not h1 or len(text.split()) > HEADLINE_MAX_WORDS:
            continue
        if not words or len(h1 & words) >= HEADLINE_MIN_SHARED_WORDS * min(len(h1), len(words)):
            return text
    return meta_title


_WORD_FOLD = re.compile(r"\w+")
#: a byline's opening word, which the record's author leaves out ('Author Jane Roe', 'By: Jane Roe')
_BYLINE_LEAD = re.compile(r"^\s*(?:(?:written|posted|published|words)\s+by|by|authors?)(?:\s*[:\-–]\s*|\s+)", re.I)
#: where the page's next field starts inside an author string ('Jane Roe Last Updated August 1')
_BYLINE_NEXT_FIELD = re.compile(r"\b(?:last\s+updated|updated|published|posted\s+on|(?:medically\s+)?reviewed\s+by|"
                                r"fact[- ]checked\s+by|edited\s+by)\b", re.I)


def clean_byline(author: str | None) -> str | None:
    """trafilatura's author without a leading 'Author'/'By' and without the meta fields after it
    (WCXB dev HTML: 'Author Michael Ansaldo', 'Cazzy Magennis Last Updated August 1'; author accuracy
    0.670 -> 0.679 on the 552 pages with one)."""
    if not author:
        return author
    author = _BYLINE_LEAD.sub("", author)
    cut = _BYLINE_NEXT_FIELD.search(author)
    if cut:
        author = author[:cut.start()]
    return author.strip(" ,;|•·-–") or None


def looks_like_markdown(text: str) -> bool:
    """Scrapers often save Markdown under .txt: count its marks."""
    return len(_MARKDOWN_SIGNS.findall(text[:50000])) >= MARKDOWN_MIN_SIGNS


def read_raw(raw: bytes, name: str, max_bytes: int = MAX_INPUT_BYTES, fmt: str | None = None) -> RawText:
    """Turn one raw page's bytes into text; ``fmt`` ("html" or "text", as a JSON Lines field or a
    WARC record says) or else ``name``'s suffix gives the format; Markdown is sniffed in text."""
    raw = maybe_gunzip(raw, name, max_bytes)
    fmt = fmt or format_of(name) or ("html" if _HTML_SNIFF.match(raw[:512]) else "text")
    text, encoding = decode(raw)
    if fmt == "text" and looks_like_markdown(text):
        fmt = "markdown"
    if fmt == "html":
        body, meta = extract_html(text)
        return RawText(body, "html", encoding, meta, content_id(text))
    return RawText(text, fmt, encoding, None, content_id(text))

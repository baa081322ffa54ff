"""Segment: decoded text in, blocks (paragraphs, headings, list items) out.

Plain-text page dumps put one visual line per paragraph, menu entry or caption, so each line is
its own block unless it is plainly a hard-wrapped continuation (no closing punctuation and the
next line starts in lower case). Markdown follows Markdown: lines of one block are joined,
``#`` headings become heading blocks without their marks, list markers are dropped from list
items, and inline links and emphasis are reduced to their text.
"""
from __future__ import annotations

import re

from .markdown_inline import parse_inline
from .record import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
#: bullets, numbers, and the indented "o" that text renderers use for third-level items
_ORDINAL = re.compile(r"^\s*\d{1,3}[.)]\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•●▪◦‣]|\d{1,3}[.)])\s+(?=\S)|^\s{2,}o\s+(?=\S)")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_CLOSES_LINE = re.compile(r"[.!?:;…\"'”’)\]]\s*$")
#: a Markdown table row ('| HD | 225.86 | -5.44% |') and the rule under its header ('|---|---|')
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^[\s|:\-]+$")


def strip_markdown_inline(text: str) -> str:
    """``[text](url)`` -> text, ``![alt](url)`` -> nothing, ``<url>`` -> url, ``**x**`` -> x, escapes
    -> their character (:mod:`newsclean.markdown_inline`)."""
    return parse_inline(text).text


def tidy(text: str) -> str:
    """Trim a block and fold runs of inner spaces; keeps a single no-break space as written."""
    return _SPACES.sub(lambda m: " " if " " in m.group() or "\t" in m.group() else m.group(), text).strip()


def is_wrapped_continuation(line: str, next_line: str) -> bool:
    """A hard-wrapped line: it does not close a sentence and the next goes on in lower case."""
    nxt = next_line.lstrip()
    indented = next_line[:1].isspace()  # dumps indent nested menus and list levels
    return bool(nxt) and nxt[0].islower() and not indented and not _CLOSES_LINE.search(line)


def table_row_text(line: str) -> str:
    """A Markdown table row as its cells' text, one space apart ('' for the header rule)."""
    if _TABLE_RULE.match(line):
        return ""
    return " ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())


def _block(text: str, kind: str, gap: int, markdown: bool) -> Block:
    if not markdown:
        return Block(tidy(text), kind, gap)
    inline = parse_inline(text)
    plain = tidy(inline.text)
    if not plain and inline.alts:  # an image-only line: its alt text, for the caption rules to judge
        plain = tidy(" ".join(inline.alts))
    return Block(plain, kind, gap, min(inline.link_chars, len(plain)), inline.images)


def _line_block(line: str, gap: int, markdown: bool) -> Block:
    if markdown and _TABLE_ROW.match(line):
        return _block(table_row_text(line), TABLE_ROW, gap, markdown)
    heading = _HEADING.match(line) if markdown else None
    if heading:
        return _block(heading.group(2), HEADING, gap, markdown)
    marker = _LIST_ITEM.match(line)
    if marker and len(line) > marker.end():
        # a bullet glyph is typography and goes; an ordinal ("3)", "12.") numbers a ranked list or
        # the steps of a procedure, which the text refers to, so it stays
        text = line.lstrip() if _ORDINAL.match(line) else line[marker.end():]
        return _block(text, LIST_ITEM, gap, markdown)
    return _block(line, PARAGRAPH, gap, markdown)


def _blocks_of_group(lines: list[str], gap: int, markdown: bool, markdown_joins: bool) -> list[Block]:
    """Blocks of consecutive non-blank lines: Markdown joining (``markdown_joins``) or
    one block per line with only hard wraps joined."""
    out: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            block = _line_block(" ".join(s.strip() for s in current), gap if not out else 0, markdown)
            if block.text:
                out.append(block)
            current.clear()

    for i, line in enumerate(lines):
        starts_new = (markdown and (_HEADING.match(line) or _TABLE_ROW.match(line))) or _LIST_ITEM.match(line)
        if current and starts_new:
            flush()
        current.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        joins = False
        if nxt:
            if markdown_joins:
                joins = not (line.endswith("  ") or _HEADING.match(line) or _HEADING.match(nxt)
                             or _LIST_ITEM.match(nxt) or _TABLE_ROW.match(line) or _TABLE_ROW.match(nxt))
            else:
                joins = is_wrapped_continuation(line, nxt) and not _LIST_ITEM.match(nxt)
        if not joins:
            flush()
    flush()
    return out


def segment(text: str, fmt: str) -> list[Block]:
    """Split decoded text into blocks; ``fmt`` is "text", "markdown" or "html" (trafilatura
    output, which is Markdown-formatted with one block per line)."""
    markdown = fmt in ("markdown", "html")
    markdown_joins = fmt == "markdown"
    blocks: list[Block] = []
    group: list[str] = []
    gap = 0
    for raw_line in text.split("\n"):
        line = raw_line.rstrip("\n")
        if line.strip():
            group.append(line)
            continue
        if group:
            blocks.extend(_blocks_of_group(group, gap, markdown, markdown_joins))
            group, gap = [], 0
        gap += 1
    if group:
        blocks.extend(_blocks_of_group(group, gap, markdown, markdown_joins))
    return blocks

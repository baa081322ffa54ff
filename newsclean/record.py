"""The plain data every stage reads and returns.

A raw file becomes a :class:`Document` (the working state of one article: its blocks,
metadata, removals and flags). Each stage is a pure function ``Document -> Document``; the
pipeline turns the final document into the clean record (a plain dict) that is validated and
written. Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

#: Block kinds produced by segmentation.
PARAGRAPH = "paragraph"
HEADING = "heading"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"


@dataclass(frozen=True)
class Block:
    """One unit of the body: a paragraph, a heading or a list item, in reading order."""

    text: str
    kind: str = PARAGRAPH
    #: blank lines before this block in the source (0 = the previous line was adjacent)
    gap_before: int = 1
    #: Markdown sources: characters of ``text`` that were link text, and images the line held
    link_chars: int = 0
    images: int = 0


@dataclass(frozen=True)
class Removal:
    """A span taken out of the body, with why (``rule`` names the rule that fired)."""

    category: str
    text: str
    reason: str
    rule: str = ""
    #: for ``duplicate_quote``: the index of the paragraph it repeats, in the clean text
    repeats_paragraph: int | None = None


@dataclass(frozen=True)
class Flag:
    """A passage of the clean text marked for review; ``text == body[start:end]``."""

    kind: str
    start: int
    end: int
    text: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """Working state of one article as it moves through the stages."""

    id: str
    source: str
    format: str  # "text", "markdown" or "html"
    blocks: tuple[Block, ...] = ()
    metadata: Metadata = field(default_factory=Metadata)
    removed: tuple[Removal, ...] = ()
    flags: tuple[Flag, ...] = ()
    language: str = "und"
    #: the language whose stopwords cover most of the page as ingested (a cheap guess that the
    #: layout stages share before langdetect sets ``language``); None when no list covers enough
    stopword_language: str | None = None
    #: the block model's probability that each block is article text, aligned with ``blocks`` (set by
    #: the layout stage, read by metadata and boilerplate, cleared after); () when not scored
    article_p: tuple[float, ...] = ()
    #: the share of the page's words the block model's lexicon knows, when the unknown-words stages
    #: scored ``article_p`` (a page in a language the lexicon does not hold); None otherwise
    unknown_words_share: float | None = None
    #: metadata the input's container gave (a JSON Lines line's url/title/date, a WARC record's
    #: target URI and date): the hints stage fills what the page itself did not state
    hints: Metadata = field(default_factory=Metadata)
    #: bytes of the raw file, for the run summary
    raw_bytes: int = 0
    #: paragraphs re-joined by the repair stage
    repairs: int = 0

    def with_changes(self, **changes: Any) -> "Document":
        return replace(self, **changes)

    @property
    def body(self) -> str:
        return body_text(self.blocks)


PARAGRAPH_SEPARATOR = "\n\n"


def body_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    """The clean text: blocks joined by a blank line."""
    return PARAGRAPH_SEPARATOR.join(b.text for b in blocks)


def block_offsets(blocks: tuple[Block, ...] | list[Block]) -> list[int]:
    """Start offset of each block inside :func:`body_text`."""
    offsets, pos = [], 0
    for b in blocks:
        offsets.append(pos)
        pos += len(b.text) + len(PARAGRAPH_SEPARATOR)
    return offsets


def to_record(doc: Document) -> dict[str, Any]:
    """The clean record of OUTPUT.md (plus ``format`` and per-removal ``rule``)."""
    removed = []
    for r in doc.removed:
        # every item has the same keys (null where one does not apply): readers that infer a
        # schema (pyarrow, HF datasets) get a struct, not an opaque blob
        removed.append({"category": r.category, "text": r.text, "reason": r.reason, "rule": r.rule,
                        "repeats_paragraph": r.repeats_paragraph})
    flags = [
        {"kind": f.kind, "start": f.start, "end": f.end, "text": f.text,
         "score": round(float(f.score), 4), "reasons": list(f.reasons)}
        for f in doc.flags
    ]
    return {
        "id": doc.id,
        "source": doc.source,
        "text": doc.body,
        **asdict(doc.metadata),
        "language": doc.language,
        "format": doc.format,
        "flags": flags,
        "removed": removed,
        # alone until the writer's near-duplicate index says otherwise (newsclean/near_duplicates.py)
        "duplicate_of": None,
        "cluster": doc.id,
    }

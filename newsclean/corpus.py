"""Corpus: short lines that repeat on many pages of the corpus are site furniture.

Menus, section labels and promo lines of a site ('Most Viewed', 'Sign in', 'Our journalism')
repeat on every page of that site, whatever their wording; a headline or a subheading rarely
does. A pre-pass counts, for every short non-sentence line of every text or Markdown file, in
how many documents it appears (normalised: case, digits and outer punctuation folded); the
boilerplate stage then treats a line seen in at least ``min_documents`` documents and
``min_share`` of the corpus as furniture (rule ``repeated_across_corpus``). The signal grows with
the corpus: on a handful of files it never fires. Running prose is never judged this way (wire
copy repeats across outlets and is content).

The finished index is a frozen set of 64-bit hashes, cheap to ship to worker processes.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from .ingest import IngestError, format_of, read_raw
from .segment import segment
from .signals import ends_sentence, word_count

if TYPE_CHECKING:
    from .readers import Page

_DIGITS = re.compile(r"\d+")
_EDGES = re.compile(r"^\W+|\W+$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=32768)
def line_key(text: str) -> int:
    """Hash of a line with case, digits, outer punctuation and spacing folded."""
    norm = _SPACES.sub(" ", _EDGES.sub("", _DIGITS.sub("0", text.lower())))
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class CorpusRules:
    #: a line must appear in at least this many documents ...
    min_documents: int = 3
    #: ... and in at least this share of them
    min_share: float = 0.02
    #: only lines of at most this many words that do not close a sentence are counted
    max_words: int = 12
    #: every this many documents, lines seen only once are forgotten (bounded memory)
    prune_every: int = 5000


@dataclass
class CorpusLines:
    """Document counts of short lines across a corpus, then the set of repeated ones."""

    rules: CorpusRules = CorpusRules()
    documents: int = 0
    counts: Counter = field(default_factory=Counter)
    repeated: frozenset[int] = frozenset()
    #: the longest block of each document counted: copies of one article count once, or a
    #: syndicated story's subheadings would look like site furniture
    seen_articles: set[int] = field(default_factory=set)

    @staticmethod
    def countable(text: str, rules: CorpusRules) -> bool:
        return 0 < word_count(text) <= rules.max_words and not ends_sentence(text)

    def add_document(self, lines: Iterable[str]) -> None:
        lines = list(lines)
        article = line_key(max(lines, key=len)) if lines else 0
        if article in self.seen_articles:
            return
        self.seen_articles.add(article)
        self.documents += 1
        self.counts.update({line_key(t) for t in lines if self.countable(t, self.rules)})
        if self.documents % self.rules.prune_every == 0:
            self.counts = Counter({k: c for k, c in self.counts.items() if c > 1})

    def freeze(self) -> "CorpusLines":
        """Keep only the repeated lines; the counts are dropped."""
        need = max(self.rules.min_documents, self.rules.min_share * self.documents)
        return CorpusLines(self.rules, self.documents, Counter(),
                           frozenset(k for k, c in self.counts.items() if c >= need), set())

    def is_repeated(self, text: str) -> bool:
        return bool(self.repeated) and self.countable(text, self.rules) and line_key(text) in self.repeated

    @classmethod
    def from_pages(cls, pages: Iterable["Page"], rules: CorpusRules = CorpusRules()) -> "CorpusLines":
        """Pre-pass over pages (newsclean/readers.py): text and Markdown ones only (an HTML
        extractor already drops a site's chrome); unreadable pages are skipped here and rejected later."""
        index = cls(rules)
        for page in pages:
            lines = _lines_of(page)
            if lines is not None:
                index.add_document(lines[1])
        return index.freeze()


def _lines_of(page: "Page") -> tuple[str, list[str]] | None:
    """(SHA-256 of the raw bytes, block texts) of a text or Markdown page; None for HTML (an HTML
    extractor already drops a site's chrome) and for unreadable pages (rejected later)."""
    if page.error is not None or page.format == "html" or (page.format is None and format_of(page.source) == "html"):
        return None
    try:
        data = page.read()
        raw = read_raw(data, page.source, fmt=page.format)
    except (OSError, IngestError):
        return None
    if raw.format == "html":
        return None
    return page.sha256 or hashlib.sha256(data).hexdigest(), [b.text for b in segment(raw.text, raw.format)]


def article_and_lines(page: "Page", rules: CorpusRules = CorpusRules()) -> tuple[str, int, set[int]] | None:
    """What the state store keeps of one input for the pre-pass: (SHA-256 of its raw bytes, key of
    its longest line, keys of its countable lines); None where :func:`_lines_of` is None."""
    found = _lines_of(page)
    if found is None or not found[1]:
        return None
    sha, lines = found
    return sha, line_key(max(lines, key=len)), {line_key(t) for t in lines if CorpusLines.countable(t, rules)}

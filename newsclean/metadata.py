"""Metadata: headline, publication date, byline, site and URL taken from where the page states
them, and those lines taken out of the body.

Looks only at the page's head (the blocks before the first paragraph of running prose) and its
tail (the last few blocks), because that is where every news layout puts them: a headline line,
a dateline ("11 January 2021, 14:24"), a "By …" byline, an "Original url:" footer. Values the
HTML extractor already found are kept; lines that repeat them are removed all the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .patterns import RULES_BY_NAME, first_matching_rule
from .record import HEADING, LIST_ITEM, Block, Document, Removal
from .signals import (MONTHS, URL_ANYWHERE, WEEKDAYS, ends_sentence, is_date_line,
                      is_prose, is_url_line, parse_date, word_count)

_BYLINE = re.compile(r"^\s*(?:by|written by|words by|reporting by|story by|posted by|published by|publicado por|publié par|veröffentlicht von|von|par|por|di|door|"
                     r"author|authors|reporter)\s*:?\s+(?P<names>.+?)\s*$", re.I)
#: patterns that open with a run of spaces start it only where the run starts ('(?<!\s)'), or right
#: after a run an earlier match took ('(?<=\s)'): the same matches, in linear time on a line of spaces
#: "… on November 19, 2019, 6:21 AM EST" after the names
_BYLINE_DATE = re.compile(r"(?:(?<!\s)\s*|(?<=\s))(?:,|\bon\b|\||·|•|-|–|—)\s*(?P<date>(?:\w+,?\s+)?\w+\.?\s+\d{1,2},?\s+\d{4}.*|\d{1,2}\s+\w+\s+\d{4}.*|\d{4}-\d{2}-\d{2}.*)$")
_ROLE_TAIL = re.compile(r"(?:(?<!\s)\s*|(?<=\s))[,|–—-]\s*(staff|senior|chief|special|opinion|political|foreign|"
                        r"contributing|associate)?\s*(writer|reporter|correspondent|columnist|editor|"
                        r"contributor|journalist)s?\b.*$", re.I)
_FOR_SITE = re.compile(r"(?<!\s)\s+(?:for|from|at)\s+(?P<site>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4})\s*$")
_NAME_SPLIT = re.compile(r"(?:(?<!\s)\s*|(?<=\s))(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*")
_NAME = re.compile(r"^[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|da|van|von|der|del|la|le|bin|al|el)){0,5}$")
_SITE_CUES = (
    re.compile(r"\b(?:become|becoming) an? (?P<site>(?:[A-Z][\w.&'’-]*\s){1,4})(?:member|supporter|subscriber|patron)", re.U),
    re.compile(r"\b(?i:get the) (?P<site>[A-Z][\w.&'’-]*(?:[\s-][A-Z][\w.&'’-]*){0,3}?)(?:\s+(?i:daily|weekly|newsletter|digest|briefing))?\s+(?i:in your inbox)"),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?\s*)?(?P<site>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4})"),
)
_CALENDAR_WORD = re.compile(r"\b(" + "|".join(MONTHS + WEEKDAYS) + r"|today|tomorrow|yesterday)\b", re.I)
_TRAILING_SITE_WORD = re.compile(r"(?<!\s)\s+(weekly|daily|newsletter|digest)$", re.I)


@dataclass(frozen=True)
class MetadataRules:
    """Where metadata is looked for; every bound is an argument with its default."""

    #: blocks before the first paragraph searched for headline, date and byline
    head_blocks: int = 15
    #: blocks at the bottom searched for a byline or source footer
    tail_blocks: int = 8
    #: headline length bounds, in words
    title_min_words: int = 3
    title_max_words: int = 30
    #: a headline-like line among this many first blocks of the file is its title
    title_first_blocks: int = 3
    #: longest byline, in words
    byline_max_words: int = 12
    #: outside head and tail, a standalone "By …" line of at most this many words is a byline
    byline_anywhere_max_words: int = 6


def byline_date(text: str) -> str | None:
    """ISO date stated inside a byline ("Posted by X on November 19, 2019, 6:21 AM EST")."""
    m = _BYLINE.match(text)
    if not m:
        return None
    names, _, rest = m.group("names").partition(" | ")
    d = _BYLINE_DATE.search(names)
    if d:
        return parse_date(d.group("date"))
    return parse_date(rest) if rest and is_date_line(rest.split(" - ")[0]) else None


def parse_byline(text: str, max_words: int = 12) -> tuple[str, str | None] | None:
    """``"By Jane Doe for AFP"`` -> ("Jane Doe", "AFP"); several authors joined with "; "."""
    if word_count(text) > max_words or ends_sentence(text) and not text.rstrip().endswith("."):
        return None
    m = _BYLINE.match(text)
    if not m:
        return None
    names, _, rest = m.group("names").partition(" | ")
    names = _BYLINE_DATE.sub("", names)
    names = _ROLE_TAIL.sub("", names).strip(" .")
    rest = rest.strip()
    site = rest if rest and not _BYLINE_DATE.search(" | " + rest) and not parse_date(rest) else None
    fm = _FOR_SITE.search(names)
    if fm:
        site = site or fm.group("site").strip()
        names = names[:fm.start()].strip()
    people = [n.strip(" .") for n in _NAME_SPLIT.split(names) if n.strip(" .")]
    if not people or not all(_NAME.match(p) and not _CALENDAR_WORD.search(p) for p in people):
        return None
    return "; ".join(people), site


#: the fields of a post's meta strip ('05/10/2018 - Posted by: Jane Roe - Category: Health - Tags: …')
_META_FIELD_SEPARATOR = re.compile(r"(?<!\s)\s+[-–—|·•]\s+")


def parse_meta_strip(text: str, max_words: int = 30) -> tuple[str | None, str | None] | None:
    """(author, ISO date) of a line made only of a post's meta fields, at least two of them:
    a date, a 'By …' part, and 'Label: value' parts of the taxonomy family (category, tags…).
    None when any part is something else."""
    parts = _META_FIELD_SEPARATOR.split(text.strip())
    if len(parts) < 2 or word_count(text) > max_words:
        return None
    taxonomy = RULES_BY_NAME["taxonomy_line"]
    author = date = None
    for part in parts:
        byline = parse_byline(part, max_words)
        if byline:
            author = author or byline[0]
        elif is_date_line(part):
            date = date or parse_date(part)
        elif not taxonomy.matches(part, word_count(part)):
            return None
    return (author, date) if author or date else None


def site_from_text(blocks: list[Block]) -> str | None:
    """Outlet name stated by an appeal, newsletter box or copyright line (longest wins)."""
    found = []
    for b in blocks:
        for cue in _SITE_CUES:
            m = cue.search(b.text)
            if m:
                name = _TRAILING_SITE_WORD.sub("", m.group("site").strip(" .,:")).strip()
                if 1 <= len(name.split()) <= 5:
                    found.append(name)
    return max(found, key=len) if found else None


def _first_prose_index(blocks: list[Block], language: str | None) -> int:
    for i, b in enumerate(blocks):
        if b.kind != HEADING and is_prose(b.text, language):
            return i
    return len(blocks)


def _is_title_candidate(block: Block, rules: MetadataRules, min_words: int | None = None) -> bool:
    n = word_count(block.text)
    low = rules.title_min_words if min_words is None else min_words
    if block.kind == LIST_ITEM or not (low <= n <= rules.title_max_words):
        return False
    if block.text.rstrip().endswith(".") or is_date_line(block.text) or is_url_line(block.text):
        return False
    return first_matching_rule(block.text, n) is None and parse_byline(block.text) is None


def _pick_title(blocks: list[Block], head_start: int, head_end: int, rules: MetadataRules) -> int | None:
    """A Markdown heading if there is one, else a headline-like line among the file's first
    blocks, else the headline-like line nearest before the first paragraph."""
    for i in range(head_start, head_end):
        if blocks[i].kind == HEADING and _is_title_candidate(blocks[i], rules):
            return i
    if head_end and _is_title_candidate(blocks[0], rules, min_words=1):  # a file that opens with its title
        return 0
    for i in range(1, min(head_end, rules.title_first_blocks)):
        if _is_title_candidate(blocks[i], rules):
            return i
    for i in range(head_end - 1, head_start - 1, -1):
        if _is_title_candidate(blocks[i], rules):
            return i
    return None


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def _same_headline(line: str, title: str, min_words: int = 3) -> bool:
    """The line states the page title (which often carries the site name: 'Headline - Site')."""
    a, b = _norm(line), _norm(title)
    return bool(a) and (a == b or (len(a.split()) >= min_words and b.startswith(a)))


def extract_metadata(doc: Document, rules: MetadataRules = MetadataRules()) -> Document:
    """Fill ``doc.metadata`` from the page's head and tail and remove the lines it came from."""
    blocks = list(doc.blocks)
    language = doc.stopword_language
    head_end = _first_prose_index(blocks, language)
    head_start = max(0, head_end - rules.head_blocks)
    meta = doc.metadata
    taken: dict[int, Removal] = {}

    for i in range(head_start, head_end):
        text = blocks[i].text
        if is_date_line(text):
            iso = parse_date(text)
            if iso:
                meta = meta if meta.published else replace(meta, published=iso)
                taken[i] = Removal("dateline", text, "date-only line in the page head", "dateline")

    tail_start = max(head_end, len(blocks) - rules.tail_blocks)
    for i in range(len(blocks)):
        in_edges = head_start <= i < head_end or i >= tail_start
        if i in taken or not in_edges and word_count(blocks[i].text) > rules.byline_anywhere_max_words:
            continue
        strip = parse_meta_strip(blocks[i].text) if in_edges else None
        if strip:
            author, iso = strip
            meta = replace(meta, author=meta.author or author, published=meta.published or iso)
            taken[i] = Removal("byline", blocks[i].text, "a post's meta strip (date, author, category, tags)",
                               "meta_strip")
            continue
        parsed = parse_byline(blocks[i].text, rules.byline_max_words)
        if parsed:
            author, site = parsed
            meta = replace(meta, author=meta.author or author, site=meta.site or site,
                           published=meta.published or byline_date(blocks[i].text))
            where = "head" if i < head_end else "tail" if i >= tail_start else "body"
            taken[i] = Removal("byline", blocks[i].text, f"'By …' line in the page {where}", "byline")

    source_label = RULES_BY_NAME["source_label"]
    for i in range(len(blocks)):
        if not source_label.matches(blocks[i].text, word_count(blocks[i].text)):
            continue
        taken[i] = Removal("source_footer", blocks[i].text, "label of the original-URL footer", "source_label")
        url_match = URL_ANYWHERE.search(blocks[i].text)
        if not url_match and i + 1 < len(blocks) and is_url_line(blocks[i + 1].text):
            url_match = URL_ANYWHERE.search(blocks[i + 1].text)
            taken[i + 1] = Removal("source_footer", blocks[i + 1].text,
                                   "URL under an original-URL label", "source_label")
        if url_match and not meta.url:
            meta = replace(meta, url=url_match.group(0).strip("<>()[]"))

    candidates = [b for j, b in enumerate(blocks[head_start:head_end], head_start) if j not in taken]
    if meta.title:
        for i in range(head_start, min(head_end + 1, len(blocks))):
            if i not in taken and _same_headline(blocks[i].text, meta.title):
                taken[i] = Removal("title", blocks[i].text, "the headline, moved to 'title'", "title")
                break
    elif candidates:
        i = _pick_title([b if j not in taken else Block("", b.kind) for j, b in enumerate(blocks)],
                        head_start, head_end, rules)
        if i is not None:
            meta = replace(meta, title=blocks[i].text)
            taken[i] = Removal("title", blocks[i].text,
                               "headline-like line nearest before the first paragraph, moved to 'title'", "title")

    if not meta.site:
        meta = replace(meta, site=site_from_text(blocks))
    kept = tuple(b for i, b in enumerate(blocks) if i not in taken)
    removed = doc.removed + tuple(taken[i] for i in sorted(taken))
    return doc.with_changes(blocks=kept, metadata=meta, removed=removed)

"""Metadata: headline, publication date, byline, site and URL taken from where the page states
them, and those lines taken out of the body.

Looks only at the page's head (the blocks before the first paragraph of running prose) and its
tail (the last few blocks), because that is where every news layout puts them: a headline line,
a dateline ("11 January 2021, 14:24"), a "By …" byline, an "Original url:" footer. Values the
HTML extractor already found are kept; lines that repeat them are removed all the same.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np

from .block_model import load_candidate_model
from .boilerplate import article_threshold
from .dates import date_candidates, date_features, dates_in, load_date_model
from .patterns import RULES_BY_NAME, first_matching_rule
from .record import HEADING, LIST_ITEM, Block, Document, Metadata, Removal
from .signals import (MONTHS, URL_ANYWHERE, WEEKDAYS, ends_sentence, is_date_line,
                      find_date, is_prose, is_url_line, parse_date, title_case_share, word_count, words)
from .word_frequency import zipf_en

_BYLINE = re.compile(r"^\s*(?:by|written by|words by|reporting by|story by|posted by|published by|publicado por|publié par|veröffentlicht von|von|par|por|di|door|"
                     r"author|authors|reporter|contributor|contributors)(?:\s*:|\s)\s*(?P<names>.+?)\s*$", re.I)
#: the words a byline _BYLINE reads opens with (lowercase)
_BYLINE_OPENERS = ("by", "written by", "words by", "reporting by", "story by", "posted by", "published by",
                   "publicado por", "publié par", "veröffentlicht von", "von", "par", "por", "di", "door", "author",
                   "reporter", "contributor")
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
_HAS_DIGIT = re.compile(r"\d")


def _calendar_like(text: str) -> bool:
    """A date-ish phrase rather than a name: a digit, or calendar words ('Today', 'Monday', 'Jan.')
    for more than half of the words ('Tom May' and 'April Fulton' are names)."""
    if _HAS_DIGIT.search(text):
        return True
    tokens = text.split()
    return bool(tokens) and 2 * sum(1 for t in tokens if _CALENDAR_WORD.fullmatch(t.strip(".,"))) > len(tokens)


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
    #: the article starts at the first block the block model calls article with this many words (or prose)
    article_start_min_words: int = 15
    #: title candidates run from this many blocks before the article's start (a table of contents or an
    #: author box often stands between the headline and the first paragraph) to this many after it
    title_head_blocks: int = 40
    title_after_start: int = 3
    #: a date is read off short lines up to this many blocks past the article's start
    date_after_start: int = 3
    date_line_max_words: int = 20
    #: author candidates run from this many blocks before the article's start to this many after it
    author_head_blocks: int = 30
    author_after_start: int = 8
    #: pick the author with the author model (newsclean/models/author_model.npz) when it is shipped
    use_author_model: bool = True
    #: pick the title with the title model (newsclean/models/title_model.npz) when it is shipped
    use_title_model: bool = True
    #: pick the publication date among the page's dates with the date model (newsclean/models/date_model.npz)
    use_date_model: bool = True


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
    if not people or not all(_NAME.match(p) and not _calendar_like(p) for p in people):
        return None
    return "; ".join(people), site


#: the fields of a post's meta strip ('05/10/2018 - Posted by: Jane Roe - Category: Health - Tags: …')
_META_FIELD_SEPARATOR = re.compile(r"(?<!\s)\s+[-–—|·•]\s+")


def byline_rest(text: str, max_words: int = 12) -> str | None:
    """All a 'By …' line says after its opening word, less a trailing date or '| field':
    ``"By Jane Roe, MD | May 2, 2025"`` -> "Jane Roe, MD", ``"by jsmith"`` -> "jsmith"."""
    if len(text) > 120 or not text.lstrip()[:20].lower().startswith(_BYLINE_OPENERS):
        return None
    m = _BYLINE.match(text)
    if not m:
        return None
    names = m.group("names").partition(" | ")[0]
    names = _BYLINE_DATE.sub("", names).strip(" .,:;|-–—")
    if not names or not 1 <= word_count(names) <= max_words or len(names) > 80 or _HAS_DIGIT.search(names):
        return None
    return names


def name_list(text: str, max_words: int = 16) -> str | None:
    """A line that is a name and what follows it after commas: credentials or more names
    ('Jane Roe, MD, FACP', 'Ann Lee, Bo Chan & Cy Diaz', 'Ann Lee and Bo Chan'), each part capitalised."""
    if len(text) > 100 or _HAS_DIGIT.search(text) or text.endswith(("!", "?", ":")) or word_count(text) > max_words:
        return None
    parts = [p.strip() for p in _NAME_SPLIT.split(text)]
    if len(parts) < 2 or not all(p[:1].isupper() for p in parts) or not _NAME.match(parts[0]) \
            or _calendar_like(text) or first_matching_rule(text, word_count(text)) is not None:
        return None
    return text.strip(" ,;")


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
    become, inbox, mark = _SITE_CUES
    for b in blocks:
        t = b.text
        # each cue's literal words first: a substring test is 20x cheaper than the search it saves
        cues = [cue for cue, present in ((become, "becom" in t), (inbox, "nbox" in t.lower()),
                                         (mark, "©" in t or "(c)" in t or "copyright" in t)) if present]
        for cue in cues:
            m = cue.search(t)
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


_NON_WORD_RUN = re.compile(r"\W+")


def _norm(s: str) -> str:
    return _NON_WORD_RUN.sub(" ", s).strip().lower()


def _same_headline(line: str, title: str, min_words: int = 3) -> bool:
    """The line states the page title (which often carries the site name: 'Headline - Site')."""
    a, b = _norm(line), _norm(title)
    return bool(a) and (a == b or (len(a.split()) >= min_words and b.startswith(a)))


def _model_title(doc: Document, blocks: list[Block], head_start: int, head_end: int, taken: dict,
                 rules: MetadataRules) -> tuple[int, str, float] | None:
    """The title model's best candidate (line, value) and its probability, when it is sure enough."""
    model = load_title_model() if rules.use_title_model and doc.format != "html" else None
    if model is None:
        return None
    forest, min_probability = model
    candidates = title_candidates(blocks, head_start, head_end, taken, rules)
    if not candidates:
        return None
    probs = forest.proba(title_features(blocks, doc.article_p, candidates, head_end))
    best = int(np.argmax(probs))
    return (*candidates[best], float(probs[best])) if probs[best] >= min_probability else None


#: the title model's features of a candidate line (see title_features)
TITLE_FEATURES = ("offset", "log_words", "log_chars", "title_case", "ends_sentence", "ends_question", "ends_colon",
                  "heading", "list_item", "family", "log_repeats", "log_contained_in", "article_p", "next_article_p",
                  "headings_before", "first_heading", "digit_share", "upper_share", "link_share", "image",
                  "rel_position", "first_block", "separator", "candidates", "closest_heading", "body_overlap",
                  "length_rank", "meta_follows", "cut", "cut_words", "log_contains", "prev_candidate",
                  "next_candidate", "line_rank", "log_prev_words", "log_next_words")
TITLE_MODEL_PATH = Path(__file__).parent / "models" / "title_model.npz"


def article_start(doc: Document, blocks: list[Block], rules: MetadataRules) -> int:
    """Index of the article's first paragraph: the first block the block model calls article that is
    running prose (or long); the first prose block when the page was not scored."""
    if doc.article_p and len(doc.article_p) == len(blocks):
        threshold = article_threshold()
        for i, (b, p) in enumerate(zip(blocks, doc.article_p)):
            if p >= threshold and b.kind != HEADING and (word_count(b.text) >= rules.article_start_min_words
                                                        or is_prose(b.text, doc.stopword_language)):
                return i
    return _first_prose_index(blocks, doc.stopword_language)


def _title_window(blocks: list[Block], head_start: int, head_end: int, taken: dict, rules: MetadataRules) -> list[int]:
    stop = min(len(blocks), head_end + rules.title_after_start)
    start = max(0, head_end - rules.title_head_blocks)
    return [i for i in range(start, stop) if i not in taken and blocks[i].kind != LIST_ITEM
            and 1 <= word_count(blocks[i].text) <= rules.title_max_words and not is_url_line(blocks[i].text)
            and not is_date_line(blocks[i].text)]


#: where a page title's site name or tagline is joined on ('Headline | Site', 'Headline – Tagline')
_TITLE_SEPARATOR = re.compile(r" [|–—-] | · | :: ")


def title_candidates(blocks: list[Block], head_start: int, head_end: int, taken: dict,
                     rules: MetadataRules) -> list[tuple[int, str]]:
    """(line, value) of the title candidates: each short line around the article's start, and for a
    line joined by a separator also its part before the separator ('Headline | Site' → 'Headline')."""
    out = []
    for i in _title_window(blocks, head_start, head_end, taken, rules):
        text = blocks[i].text.strip()
        out.append((i, text))
        cut = _TITLE_SEPARATOR.search(text)
        if cut and word_count(text[:cut.start()]) >= 2:
            out.append((i, text[:cut.start()].strip()))
    return out


def title_features(blocks: list[Block], article_p: tuple[float, ...], candidates: list[tuple[int, str]],
                   head_end: int) -> np.ndarray:
    """One row of TITLE_FEATURES per candidate (line, value)."""
    norms = [_norm(b.text) for b in blocks]
    counts = Counter(norms)
    X = np.zeros((len(candidates), len(TITLE_FEATURES)), dtype=np.float32)
    lines = sorted({i for i, _ in candidates})
    headings = [i for i in lines if blocks[i].kind == HEADING]
    n = len(blocks)
    # a headline's words come back in the article's first paragraphs
    opening = set(w.lower() for b in blocks[head_end:head_end + 4] for w in words(b.text) if len(w) >= 4)
    lengths = sorted((word_count(value) for _, value in candidates), reverse=True)
    line_norms = {i: norms[i] for i in lines}
    line_set = set(lines)
    line_rank = {i: k for k, i in enumerate(lines)}
    for r, (i, value) in enumerate(candidates):
        b = blocks[i]
        text = value.rstrip()
        words_n = word_count(text)
        letters = sum(map(str.isalpha, text)) or 1
        me = _norm(text)
        cut = len(me) < len(norms[i])
        contained = sum(1 for k, other in enumerate(norms[:max(head_end + 5, 0)]) if k != i and me and me in other
                        and other != me) if len(me) >= 8 else 0
        contains = sum(1 for k, other in line_norms.items() if k != i and len(other) >= 8 and other in me and other != me)
        X[r] = (i - head_end, math.log1p(words_n), math.log1p(len(text)), title_case_share(text), ends_sentence(text),
                text.endswith("?"), text.endswith(":"), b.kind == HEADING, b.kind == LIST_ITEM,
                first_matching_rule(text, words_n) is not None, math.log1p(max(0, counts[me] - 1)), math.log1p(contained),
                article_p[i] if article_p else -1.0, article_p[i + 1] if article_p and i + 1 < n else -1.0,
                sum(1 for h in headings if h < i), bool(headings) and headings[0] == i,
                sum(map(str.isdigit, text)) / max(len(text), 1), sum(map(str.isupper, text)) / letters,
                b.link_chars / max(len(text), 1), b.images > 0, i / max(n - 1, 1), i == 0,
                any(sep in text for sep in (" | ", " - ", " – ", " — ")), len(candidates),
                min((abs(h - i) for h in headings if h != i), default=99),
                _overlap(text, opening), lengths.index(words_n) / max(len(lengths) - 1, 1),
                any(is_date_line(blocks[j].text) or parse_byline(blocks[j].text) is not None
                    or (word_count(blocks[j].text) <= 20 and find_date(blocks[j].text) is not None)
                    for j in range(i + 1, min(n, i + 4))), cut,
                 word_count(b.text) - words_n if cut else 0, math.log1p(contains),
                # a headline and its dek are two short lines in a row: which of the two this is
                (i - 1) in line_set, (i + 1) in line_set, line_rank[i] / max(len(lines) - 1, 1),
                math.log1p(word_count(blocks[i - 1].text)) if i > 0 else -1.0,
                math.log1p(word_count(blocks[i + 1].text)) if i + 1 < n else -1.0)
    return X


def _overlap(text: str, vocabulary: set[str]) -> float:
    ws = [w.lower() for w in words(text) if len(w) >= 4]
    return sum(1 for w in ws if w in vocabulary) / len(ws) if ws else 0.0


@lru_cache(maxsize=2)
def load_title_model(path: Path = TITLE_MODEL_PATH):
    return load_candidate_model(path, TITLE_FEATURES, "title")


#: the author model's features of a candidate name (see author_features)
AUTHOR_FEATURES = ("kind_byline", "kind_segment", "kind_name_line", "kind_by_inside", "kind_name_first", "kind_after_date",
                   "kind_later_field", "kind_copyright", "offset", "log_name_words", "log_line_words",
                   "log_name_repeats", "date_near", "line_has_date", "article_p", "heading", "list_item", "link_share",
                   "title_case", "upper_share", "rel_position", "after_title", "candidates", "name_chars",
                   "name_zipf", "after_article", "bio_follows", "lower_elsewhere", "kind_whole_byline",
                   "kind_name_list")
AUTHOR_MODEL_PATH = Path(__file__).parent / "models" / "author_model.npz"
#: separators between a meta line's fields ('by Jane Roe ● December 23, 2025 ● 6 min read')
_FIELD_SEPARATOR = re.compile(r"\s[|•●·—–-]\s|\s?[|•●·]\s?")


#: text dumps glue a byline to its neighbours ('ByNina Pineda', 'By Korin MillerPublished: Jan 29, 2025')
_GLUED_BY = re.compile(r"\b(By|by)(?=[A-Z][a-z])")
_GLUED_FIELD = re.compile(r"(?<=[a-z])(?=(?:Published|Updated|Posted|Last|In|On|Follow|Read)\b)")
_BY_WORD = re.compile(r"(?:^|(?<=[\s(|•●·]))(?:[Bb]y|BY)\s*:?\s+")
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*,?$")
_NAME_JOINERS = frozenset({"and", "&", "de", "da", "van", "von", "der", "del", "la", "le", "bin", "al", "el"})
_NOT_NAME = frozenset(w.lower() for w in MONTHS + WEEKDAYS) | {"published", "updated", "posted", "last", "in", "on",
                                                               "read", "follow", "the", "staff", "team"}


def _name_run(tokens: list[str], max_tokens: int = 6) -> str | None:
    """The person's name at the start of ``tokens``: capitalised words (and joiners) up to the first
    other word, 1-6 words, not ending on a joiner."""
    out: list[str] = []
    for tok in tokens[:max_tokens + 2]:
        bare = tok.rstrip(",")
        if bare.rstrip(".").lower() in _NOT_NAME and bare.lower() not in ("staff", "team") or not (
                _NAME_TOKEN.match(tok) or tok.lower() in _NAME_JOINERS):
            break
        out.append(bare)
        if tok.endswith(",") and len(out) >= 2:  # 'Jane Roe, Senior Analyst': a role follows the comma
            break
    while out and out[-1].lower() in _NAME_JOINERS:
        out.pop()
    if not out or len(out) > max_tokens or any(c.isdigit() for w in out for c in w):
        return None
    return " ".join(out)


def _unglue(text: str) -> str:
    """A text dump's byline parted from the words glued to it ('ByNina Pineda', 'Korin MillerPublished')."""
    return _GLUED_FIELD.sub(" ", _GLUED_BY.sub(r"\1 ", text))


def _whole_byline(unglued: str, parsed: tuple[str, str | None] | None, rules: MetadataRules) -> str | None:
    """The kind-8 candidate: all the 'By …' line says, where that is not what the name parse gave."""
    whole = byline_rest(unglued, rules.byline_max_words)
    return whole if whole and (not parsed or _norm(whole) != _norm(parsed[0])) else None


def _is_credit(text: str) -> bool:
    """A caption or picture credit ('Leaders in Moscow. Picture: Agency'): the names it gives are
    the photo's subjects and photographer, not the article's author."""
    rule = first_matching_rule(text, word_count(text))
    return rule is not None and rule.category == "image_caption"


def author_candidates(blocks: list[Block], head_start: int, head_end: int, taken: dict,
                      rules: MetadataRules) -> list[tuple[int, str, int]]:
    """(block index, name, kind) of the names around the article's start: kind 0 a 'By …' byline,
    1 a byline as the first field of a meta line, 2 a line that is only a name ('Jane Roe'), 3 a name
    after 'by' inside a meta line ('October 11, 2023 by Jane Roe'), 4 a name opening a meta line
    ('Jane Roe December 2, 2025'), 5 a name after a date ('Dec 17, 2025Jane Roe'), 6 a name as a meta
    line's later field ('12 Comments | Jane Roe | Updated …'), 8 all a 'By …' line says after 'By' where
    that is not the name parse's ('By Mike Marshall, head of freight', 'by jsmith'), 9 a line that is
    names or a name and credentials ('Jane Roe, MD', 'Ann Lee and Bo Chan'); and anywhere else on the
    page 'By …' lines (kind 0 or 8; 3 where a date follows the name), name lists (9), name-only lines
    (2) and copyright holders (7: '© 2025 Jane Roe. All rights reserved.'). Picture credits and
    captions give none."""
    out = []
    stop = min(len(blocks), head_end + rules.author_after_start)
    for i in range(max(0, head_end - rules.author_head_blocks), stop):
        text = blocks[i].text.strip()
        if not text or word_count(text) > rules.byline_max_words * 2 or _is_credit(text):
            continue
        unglued = _unglue(text)
        parsed = parse_byline(unglued, rules.byline_max_words)
        if whole := _whole_byline(unglued, parsed, rules):
            out.append((i, whole, 8))  # credentials, handles, lists and houses the name parse turns down
        if parsed:
            out.append((i, parsed[0], 0))
            continue
        first = _FIELD_SEPARATOR.split(unglued, maxsplit=1)[0].strip()
        if first != unglued and (parsed := parse_byline(first, rules.byline_max_words)):
            out.append((i, parsed[0], 1))
            continue
        if 1 <= word_count(first) <= 5 and len(first) <= 40 and _NAME.match(first) and not _HAS_DIGIT.search(first) \
                and not _calendar_like(first) and first_matching_rule(first, word_count(first)) is None:
            out.append((i, first, 2))
            continue
        if listed := name_list(first):
            out.append((i, listed, 9))
            continue
        if word_count(text) > rules.byline_max_words + 8:
            continue
        by = _BY_WORD.search(unglued)
        if by and (name := _name_run(unglued[by.end():].split())):
            out.append((i, name, 3))
            continue
        tokens = unglued.split()
        name = _name_run(tokens, 4)
        if name and 2 <= len(name.split()) < len(tokens) and first_matching_rule(name, word_count(name)) is None:
            out.append((i, name, 4))
            continue
        found = dates_in(unglued)
        if found and (rest := unglued[found[-1][2]:].strip(" ,|•·-–—")) and (name := _name_run(rest.split(), 4)) \
                and len(name.split()) >= 2 and first_matching_rule(name, word_count(name)) is None:
            out.append((i, name, 5))
    named = {c[0] for c in out}
    for i in range(max(0, head_end - rules.author_head_blocks), stop):  # a name in a meta line's later field
        text = blocks[i].text.strip()
        if i in named or word_count(text) > rules.byline_max_words * 2 or _is_credit(text):
            continue
        for field in _FIELD_SEPARATOR.split(text)[1:]:
            field = field.strip()
            if 2 <= word_count(field) <= 4 and len(field) <= 40 and _name_run(field.split(), 4) == field \
                    and not _calendar_like(field) and first_matching_rule(field, word_count(field)) is None:
                out.append((i, field, 6))
                break
    window = {c[0] for c in out} | set(range(max(0, head_end - rules.author_head_blocks), stop))
    for i, b in enumerate(blocks):  # an explicit 'By …' line anywhere else: an author box, a byline under a lead image
        if i in window or (i in taken and taken[i].category != "byline") or word_count(b.text) > rules.byline_max_words:
            continue
        text = b.text.strip()
        # _BYLINE opens with one of these words: the other lines skip the unglueing and the parse
        opens = text[:16].lower().startswith(_BYLINE_OPENERS)
        unglued = _unglue(text) if opens else text
        parsed = opens and parse_byline(unglued, rules.byline_max_words)
        if opens and (whole := _whole_byline(unglued, parsed, rules)):
            out.append((i, whole, 8))
        if parsed:
            out.append((i, parsed[0], 0))
        elif 2 <= word_count(text) <= 4 and len(text) <= 40 and _NAME.match(text) and _name_run(text.split(), 4) == text \
                and not _calendar_like(text) and first_matching_rule(text, word_count(text)) is None:
            out.append((i, text, 2))  # a line that is only a name: the author box under the article
        elif opens and (by := _BY_WORD.match(unglued)) and (name := _name_run(unglued[by.end():].split())):
            out.append((i, name, 3))  # 'by Jane Roe August 25, 2025': the name the parse turned down for the date
        elif listed := name_list(text):
            out.append((i, listed, 9))  # 'Jane Roe, MD' under the article, 'Ann Lee, Bo Chan & Cy Diaz' under a paper's title
        elif (holder := copyright_holder(text)) is not None:
            out.append((i, holder, 7))  # a personal site's owner: '© 2025 Jane Roe. All rights reserved.'
    return out


#: '© 2025 Jane Roe', 'Copyright © 2012-2025 Jane Roe', '(c) 2024 Acme Co': the holder after the mark and years
_COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b)(?:[\s©,\d–-]|\bcopyright\b)*", re.I)
#: where a copyright holder's name ends ('Jane Roe. All rights reserved', 'Jane Roe | Privacy', 'Jane Roe · Terms')
_HOLDER_END = re.compile(r"[.|·∙•,;:]|\ball rights\b|\bpowered by\b|\bprivacy\b", re.I)


def copyright_holder(text: str) -> str | None:
    """The name a copyright line gives, when it is name-shaped (1-4 capitalised words)."""
    if len(text) > 160:
        return None
    m = _COPYRIGHT.search(text)
    if m is None:
        return None
    rest = text[m.end():]
    end = _HOLDER_END.search(rest)
    holder = (rest[:end.start()] if end else rest).strip()
    if not (1 <= word_count(holder) <= 4) or len(holder) > 40 or _HAS_DIGIT.search(holder):
        return None
    tokens = holder.split()
    if not all(t[:1].isupper() or t.lower() in _NAME_JOINERS for t in tokens) or _calendar_like(holder):
        return None
    return holder


def author_features(blocks: list[Block], article_p: tuple[float, ...], cands: list[tuple[int, str, int]],
                    head_end: int, title_index: int | None) -> np.ndarray:
    X = np.zeros((len(cands), len(AUTHOR_FEATURES)), dtype=np.float32)
    n = len(blocks)
    if not cands:
        return X
    threshold = article_threshold()
    last_article = max((k for k, p in enumerate(article_p) if p >= threshold), default=n) if article_p else n
    page = "\n".join(b.text for b in blocks)  # blocks holding a name, found by str.find over the page
    starts = list(accumulate((len(b.text) + 1 for b in blocks[:-1]), initial=0))
    dated: dict[int, bool] = {}

    def has_date(j: int) -> bool:
        if j not in dated:
            t = blocks[j].text
            dated[j] = bool(is_date_line(t) or (word_count(t) <= 20 and find_date(t)))
        return dated[j]

    # the page's words written in lower case: a person's name is not ('meal prep' is, 'Meal Prep' a heading)
    lower_words = set(_LOWER_WORD.findall("\n".join(b.text for k, b in enumerate(blocks)
                                                    if article_p and article_p[k] >= threshold)))
    for r, (i, name, kind) in enumerate(cands):
        text = blocks[i].text
        repeats = max(0, _blocks_containing(page, starts, name) - 1)
        near = any(0 <= j < n and j != i and has_date(j) for j in (i - 2, i - 1, i + 1, i + 2))
        letters = sum(map(str.isalpha, text)) or 1
        X[r] = (kind == 0, kind == 1, kind == 2, kind == 3, kind == 4, kind == 5, kind == 6, kind == 7, max(-300, min(300, i - head_end)), math.log1p(word_count(name)), math.log1p(word_count(text)),
                math.log1p(repeats), near, find_date(text) is not None, article_p[i] if article_p else -1.0,
                blocks[i].kind == HEADING, blocks[i].kind == LIST_ITEM, blocks[i].link_chars / max(len(text), 1),
                title_case_share(text), sum(map(str.isupper, text)) / letters, i / max(n - 1, 1),
                (i - title_index) if title_index is not None else -99, len(cands), len(name),
                _name_zipf(name), i > last_article, _bio_follows(blocks, i, name), _lower_share(name, lower_words),
                kind == 8, kind == 9)
    return X


def _blocks_containing(page: str, starts: list[int], name: str) -> int:
    """How many blocks hold ``name`` (``page``: the blocks joined by newlines, ``starts`` their offsets)."""
    if not name:
        return len(starts)
    found, at, last = 0, page.find(name), -1
    while at >= 0:
        k = bisect_right(starts, at) - 1
        if k != last:
            found, last = found + 1, k
        at = page.find(name, starts[k + 1] if k + 1 < len(starts) else len(page))
    return found


def _name_zipf(name: str) -> float:
    """Mean word frequency (Zipf scale, English list) of a name's words: a related headline in title
    case ('Best Travel Tips') is made of common words, a person's name mostly of rare ones."""
    ws = [w.strip(".,'’").lower() for w in name.split()]
    ws = [w for w in ws if w]
    return sum(zipf_en(w) for w in ws) / len(ws) if ws else 0.0


#: a word that opens in lower case (after a space or a line start)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-öø-ÿ][a-zà-öø-ÿ'’-]*")


def _lower_share(name: str, lower_words: set[str]) -> float:
    """Share of the name's words (3+ letters) the page also writes in lower case."""
    parts = [w.lower() for w in name.split() if len(w) >= 3 and w[:1].isupper()]
    return sum(1 for w in parts if w in lower_words) / len(parts) if parts else 0.0


def _bio_follows(blocks: list[Block], i: int, name: str) -> bool:
    """The next block is a sentence about the name (an author box: 'Jane Roe' then 'Jane is a reporter …')."""
    if i + 1 >= len(blocks):
        return False
    nxt = blocks[i + 1].text
    parts = name.split()
    return word_count(nxt) >= 8 and any(p in nxt.split()[:6] for p in (parts[0], parts[-1]) if len(p) >= 3)


@lru_cache(maxsize=2)
def load_author_model(path: Path = AUTHOR_MODEL_PATH):
    return load_candidate_model(path, AUTHOR_FEATURES, "author")


def _model_author(doc: Document, blocks: list[Block], head_start: int, head_end: int, taken: dict,
                  title_index: int | None, rules: MetadataRules) -> tuple[int, str, int, float] | None:
    model = load_author_model() if rules.use_author_model and doc.format != "html" else None
    if model is None:
        return None
    forest, min_probability = model
    cands = [c for c in author_candidates(blocks, head_start, head_end, taken, rules) if c[0] != title_index]
    if not cands:
        return None
    probs = forest.proba(author_features(blocks, doc.article_p, cands, head_end, title_index))
    best = int(np.argmax(probs))
    i, name, kind = cands[best]
    return (i, name, kind, float(probs[best])) if probs[best] >= min_probability else None


def date_dayfirst(doc: Document) -> bool:
    """Read '05/12/2025' day first unless the page is in English."""
    return (doc.stopword_language or "en") != "en"


def _model_date(doc: Document, blocks: list[Block], head_end: int, title_index: int | None, taken: dict,
                rules: MetadataRules) -> str | None:
    """ISO day of the date the date model picks among the page's dates, when it is sure enough."""
    model = load_date_model() if rules.use_date_model and doc.format != "html" else None
    if model is None:
        return None
    cands = date_candidates(blocks, date_dayfirst(doc), head_end=head_end)
    if not cands:
        return None
    forest, min_probability = model
    probs = forest.proba(date_features(blocks, doc.article_p, cands, head_end, title_index, frozenset(taken)))
    best = int(np.argmax(probs))
    return cands[best][1].isoformat() if probs[best] >= min_probability else None


def read_head(doc: Document, rules: MetadataRules = MetadataRules()):
    """(metadata, lines taken with their removals, head start, article start) from the page's head
    and tail: dates, bylines, meta strips and source footers; the title is picked after."""
    blocks = list(doc.blocks)
    head_end = article_start(doc, blocks, rules)
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

    if not meta.published:
        meta = replace(meta, published=_date_near_start(blocks, head_start, head_end, taken, rules))
    return meta, taken, head_start, head_end


_UPDATED = re.compile(r"\b(?:updated|modified|edited)\b", re.I)


def _date_near_start(blocks: list[Block], head_start: int, head_end: int, taken: dict,
                     rules: MetadataRules) -> str | None:
    """The date a short line around the article's start states ('Published on 14 Aug 2025 | 5 min read');
    a publication date before an 'updated' one."""
    found = []
    for i in range(head_start, min(len(blocks), head_end + rules.date_after_start)):
        text = blocks[i].text
        if i in taken or word_count(text) > rules.date_line_max_words:
            continue
        iso = find_date(text)
        if iso:
            found.append((bool(_UPDATED.search(text)), iso))
    return min(found, key=lambda f: f[0])[1] if found else None


def take_title(doc: Document, blocks: list[Block], meta: Metadata, taken: dict, head_start: int, head_end: int,
               rules: MetadataRules) -> Metadata:
    """The headline: the line repeating a title the HTML gave, else the title model's pick, else the
    headline-like line nearest before the article; its line joins ``taken``."""
    candidates = [b for j, b in enumerate(blocks[head_start:head_end], head_start) if j not in taken]
    if meta.title:
        for i in range(head_start, min(head_end + 1, len(blocks))):
            if i not in taken and _same_headline(blocks[i].text, meta.title):
                taken[i] = Removal("title", blocks[i].text, "the headline, moved to 'title'", "title")
                break
    elif candidates and (picked := _model_title(doc, blocks, head_start, head_end, taken, rules)) is not None:
        i, value, prob = picked
        meta = replace(meta, title=value)
        part = "" if value == blocks[i].text.strip() else ", the part before its separator"
        taken[i] = Removal("title", blocks[i].text, f"the headline: line {i - head_end:+d} from the article's first "
                                                    f"paragraph{part}, title probability {prob:.2f} (title model)", "title_model")
    elif candidates:
        i = _pick_title([b if j not in taken else Block("", b.kind) for j, b in enumerate(blocks)],
                        head_start, head_end, rules)
        if i is not None:
            meta = replace(meta, title=blocks[i].text)
            taken[i] = Removal("title", blocks[i].text,
                               "headline-like line nearest before the first paragraph, moved to 'title'", "title")

    return meta


def extract_metadata(doc: Document, rules: MetadataRules = MetadataRules()) -> Document:
    """Fill ``doc.metadata`` from the page's head and tail and remove the lines it came from."""
    blocks = list(doc.blocks)
    meta, taken, head_start, head_end = read_head(doc, rules)
    meta = take_title(doc, blocks, meta, taken, head_start, head_end, rules)
    title_index = next((i for i, r in taken.items() if r.category == "title"), None)
    if not (doc.format == "html" and meta.author):
        picked = _model_author(doc, blocks, head_start, head_end, taken, title_index, rules)
        if picked is not None:
            i, name, kind, prob = picked
            meta = replace(meta, author=name)
            if i not in taken and kind in (0, 2, 8):  # a meta line's other fields (date, reading time) are the layout's call
                shape = "line that is only a name" if kind == 2 else "'By …' line"
                taken[i] = Removal("byline", blocks[i].text, f"{shape} {i - head_end:+d} from the article's first "
                                                             f"paragraph, author probability {prob:.2f} (author model)",
                                   "author_model")

    picked_date = _model_date(doc, blocks, head_end, title_index, taken, rules)
    if picked_date and not (meta.published and meta.published[:10] == picked_date):
        meta = replace(meta, published=picked_date)  # a rule's value of the same day keeps its time of day
    if not meta.site:
        meta = replace(meta, site=site_from_text(blocks))
    kept = tuple(b for i, b in enumerate(blocks) if i not in taken)
    removed = doc.removed + tuple(taken[i] for i in sorted(taken))
    article_p = tuple(v for i, v in enumerate(doc.article_p) if i not in taken) if doc.article_p else ()
    return doc.with_changes(blocks=kept, metadata=meta, removed=removed, article_p=article_p)


#: a hinted url is kept only in the form the record schema allows
_HINT_URL = re.compile(r"^(?:https?://|www\.)\S{1,4000}$", re.I)


def fill_from_hints(doc: Document) -> Document:
    """Hints stage: the metadata an input's container gave (a JSON Lines line's url, title and date,
    a WARC record's target URI and date) fills each field the page itself did not state. A date is
    normalised to ISO 8601 (dropped when it is not a date); a url must look like one."""
    hints, meta = doc.hints, doc.metadata
    if hints == Metadata():
        return doc
    published = meta.published or (parse_date(hints.published) if hints.published else None)
    url = meta.url or (hints.url if hints.url and _HINT_URL.match(hints.url) else None)
    title = meta.title or (" ".join(hints.title.split()) or None if hints.title else None)
    return doc.with_changes(metadata=replace(meta, published=published, url=url, title=title,
                                             author=meta.author or hints.author, site=meta.site or hints.site))

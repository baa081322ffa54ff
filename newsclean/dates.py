"""Publication date of a text or Markdown dump: every date the page writes out, and a learned model
that picks the one that dates the article.

A page states many dates: the article's, an "updated" one, the dates of related posts and comments,
a copyright year, dates the article itself talks about. The date lines near the headline are where
layouts put the publication date, but "near" varies by site (a meta strip 20 lines above the first
paragraph, a date after the byline below it). `date_candidates` lists every written-out date on the
page with the line it is on; `date_features` describes each by features that hold on any site
(position relative to the article's start and the title, the line's shape, cue words, how it
compares with the page's other dates); the date model (gradient-boosted trees trained by
`bench/train_metadata.py --target date` on the shared dev pages, shipped as plain arrays in
`models/date_model.npz`) scores them and the metadata stage takes the best when it is sure enough.
"""
from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from .block_model import load_candidate_model
from .record import HEADING, LIST_ITEM, Block
from .signals import is_date_line, word_count

#: month names and their abbreviations in the languages most news is written in (English, Spanish,
#: Portuguese, French, German, Italian, Dutch), lower case; abbreviations that are common English
#: words elsewhere ('out', 'set') are left out
_MONTH_WORDS = (
    ("jan", "january", "enero", "ene", "janeiro", "janvier", "janv", "januar", "jänner", "gennaio", "gen", "januari"),
    ("feb", "february", "febrero", "fevereiro", "fev", "février", "févr", "fevrier", "februar", "febbraio", "februari"),
    ("mar", "march", "marzo", "março", "marco", "mars", "märz", "mär", "maerz", "maart", "mrt"),
    ("apr", "april", "abril", "abr", "avril", "avr", "aprile"),
    ("may", "mayo", "maio", "mai", "maggio", "mag", "mei"),
    ("jun", "june", "junio", "junho", "juin", "juni", "giugno", "giu"),
    ("jul", "july", "julio", "julho", "juillet", "juil", "juli", "luglio", "lug"),
    ("aug", "august", "agosto", "ago", "août", "aout", "augustus"),
    ("sep", "sept", "september", "septiembre", "setiembre", "setembro", "septembre", "settembre"),
    ("oct", "october", "octubre", "outubro", "octobre", "oktober", "okt", "ottobre", "ott"),
    ("nov", "november", "noviembre", "novembro", "novembre"),
    ("dec", "december", "diciembre", "dic", "dezembro", "dez", "décembre", "déc", "decembre", "dezember", "dicembre"),
)
_MONTH_NUMBER = {m: k for k, ms in enumerate(_MONTH_WORDS, 1) for m in ms}


def _trie_pattern(words) -> str:
    """``words`` as one regex of nested single-character branches ('jan(?:uary|v(?:ier)?)?'): each
    character is tried once per branch point, where a flat alternation of 90 words tries them all
    at every position (5x slower). Optional groups only, no repetition: backtracking is bounded by
    the longest word."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:  # a word may not end here
            return body
        return body + "?" if len(branches) > 1 or len(body) == 1 else "(?:" + body + ")?"

    return emit(tree)


#: one month word (not followed by a letter), an optional full stop
_MONTH = r"(?P<mon{n}>" + _trie_pattern(_MONTH_NUMBER) + r")(?![^\W\d_])\.?"
_SUFFIX = r"(?:st|nd|rd|th|er|º|°)?"
#: a date written out: 'Dec 12, 2025', 'DECEMBER 19 2025', 'Jul. 11. 2025', '14th of August 2025',
#: '12 de diciembre de 2025', '12. Dezember 2025', '1er décembre 2025', '19-Dec-2025', '2025-12-17',
#: '2025.12.17', '15/12/2025', '14.11.24'; a year glued to what follows ('20236:01 PM', '202511 mins')
#: is still read. Every alternative is a fixed sequence of bounded pieces (no nested quantifier).
DATE_PATTERN = re.compile(
    r"(?:" + _MONTH.format(n=1) + r" ?(?P<d1>\d{1,2})" + _SUFFIX + r"[,.]? (?P<y1>(?:19|20)\d\d)"
    r"|(?<!\d)(?P<d2>\d{1,2})" + _SUFFIX + r"\.? (?:of |de )?" + _MONTH.format(n=2) + r",? (?:de |del )?(?P<y2>(?:19|20)\d\d)"
    r"|(?<!\d)(?P<d5>\d{1,2})-" + _MONTH.format(n=5) + r"-(?P<y5>(?:19|20)\d\d)"
    r"|(?<!\d)(?P<y3>(?:19|20)\d\d)(?P<s3>[-/.])(?P<m3>\d{1,2})(?P=s3)(?P<d3>\d{1,2})(?!\d)"
    r"|(?<![\d.])(?P<a4>\d{1,2})(?P<s4>[/.])(?P<b4>\d{1,2})(?P=s4)(?P<y4>(?:19|20)\d\d|\d\d(?![\d.]))"
    r")", re.I)
#: DATE_PATTERN's numeric day-month-year alternative alone (what page_dayfirst counts)
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})([/.])(\d{1,2})\2(?:(?:19|20)\d\d|\d\d(?![\d.]))")
_TIME_AFTER = re.compile(r"^\D{0,12}\d{1,2}[:.]\d\d(?!\d)")
#: words that say a date is the publication date / a later revision (the main languages of the news)
_PUBLISHED_CUE = re.compile(r"\b(?:published|posted|released|originally|written|publié|publicado|veröffentlicht|"
                            r"pubblicato|gepubliceerd|opublikowano)\b", re.I)
_UPDATED_CUE = re.compile(r"\b(?:updated?|modified|edited|revised|last|aktualisiert|actualizado|aggiornato|"
                          r"mis à jour|bijgewerkt)\b", re.I)
_BY_CUE = re.compile(r"(?:^|[\s|•·—–-])(?:by|von|par|por|di|door)\s", re.I)
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.I)
_COMMENT_CUE = re.compile(r"\b(?:reply|replies|comments?|says|said on|wrote)\b", re.I)
MIN_YEAR, MAX_YEAR = 1990, 2035
_DIGIT = re.compile(r"\d")
_TWO_DIGITS = re.compile(r"\d\d")


def _parse(m: re.Match, dayfirst: bool) -> date | None:
    g = m.groupdict()
    try:
        if g["y1"]:
            return date(int(g["y1"]), _MONTH_NUMBER[g["mon1"].lower()], int(g["d1"]))
        if g["y2"]:
            return date(int(g["y2"]), _MONTH_NUMBER[g["mon2"].lower()], int(g["d2"]))
        if g["y5"]:
            return date(int(g["y5"]), _MONTH_NUMBER[g["mon5"].lower()], int(g["d5"]))
        if g["y3"]:
            return date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        a, b, y = int(g["a4"]), int(g["b4"]), int(g["y4"])
        y = y + 2000 if y < 100 else y
        # '14.11.24' is only ever day first ('3.14.15' is a version number); '06.18.2025' may be month first
        if (g["s4"] == "." and len(g["y4"]) == 2) or a > 12 or (dayfirst and b <= 12):
            a, b = b, a  # day first: '15/12/2025', '14.11.24'
        return date(y, a, b)
    except (ValueError, KeyError):
        return None


def dates_in(text: str, dayfirst: bool = False) -> list[tuple[date, int, int]]:
    """(date, start, end) of every date written out in ``text``, in order."""
    out = []
    if not _TWO_DIGITS.search(text):  # every DATE_PATTERN alternative ends in a year of 2+ digits
        return out
    for m in DATE_PATTERN.finditer(text):
        start = m.start()
        if m.group("mon1") and start and text[start - 1].islower() and text[start].islower():
            continue  # inside a word ('commay 5')
        d = _parse(m, dayfirst)
        if d is not None and MIN_YEAR <= d.year <= MAX_YEAR:
            out.append((d, start, m.end()))
    return out


#: (block index, date, start and end in the line, whether a time follows) of every date on the page
Candidate = tuple[int, date, int, int, bool]


def page_dayfirst(texts, default: bool) -> bool:
    """Whether the page writes numeric dates day first: what its unambiguous ones say ('18/06/2025'
    day first, '06/18/2025' month first; the more frequent wins), ``default`` (from the language)
    when none says or they tie."""
    day = month = 0
    for text in texts:
        if "/" not in text and "." not in text:
            continue
        for m in _NUMERIC_DATE.finditer(text):
            a, b = int(m.group(1)), int(m.group(3))
            day += 12 < a <= 31 and b <= 12
            month += 12 < b <= 31 and a <= 12
    return default if day == month else day > month


def date_candidates(blocks: list[Block], dayfirst: bool = False, max_words: int = 60,
                    max_candidates: int = 80, head_end: int = 0) -> list[Candidate]:
    """Every date on a line of at most ``max_words`` words, ambiguous numeric ones read in the page's
    own order (``page_dayfirst``, ``dayfirst`` when the page does not say); the ``max_candidates``
    nearest the article's start when the page has more."""
    dayfirst = page_dayfirst((b.text for b in blocks if word_count(b.text) <= max_words), dayfirst)
    out = []
    for i, b in enumerate(blocks):
        if not _DIGIT.search(b.text) or word_count(b.text) > max_words:
            continue
        for d, s, e in dates_in(b.text, dayfirst):
            out.append((i, d, s, e, bool(_TIME_AFTER.match(b.text[e:e + 20]))))
    if len(out) > max_candidates:
        out = sorted(sorted(out, key=lambda c: abs(c[0] - head_end))[:max_candidates], key=lambda c: (c[0], c[2]))
    return out


#: the date model's features of a candidate (see date_features)
DATE_FEATURES = ("offset", "abs_offset_log", "rel_position", "in_head", "title_offset", "log_line_words",
                 "dates_on_line", "index_on_line", "date_share", "cue_published", "cue_updated", "cue_before",
                 "cue_by", "copyright", "comment_cue", "has_time", "date_only_line", "month_name", "article_p",
                 "heading", "list_item", "link_share", "log_candidates", "order", "order_from_start",
                 "log_same_date", "log_days_to_latest", "log_days_to_earliest", "latest", "earliest",
                 "year_gap_to_max", "log_days_to_nearest_head_date", "taken")
DATE_MODEL_PATH = Path(__file__).parent / "models" / "date_model.npz"


def date_features(blocks: list[Block], article_p: tuple[float, ...], cands: list[Candidate], head_end: int,
                  title_index: int | None, taken: frozenset[int] = frozenset()) -> np.ndarray:
    """One row of DATE_FEATURES per candidate."""
    X = np.zeros((len(cands), len(DATE_FEATURES)), dtype=np.float32)
    if not cands:
        return X
    n = len(blocks)
    days = [c[1].toordinal() for c in cands]
    latest, earliest = max(days), min(days)
    max_year = max(c[1].year for c in cands)
    head = [d for c, d in zip(cands, days) if abs(c[0] - head_end) <= 15]
    after = [k for k, c in enumerate(cands) if c[0] >= head_end]
    per_line: dict[int, int] = {}
    for c in cands:
        per_line[c[0]] = per_line.get(c[0], 0) + 1
    seen_on_line: dict[int, int] = {}
    for r, (i, d, s, e, has_time) in enumerate(cands):
        b = blocks[i]
        text = b.text
        before = text[max(0, s - 40):s]
        k_on_line = seen_on_line.get(i, 0)
        seen_on_line[i] = k_on_line + 1
        day = days[r]
        others = [h for h in head if h != day]
        X[r] = (max(-200, min(200, i - head_end)), math.log1p(abs(i - head_end)), i / max(n - 1, 1), i < head_end,
                max(-99, min(99, i - title_index)) if title_index is not None else -99, math.log1p(word_count(text)),
                per_line[i], k_on_line, (e - s) / max(len(text), 1), bool(_PUBLISHED_CUE.search(text)),
                bool(_UPDATED_CUE.search(text)), 2.0 if _UPDATED_CUE.search(before) else 1.0 if _PUBLISHED_CUE.search(before) else 0.0,
                bool(_BY_CUE.search(text)), bool(_COPYRIGHT.search(text)), bool(_COMMENT_CUE.search(text)), has_time,
                is_date_line(text), not text[s].isdigit(), article_p[i] if article_p and i < len(article_p) else -1.0,
                b.kind == HEADING, b.kind == LIST_ITEM, b.link_chars / max(len(text), 1), math.log1p(len(cands)),
                r / max(len(cands) - 1, 1), (after.index(r) if r in after else -1 - sum(1 for k in range(r, len(cands)) if k not in after)),
                math.log1p(days.count(day) - 1), math.log1p(latest - day), math.log1p(day - earliest), day == latest,
                day == earliest, max_year - d.year, math.log1p(min((abs(h - day) for h in others), default=99999)),
                i in taken)
    return X


@lru_cache(maxsize=2)
def load_date_model(path: Path = DATE_MODEL_PATH):
    """(forest, least probability to take a candidate) of the shipped date model, or None when absent."""
    return load_candidate_model(path, DATE_FEATURES, "date")

"""Boilerplate: decide which blocks are the article and which are page furniture.

Two kinds of evidence, each a named rule counted in the run summary:

* **lexical families** (:mod:`newsclean.patterns`): appeals, ad slots, newsletter boxes, photo
  credits, share bars, legal footers… A block of such a family goes wherever it stands.
* **position against the article's main prose run**: every block gets a score, positive for
  running prose (sentence-shaped, with the language's function words), negative for short
  non-prose lines and strongly negative for furniture. The article is the contiguous run with
  the highest total (maximum-subarray, as in Kadane 1984; the idea of scoring lines by text
  density and stopwords follows jusText, Pomikálek 2011, and CETR, Weninger 2010). Blocks before
  that run are navigation; after it, related-headline lists and footers.
* the run goes on over a **closing list**: a data list (lines opening with a date or number)
  or whatever a colon-ended last paragraph introduces, up to the first furniture block.
* a **comment thread** (its first marker after some article prose) ends the article.
* a short line that the **corpus** pre-pass found on many pages (:mod:`newsclean.corpus`) counts
  as furniture too, and so does a line found **three times on the page** (a menu repeated in the
  header and footer, the same caption or credit under every photo).
* a block enclosed by **social-embed markers** is the embedded post's text.
* inside the run, a **run of short title-case lines** (a menu or headline list dropped into the
  page) goes too, and so do the non-prose lines under a 'Most read' / 'Related' header.

On HTML, trafilatura has already chosen the main content from the page's structure: only the
lexical families apply, and the tail is cut after the main run only where a related, newsletter,
share or comments box follows it.

Every removal keeps its category and a reason a person can read.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .corpus import CorpusLines
from .patterns import PatternRule, first_matching_rule
from .record import HEADING, TABLE_ROW, Block, Document, Removal
from .block_model import FAMILY_CATEGORIES, BlockShape, run_lengths, load_model, own_features
from .signals import (MONTHS, STOPWORDS, ends_sentence, is_date_line, is_prose, is_url_line, stopword_ratio,
                      title_case_share, word_count, words)

#: a line the corpus pre-pass found on many pages (newsclean/corpus.py), treated as furniture
REPEATED_ACROSS_CORPUS = PatternRule("repeated_across_corpus", "navigation", re.compile(""), 10_000,
                                     "a short line found on many pages of this corpus (site furniture)")

#: a line found many times on one page: a menu entry, a caption or credit under every photo
REPEATED_IN_PAGE = PatternRule("repeated_in_page", "navigation", re.compile(""), 40,
                               "a non-prose line found 3 or more times on this page (menu entry, caption, credit)")

#: pattern families that mark the end of the article when they stand after it
SECTION_BREAKS = frozenset({"related_header", "comments_box", "newsletter_box", "share_bar", "comment_author",
                            "comment_controls"})
#: families that may open a comment thread, and the one that proves it is one
COMMENT_MARKERS = frozenset({"comments_box", "comment_author", "comment_controls", "comment_thread_title"})
COMMENT_AUTHOR = "comment_author"
#: a thread's own title ('59 comments on “Headline”') starts it without author lines to confirm it
COMMENT_THREAD_TITLE = "comment_thread_title"


@dataclass(frozen=True)
class BoilerplateRules:
    """Thresholds of the classifier; each is an argument with its default."""

    #: prose: at least this many words ...
    prose_min_words: int = 8
    #: ... and at least this share of stopwords (in languages with a stopword list)
    prose_min_stopword_share: float = 0.15
    #: a prose block adds its word count, up to this cap, to the run score
    prose_weight_cap: int = 60
    #: a short non-prose line (menu entry, headline, label) subtracts this
    short_line_penalty: float = 3.0
    #: a heading inside the article costs only this
    heading_penalty: float = 1.0
    #: a block of a furniture family subtracts this (section breaks twice as much)
    pattern_penalty: float = 20.0
    #: a data list after the article's last paragraph: at least this many lines ...
    data_list_min: int = 4
    #: ... after at most this many introducing blocks
    data_list_intro: int = 2
    #: longest list a colon-ended last paragraph may introduce, in blocks
    introduced_list_max: int = 60
    #: prose words that must come before a comment-thread marker for it to end the article
    article_min_words_before_comments: int = 50
    #: a comment thread shows this many author lines within this many blocks of its first marker
    comment_authors_min: int = 2
    comment_window: int = 30
    #: inside the article: this many consecutive short title-case lines are a menu or headline list
    headline_run_min: int = 3
    #: ... each of at most this many words and at least this share of capitalised words
    headline_max_words: int = 15
    headline_min_title_case: float = 0.6
    #: a non-prose line of at least this many words found this many times on one page is furniture (no such
    #: line of the 72 dev pages is in their article text; 49 are menus, captions and credits)
    repeated_line_min_words: int = 3
    repeated_line_min_count: int = 3
    #: the one line between the title and the article's prose, when it has at least this many words, is the
    #: article's headline or deck, not navigation (a menu has more than one line; a byline is shorter)
    deck_min_words: int = 7
    #: decide text and Markdown dumps' blocks by the learned block model (newsclean/block_model.py)
    #: when it is shipped; False keeps the rule-based layout everywhere
    use_model: bool = True
    #: on HTML, also cut by position (the tail after a section break, title-case runs); off by default:
    #: after trafilatura, only the furniture families add precision without losing article text
    html_cut_by_position: bool = False
    #: rules not applied to HTML: after trafilatura has kept the article, a line repeated on the page
    #: is a row label of the article's own table, and these caption and breadcrumb shapes are article
    #: lines more often than not (WCXB dev HTML, every other page: the four removed 1,879 words of the
    #: true body and 453 of furniture; on the text dumps, where menus are still in, they pay)
    html_skip_rules: frozenset[str] = frozenset({"repeated_in_page", "credit_in_parens", "caption_position",
                                                 "breadcrumb"})


class _Line(NamedTuple):  # a tuple: built once per line of every page, ~4x cheaper than a frozen dataclass
    block: Block
    words: int
    prose: bool
    pattern: PatternRule | None


#: shape rules that the block model overrides (they are among its features): a date-only line or a line
#: repeated on the page is furniture unless the model calls it article (a data list of dates, the venue
#: under each entry of an events list). A line repeated across the corpus is not among them: the
#: model never saw that evidence (it is trained page by page), and a site's chrome is what it finds
MODEL_OVERRIDES = frozenset({"date_line", "repeated_in_page"})

#: furniture that says nothing about where the article is (a lone bullet, a zero-width space)
NEUTRAL_FURNITURE = frozenset({"punctuation_only"})


def _score(line: _Line, rules: BoilerplateRules) -> float:
    if line.pattern is not None and line.pattern.rule in NEUTRAL_FURNITURE:
        return 0.0
    if line.pattern is not None:
        return -rules.pattern_penalty * (2 if line.pattern.rule in SECTION_BREAKS else 1)
    if line.prose:
        return float(min(line.words, rules.prose_weight_cap))
    if line.block.kind == HEADING:
        return -rules.heading_penalty
    return -rules.short_line_penalty


def main_run(scores: list[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run ``[start, end)``; (0, 0) when nothing scores above zero."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += s
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


_STARTS_WITH_DATE_OR_NUMBER = re.compile(r"^\W*(\d|(" + "|".join(MONTHS) + r")\b)", re.I)
#: a line that ends with a score or tally ('Palm Bay d. Rockledge 70-44') is a result, not a headline
_ENDS_WITH_SCORE = re.compile(r"\d\s*[-–]\s*\d+\W*$")


def _is_headline_like(line: _Line, rules: BoilerplateRules, function_words: frozenset[str]) -> bool:
    """A short title-case line; lines opening with a date or number, or closing with a score,
    are list data (tour dates, results), not headlines."""
    last_word = line.block.text.rstrip().rsplit(None, 1)[-1].lower() if line.block.text.strip() else ""
    if line.block.text.rstrip().endswith(",") or last_word in function_words:
        return False  # a sentence wrapped mid-way, not a headline
    return (not line.prose and line.block.kind not in (HEADING, TABLE_ROW) and 2 <= line.words <= rules.headline_max_words
            and not _STARTS_WITH_DATE_OR_NUMBER.match(line.block.text) and not _ENDS_WITH_SCORE.search(line.block.text)
            and not ends_sentence(line.block.text)
            and title_case_share(line.block.text) >= rules.headline_min_title_case)


def _headline_runs(lines: list[_Line], start: int, end: int, rules: BoilerplateRules,
                   language: str | None) -> set[int]:
    """Indices inside ``[start, end)`` that belong to runs of short title-case lines."""
    function_words = STOPWORDS.get(language or "", frozenset())
    out: set[int] = set()
    i = start
    while i < end:
        j = i
        while j < end and _is_headline_like(lines[j], rules, function_words):
            j += 1
        if j - i >= rules.headline_run_min:
            out.update(range(i, j))
        i = max(j, i + 1)
    return out


def _extend_over_data_list(lines: list[_Line], end: int, limit: int, rules: BoilerplateRules) -> int:
    """An article that closes with a data list (tour dates, results, prices: lines that all open
    with a date or number) keeps it: the run goes on over its introduction (at most
    ``data_list_intro`` blocks) and at least ``data_list_min`` such lines."""
    for intro in range(rules.data_list_intro + 1):
        j = end + intro
        k = j
        while k < limit and lines[k].pattern is None and _STARTS_WITH_DATE_OR_NUMBER.match(lines[k].block.text):
            k += 1
        if k - j >= rules.data_list_min:
            return k
        if j < limit and lines[j].pattern is not None:
            break
    return end


def _extend_over_continuation(lines: list[_Line], end: int, limit: int) -> int:
    """A line that opens in lower case right after the run's last line, when that line stops
    mid-sentence, finishes its sentence (pages that break lines inside a paragraph): the run
    goes on over it."""
    while 0 < end < limit and lines[end].pattern is None and lines[end].block.text[:1].islower() \
            and not ends_sentence(lines[end - 1].block.text):
        end += 1
    return end


def _section_break_follows(lines: list[_Line], end: int, limit: int, window: int = 2) -> bool:
    """A related-links, newsletter, share or comments box starts right after ``end``."""
    return any(ln.pattern is not None and ln.pattern.rule in SECTION_BREAKS for ln in lines[end:min(limit, end + window)])


def _extend_over_introduced_list(lines: list[_Line], end: int, limit: int, rules: BoilerplateRules) -> int:
    """An article whose last paragraph ends with a colon ('… the offers not to miss:') goes on
    with what it introduces: the run extends over the blocks that follow, up to the first
    furniture block (at most ``introduced_list_max`` blocks)."""
    if end == 0 or not lines[end - 1].block.text.rstrip().endswith(":"):
        return end
    j = end
    while j < limit and j - end < rules.introduced_list_max and lines[j].pattern is None:
        j += 1
    return j


def _comment_thread_start(lines: list[_Line], rules: BoilerplateRules) -> int:
    """Index of the first comment marker that follows some article prose and is followed by at
    least ``comment_authors_min`` author lines ('name says:') within ``comment_window`` blocks, or
    is the thread's own title ('6 thoughts on “Headline”'); len(lines) when there is no such thread."""
    prose_words = 0
    for i, ln in enumerate(lines):
        if (ln.pattern is not None and ln.pattern.rule in COMMENT_MARKERS
                and prose_words >= rules.article_min_words_before_comments):
            if ln.pattern.rule == COMMENT_THREAD_TITLE:
                return i
            window = lines[i:i + rules.comment_window]
            authors = sum(1 for w in window if w.pattern is not None and w.pattern.rule == COMMENT_AUTHOR)
            if authors >= rules.comment_authors_min:
                return i
        if ln.prose:
            prose_words += ln.words
    return len(lines)


def _inside_embeds(lines: list[_Line], max_gap: int = 2) -> set[int]:
    """Blocks enclosed by social-embed markers at most ``max_gap`` blocks apart (the post's text
    between an 'Embed' label or link and its '— Name (@handle) date' attribution)."""
    marks = [i for i, ln in enumerate(lines) if ln.pattern is not None and ln.pattern.category == "social_embed"]
    inside: set[int] = set()
    for a, b in zip(marks, marks[1:]):
        if 1 < b - a <= max_gap + 1:
            inside.update(i for i in range(a + 1, b) if lines[i].pattern is None and not lines[i].prose)
    return inside


def _related_box_links(lines: list[_Line], start: int, end: int, rules: BoilerplateRules) -> set[int]:
    """Inside the article: the non-prose lines right under a 'Most read' / 'Related' header are
    the box's links (the article resumes at the next prose block)."""
    out: set[int] = set()
    for i in range(start, end):
        if lines[i].pattern is not None and lines[i].pattern.rule == "related_header":
            j = i + 1
            while j < end and not lines[j].prose and lines[j].pattern is None \
                    and lines[j].words <= rules.headline_max_words + 10:
                out.add(j)
                j += 1
    return out


#: headers of boxes set inside an article ('Related links', 'Read more', 'See also'), unlike the
#: page's own boxes ('Top stories', 'Most popular'), which end it
_INLINE_BOX_HEADER = re.compile(r"^\W*(related|read (more|also)|see also|also (read|see)|more (on|about))\b", re.I)


def _inline_boxes(lines: list[_Line], rules: BoilerplateRules, max_links: int = 8) -> set[int]:
    """A 'Related' header and its links with article prose right after them: a box set inside
    the article, which the article goes on past (its blocks score nothing either way)."""
    out: set[int] = set()
    for i, ln in enumerate(lines):
        if ln.pattern is not None and ln.pattern.rule == "related_header" and _INLINE_BOX_HEADER.match(ln.block.text):
            j = i + 1
            while j < len(lines) and j - i <= max_links and not lines[j].prose and lines[j].pattern is None \
                    and lines[j].words <= rules.headline_max_words + 10:
                j += 1
            if j > i + 1 and j < len(lines) and lines[j].prose:
                out.update(range(i, j))
    return out


def _take_in_deck(lines: list[_Line], start: int, rules: BoilerplateRules) -> int:
    """Start the article one line earlier when that line is the only one before it and is long
    enough to be a headline or deck (the title line itself was already taken into metadata)."""
    if start == 1 and lines[0].pattern is None and lines[0].words >= rules.deck_min_words:
        return 0
    return start


def _outside_removal(line: _Line, before: bool, run_len: int) -> Removal:
    text = line.block.text
    if before:
        return Removal("navigation", text,
                       f"{line.words}-word non-prose line before the article's main prose run", "before_article")
    category = "related_content" if line.words >= 4 else "navigation"
    shape = "headline-like line" if line.words >= 4 else "short line"
    return Removal(category, text,
                   f"{shape} ({line.words} words) after the article's main prose run of {run_len} blocks ended",
                   "after_article")


@lru_cache(maxsize=16384)
def _line_facts(text: str, language: str | None, skip: frozenset, min_words: int,
                min_stopword_share: float) -> tuple[int, bool, PatternRule | None]:
    """(words, prose, furniture family) of a line: what :func:`page_lines` needs of the line alone
    (the layout and boilerplate stages both ask, and a site's furniture recurs on its pages)."""
    n = word_count(text)
    prose = is_prose(text, language, min_words, min_stopword_share, n)
    return n, prose, first_matching_rule(text, n, skip) if skip else first_matching_rule(text, n)


def page_lines(doc: Document, rules: BoilerplateRules = BoilerplateRules(),
               corpus: CorpusLines | None = None) -> list[_Line]:
    """Every block of ``doc`` with its word count, whether it is prose, and the furniture family it
    belongs to (a lexical family, or a line repeated across the corpus or on the page)."""
    language = doc.language if doc.language != "und" else doc.stopword_language
    counts = Counter(b.text for b in doc.blocks)
    skip = rules.html_skip_rules if doc.format == "html" else frozenset()
    lines = []
    for b in doc.blocks:
        n, prose, pattern = _line_facts(b.text, language, skip, rules.prose_min_words, rules.prose_min_stopword_share)
        if pattern is None and not prose and corpus is not None and corpus.is_repeated(b.text):
            pattern = REPEATED_ACROSS_CORPUS
        if pattern is None and not prose and counts[b.text] >= rules.repeated_line_min_count \
                and rules.repeated_line_min_words <= n <= REPEATED_IN_PAGE.max_words and REPEATED_IN_PAGE.rule not in skip:
            pattern = REPEATED_IN_PAGE
        lines.append(_Line(b, n, prose, pattern))
    return lines


_ASCII_DIGITS = b"0123456789"
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTERS = _ASCII_UPPER + _ASCII_UPPER.lower()


def char_classes(text: str) -> tuple[int, int, int]:
    """(digits, upper-case letters, letters) of ``text``, as ``str.isdigit``/``isupper``/``isalpha``
    count them; an ASCII line (nine in ten) is counted by ``bytes.translate`` in C, 4x faster."""
    if text.isascii():
        raw = text.encode("ascii")
        n = len(raw)
        return (n - len(raw.translate(None, _ASCII_DIGITS)), n - len(raw.translate(None, _ASCII_UPPER)),
                n - len(raw.translate(None, _ASCII_LETTERS)))
    return sum(map(str.isdigit, text)), sum(map(str.isupper, text)), sum(map(str.isalpha, text))


def _shape(line: _Line, language: str | None, repeats: int) -> BlockShape:
    """The block's shape for the model; counts by C-level calls (``map`` over built-ins,
    :func:`char_classes`): this runs for every block of every page, and a generator per count made
    the layout stage 5x slower."""
    text = line.block.text
    ws = words(text)
    stopword_share = stopword_ratio(text, language) if language else None  # cached: is_prose asked already
    long_words = [w for w in ws if len(w) >= 4]
    title_case = sum(1 for w in long_words if w[0].isupper()) / len(long_words) if long_words else 0.0
    pattern = line.pattern
    family = pattern.category if pattern is not None and pattern.category in FAMILY_CATEGORIES else None
    digits, upper, letters = char_classes(text)
    return BlockShape(
        words=line.words, chars=len(text), stopword_share=stopword_share,
        prose=line.prose, ends_sentence=ends_sentence(text), punct=sum(map(text.count, ".,;:!?")),
        title_case=title_case, digits=digits, upper=upper, letters=letters, link_chars=line.block.link_chars,
        images=line.block.images, kind=line.block.kind, family=family,
        section_break=pattern is not None and pattern.rule in SECTION_BREAKS, date_line=is_date_line(text),
        url_line=is_url_line(text), page_repeats=repeats, starts_lower=text[:1].islower(),
        starts_digit=text[:1].isdigit(), ends_colon=text.rstrip().endswith(":"),
        mean_word_len=(sum(map(len, ws)) / len(ws)) if ws else 0.0)


def model_inputs(doc: Document, lines: list[_Line], rules: BoilerplateRules = BoilerplateRules()):
    """(own features of every block, comment-thread start, embedded blocks) for the block model;
    the same call serves the stage and the training script (bench/train_blocks.py)."""
    language = doc.language if doc.language != "und" else doc.stopword_language
    counts = Counter(ln.block.text for ln in lines)
    thread = _comment_thread_start(lines, rules)
    inline = _inline_boxes(lines[:thread], rules)
    run = main_run([0.0 if i in inline else _score(ln, rules) for i, ln in enumerate(lines[:thread])])
    embedded = _inside_embeds(lines)
    function_words = STOPWORDS.get(language or "", frozenset())
    headline_like = [_is_headline_like(ln, rules, function_words) for ln in lines]
    shapes = [_shape(ln, language, counts[ln.block.text]) for ln in lines]
    return own_features(shapes, run, thread, embedded, headline_like), thread, embedded


def _model_removal(line: _Line, p: float, i: int, first: int, last: int, short_run: int,
                   unknown_words_share: float | None = None) -> Removal:
    """A block the model judged not article, with its category and the features that decided (by
    the unknown-words stages when ``unknown_words_share`` is given)."""
    b = line.block
    link_share = b.link_chars / max(len(b.text), 1)
    if b.images and link_share < 0.5 and line.words <= 40:
        category, shape = "image_caption", "image line"
    elif link_share >= 0.8:
        category, shape = ("related_content" if line.words >= 4 else "navigation"), "link-only line"
    elif line.prose:
        category, shape = "related_content", "prose-shaped paragraph"
    else:
        category = "related_content" if line.words >= 4 else "navigation"
        shape = "headline-like line" if line.words >= 4 else "short line"
    where = "before the article" if i < first else "after the article" if i > last else "inside the article"
    run = f" in a run of {short_run} short lines" if short_run >= 3 else ""
    model, rule = ("block model", "block_model") if unknown_words_share is None else (
        f"block model for pages of unknown words: the lexicon knows {unknown_words_share:.0%} of this page's words",
        "block_model_unknown_words")
    return Removal(category, b.text, f"{shape} ({line.words} words){run} {where}, article probability {p:.2f} "
                                     f"({model})", rule)


def score_layout(doc: Document, rules: BoilerplateRules = BoilerplateRules(),
                 corpus: CorpusLines | None = None) -> Document:
    """Layout stage: every block's probability of being article text (``doc.article_p``), by the block
    model, for text and Markdown dumps (on HTML trafilatura has chosen the main content already)."""
    model = load_model() if rules.use_model and doc.format != "html" and doc.blocks else None
    if model is None:
        return doc
    lines = page_lines(doc, rules, corpus)
    own, _, _ = model_inputs(doc, lines, rules)
    p, known, unknown = model.scored(own, [ln.block.text for ln in lines])
    return doc.with_changes(article_p=tuple(p.tolist()), unknown_words_share=known if unknown else None)


def article_threshold() -> float:
    """The block model's article threshold (0.5 when no model is shipped)."""
    model = load_model()
    return model.threshold if model is not None else 0.5


def _removal_by_rule(line: _Line, i: int, embedded: set[int], thread: int, use_pattern: bool = True) -> Removal | None:
    """What removes a block whatever the layout says: an embedded post's text, a furniture family
    (unless ``use_pattern`` is False: a weak rule the block model overrode), a comment thread."""
    if i in embedded:
        return Removal("social_embed", line.block.text, "text of an embedded post, between its embed markers",
                       "embed_body")
    if line.pattern is not None and use_pattern:
        return Removal(line.pattern.category, line.block.text, line.pattern.catches, line.pattern.rule)
    if i >= thread:
        return Removal("comments", line.block.text, "inside the comment thread that follows the article",
                       "comment_thread")
    return None


def _isolated_lines(lines: list[_Line], keep: list[bool]) -> set[int]:
    """Kept non-prose lines whose both neighbours go: a headline of a related list, an ad label
    (out-of-fold on the dev pages, dropping them adds 0.1-0.5 points of F1 in every dump style)."""
    n = len(lines)
    return {i for i in range(n) if keep[i] and not lines[i].prose
            and (i == 0 or not keep[i - 1]) and (i == n - 1 or not keep[i + 1])}


def _keep_continuations(lines: list[_Line], keep: list[bool]) -> None:
    """A line that opens in lower case right after a kept line that stops mid-sentence finishes that
    sentence (pages that break lines inside a paragraph): it is kept too."""
    for i in range(1, len(lines)):
        if keep[i - 1] and not keep[i] and lines[i].pattern is None and lines[i].block.text[:1].islower() \
                and not ends_sentence(lines[i - 1].block.text):
            keep[i] = True


def classify_boilerplate(doc: Document, rules: BoilerplateRules = BoilerplateRules(),
                         corpus: CorpusLines | None = None) -> Document:
    """Remove furniture blocks from ``doc`` and record each removal; ``corpus`` (optional) names
    the short lines that repeat across the corpus being cleaned."""
    if not doc.blocks:
        return doc.with_changes(article_p=(), unknown_words_share=None)
    lines = page_lines(doc, rules, corpus)
    if len(doc.article_p) != len(lines):
        return _classify_by_rules(doc, lines, rules).with_changes(article_p=(), unknown_words_share=None)
    thread = _comment_thread_start(lines, rules)
    embedded = _inside_embeds(lines)
    short_runs = run_lengths([not ln.prose for ln in lines])
    p = doc.article_p
    threshold = article_threshold()
    # what the model keeps, short of what a rule removes whatever it says (the weak rules it overrides)
    keep = [v >= threshold and i < thread and i not in embedded
            and (lines[i].pattern is None or lines[i].pattern.rule in MODEL_OVERRIDES) for i, v in enumerate(p)]
    isolated = _isolated_lines(lines, keep)
    for i in isolated:
        keep[i] = False
    _keep_continuations(lines, keep)
    article = [i for i in range(len(lines)) if keep[i] and lines[i].pattern is None]
    first, last = (article[0], article[-1]) if article else (len(lines), -1)
    kept: list[Block] = []
    removed: list[Removal] = []
    for i, line in enumerate(lines):
        overridden = line.pattern is not None and line.pattern.rule in MODEL_OVERRIDES and keep[i]
        if (by_rule := _removal_by_rule(line, i, embedded, thread, use_pattern=not overridden)) is not None:
            removed.append(by_rule)
        elif i in isolated:
            removed.append(Removal("related_content" if line.words >= 4 else "navigation", line.block.text,
                                   f"a short non-prose line ({line.words} words) kept by the model alone between "
                                   f"removed blocks, article probability {p[i]:.2f} (block model, smoothed)",
                                   "isolated_line"))
        elif not keep[i] and is_date_line(line.block.text):
            removed.append(Removal("dateline", line.block.text, "date-only line (timestamp)", "date_line"))
        elif not keep[i]:
            removed.append(_model_removal(line, float(p[i]), i, first, last, short_runs[i], doc.unknown_words_share))
        else:
            kept.append(line.block)
    return doc.with_changes(blocks=tuple(kept), removed=doc.removed + tuple(removed), article_p=(),
                            unknown_words_share=None)


def _classify_by_rules(doc: Document, lines: list[_Line], rules: BoilerplateRules) -> Document:
    """The rule-based layout: the maximum-sum prose run and its extensions (HTML, where trafilatura
    already chose the main content, and any page when the block model is switched off)."""
    language = doc.language if doc.language != "und" else doc.stopword_language
    thread = _comment_thread_start(lines, rules)
    inline = _inline_boxes(lines[:thread], rules)
    start, end = main_run([0.0 if i in inline else _score(ln, rules) for i, ln in enumerate(lines[:thread])])
    if end == 0:  # no running prose at all: trust only the lexical families
        start, end = 0, thread
    elif doc.format == "html" and not rules.html_cut_by_position:
        # the HTML extractor already chose the main content by the page's structure; cutting by
        # position after it loses more article than it removes furniture (WCXB dev: 227 pages worse
        # than trafilatura alone, 79 better), so only the furniture families apply
        start, end = 0, thread
    elif doc.format == "html":
        start = 0
        end = end if _section_break_follows(lines, end, thread) else thread
    start = _take_in_deck(lines, start, rules)
    end = _extend_over_data_list(lines, end, thread, rules)
    end = _extend_over_introduced_list(lines, end, thread, rules)
    end = _extend_over_continuation(lines, end, thread)
    in_headline_run = set() if doc.format == "html" and not rules.html_cut_by_position else \
        _headline_runs(lines, start, end, rules, language) | _related_box_links(lines, start, end, rules)

    embedded = _inside_embeds(lines)
    kept: list[Block] = []
    removed: list[Removal] = []
    for i, line in enumerate(lines):
        if (by_rule := _removal_by_rule(line, i, embedded, thread)) is not None:
            removed.append(by_rule)
        elif is_date_line(line.block.text) and doc.format != "html":  # on HTML the head's date went to metadata;
            # a date-only line left in trafilatura's text is a row of a list or table of dates
            removed.append(Removal("dateline", line.block.text, "date-only line (timestamp)", "date_line"))
        elif i < start or i >= end:
            removed.append(_outside_removal(line, i < start, end - start))
        elif i in in_headline_run:
            removed.append(Removal("related_content", line.block.text,
                                   "headline-like line in a link list (a title-case run or the lines under a related header)",
                                   "headline_run"))
        else:
            kept.append(line.block)
    return doc.with_changes(blocks=tuple(kept), removed=doc.removed + tuple(removed))

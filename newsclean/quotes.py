"""Quotes: drop a quote the article already gave, and link the same quote across articles.

Within one article (:func:`dedup_quotes`) a later paragraph that repeats an earlier one — the
same statement, often in another translation — is removed whole (rule ``repeated_paragraph``):
earlier paragraphs whose character 5-gram Jaccard with it reaches a low bar are scored by the
quote pair model (:mod:`newsclean.quote_model`: 3-gram overlap, how it is spread along the text,
lengths and numbers), and the best one at or over the model's threshold is the one it repeats (a
lower bar serves when the wording agrees widely: more 3-grams shared, and outside one long run).
When only one sentence of a paragraph repeats an earlier paragraph (rule ``repeated_sentence``:
share of the sentence's 5-grams found in that paragraph, with 3-grams as a second look and numbers
moving the bar), only that sentence goes and the rest stays. A paragraph of one short sentence
(6-9 words, rule ``repeated_short_sentence``) goes only when it is nearly verbatim in an earlier
paragraph and brings no new number or word. A line the layout stage already cut after the article's
end is recorded as a repeat when it repeats a clean paragraph (rule ``repeated_after_article``).
Each removal records which clean paragraph it repeats.

Across articles (:class:`QuoteIndex`) every quotation in the clean text is indexed with MinHash
LSH (datasketch), so finding the other carriers of a statement costs one query, not a pass over
the corpus; candidates are confirmed with exact shingle similarity.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .quote_model import FEATURES, QuotePairModel, load_model, pair_features
from .record import LIST_ITEM, Block, Document, Removal
from .signals import STOPWORDS, ends_sentence, is_date_line, sentence_spans

_CLOSERS = " \"'”’»)]"
_PUNCT = re.compile(r"[^\w\s]", re.U)
_WORD = re.compile(r"\w+")
#: a quotation: the words between a pair of marks inside one paragraph. A stray mark paired with
#: a mark paragraphs later made 3,000-word "quotes" (22% of the quotes found on copies of the WCXB
#: dev pages) that contained everything and chained unrelated quotes into one statement across 116 pages
_QUOTE_SPAN = re.compile(r"“([^“”\n]{20,}?)”|\"([^\"\n]{20,}?)\"|«([^«»\n]{20,}?)»|‘([^‘’\n]{40,}?)’(?!\w)")
#: any quotation, however short
_ANY_QUOTE = re.compile(r"“[^“”]*”|\"[^\"]*\"|«[^«»]*»")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_REPORTING = ("said|says|added|told|stated|noted|stressed|emphasi[sz]ed|explained|declared|remarked|"
              "announced|insisted|argued|warned|replied|wrote|continued|according to")
#: a speaker's name: up to six capitalised words, starting at a word's start (linear on long lines)
_NAME = r"(?<![\w'’-])[A-Z][\w'’-]*(?:[ \u00a0](?:[A-Z][\w'’-]*|[A-Z]\.)){0,5}"
_SPEAKER_AFTER = re.compile(r"^[ ,’”\"]*(?:(?:" + _REPORTING + r")[ \u00a0]+(?P<a>(?:the[ \u00a0]+[\w'’-]+(?:[ \u00a0][\w'’-]+){0,2})|"
                            + _NAME + r")|(?P<b>" + _NAME + r")[ \u00a0]+(?:" + _REPORTING + r"))")
_SPEAKER_BEFORE = re.compile(r"(?P<s>" + _NAME + r")[ \u00a0]+(?:" + _REPORTING + r")\b[^.“\"\n]{0,60}[:,]?[ ]*$")
SCATTERED = FEATURES.index("scattered_agreement")
_PRONOUNS = {"He", "She", "They", "It", "We", "I", "The", "This", "That"}


@dataclass(frozen=True)
class _Bars:
    """The scores at which a sentence repeats an earlier paragraph, by the evidence it has."""

    plain: float  # 5-gram containment, no numbers
    numbers_agree: float  # 5-gram containment, every number of the sentence in the earlier paragraph
    new_number: float  # 5-gram containment, a number the earlier paragraph lacks
    trigram: float  # 3-gram containment, when the 5-gram bars are not met (never with a new number)
    trigram_candidate: float  # 3-grams are compared only where the 5-gram containment reaches this


@dataclass(frozen=True)
class QuoteRules:
    """Thresholds of the repeat detector; each an argument with its default."""

    #: character shingle length
    shingle: int = 5
    #: the pair model scores an earlier paragraph only when its 5-gram Jaccard with the later one
    #: reaches this (2 of the 876 dev positive pairs lie below, 31% of the hard negatives above)
    paragraph_candidate_jaccard: float = 0.10
    #: a paragraph repeats an earlier one when the pair model gives at least this probability;
    #: None: the model's own threshold (at most 1% of the hard dev negatives reach it out of fold)
    paragraph_min_probability: float | None = None
    #: ... or at least this probability when the wording agrees widely: 3-gram Jaccard at the next
    #: bar and agreement outside the longest shared run (the model's false matches on real pages
    #: share little wording; its false matches on dev pairs share one long name and nothing else).
    #: Any bar from 0.4 to 0.6 gives the same out-of-fold figures; 0.3 lets in hard dev negatives
    wide_agreement_min_probability: float = 0.5
    wide_agreement_min_trigram_jaccard: float = 0.36
    wide_agreement_min_scattered: float = 0.10
    #: two paragraphs that each state a number the other lacks, and share fewer numbers than that,
    #: report different facts ('the 10-year note rose to yield 1.786%' / 'the 30-year bond rose to
    #: yield 2.252%'; one converted figure among several shared ones is a rewording) unless their 5-gram
    #: Jaccard reaches this (dev pairs: 7 of 876 positives differ so, 100 of 516 hard negatives)
    numbers_differ_min_jaccard: float = 0.45
    #: below this character 3-gram Jaccard two paragraphs agree in facts, not in wording: news
    #: restates its lede in its own words, and that stays (costs 0.5 points of dev-pair recall)
    paragraph_min_trigram_jaccard: float = 0.30
    #: a list item and another block repeat each other only this close to verbatim (character 3-gram
    #: Jaccard): a page's templated items ('Best for: …', 'Breakfast: …') share their shape, not a
    #: passage (WCXB dev text dumps, out of fold: F1 0.9158 -> 0.9169; the quote articles unchanged)
    list_item_min_trigram_jaccard: float = 0.90
    #: a sentence whose 5-grams are this much inside an earlier paragraph repeats it
    sentence_containment: float = 0.55
    #: ... or this much, when all its numbers are in that paragraph (dev partial pairs: +2.7
    #: points recall, one false match fewer); a new number needs the second bar
    numbers_agree_containment: float = 0.50
    new_number_max_containment: float = 0.70
    #: ... or 3-gram containment of this, with no new number (partial pairs: 0.789 -> 0.811 recall
    #: at the same hard false matches), tried where the 5-gram containment reaches the last bar
    trigram_containment: float = 0.72
    trigram_candidate_containment: float = 0.45
    #: sentences shorter than this (in words) are judged repeats on their own only as below
    sentence_min_words: int = 10
    #: a paragraph of one short sentence (this many words up to the bar above) repeats an earlier
    #: paragraph when this much of its 5-grams are there and it states no new number (a pull quote,
    #: a dateline or a closing line given again); shorter ones are never judged
    short_sentence_min_words: int = 6
    short_sentence_containment: float = 0.70
    #: ... and this share of its content words are in that paragraph (compared on their first
    #: ``stem_chars`` letters: 'corporate' is new, 'transformed' is not)
    short_sentence_known_words: float = 0.75
    stem_chars: int = 5
    #: never compare against paragraphs shorter than this (headlines, labels)
    min_words: int = 8
    #: judge a sentence that quotes someone on its quoted words only
    compare_quoted_words: bool = True
    #: a paragraph with no closing punctuation (a heading, a label) is judged a repeat only of an
    #: earlier paragraph that does end a sentence: one translation drops the full stop another keeps
    unpunctuated_repeats_sentence: bool = True
    #: a line the layout stage cut after the article's end is recorded as a repeat when it repeats a
    #: clean paragraph (pair model, or the short-sentence containment with no new number)
    relabel_trailing_repeats: bool = True
    #: ... among the first this many lines after the article (a repeat follows the article; the
    #: page's link lists come after it)
    trailing_max_lines: int = 3
    #: ... looked at only when this share of its words are in the clean paragraphs (a cheap first
    #: look: most lines after an article share few words with it)
    trailing_min_known_words: float = 0.5
    #: in a paragraph that repeats an earlier one, a unit less contained than this is new and stays
    new_unit_containment: float = 0.35
    #: a sentence inside a longer paragraph is judged a repeat only when it quotes someone (an
    #: unquoted sentence there is the writer restating a fact: 12 of 18 false removals on dev pages)
    embedded_repeat_needs_quote: bool = True

    def model_judges(self, j5: float, j3: float, numbers: set[str], earlier_numbers: set[str]) -> bool:
        """Whether the pair model judges a pair at all: 5-gram Jaccard at the candidate bar, 3-gram
        Jaccard at its floor, and numbers that do not differ both ways (below the bar for that)."""
        if j5 < self.paragraph_candidate_jaccard or j3 < self.paragraph_min_trigram_jaccard:
            return False
        return j5 >= self.numbers_differ_min_jaccard or not numbers_differ(numbers, earlier_numbers)

    def paragraph_repeats(self, probability: float, j3: float, scattered: float, model_threshold: float) -> bool:
        """Whether a pair the model judged is a repeat: the model's threshold (or the rules' own
        bar), or the lower bar when the wording agrees widely."""
        bar = model_threshold if self.paragraph_min_probability is None else self.paragraph_min_probability
        wide = j3 >= self.wide_agreement_min_trigram_jaccard and scattered >= self.wide_agreement_min_scattered
        return probability >= (min(bar, self.wide_agreement_min_probability) if wide else bar)

    def sentence_bars(self) -> _Bars:
        return _Bars(self.sentence_containment, self.numbers_agree_containment, self.new_number_max_containment,
                     self.trigram_containment, self.trigram_candidate_containment)


#: _PUNCT's answer for every ASCII character, as a str.translate table (built from _PUNCT itself)
_ASCII_PUNCT = {c: " " for c in range(128) if _PUNCT.match(chr(c))}


def normalise(text: str) -> str:
    """Case folded, NFKC, every character other than a word character or a space made a space,
    spaces collapsed. An ASCII text (NFKC leaves it as it is) is translated in one C pass instead of
    the regex substitution (half the cost; the same string, tests/test_quotes.py)."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_PUNCT).split())
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCT.sub(" ", text).split())  # str.split's spaces are \s's (Py_UNICODE_ISSPACE)


def shingles(text: str, k: int = 5) -> frozenset[str]:
    t = normalise(text)
    if len(t) <= k:
        return frozenset([t]) if t else frozenset()
    return frozenset(map("".join, zip(*[t[i:] for i in range(k)])))  # t[i:i+k] for each i, ~20% faster


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b) if len(a) < len(b) else len(b & a)
    return inter / (len(a) + len(b) - inter)


def containment(part: frozenset, whole: frozenset) -> float:
    return len(part & whole) / len(part) if part else 0.0


def dedup_quotes(doc: Document, rules: QuoteRules = QuoteRules(), model: QuotePairModel | None = None) -> Document:
    """Remove paragraphs and sentences that repeat an earlier paragraph of the same article."""
    model = model or load_model()
    kept: list[Block] = []
    earlier = _Earlier()  # (index in kept, shingles)
    stopwords = STOPWORDS.get(doc.language if doc.language != "und" else doc.stopword_language or "", frozenset())
    views = _KeptViews(kept, stopwords)
    removed: list[Removal] = []
    for block in doc.blocks:
        n = len(block.text.split())
        if n < rules.short_sentence_min_words and n < rules.min_words:
            sh, text, cut = None, block.text, []  # too short to repeat a paragraph or to be repeated
        else:
            sh = shingles(block.text, rules.shingle)
            text, cut = _drop_repeats(block.text, sh, earlier, rules, views, model, block.kind == LIST_ITEM)
        removed.extend(cut)
        if not text:
            continue
        headline = not kept and not ends_sentence(text)  # an opening headline is restated, not quoted
        if len(text.split()) >= rules.min_words and not headline:
            earlier.append((len(kept), sh if not cut else shingles(text, rules.shingle)))
        kept.append(Block(text, block.kind, block.gap_before))
    earlier_removals = _relabel_trailing_repeats(doc.removed, earlier, rules, views, model)
    if not removed and earlier_removals == doc.removed:
        return doc
    return doc.with_changes(blocks=tuple(kept), removed=earlier_removals + tuple(removed))


def _relabel_trailing_repeats(removals: tuple[Removal, ...], earlier: _Earlier, rules: QuoteRules,
                              views: _KeptViews, model: QuotePairModel) -> tuple[Removal, ...]:
    """Lines the layout stage cut after the article's end that repeat a clean paragraph are
    repeats, not related links (a pull quote or a source line given again): their category
    becomes ``duplicate_quote`` and they name the paragraph. Nothing is cut or kept anew."""
    trailing = [n for n, removal in enumerate(removals) if removal.rule == "after_article"][:rules.trailing_max_lines]
    if not rules.relabel_trailing_repeats or not earlier or not trailing:
        return removals
    out = list(removals)
    statements = [(i, other) for i, other in earlier if ends_sentence(views.text(i))]
    statement_indices = {i for i, _ in statements}
    article_words: set[str] | None = None  # made once, when a line first needs it
    for n in trailing:
        removal = removals[n]
        text = removal.text
        if len(text.split()) < rules.short_sentence_min_words:
            continue
        if article_words is None:
            article_words = {w for i, _ in statements for w in _WORD.findall(views.text(i).lower())}
        words = _WORD.findall(text.lower())
        if sum(w in article_words for w in words) < rules.trailing_min_known_words * len(words) or is_date_line(text):
            continue  # most of its words are not in the article (most footer lines)
        sh = shingles(text, rules.shingle)
        sentence = ends_sentence(text)
        overlaps = _overlaps(sh, earlier, statement_indices)
        # a headline-shaped line is a repeat only when nearly verbatim: the pair model takes a
        # headline for the lede it sums up
        match = _paragraph_repeat_of(text, _jaccards(len(sh), overlaps), views, rules, model) if sentence else None
        if match:
            i, reason = match[0], f"pair model {match[1]:.2f}"
        else:
            i, c = max(_containments(len(sh), overlaps), key=lambda x: x[1], default=(-1, 0.0))
            if c < rules.short_sentence_containment or numbers_in(text) - views.numbers(i):
                continue
            reason = f"{c:.0%} of its 5-grams are there"
        out[n] = Removal("duplicate_quote", removal.text,
                         f"line after the article's end repeats clean paragraph {i} ({reason})",
                         "repeated_after_article", i)
    return tuple(out)


class _KeptViews:
    """What the detector reads of each kept paragraph besides its 5-grams (3-grams, words,
    numbers), each made once and only when first needed."""

    def __init__(self, kept: list[Block], stopwords: frozenset[str]):
        self.kept = kept
        self.stopwords = stopwords
        self._trigrams: dict[int, frozenset] = {}
        self._words: dict[int, tuple[int, list[str]]] = {}
        self._numbers: dict[int, set[str]] = {}

    def text(self, i: int) -> str:
        return self.kept[i].text

    def trigrams(self, i: int) -> frozenset:
        if i not in self._trigrams:
            self._trigrams[i] = shingles(self.kept[i].text, 3)
        return self._trigrams[i]

    def words(self, i: int) -> tuple[int, list[str]]:
        """(word count, content words in order)."""
        if i not in self._words:
            self._words[i] = self.words_of(self.kept[i].text)
        return self._words[i]

    def words_of(self, text: str) -> tuple[int, list[str]]:
        words = normalise(text).split()
        return len(words), content_words(words, self.stopwords)

    def numbers(self, i: int) -> set[str]:
        if i not in self._numbers:
            self._numbers[i] = numbers_in(self.kept[i].text)
        return self._numbers[i]


def content_words(words: list[str], stopwords: frozenset[str]) -> list[str]:
    return [w for w in words if w not in stopwords]


def numbers_in(text: str) -> set[str]:
    """The numbers a text states ('1,300' and '1300' alike)."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def numbers_differ(numbers: set[str], earlier_numbers: set[str]) -> bool:
    """Each text states a number the other lacks, and they share fewer numbers than either adds
    (one converted or rounded figure among several shared ones is a rewording)."""
    new, lost = numbers - earlier_numbers, earlier_numbers - numbers
    return bool(new) and bool(lost) and len(numbers & earlier_numbers) < max(len(new), len(lost))


def _agrees_enough(text: str, earlier_text: str, score: float, bar: float, bar_numbers_agree: float,
                   bar_new_number: float) -> bool:
    """Whether ``text``, scoring ``score`` against an earlier paragraph, repeats it: the score must
    reach ``bar``; numbers are kept by every rewording, so when all of the text's numbers are in
    the earlier paragraph ``bar_numbers_agree`` is enough, and a number it lacks needs
    ``bar_new_number``."""
    numbers = numbers_in(text)
    new_numbers = numbers - numbers_in(earlier_text)
    if new_numbers:
        return score >= max(bar, bar_new_number)
    return score >= (bar_numbers_agree if numbers else bar)


class _Earlier:
    """The clean paragraphs a later one is compared with, (index in kept, 5-grams) in order.

    On a page of few paragraphs each later one is intersected with every earlier one, as bit
    sets: every 5-gram of the page gets a bit when a paragraph that has it is added, each earlier
    paragraph is kept as the integer of its bits, and the 5-grams two paragraphs share are the bits
    of ``a & b`` (``int.bit_count``: one C loop over machine words; the same counts as intersecting
    the frozensets, and on the WCXB dev pages 1.5x cheaper with the cost of building the bits). From
    ``postings_from`` paragraphs on, the 5-grams' postings are kept and a paragraph's overlaps are
    counted from the postings of its own 5-grams, so the cost grows with the 5-grams it shares,
    not with the page's paragraphs (a 500-paragraph page no longer costs 125,000 intersections).
    Either way a paragraph sharing no 5-gram is not listed: every bar the overlaps meet is above zero.
    Below 150 paragraphs the intersections are cheaper (WCXB dev text dumps: postings from 48
    paragraphs on cost 10% more on the mean page; from 150, the same as pairwise).
    """

    def __init__(self, postings_from: int = 150) -> None:
        self.items: list[tuple[int, frozenset]] = []
        self.postings_from = postings_from
        self._postings: dict[str, list[int]] | None = None
        #: the bit of each 5-gram of the paragraphs added; (bits, size) of each paragraph
        self._bit: dict[str, int] = {}
        self._bits: list[tuple[int, int]] = []
        self._last: tuple[frozenset | None, int] = (None, 0)

    def _bits_of(self, sh: frozenset) -> int:
        """The integer whose set bits are ``sh``'s 5-grams (a 5-gram new to the page gets the next
        bit). The last answer is kept: a paragraph is looked up, then added with the same 5-grams."""
        if self._last[0] is sh:
            return self._last[1]
        import numpy as np

        bit = self._bit
        ids = [bit.setdefault(g, len(bit)) for g in sh]  # len(bit) is read before g is added
        flags = np.zeros(len(bit), dtype=bool)
        flags[ids] = True
        bits = int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")
        self._last = (sh, bits)
        return bits

    def append(self, item: tuple[int, frozenset]) -> None:
        self.items.append(item)
        if self._postings is None:
            self._bits.append((self._bits_of(item[1]), len(item[1])))
        if self._postings is not None:
            self._post(len(self.items) - 1, item[1])
        elif len(self.items) >= self.postings_from:
            self._postings = {}
            for k, (_, sh) in enumerate(self.items):
                self._post(k, sh)

    def _post(self, k: int, sh: frozenset) -> None:
        postings = self._postings
        for g in sh:
            if g in postings:
                postings[g].append(k)
            else:
                postings[g] = [k]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def overlaps(self, sh: frozenset) -> list[tuple[int, int, int]]:
        """(index, shared 5-grams, 5-grams of the earlier paragraph) of each earlier paragraph that
        shares any, in page order: both Jaccard and containment follow from these."""
        items = self.items
        postings = self._postings
        if postings is None:
            bits = self._bits_of(sh)
            return [(item[0], n, size) for item, (other, size) in zip(items, self._bits)
                    if (n := (bits & other).bit_count())]
        shared = Counter(chain.from_iterable(postings[g] for g in sh if g in postings))
        return [(items[k][0], n, len(items[k][1])) for k, n in sorted(shared.items())]


def _overlaps(sh: frozenset, earlier: _Earlier, only: set[int] | None = None) -> list[tuple[int, int, int]]:
    overlaps = earlier.overlaps(sh)
    return overlaps if only is None else [o for o in overlaps if o[0] in only]


def _jaccards(size: int, overlaps: list[tuple[int, int, int]]) -> list[tuple[int, float]]:
    return [(i, shared / (size + n - shared) if size + n - shared else 0.0) for i, shared, n in overlaps]


def _containments(size: int, overlaps: list[tuple[int, int, int]]) -> list[tuple[int, float]]:
    return [(i, shared / size if size else 0.0) for i, shared, _ in overlaps]


def _paragraph_repeat_of(text: str, jaccards: list[tuple[int, float]], views: _KeptViews, rules: QuoteRules,
                         model: QuotePairModel, list_item: bool = False) -> tuple[int, float, float] | None:
    """(index, probability, 3-gram Jaccard) of the earlier paragraph ``text`` (a list item when
    ``list_item``) restates, or None: the pair model scores each earlier paragraph whose 5-gram
    Jaccard reaches the candidate bar; a pair with a list item only when nearly verbatim."""
    candidates = [(i, score) for i, score in jaccards if score >= rules.paragraph_candidate_jaccard]
    if not ends_sentence(text):
        candidates = [(i, score) for i, score in candidates
                      if rules.unpunctuated_repeats_sentence and ends_sentence(views.text(i))]
    if not candidates:
        return None
    trigrams, (words, content), numbers = shingles(text, 3), views.words_of(text), numbers_in(text)
    best = None
    for i, j5 in candidates:
        j3 = jaccard(trigrams, views.trigrams(i))
        if not rules.model_judges(j5, j3, numbers, views.numbers(i)):
            continue
        if (list_item or views.kept[i].kind == LIST_ITEM) and j3 < rules.list_item_min_trigram_jaccard:
            continue
        earlier_words, earlier_content = views.words(i)
        features = pair_features(words, earlier_words, content, earlier_content, j3, numbers, views.numbers(i))
        p = model.probability(features)
        if rules.paragraph_repeats(p, j3, features[SCATTERED], model.threshold) and (best is None or p > best[1]):
            best = (i, p, j3)
    return best


def _sentence_repeat_of(text: str, scored: list[tuple[int, float]], views: _KeptViews,
                        bars: _Bars) -> tuple[int, float, int] | None:
    """(index, containment, gram length) of the earlier paragraph the sentence ``text`` repeats,
    or None.

    Character 5-grams first; then character 3-grams against the earlier paragraphs 5-grams
    already found close: shorter grams see through reworded word endings ('fraud' and
    'fraudulent', 'upgrade' and 'upgradation') that break every 5-gram around them."""
    if not scored:
        return None
    i, score = max(scored, key=lambda x: x[1])
    if _agrees_enough(text, views.text(i), score, bars.plain, bars.numbers_agree, bars.new_number):
        return i, score, 5
    trigrams = None
    best_i, best = -1, 0.0
    for j, s5 in scored:
        if s5 >= bars.trigram_candidate:
            trigrams = trigrams or shingles(text, 3)
            s3 = containment(trigrams, views.trigrams(j))
            if s3 > best:
                best_i, best = j, s3
    if best_i >= 0 and _agrees_enough(text, views.text(best_i), best, bars.trigram, bars.trigram, float("inf")):
        return best_i, best, 3
    return None


def _short_repeat_of(text: str, scored: list[tuple[int, float]], views: _KeptViews,
                     rules: QuoteRules) -> Removal | None:
    """The removal of a short one-sentence paragraph that repeats an earlier paragraph, or None:
    too short for the pair model, it must be nearly verbatim there and bring no new number."""
    if not scored or not text.rstrip(_CLOSERS).endswith(".") or len(quote_units(text)) > 1:
        return None  # a question or an exclamation this short is a heading, not a statement
    i, c = max(scored, key=lambda x: x[1])
    if c < rules.short_sentence_containment or numbers_in(text) - views.numbers(i):
        return None
    earlier_stems = {w[:rules.stem_chars] for w in normalise(views.text(i)).split()}
    content = content_words(normalise(text).split(), views.stopwords)
    known = sum(w[:rules.stem_chars] in earlier_stems for w in content)
    if known < rules.short_sentence_known_words * len(content):
        return None  # words the earlier paragraph lacks: a new claim in its phrasing
    return Removal("duplicate_quote", text, f"short sentence repeats clean paragraph {i} ({c:.0%} of its 5-grams are there)",
                   "repeated_short_sentence", i)


def _drop_repeats(text: str, sh: frozenset, earlier: _Earlier, rules: QuoteRules,
                  views: _KeptViews, model: QuotePairModel, list_item: bool = False) -> tuple[str, list[Removal]]:
    """The paragraph without its repeated parts, and what was cut.

    A paragraph the pair model finds restating an earlier one loses every unit except those
    that bring something new; otherwise each unit (sentence or quotation) is judged alone.
    """
    words = len(text.split())
    if not earlier or words < rules.short_sentence_min_words:
        return text, []
    overlaps = _overlaps(sh, earlier)
    if words < rules.sentence_min_words:
        short = _short_repeat_of(text, _containments(len(sh), overlaps), views, rules)
        if short or words < rules.min_words:
            return ("", [short]) if short else (text, [])
    units = quote_units(text)
    match = _paragraph_repeat_of(text, _jaccards(len(sh), overlaps), views, rules, model, list_item)
    if match:
        i, probability, j3 = match
        whole = next(other for j, other in earlier if j == i)
        # a paragraph of one sentence is the restatement itself; in a longer one, a sentence the
        # earlier paragraph hardly holds is new and stays (each unit is then judged alone)
        new = [(s, e) for s, e in units
               if len(text[s:e].split()) >= rules.sentence_min_words
               and containment(shingles(text[s:e], rules.shingle), whole) < rules.new_unit_containment] \
            if len(units) > 1 else []
        if not new:
            return "", [Removal("duplicate_quote", text,
                                f"repeats clean paragraph {i} (pair model {probability:.2f}; "
                                f"character 3-gram Jaccard {j3:.2f})",
                                "repeated_paragraph", i)]
    keep_parts, cut = [], []
    standalone = len(units) == 1
    for s, e in units:
        unit = text[s:e]
        # a repeat is a statement: a sentence or a quotation, not a heading or a label; inside a
        # longer paragraph only a quotation is judged (news restates its own facts, not quotes)
        statement = ends_sentence(unit) and (standalone or not rules.embedded_repeat_needs_quote
                                             or _ANY_QUOTE.search(unit) is not None)
        if statement and len(unit.split()) >= rules.sentence_min_words:
            core = _quoted_core(unit, rules)
            if core == text:  # the paragraph's only sentence: its overlaps are known
                scored = _containments(len(sh), overlaps)
            else:
                core_shingles = shingles(core, rules.shingle)
                scored = _containments(len(core_shingles), _overlaps(core_shingles, earlier))
            match = _sentence_repeat_of(core, scored, views, rules.sentence_bars())
            if match:
                j, c, gram = match
                cut.append(Removal("duplicate_quote", unit,
                                   f"sentence repeats clean paragraph {j} ({c:.0%} of its {gram}-grams are there)",
                                   "repeated_sentence", j))
                continue
        keep_parts.append(unit)
    return " ".join(keep_parts).strip(), cut


def _quoted_core(unit: str, rules: QuoteRules) -> str:
    """The words inside the quotation marks of a unit, when they are long enough to judge on
    their own: the reporting clause ('…,” he said after the talks') is new in every rewording."""
    if not rules.compare_quoted_words:
        return unit
    inner = " ".join(m.group(0)[1:-1] for m in _ANY_QUOTE.finditer(unit))
    return inner if len(inner.split()) >= rules.sentence_min_words else unit


def quote_units(text: str) -> list[tuple[int, int]]:
    """Sentence spans, with the sentences of one quotation merged into one unit (a quote is
    repeated or not as a whole)."""
    spans = sentence_spans(text)
    quotes = [m.span() for m in _ANY_QUOTE.finditer(text)]
    units: list[tuple[int, int]] = []
    for s, e in spans:
        joins_previous = units and any(qs < units[-1][1] and qe > s for qs, qe in quotes)
        if joins_previous:
            units[-1] = (units[-1][0], e)
        else:
            units.append((s, e))
    return units


# ---------------------------------------------------------------- across articles


def find_quotes(text: str, min_words: int = 6) -> list[tuple[int, int, str, str | None]]:
    """(start, end, quote text, speaker or None) of each quotation in ``text``."""
    out = []
    for m in _QUOTE_SPAN.finditer(text):
        group = next(i for i, g in enumerate(m.groups(), 1) if g is not None)
        raw = m.group(group)
        if len(raw.split()) < min_words:
            continue
        quote = raw.strip()
        # the span of the quoted words, marks and outer spaces excluded: text[start:end] == quote
        q_start = m.start(group) + (len(raw) - len(raw.lstrip()))
        q_end = q_start + len(quote)
        speaker = None
        paragraph_end = text.find("\n", m.end())
        after = _SPEAKER_AFTER.match(text[m.end(): min(m.end() + 80, paragraph_end if paragraph_end >= 0 else len(text))])
        if after:
            speaker = after.group("a") or after.group("b")
        else:
            window = text[max(0, m.start() - 120): m.start()].rsplit("\n", 1)[-1]
            before = _SPEAKER_BEFORE.search(window)
            speaker = before.group("s") if before else None
        if speaker in _PRONOUNS:
            speaker = None
        out.append((q_start, q_end, quote, speaker))
    return out


def _content_key(text: str) -> str:
    """16 hex digits that depend on ``text`` only."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


#: the quote index's tables: rows, wordings, MinHash signatures and LSH bands (newsclean/scratch.py)
_QUOTE_TABLES = """
            CREATE TABLE quotes (key INTEGER PRIMARY KEY, quote_id TEXT, document TEXT, source TEXT,
                                 start INTEGER, "end" INTEGER, quote TEXT, speaker TEXT);
            CREATE TABLE wordings (digest BLOB PRIMARY KEY, key INTEGER NOT NULL, linkable INTEGER NOT NULL);
            CREATE TABLE signatures (key INTEGER PRIMARY KEY, size INTEGER NOT NULL, hashvalues BLOB NOT NULL);
            CREATE TABLE bands (band BLOB NOT NULL, key INTEGER NOT NULL);
            CREATE INDEX bands_band ON bands (band);
"""


#: a lasting index's own record: its configuration, union-find and the caller's state (QuoteIndex.save)
_SAVED_TABLES = """
            CREATE TABLE saved (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def _wording_digest(wording: str) -> bytes:
    return hashlib.blake2b(wording.encode("utf-8"), digest_size=16).digest()


#: (bands, rows) datasketch's MinHashLSH picks for a threshold of 0.15 with 64 permutations
LSH_BANDS = (32, 2)
_QUOTE_COLUMNS = ("quote_id", "document", "source", "start", "end", "quote", "speaker")


class QuoteIndex:
    """Quotes of every clean document, linked when they are the same statement.

    Each quote is kept as a 64-value MinHash of its character 5-grams (512 bytes, whatever the
    corpus size) in a MinHash LSH index (datasketch's banding: 32 bands of 2 rows for a threshold of
    Jaccard 0.15) tuned low enough to also surface a short quote inside a longer one; candidates
    are confirmed on the MinHash estimate: Jaccard >= ``same_jaccard`` or one inside the other
    >= ``same_containment``. The statements are a union-find over the quotes (its root is the
    statement's first quote). Rows, wordings, signatures and bands live in a temporary SQLite
    database (:mod:`newsclean.scratch`); only the union-find (8 bytes a quote) is in memory.

    A quote whose wording (case and punctuation folded) an earlier linkable quote already has is
    joined to that quote's statement and not looked up again: its shingles, MinHash and so its
    candidates are that quote's, which were all joined then or joined it since (the similarity is
    symmetric). So a quote syndicated into N articles costs N lookups of one row, not N LSH
    queries over N-1 candidates; the statements are the same.

    Cross-document state lives here and is passed in explicitly (never a module global), so
    reruns and parallel batches stay deterministic: add records in a fixed order.
    """

    def __init__(self, same_jaccard: float = 0.3, same_containment: float = 0.6, link_min_words: int = 8,
                 min_words: int = 5, lsh_threshold: float = 0.15, num_perm: int = 64, path: Path | None = None) -> None:
        self.same_jaccard = same_jaccard
        self.same_containment = same_containment
        #: quotes shorter than this are linked only to the same wording, verbatim (case and
        #: punctuation folded): their MinHash estimates are too noisy for a paraphrase
        self.link_min_words = link_min_words
        #: quotes of at least this many words are listed (and linked when verbatim)
        self.min_words = min_words
        self.lsh_threshold = lsh_threshold
        self.num_perm = num_perm
        #: None: a temporary database (a snapshot run's); a path: the lasting one of :meth:`saved`
        self._path = path
        self._open()

    def _open(self) -> None:
        from array import array

        if (self.lsh_threshold, self.num_perm) == (0.15, 64):
            bands, rows = LSH_BANDS  # tests/test_minhash.py checks it is datasketch's choice
        else:
            from datasketch.lsh import _optimal_param  # imports scipy: 1 s

            bands, rows = _optimal_param(self.lsh_threshold, self.num_perm, 0.5, 0.5)  # as MinHashLSH chooses
        self._ranges = [(i * rows, (i + 1) * rows) for i in range(bands)]
        from .scratch import scratch_database

        # in memory (datasketch's MinHashLSH and MinHash objects) the index cost ~27 KB a page of
        # the AEB pages, 2.7 GB at 100,000
        if self._path is None:
            self._db = scratch_database(_QUOTE_TABLES, cache_mb=16)
        else:  # a lasting file: a rollback journal, so a crash leaves the last save() whole
            self._db = sqlite3.connect(self._path, check_same_thread=False)
            self._db.execute("PRAGMA cache_size = -16384")
            if self._db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'quotes'").fetchone()[0] == 0:
                self._db.executescript(_QUOTE_TABLES + _SAVED_TABLES)
        #: union-find over the quotes: one tree per statement
        self._parent = array("q")

    @classmethod
    def saved(cls, path: Path, **config) -> tuple[QuoteIndex, dict | None]:
        """The index kept in the SQLite file ``path`` (an incremental dataset's, beside its state
        store) and the ``state`` its last :meth:`save` recorded; a new, empty index and None when the
        file is missing, of another configuration or unreadable (the file is then started again).
        Adding to it only loads the union-find (8 bytes a quote): memory stays flat with the corpus."""
        path = Path(path)
        index = None
        try:
            index = cls(**config, path=path)
            rows = dict(index._db.execute("SELECT name, value FROM saved").fetchall())
            if json.loads(rows["config"]) == {k: getattr(index, k) for k in cls._CONFIG}:
                index._parent.frombytes(rows["parent"])
                return index, json.loads(rows["state"])
        except (sqlite3.DatabaseError, KeyError, ValueError):
            pass
        if index is not None:
            index.close()
        path.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return cls(**config, path=path), None

    def save(self, state: dict) -> None:
        """Commit every quote added since the last save with the union-find, the configuration and
        ``state`` (the caller's record of what the index covers) in one transaction."""
        if self._path is None:
            raise ValueError("only an index opened with QuoteIndex.saved() is saved")
        rows = {"config": json.dumps({k: getattr(self, k) for k in self._CONFIG}), "state": json.dumps(state),
                "parent": self._parent.tobytes()}
        self._db.executemany("INSERT OR REPLACE INTO saved (name, value) VALUES (?, ?)", rows.items())
        self._db.commit()

    def __len__(self) -> int:
        return len(self._parent)

    def _minhash(self, sh: frozenset):
        from .minhash import minhash, sha1_hash32

        # datasketch's MinHash(num_perm, seed=1) of the 5-grams' UTF-8 bytes (newsclean/minhash.py)
        return minhash((sha1_hash32(s.encode("utf-8")) for s in sh), self.num_perm, seed=1).astype("uint64")

    def _band_keys(self, hashvalues) -> list[bytes]:
        # the band's number, then its values: the same band in the same place, as datasketch's hashtables
        return [bytes([b]) + hashvalues[s:e].tobytes() for b, (s, e) in enumerate(self._ranges)]

    def _same_statement(self, hashvalues, size: int, other_hashvalues, other_size: int) -> bool:
        import numpy as np

        # datasketch's MinHash.jaccard: the share of equal values
        j = float(np.count_nonzero(hashvalues == other_hashvalues)) / float(self.num_perm)
        if j >= self.same_jaccard:
            return True
        overlap = j * (size + other_size) / (1 + j)  # |A & B| from Jaccard and the set sizes
        return overlap / min(size, other_size) >= self.same_containment

    def _candidates(self, bands: list[bytes]):
        import numpy as np

        db = self._db
        marks = ",".join("?" * len(bands))
        for key, size, hv in db.execute(
                f"SELECT s.key, s.size, s.hashvalues FROM signatures s WHERE s.key IN "
                f"(SELECT key FROM bands WHERE band IN ({marks})) ORDER BY s.key", bands):
            yield key, size, np.frombuffer(hv, dtype=np.uint64)

    def _insert_signature(self, key: int, size: int, hashvalues) -> None:
        db = self._db
        db.execute("INSERT INTO signatures (key, size, hashvalues) VALUES (?, ?, ?)", (key, size, hashvalues.tobytes()))
        db.executemany("INSERT INTO bands (band, key) VALUES (?, ?)", [(b, key) for b in self._band_keys(hashvalues)])

    def add(self, record: dict) -> None:
        db = self._db
        for start, end, quote, speaker in find_quotes(record["text"], self.min_words):
            sh = shingles(quote)
            if not sh:
                continue
            key = len(self._parent)
            quote_id = "q" + _content_key(f"{record['id']}:{start}")
            linkable = len(quote.split()) >= self.link_min_words
            self._parent.append(key)
            digest = _wording_digest(normalise(quote))
            found = db.execute("SELECT key, linkable FROM wordings WHERE digest = ?", (digest,)).fetchone()
            if found is None:
                db.execute("INSERT INTO wordings (digest, key, linkable) VALUES (?, ?, ?)", (digest, key, linkable))
            else:
                self._union(key, found[0])
            if linkable and not (found is not None and found[1]):
                hashvalues = self._minhash(sh)
                # a candidate already in this quote's statement cannot change the grouping: with
                # syndicated copies (the same quote in N articles) checking them all was O(N^2)
                for other, other_size, other_hv in self._candidates(self._band_keys(hashvalues)):
                    if self._find(other) != self._find(key) and self._same_statement(hashvalues, len(sh), other_hv,
                                                                                       other_size):
                        self._union(key, other)
                self._insert_signature(key, len(sh), hashvalues)
            db.execute("INSERT INTO quotes (key, quote_id, document, source, start, \"end\", quote, speaker) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (key, quote_id, record["id"], record["source"], start, end,
                                                           quote, speaker))

    def _find(self, x: int) -> int:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    # ------------------------------------------------------------ pickling (incremental datasets)

    _CONFIG = ("same_jaccard", "same_containment", "link_min_words", "min_words", "lsh_threshold", "num_perm")

    def __getstate__(self) -> dict:
        """The index as plain values (incremental datasets keep it in their state store)."""
        db = self._db
        return {"format": 2, **{k: getattr(self, k) for k in self._CONFIG},
                "parent": self._parent.tobytes(),
                "quotes": db.execute('SELECT key, quote_id, document, source, start, "end", quote, speaker '
                                     "FROM quotes ORDER BY key").fetchall(),
                "wordings": db.execute("SELECT digest, key, linkable FROM wordings").fetchall(),
                "signatures": db.execute("SELECT key, size, hashvalues FROM signatures ORDER BY key").fetchall()}

    def __setstate__(self, state: dict) -> None:
        """Load a pickled index: this version's (``format`` 2), or one of the in-memory versions
        before it (datasketch objects, a ``_parent`` list, or a ``same_as`` list per quote)."""
        import numpy as np

        for k in self._CONFIG:
            setattr(self, k, state[k])
        self._path = None
        self._open()
        db = self._db
        if state.get("format") == 2:
            self._parent.frombytes(state["parent"])
            db.executemany('INSERT INTO quotes (key, quote_id, document, source, start, "end", quote, speaker) '
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", state["quotes"])
            db.executemany("INSERT INTO wordings (digest, key, linkable) VALUES (?, ?, ?)", state["wordings"])
            for key, size, hv in state["signatures"]:
                self._insert_signature(key, size, np.frombuffer(hv, dtype=np.uint64))
            return
        quotes = state["quotes"]
        self._parent.extend(state.get("_parent", range(len(quotes))))
        if "_parent" not in state:
            for i, q in enumerate(quotes):
                for j in q.get("same_as", ()):
                    self._union(i, j)
        for i, q in enumerate(quotes):
            db.execute('INSERT INTO quotes (key, quote_id, document, source, start, "end", quote, speaker) '
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (i, *(q[c] for c in _QUOTE_COLUMNS)))
        linkable = [len(q["quote"].split()) >= self.link_min_words for q in quotes]
        for wording, key in state["_wordings"].items():
            db.execute("INSERT INTO wordings (digest, key, linkable) VALUES (?, ?, ?)",
                       (_wording_digest(wording), key, linkable[key]))
        for i, (mh, size) in enumerate(state["_signatures"]):
            if linkable[i]:  # the quotes that version put in its LSH index
                self._insert_signature(i, size, np.asarray(mh.hashvalues, dtype=np.uint64))

    # ------------------------------------------------------------ output

    def iter_rows(self):
        """One row per statement, in the order of each statement's first quote: its first wording,
        speaker, every occurrence and variant. Streamed from the store: memory stays flat."""
        db = self._db
        db.execute("DROP TABLE IF EXISTS roots")
        db.execute("CREATE TEMP TABLE roots (key INTEGER PRIMARY KEY, root INTEGER NOT NULL)")
        db.executemany("INSERT INTO roots (key, root) VALUES (?, ?)", ((i, self._find(i)) for i in range(len(self))))
        db.execute("CREATE INDEX roots_root ON roots (root, key)")
        members: list[dict] = []
        root = None
        for row in db.execute('SELECT r.root, q.quote_id, q.document, q.source, q.start, q."end", q.quote, q.speaker '
                              "FROM roots r JOIN quotes q ON q.key = r.key ORDER BY r.root, r.key"):
            if row[0] != root and members:
                yield _statement_row(members)
                members = []
            root = row[0]
            members.append(dict(zip(_QUOTE_COLUMNS, row[1:])))
        if members:
            yield _statement_row(members)
        db.execute("DROP TABLE roots")

    def rows(self) -> list[dict]:
        return list(self.iter_rows())

    def close(self) -> None:
        self._db.close()


def _statement_row(members: list[dict]) -> dict:
    first = members[0]
    speakers = [m["speaker"] for m in members if m["speaker"]]
    normalised = [normalise(m["quote"]) for m in members]
    wordings = set(normalised)
    return {
        # from the statement's wordings, not from positions in the run: the same statement keeps
        # its id whatever else is cleaned with it and in whatever order
        "statement_id": "s" + _content_key(min(wordings)),
        "quote": first["quote"],
        "speaker": speakers[0] if speakers else None,
        "documents": sorted({m["document"] for m in members}),
        "occurrences": [{**m, "same_wording_as_first": w == normalised[0]} for m, w in zip(members, normalised)],
        "wordings": len(wordings),
    }

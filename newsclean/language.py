"""Language: the body's ISO 639-1 code, and ``foreign_language`` flags for passages in another.

langdetect is seeded once (``DetectorFactory.seed``), so the same text always gives the same
answer, and it reads at most ``doc_sample_chars`` of the body (~7 ms an article otherwise).
A paragraph is only sent to langdetect when a cheap check says it could differ from the body:
its script is not the body's, or it has almost none of the body language's stopwords.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .record import Document, Flag, block_offsets
from .signals import stopword_ratio, word_count

UNDETERMINED = "und"
_LETTER = re.compile(r"[^\W\d_]", re.U)


@dataclass(frozen=True)
class LanguageRules:
    #: most characters of the body langdetect reads for the document language
    doc_sample_chars: int = 1000
    #: a paragraph needs this many letters before its language is judged
    passage_min_letters: int = 40
    #: langdetect must be at least this sure that a passage is in another language
    passage_min_probability: float = 0.90
    #: a passage with fewer stopwords of the body language than this share may be foreign
    passage_max_stopword_share: float = 0.04


_INIT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Profiles:
    """langdetect's language profiles as one sparse matrix: ``rows([index[ngram]])`` gives the row
    langdetect's ``DetectorFactory.add_profile`` builds for that n-gram (one probability per language
    of ``langlist``, the same floats), loaded with numpy in ~0.1 s where langdetect's loop takes 0.6 s.
    Only the nonzero cells are kept (4% of 87,598 x 55: 2 MB, where the dense float64 matrix held
    39 MB in every process)."""

    index: dict
    langlist: list
    indptr: object  # numpy int64, len(index) + 1: row k's cells are [indptr[k], indptr[k + 1])
    columns: object  # numpy int64: each cell's language column
    values: object  # numpy float64: each cell's probability

    def rows(self, numbers) -> "object":
        """The dense rows (len(numbers) x len(langlist), float64) of the n-grams numbered ``numbers``."""
        import numpy as np

        numbers = np.asarray(numbers, dtype=np.int64)
        start = self.indptr[numbers]
        counts = self.indptr[numbers + 1] - start
        out = np.zeros((len(numbers), len(self.langlist)))
        total = int(counts.sum())
        if total:
            ends = np.cumsum(counts)
            cells = np.arange(total) - np.repeat(ends - counts - start, counts)  # cell positions, row by row
            out[np.repeat(np.arange(len(numbers)), counts), self.columns[cells]] = self.values[cells]
        return out


def load_profiles(directory: str | None = None) -> Profiles:
    """Read langdetect's profile files as ``DetectorFactory.load_profile`` does (the same files in the
    same ``os.listdir`` order, the same ``count / n_words[len - 1]`` divisions for 1- to 3-grams,
    a zero row for a longer n-gram)."""
    import os

    import numpy as np
    from langdetect.detector_factory import PROFILES_DIRECTORY

    try:
        import simplejson as json  # what langdetect parses its profiles with when it is installed
    except ImportError:
        import json
    directory = directory or PROFILES_DIRECTORY
    names = os.listdir(directory)
    index: dict[str, int] = {}
    setdefault = index.setdefault
    langlist, cells = [], []
    for name in names:
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data["name"] in langlist:
            raise ValueError(f"duplicate language profile {data['name']!r} in {directory}")
        freq = data["freq"]
        rows = np.fromiter((setdefault(w, len(index)) for w in freq), dtype=np.int64, count=len(freq))
        lengths = np.fromiter(map(len, freq), dtype=np.int64, count=len(freq))
        counts = np.fromiter(freq.values(), dtype=np.float64, count=len(freq))
        keep = (lengths >= 1) & (lengths <= 3)
        n_words = np.asarray(data["n_words"], dtype=np.float64)
        cells.append((len(langlist), rows[keep], counts[keep] / n_words[lengths[keep] - 1]))
        langlist.append(data["name"])
    rows = np.concatenate([r for _, r, _ in cells]) if cells else np.zeros(0, dtype=np.int64)
    columns = np.concatenate([np.full(len(r), c, dtype=np.int64) for c, r, _ in cells]) if cells else rows
    values = np.concatenate([v for _, _, v in cells]) if cells else np.zeros(0)
    nonzero = values != 0.0  # a zero count is a zero cell, as in the dense matrix
    rows, columns, values = rows[nonzero], columns[nonzero], values[nonzero]
    order = np.lexsort((columns, rows))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(index)))]).astype(np.int64)
    return Profiles(index, langlist, indptr, columns[order], values[order])


@lru_cache(maxsize=1)
def _profiles() -> Profiles:
    with _INIT_LOCK:
        return load_profiles()


@lru_cache(maxsize=1)
def _detector_factory():
    """A langdetect factory over :func:`_profiles`, seeded (the same text, the same answer), whose
    ``word_lang_prob_map`` maps each n-gram to its row number (what :func:`langdetect_probabilities`
    reads); langdetect's own global factory is left alone."""
    from langdetect import DetectorFactory

    profiles = _profiles()
    factory = DetectorFactory()
    factory.word_lang_prob_map = profiles.index
    factory.langlist = profiles.langlist
    factory.set_seed(0)
    return factory


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text``; (``und``, 0) when it has no language features."""
    detector = _detector_factory().create()
    detector.append(text)
    found = langdetect_probabilities(detector, _profiles())
    if not found:
        return UNDETERMINED, 0.0
    return found[0].lang.split("-")[0], found[0].prob


#: langdetect's normalisation of each character met so far (it depends on the character alone)
_NORMALISED: dict[str, str] = {}


def _ngrams(text: str, known: dict) -> list[str]:
    """langdetect's ``Detector._extract_ngrams`` (its ``NGram.add_char`` inlined, each character's
    normalisation looked up once): the same 1- to 3-grams in the same order."""
    from langdetect.utils.ngram import NGram

    normalised = _NORMALISED
    result = []
    append = result.append
    grams, capital = " ", False
    for ch in text:
        c = normalised.get(ch)
        if c is None:
            c = normalised[ch] = NGram.normalize(ch)
        last = grams[-1]
        if last == " ":
            grams, capital = " ", False
            if c == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += c
        if c.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        size = len(grams)
        for n in (1, 2, 3):
            if size < n:
                break
            w = grams[-n:]
            if w != " " and w in known:
                append(w)
    return result


def langdetect_probabilities(detector, profiles: Profiles | None = None) -> list:
    """langdetect's ``Detector.get_probabilities()``, with its inner loop (each n-gram drawn updates
    55 languages' probabilities, one Python multiplication each: 2/3 of langdetect's time) done on
    numpy arrays. The same random draws in the same order, the same float operations on each
    language (``prob * (weight + p)``, the sum taken left to right), so the same probabilities to
    the last bit (tests/test_language.py compares them with langdetect's own). [] when the text has
    no n-gram langdetect knows (where langdetect raises). With ``profiles``, the detector's
    ``word_lang_prob_map`` holds row numbers of ``profiles.rows`` (see :func:`_detector_factory`);
    without, langdetect's own lists of probabilities."""
    import numpy as np

    d = detector
    d.cleaning_text()
    ngrams = _ngrams(d.text, d.word_lang_prob_map)
    if not ngrams:
        return []
    rows: dict[str, int] = {}
    drawn = [rows.setdefault(w, len(rows)) for w in ngrams]  # random.choice draws an index: same draws
    if profiles is not None:
        table = profiles.rows([d.word_lang_prob_map[w] for w in rows])
    else:
        table = np.array([d.word_lang_prob_map[w] for w in rows])
    n = len(d.langlist)
    langprob = np.zeros(n)
    rnd = d.random
    rnd.seed(d.seed)
    # random.choice(drawn) inlined: drawn[r] for r from getrandbits(k), redrawn while r >= len(drawn)
    # (Random._randbelow_with_getrandbits): the same calls on the generator, so the same draws
    getrandbits, size = rnd.getrandbits, len(drawn)
    bits = size.bit_length()
    for _ in range(d.n_trial):
        prob = np.array(d.prior_map if d.prior_map is not None else [1.0 / n] * n)
        alpha = d.alpha + rnd.gauss(0.0, 1.0) * d.ALPHA_WIDTH
        weighted = alpha / d.BASE_FREQ + table
        i = 0
        while True:
            r = getrandbits(bits)
            while r >= size:
                r = getrandbits(bits)
            prob *= weighted[drawn[r]]
            if i % 5 == 0:
                prob /= np.cumsum(prob)[-1]  # cumsum adds left to right, as sum() does
                if prob.max() > d.CONV_THRESHOLD or i >= d.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / d.n_trial
    return d._sort_probability(langprob.tolist())


#: letters of the scripts news is written in; a passage in another script than the body's may be foreign
SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "cjk": re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "armenian": re.compile(r"[\u0530-\u058f]"),
    "georgian": re.compile(r"[\u10a0-\u10ff]"),
}


_ASCII_LETTER = re.compile(r"[A-Za-z]")
#: a letter of any script but latin: the union of the other SCRIPTS classes
_NON_LATIN_LETTER = re.compile("|".join(rx.pattern for name, rx in SCRIPTS.items() if name != "latin"))


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in (latin, cyrillic, cjk …), or None."""
    sample = text[:3000]
    if sample.isascii():  # only the latin class has ASCII letters: the same answer without 11 scans
        return "latin" if _ASCII_LETTER.search(sample) else None
    if not _NON_LATIN_LETTER.search(sample):  # accents and curly quotes, no other script: one scan
        return "latin" if SCRIPTS["latin"].search(sample) else None
    counts = {name: len(rx.findall(sample)) for name, rx in SCRIPTS.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _may_differ(text: str, language: str, body_script: str | None, rules: LanguageRules) -> bool:
    if dominant_script(text) != body_script:
        return True
    ratio = stopword_ratio(text, language)
    return ratio is not None and word_count(text) >= 8 and ratio <= rules.passage_max_stopword_share


#: scripts written by one language that langdetect has no profile for: a body in one of them is in
#: that language (langdetect would name a wrong one or none)
SCRIPT_LANGUAGES = {
    "my": re.compile(r"[\u1000-\u109f]"),   # Myanmar: Burmese
    "km": re.compile(r"[\u1780-\u17ff]"),   # Khmer
    "lo": re.compile(r"[\u0e80-\u0eff]"),   # Lao
    "am": re.compile(r"[\u1200-\u137f]"),   # Ethiopic: Amharic (the main language written in it)
    "si": re.compile(r"[\u0d80-\u0dff]"),   # Sinhala
    "ka": re.compile(r"[\u10a0-\u10ff]"),   # Georgian
    "hy": re.compile(r"[\u0530-\u058f]"),   # Armenian
    "bo": re.compile(r"[\u0f00-\u0fff]"),   # Tibetan
    "or": re.compile(r"[\u0b00-\u0b7f]"),   # Odia
    "dv": re.compile(r"[\u0780-\u07bf]"),   # Thaana: Dhivehi
}


def language_by_script(text: str, min_share: float = 0.5) -> str | None:
    """The language of a text mostly written in a script only it uses (see SCRIPT_LANGUAGES)."""
    sample = text[:3000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None
    for code, rx in SCRIPT_LANGUAGES.items():
        if len(rx.findall(sample)) >= min_share * letters:
            return code
    return None


def body_language(text: str, rules: LanguageRules = LanguageRules()) -> str:
    """ISO 639-1 code of a body; ``und`` when neither its script nor langdetect names one."""
    by_script = language_by_script(text[: rules.doc_sample_chars])
    if by_script:
        return by_script
    return detect(text[: rules.doc_sample_chars])[0]


def _has_letters(text: str, n: int) -> bool:
    """Whether ``text`` has at least ``n`` letters (stops counting at ``n``)."""
    return next(islice(_LETTER.finditer(text), n - 1, None), None) is not None if n > 0 else True


def detect_language(doc: Document, rules: LanguageRules = LanguageRules()) -> Document:
    """Set ``doc.language`` and add a ``foreign_language`` flag per foreign paragraph."""
    body = doc.body
    language = body_language(body, rules)
    if language == UNDETERMINED:
        return doc.with_changes(language=language)
    body_script = dominant_script(body)
    flags = list(doc.flags)
    for block, start in zip(doc.blocks, block_offsets(doc.blocks)):
        if not _has_letters(block.text, rules.passage_min_letters):
            continue
        if not _may_differ(block.text, language, body_script, rules):
            continue
        lang, prob = detect(block.text)
        if lang not in (language, UNDETERMINED) and prob >= rules.passage_min_probability:
            flags.append(Flag("foreign_language", start, start + len(block.text), block.text, prob,
                              (f"language:{lang}", f"body_language:{language}")))
    return doc.with_changes(language=language, flags=tuple(flags))



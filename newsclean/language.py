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


@lru_cache(maxsize=1)
def _detector_factory():
    """Seed langdetect and load its profiles once; its own lazy loading is not thread-safe
    (two threads loading at once raise 'duplicate the same language profile')."""
    from langdetect import DetectorFactory, detector_factory

    with _INIT_LOCK:
        DetectorFactory.seed = 0
        detector_factory.init_factory()
    return DetectorFactory


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text``; (``und``, 0) when it has no language features."""
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    _detector_factory()
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return UNDETERMINED, 0.0
    return best.lang.split("-")[0], best.prob


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


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in (latin, cyrillic, cjk …), or None."""
    sample = text[:3000]
    if sample.isascii():  # only the latin class has ASCII letters: the same answer without 11 scans
        return "latin" if _ASCII_LETTER.search(sample) else None
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


def detect_language(doc: Document, rules: LanguageRules = LanguageRules()) -> Document:
    """Set ``doc.language`` and add a ``foreign_language`` flag per foreign paragraph."""
    body = doc.body
    language = body_language(body, rules)
    if language == UNDETERMINED:
        return doc.with_changes(language=language)
    body_script = dominant_script(body)
    flags = list(doc.flags)
    for block, start in zip(doc.blocks, block_offsets(doc.blocks)):
        if len(_LETTER.findall(block.text)) < rules.passage_min_letters:
            continue
        if not _may_differ(block.text, language, body_script, rules):
            continue
        lang, prob = detect(block.text)
        if lang not in (language, UNDETERMINED) and prob >= rules.passage_min_probability:
            flags.append(Flag("foreign_language", start, start + len(block.text), block.text, prob,
                              (f"language:{lang}", f"body_language:{language}")))
    return doc.with_changes(language=language, flags=tuple(flags))



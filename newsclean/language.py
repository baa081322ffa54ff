"""Language: the body's ISO 639-1 code, and ``foreign_language`` flags for passages in another.

langdetect is seeded once (``DetectorFactory.seed``), so the same text always gives the same
answer, and it reads at most ``doc_sample_chars`` of the body (~7 ms an article otherwise).
A paragraph is only sent to langdetect when a cheap check says it could differ from the body:
its script is not the body's, or it has almost none of the body language's stopwords.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .record import Document, Flag, block_offsets
from .signals import stopword_ratio, word_count

UNDETERMINED = "und"
_LETTER = re.compile(r"[^\W\d_]", re.U)


@dataclass(frozen=True)
class LanguageRules:
    #: most characters of the body langdetect reads for the document language
    doc_sample_chars: int = 2000
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


def dominant_script(text: str) -> str | None:
    """The Unicode script family most letters of ``text`` belong to (LATIN, CYRILLIC, CJK …)."""
    counts: dict[str, int] = {}
    for ch in _LETTER.findall(text[:3000]):
        name = unicodedata.name(ch, "")
        script = name.split(" ")[0] if name else ""
        if script in ("CJK", "HIRAGANA", "KATAKANA"):
            script = "CJK"
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _may_differ(text: str, language: str, body_script: str | None, rules: LanguageRules) -> bool:
    if dominant_script(text) != body_script:
        return True
    ratio = stopword_ratio(text, language)
    return ratio is not None and word_count(text) >= 8 and ratio <= rules.passage_max_stopword_share


def detect_language(doc: Document, rules: LanguageRules = LanguageRules()) -> Document:
    """Set ``doc.language`` and add a ``foreign_language`` flag per foreign paragraph."""
    body = doc.body
    language, _ = detect(body[: rules.doc_sample_chars])
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



"""Garble: flag passages mangled by machine translation, spinning or scraping.

The text is never changed: each suspicious span becomes a ``garbled`` flag with a score in
[0, 1] and the names of the signals that fired. One scorer serves the pipeline (per paragraph,
with the document as context) and the benchmark (:func:`score_sentence`, one sentence alone).

Precise rules for scraping and translation damage, each named in the flag's reasons:

* ``repeated_word`` — a word doubled ("the the") or joined to itself ("demarcation and
  demarcation"), idioms like "more and more" excepted.
* ``fragment_after_period`` — a sentence that starts in lower case right after a full stop
  ("… Armenian forces. retrieved. outside the zone"): pieces of two sentences glued together.
* ``unbalanced_quote`` — a closing double quote that closes nothing.
* ``rare_compound`` — a hyphenated compound of a combining form and a word the language does
  not know ("Russo-<unknown>"), used once in the article: a name mangled in translation.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .fluency import load_model
from .record import HEADING, Document, Flag, block_offsets
from .signals import ends_sentence, sentence_spans
from .word_frequency import zipf_en

_REPEATED = re.compile(r"\b(\w{2,})(\s+(?:and|or|und|et|y|e)\s+|\s+)\1\b", re.I | re.U)
#: doubled words that are idiomatic, not damage
IDIOMATIC_REPEATS = frozenset("""more less again over on round through by step bit side one two
    that had is was ha bye very so far back little out years days weeks hours time""".split())
_COMPOUND = re.compile(r"\b([A-Z][a-z]+)-([A-Z][a-z]+)\b")
#: first halves of ethnic/national compounds ("Russo-Japanese", "Sino-American")
COMBINING_FORMS = frozenset("""russo sino franco anglo indo afro euro greco austro italo judeo turco
    irano arabo hispano luso nippo serbo czecho slavo germano polono hungaro""".split())
_ELLIPSIS_END = re.compile(r"(\.\.\.|…)[\"'”’)\]]*\s*$")
_CLOSE_Q, _OPEN_Q = "”", "“"


@dataclass(frozen=True)
class GarbleRules:
    """Scores of the rules and the flagging threshold; each an argument with its default."""

    threshold: float = 0.5
    repeated_word_score: float = 0.9
    fragment_score: float = 0.9
    unbalanced_quote_score: float = 0.8
    rare_compound_score: float = 0.85
    #: a compound half with a Zipf frequency below this is unknown to the language
    rare_zipf: float = 2.5
    #: a fragment has at most this many words
    fragment_max_words: int = 8
    #: score every sentence with the shipped fluency model (newsclean/fluency.py) too
    use_fluency_model: bool = True
    #: sentences shorter than this are not given to the fluency model in the pipeline
    fluency_min_words: int = 6
    #: "fast": the fluency model alone; "lm": sentences it cannot clear are also scored by a
    #: language model (newsclean/surprisal.py, newsclean/lm.py)
    mode: str = "fast"


@dataclass
class Hit:
    start: int
    end: int
    score: float
    reasons: list[str] = field(default_factory=list)


_zipf = zipf_en  # wordfreq's zipf_frequency(word, "en"), cached


def repeated_words(text: str, rules: GarbleRules) -> list[Hit]:
    hits = []
    for m in _REPEATED.finditer(text):
        word = m.group(1).lower()
        if word in IDIOMATIC_REPEATS or word.isdigit() or word.endswith("er"):
            continue
        if m.group(2).strip() and not m.group(1).islower():
            continue  # 'CCI and CCI', 'Smith and Smith': names, not a doubled word
        hits.append(Hit(m.start(), m.end(), rules.repeated_word_score, ["repeated_word"]))
    return hits


def fragments_after_period(text: str, rules: GarbleRules) -> list[Hit]:
    """Sentences that open in lower case after a sentence closed by a full stop."""
    hits = []
    spans = sentence_spans(text)
    for (ps, pe), (s, e) in zip(spans, spans[1:]):
        previous, sentence = text[ps:pe], text[s:e]
        first_word = sentence.lstrip("\"'“‘(").split(None, 1)[0] if sentence.strip("\"'“‘( ") else ""
        if not first_word[:1].islower() or _ELLIPSIS_END.search(previous) or not previous.rstrip().endswith("."):
            continue  # a full stop inside quotes ('… "Meth. We're On It." campaign') closes a title, not a sentence
        if any(ch.isupper() or ch.isdigit() for ch in first_word):
            continue  # a brand written in lower case: 'iPhone', 'my6sense'

        if len(sentence.split()) > rules.fragment_max_words and s + len(sentence) < len(text.rstrip()):
            continue
        hits.append(Hit(s, len(text.rstrip()) if e >= len(text.rstrip()) - 1 else e,
                        rules.fragment_score, ["fragment_after_period"]))
    return hits


def unbalanced_quotes(text: str, rules: GarbleRules) -> list[Hit]:
    """A closing curly double quote with no opening one before it in the paragraph (a straight
    double quote opens when none is open, so mixed styles pair up)."""
    if _CLOSE_Q not in text:
        return []
    depth, hits = 0, []
    for i, ch in enumerate(text):
        if ch == _OPEN_Q or (ch == '"' and depth == 0):
            depth += 1
        elif ch == '"':
            depth -= 1
        elif ch == _CLOSE_Q:
            if depth == 0:
                start = max((s for s, _ in sentence_spans(text[:i]) if s < i), default=0)
                hits.append(Hit(start, i + 1, rules.unbalanced_quote_score, ["unbalanced_quote"]))
            depth = max(0, depth - 1)
    return hits


def rare_compounds(text: str, rules: GarbleRules, context: str = "") -> list[Hit]:
    hits = []
    for m in _COMPOUND.finditer(text):
        head, tail = m.group(1).lower(), m.group(2)
        if head not in COMBINING_FORMS:
            continue
        if _zipf(tail.lower()) >= rules.rare_zipf or (context and context.count(tail) > 1):
            continue
        hits.append(Hit(m.start(), m.end(), rules.rare_compound_score, ["rare_compound"]))
    return hits


def paragraph_hits(text: str, rules: GarbleRules = GarbleRules(), context: str = "") -> list[Hit]:
    """Every rule's hits in one paragraph; ``context`` is the whole article, if any."""
    return (repeated_words(text, rules) + fragments_after_period(text, rules)
            + unbalanced_quotes(text, rules) + rare_compounds(text, rules, context))


def rule_score(text: str, rules: GarbleRules = GarbleRules()) -> float:
    """Highest score of the precise rules on ``text`` (0 when none fires)."""
    return max((h.score for h in paragraph_hits(text, rules)), default=0.0)


def score_sentences(sentences: list[str], rules: GarbleRules = GarbleRules(), flags_only: bool = False,
                    hits: list[list[Hit]] | None = None) -> list[tuple[float, list[str]]]:
    """Garble score of each sentence alone, and the signals that fired (the benchmark's entry
    point). ``flags_only`` (the pipeline) lets the models skip their costly parts for sentences that
    cannot reach the threshold: flags are the same, scores below the threshold approximate.
    ``hits``: the rules' hits per sentence when the caller already has them (the pipeline)."""
    return [(score, reasons) for score, reasons, _ in _score(sentences, rules, flags_only, hits)]


def _score(sentences: list[str], rules: GarbleRules, flags_only: bool, hits: list[list[Hit]] | None
           ) -> list[tuple[float, list[str], tuple[int, int] | None]]:
    """:func:`score_sentences` plus, for a sentence the LM flags, the span of the word it points at
    (None: the whole sentence)."""
    if hits is None:
        hits = [paragraph_hits(s, rules) for s in sentences]
    rule_scores = [max((h.score for h in hs), default=0.0) for hs in hits]
    model = load_model() if rules.use_fluency_model else None
    lm = _lm_model(rules)
    # flags_only: the n-gram part only where the sentence can still reach the bar that matters (the
    # LM's gate in the LM mode, the fluency model's threshold in the fast one)
    only_above = (lm.gate if lm is not None else model.threshold) if flags_only and model else None
    probs = model.probabilities(sentences, rule_scores, only_above) if model else np.array(rule_scores, dtype=float)
    fast_flag = [bool(model) and p >= model.threshold for p in probs]
    spans: list[tuple[int, int] | None] = [None] * len(sentences)
    threshold = model.threshold if model else rules.threshold
    if lm is not None and model is not None and sentences:
        from .surprisal import surprisals

        todo = [i for i, p in enumerate(probs) if p >= lm.gate] if flags_only else list(range(len(sentences)))
        feats = surprisals([sentences[i] for i in todo], readout=lm.readout)
        lm_p = lm.probabilities([sentences[i] for i in todo], [rule_scores[i] for i in todo], feats)
        probs = np.array(probs, dtype=float)
        if flags_only:  # the rest cannot reach the threshold: kept below it
            probs = np.minimum(probs, lm.gate)
        probs[todo] = lm_p
        threshold = lm.threshold
        LM_COUNTS["sentences"] += len(sentences)
        LM_COUNTS["scored_by_lm"] += len(todo)
        for i, f in zip(todo, feats):
            if f.worst_word is not None and f.worst_word[2] <= f.slor - lm.word_margin:
                spans[i] = f.worst_word[:2]
    out = []
    for i, (hs, p, r) in enumerate(zip(hits, probs, rule_scores)):
        reasons = sorted({x for h in hs for x in h.reasons})
        if lm is not None and p >= threshold:
            reasons += ["lm_surprisal"] + (["low_fluency"] if fast_flag[i] else [])
        elif lm is None and fast_flag[i]:
            reasons.append("low_fluency")
        out.append((max(float(p), r) if reasons else float(p), reasons, spans[i] if p >= threshold else None))
    return out


#: how many sentences the LM mode saw and how many the LM scored, in this process (for the benchmarks)
LM_COUNTS: Counter = Counter()


def _lm_model(rules: GarbleRules):
    if rules.mode == "fast":
        return None
    if rules.mode != "lm":
        raise ValueError(f"garble mode {rules.mode!r}: expected 'lm' or 'fast'")
    from .surprisal import load_model as load_lm_model

    model = load_lm_model()
    if model is None:
        raise FileNotFoundError("newsclean/models/garble_lm.npz is missing: run bench/train_garble_lm.py --write")
    return model


def score_sentence(text: str, rules: GarbleRules = GarbleRules()) -> tuple[float, list[str]]:
    """:func:`score_sentences` for one sentence."""
    return score_sentences([text], rules)[0]


def _low_fluency_hits(blocks, block_hits: list[list[Hit]], rules: GarbleRules) -> dict[int, list[Hit]]:
    """Per block index, the sentences :func:`score_sentences` calls disfluent; all sentences of
    the document are scored in one batch (the benchmark's scorer, one code path), each with the
    rule hits its block already has."""
    where, sentences, hits = [], [], []
    for i, block in enumerate(blocks):
        if block.kind == HEADING:
            continue
        for s, e in sentence_spans(block.text):
            sentence = block.text[s:e]
            if len(sentence.split()) >= rules.fluency_min_words and ends_sentence(sentence):
                where.append((i, s, e))
                sentences.append(sentence)
                hits.append([h for h in block_hits[i] if h.start < e and h.end > s])
    out: dict[int, list[Hit]] = {}
    scored = _score(sentences, rules, True, hits)
    for (i, s, e), (score, reasons, span) in zip(where, scored):
        model_reasons = [r for r in reasons if r in ("low_fluency", "lm_surprisal")]
        if model_reasons:
            # the LM points at one word when its SLOR stands well below the sentence's (a mangled name
            # or compound); else the flag covers the whole sentence
            start, end = (s + span[0], s + span[1]) if span else (s, e)
            out.setdefault(i, []).append(Hit(start, end, score, model_reasons))
    return out


def _merge(hits: list[Hit]) -> list[Hit]:
    merged: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, h.end)):
        if merged and h.start <= merged[-1].end:
            last = merged[-1]
            last.end = max(last.end, h.end)
            last.score = max(last.score, h.score)
            last.reasons = sorted(set(last.reasons) | set(h.reasons))
        else:
            merged.append(Hit(h.start, h.end, h.score, list(h.reasons)))
    return merged


def flag_garbled(doc: Document, rules: GarbleRules = GarbleRules()) -> Document:
    """Add a ``garbled`` flag for every span scoring at or above ``rules.threshold``."""
    if doc.language not in ("en",):  # the lexicon and rules are English-specific for now
        return doc
    body = doc.body
    flags = list(doc.flags)
    block_hits = [paragraph_hits(block.text, rules, body) for block in doc.blocks]
    disfluent = _low_fluency_hits(doc.blocks, block_hits, rules) if rules.use_fluency_model else {}
    for i, (block, offset) in enumerate(zip(doc.blocks, block_offsets(doc.blocks))):
        for h in _merge(block_hits[i] + disfluent.get(i, [])):
            if h.score >= rules.threshold:
                start, end = offset + h.start, offset + h.end
                flags.append(Flag("garbled", start, end, body[start:end], h.score,
                                  tuple(f"{r}" for r in h.reasons)))
    return doc.with_changes(flags=tuple(flags))

"""English word frequency on the Zipf scale: wordfreq's ``zipf_frequency(word, "en")``, the same
float to the last bit, without importing wordfreq for the words most text is made of.

Importing wordfreq costs ~0.3 s (its tokenizer's regexes, langcodes) and its first lookup ~0.2 s
more (a Python loop over the whole English list): half a second of a one-off clean of a few files.
A word of ASCII letters, with hyphens and apostrophes, is split into tokens here the way
wordfreq's tokenizer splits it: hyphens separate tokens, apostrophes at their ends are dropped,
an apostrophe inside a token does not separate it (wordfreq splits after a one- or two-letter
start followed by a vowel or 'h', as in "l'arc": such words go to wordfreq). Its frequencies are
read from wordfreq's own data file and combined with wordfreq's own arithmetic. Every other word
(digits, other letters, that elision, anything unusual) is split by wordfreq's own tokenizer and
looked up in the same dictionary with wordfreq's digit rule: wordfreq's ``zipf_frequency`` would
load a second copy of the English list (~35 MB more in every process that meets such a word).
tests/test_word_frequency.py compares the two on every word of the English list and on generated
words.
"""
from __future__ import annotations

import gzip
import math
import os
import re
from functools import lru_cache

#: the characters of a word this module may answer itself: ASCII letters, apostrophes, hyphens
_SIMPLE = re.compile(r"[A-Za-z'’-]+")
#: wordfreq's French-style elision split ("l'arc", "qu'un"): such a word goes to wordfreq
_ELISION = re.compile(r"[a-z]{1,2}'[aehiouy]")


def _data_file() -> str:
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    return os.path.join(spec.submodule_search_locations[0], "data", "large_en.msgpack.gz")


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's ``get_frequency_dict("en")``: each word of its large English list with the
    frequency of its centibel bucket (``10 ** (-index / 100)``; a later bucket wins, as there)."""
    import msgpack

    with gzip.open(_data_file(), "rb") as f:
        data = msgpack.load(f, raw=False)
    header = data[0]
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq data header {header!r}")
    freqs: dict[str, float] = {}
    for index, bucket in enumerate(data[1:]):
        if bucket:
            freqs.update(dict.fromkeys(bucket, 10 ** (-index / 100)))
    return freqs


def _tokens(word: str) -> list[str] | None:
    """wordfreq's English tokens of a simple word, uncurled; None when this module cannot be sure."""
    if not _SIMPLE.fullmatch(word):
        return None
    tokens = []
    for piece in word.lower().split("-"):
        piece = piece.replace("’", "'").strip("'")  # an apostrophe (a closing quote) at an end is no part of it
        if not piece:
            continue
        if "" in piece.split("'") or _ELISION.match(piece):  # two apostrophes in a row split it too
            return None
        tokens.append(piece)
    return tokens


def _zipf_of_tokens(tokens: list[str], digits: bool = False) -> float:
    """wordfreq's ``_word_frequency`` with minimum 10^-9 and ``zipf_frequency``'s rounding; with
    ``digits``, its digit rule too (a token's digits read as zeros, times ``digit_freq``)."""
    minimum = 10 ** (0 - 9)  # zipf_to_freq(0): what wordfreq gives a word it does not know
    freq = minimum
    if tokens:
        freqs = _frequencies()
        if digits:
            from wordfreq.numbers import digit_freq, smash_numbers
        one_over_result = 0.0
        for token in tokens:
            smashed = smash_numbers(token) if digits else token
            f = freqs.get(smashed)
            if f is None:
                break
            if smashed != token:
                f *= digit_freq(token)
            one_over_result += 1.0 / f
        else:
            unrounded = max(1.0 / one_over_result, minimum)
            leading_zeroes = math.floor(-math.log(unrounded, 10))
            freq = round(unrounded, leading_zeroes + 3)
    return round(math.log(freq, 10) + 9, 2)


@lru_cache(maxsize=65536)
def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``."""
    tokens = _tokens(word)
    if tokens is None:
        from wordfreq.tokens import lossy_tokenize

        return _zipf_of_tokens(lossy_tokenize(word, "en"), digits=True)
    return _zipf_of_tokens(tokens)

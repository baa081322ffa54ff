"""Fluency: how likely a sentence is machine-translation or spinning output, from its surface.

A logistic regression over hashed character 3–5-grams (TF-IDF, as in character n-gram text
classification, Cavnar & Trenkle 1994; Zhang et al. 2015) and a handful of surface statistics:
word rarity from wordfreq (Speer 2022), function-word share, punctuation, repeated words,
lower-cased names and the precise rules of :mod:`newsclean.garble`. It is trained by
``bench/train_garble.py`` on the garble benchmark's dev split only (MLQE-PE, CC0; WMT23 MQM,
Apache-2.0) and shipped as plain arrays in ``models/garble_fluency.npz``: no pickles, nothing
downloaded at run time. The n-grams are hashed by :mod:`newsclean.hashing` (scikit-learn's hashing, without importing it).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from .hashing import hashed_counts
from .word_frequency import zipf_en

MODEL_PATH = Path(__file__).parent / "models" / "garble_fluency.npz"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_STOP = frozenset("""a an the and or but if of to in on at by for with from as into about over after before
    between during under than that this these those there here it its is are was were be been being has have
    had do does did will would can could should may might must not no he she they we you i his her their our
    your my him them us me who whom which what when where why how also so such said""".split())
_DOUBLED = re.compile(r"\b(\w+) \1\b", re.I)
_DIGITS = re.compile(r"\d")

SURFACE_FEATURES = ("log_words", "mean_zipf", "min_zipf", "std_zipf", "rare_share", "unknown_share",
                    "stopword_share", "commas_per_word", "has_parenthesis", "odd_straight_quotes",
                    "repeated_content_words", "doubled_word", "inner_capitals", "starts_lower",
                    "ends_terminal", "digit_share", "min_zipf_lowercase", "mean_zipf_lowercase",
                    "rare_lowercase_share", "rule_score")


_SPACES = re.compile(r"\s+")


def model_text(text: str) -> str:
    """What the n-gram part reads: NFKC (no-break spaces become spaces) with runs of white space
    folded, so scraping's typography does not look like garble."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


_zipf = zipf_en  # wordfreq's zipf_frequency(word, "en"), cached


def surface_features(text: str, rule_score: float = 0.0) -> list[float]:
    """The SURFACE_FEATURES of one sentence."""
    ws = _WORD.findall(text)
    n = max(1, len(ws))
    lows = [w.lower() for w in ws]
    z = [_zipf(w) for w in lows] or [0.0]
    lower = [w for w in ws if w[0].islower()]
    zl = [_zipf(w) for w in lower] or [5.0]
    content = Counter(w for w in lows if w not in _STOP)
    mean_z = sum(z) / len(z)
    return [
        math.log(n), mean_z, min(z), math.sqrt(sum((v - mean_z) ** 2 for v in z) / len(z)),
        sum(v < 3 for v in z) / n, sum(v == 0 for v in z) / n, sum(w in _STOP for w in lows) / n,
        text.count(",") / n, float("(" in text), float(text.count('"') % 2),
        float(sum(c > 1 for c in content.values())), float(bool(_DOUBLED.search(text))),
        sum(w[0].isupper() for w in ws[1:]) / n, float(text[:1].islower()),
        float(text.rstrip()[-1:] in '.!?"”'), len(_DIGITS.findall(text)) / max(1, len(text)),
        min(zl), sum(zl) / len(zl), sum(v < 2.5 for v in zl) / max(1, len(lower)), rule_score,
    ]


class FluencyModel:
    """Probability that a sentence is garbled, from the shipped weights."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        data = np.load(path, allow_pickle=False)
        if str(data["analyzer"]) != "char":
            raise ValueError(f"{path}: n-grams of analyzer {data['analyzer']!r}; newsclean.hashing computes 'char' ones")
        self.n_features = int(data["n_features"])
        self.ngram_range = tuple(int(x) for x in data["ngram_range"])
        self.idf = data["idf"].astype(np.float64)
        self.text_weights = data["text_weights"].astype(np.float64)
        self.surface_mean = data["surface_mean"]
        self.surface_scale = data["surface_scale"]
        self.surface_weights = data["surface_weights"]
        self.surface_gain = float(data["surface_gain"])
        self.intercept = float(data["intercept"])
        self.threshold = float(data["threshold"])
        self.text_logit_high = float(data["text_logit_high"])
        self.text_logit_mean = float(data["text_logit_mean"])

    def text_logits(self, sentences: list[str]) -> np.ndarray:
        """The n-gram part of each sentence's logit: sublinear TF-IDF of its hashed character
        n-grams, L2-normalised (as at training time), times the weights."""
        lo, hi = self.ngram_range
        row, column, count = hashed_counts([model_text(s) for s in sentences], lo, hi, self.n_features)
        v = (1.0 + np.log(count)) * self.idf[column]
        norm = np.sqrt(np.bincount(row, weights=v * v, minlength=len(sentences)))
        dot = np.bincount(row, weights=v * self.text_weights[column], minlength=len(sentences))
        return np.divide(dot, norm, out=np.zeros(len(sentences)), where=norm > 0)

    def probabilities(self, sentences: list[str], rule_scores: list[float] | None = None,
                      only_above: float | None = None) -> np.ndarray:
        """P(garbled) per sentence. With ``only_above``, the n-gram part (the costly one) is only
        computed for sentences whose surface part leaves them able to reach that probability
        (the n-gram part rarely adds more than ``text_logit_high``); the others get a
        probability from the surface part alone, which stays below ``only_above``."""
        return 1.0 / (1.0 + np.exp(-self.logits(sentences, rule_scores, only_above)))

    def logits(self, sentences: list[str], rule_scores: list[float] | None = None,
               only_above: float | None = None) -> np.ndarray:
        """The log-odds behind :meth:`probabilities`."""
        if not sentences:
            return np.zeros(0)
        rule_scores = rule_scores or [0.0] * len(sentences)
        surface = np.array([surface_features(s, r) for s, r in zip(sentences, rule_scores)])
        # a row-wise sum, not a matrix product: BLAS sums a row in an order that depends on where it
        # sits in the batch, and a sentence's score must not depend on what else is scored with it
        z = (((surface - self.surface_mean) / self.surface_scale * self.surface_gain) * self.surface_weights).sum(axis=1)
        z += self.intercept
        todo = np.arange(len(sentences))
        if only_above is not None:
            needed = math.log(only_above / (1 - only_above))
            todo = np.flatnonzero(z + self.text_logit_high >= needed)
            z = z + self.text_logit_mean
            z[todo] -= self.text_logit_mean
        if len(todo):
            z[todo] += self.text_logits([sentences[i] for i in todo])
        return z


@lru_cache(maxsize=1)
def load_model() -> FluencyModel | None:
    """The shipped model, or None when the weights file is missing (rules only)."""
    return FluencyModel() if MODEL_PATH.exists() else None

"""Quote pair model: how likely a paragraph restates an earlier one, in other words or not.

Character n-gram overlap alone cannot tell a rewording of a passage from a neighbouring passage
about the same thing: both share the names, and a neighbour that repeats a long official title
("Xi Jinping Thought on Socialism with Chinese Characteristics for a New Era …") can share more
3-grams than a free translation does. What separates them is where the agreement lies. A
rewording agrees all along, in many short runs, with the numbers intact; a neighbour shares one
long run and little else. Six features say this, and a logistic regression weighs them:

``trigram_jaccard``      character 3-gram Jaccard: shared wording, robust to reworded endings
``length_ratio``         shorter / longer word count: Jaccard falls with a length mismatch alone
``log_words``            log(1 + words of the shorter text): short texts overlap by chance
``scattered_agreement``  content words (not stopwords) matched in order (longest common
                         subsequence) outside the longest common run, per content word of the
                         shorter text; with stopwords it also rewards any two sentences of one shape
``new_number``           the later text states a number the earlier one lacks
``lost_number``          the earlier text states a number the later one lacks

The weights are fitted by ``bench/train_quotes.py`` on the quote benchmark's dev pairs (WMT23
zh→en news: two systems' translations of one passage vs translations of two passages of the same
article) and shipped as plain numbers in ``models/quote_pairs.json``, with the threshold the
script chose out of fold and the figures it saw. No pickles.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import LCSseq

MODEL_PATH = Path(__file__).parent / "models" / "quote_pairs.json"
FEATURES = ("trigram_jaccard", "length_ratio", "log_words", "scattered_agreement", "new_number", "lost_number")


def pair_features(words: int, earlier_words: int, content: list[str], earlier_content: list[str],
                  trigram_jaccard: float, numbers: set[str], earlier_numbers: set[str]) -> tuple[float, ...]:
    """The features of a later text against an earlier one, in the order of :data:`FEATURES`:
    ``words`` are word counts, ``content`` the normalised words that are not stopwords, in order."""
    shorter = max(1, min(words, earlier_words))
    runs = [m.size for m in LCSseq.opcodes(content, earlier_content).as_matching_blocks() if m.size]
    return (trigram_jaccard,
            shorter / max(1, words, earlier_words),
            math.log(shorter + 1),
            (sum(runs) - max(runs, default=0)) / max(1, min(len(content), len(earlier_content))),
            float(bool(numbers - earlier_numbers)),
            float(bool(earlier_numbers - numbers)))


@dataclass(frozen=True)
class QuotePairModel:
    """A logistic regression over standardised :data:`FEATURES`."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    #: the probability at which a pair is called the same passage (chosen out of fold by the
    #: training script: at most 1% of the hard dev negatives reach it)
    threshold: float

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.intercept + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self, **report) -> str:
        return json.dumps({"features": FEATURES, "mean": self.mean, "scale": self.scale, "weights": self.weights,
                           "intercept": self.intercept, "threshold": self.threshold, **report}, indent=1)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> QuotePairModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: model features {data['features']} are not {FEATURES}; retrain with bench/train_quotes.py")
    return QuotePairModel(tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
                          float(data["intercept"]), float(data["threshold"]))

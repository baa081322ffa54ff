"""Surprisal: the LM garble mode's sentence features and the model that combines them.

Owns what the language model (newsclean/lm.py) says about a sentence, and how that is weighed
against the fast fluency model (newsclean/fluency.py). Each sentence is scored alone after the
model's document separator, as the benchmark scores it. Its features:

- ``lm_mean``: mean log-probability per token (how fluent the model finds it);
- ``slor``: SLOR (Pauls & Klein 2012; Lau et al. 2017), the LM log-probability minus the words'
  unigram log-probability (wordfreq), per token: fluency with word rarity taken out, so a correct
  rare name costs less than a mangled phrase;
- ``lm_std``: the spread of the tokens' log-probabilities;
- ``log_tokens``: the sentence length;
- ``entropy_mean``: the mean entropy of the model's predictions (how sure it was of each next token);
- the model's final hidden state where it predicts the sentence's last token (576 values), read off
  that prediction's logits (newsclean/lm.py ``hidden_state_map``). Its weights are folded into one
  readout vector over the vocabulary (``state_readout``), so the pipeline adds one dot product.

One logistic regression over them and everything the fast model reads (its hashed character
n-grams and surface statistics, newsclean/fluency.py), fitted together by
``bench/train_garble_lm.py`` on the garble benchmark's dev split and shipped as plain arrays in
``models/garble_lm.npz``, gives the probability that the sentence is garbled (fitted together,
out-of-fold ROC-AUC 0.808 on dev, against 0.771 for the LM features stacked on the fast model's
score). In the pipeline the LM runs only on sentences whose fast probability reaches ``gate``
(on dev, 1% of the sentences the LM mode flags out of fold lie below it), and the word whose SLOR
is lowest points the flag at the garbled words when it stands out (``lm_surprisal``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "garble_lm.npz"
LM_FEATURES = ("lm_mean", "slor", "lm_std", "log_tokens", "entropy_mean")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
#: the unigram log-probability of a word wordfreq does not know
UNKNOWN_LOGP = math.log(1e-8)


@lru_cache(maxsize=200_000)
def unigram_logp(word: str) -> float:
    from wordfreq import word_frequency

    f = word_frequency(word.lower(), "en")
    return math.log(f) if f > 0 else UNKNOWN_LOGP


@dataclass(frozen=True)
class Surprisal:
    """What the LM said about one sentence."""

    lm_mean: float
    slor: float
    lm_std: float
    log_tokens: float
    entropy_mean: float
    #: (start, end, SLOR per token) of the word the LM found least likely for its frequency
    worst_word: tuple[int, int, float] | None
    #: the readout of the LM's hidden state (lm.SmolLM.score) the caller asked for
    state: np.ndarray = field(default_factory=lambda: np.zeros(0), compare=False)


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def surprisals(sentences: list[str], readout: np.ndarray | None = None) -> list[Surprisal]:
    """LM features of each sentence, each scored alone (newsclean/lm.py); ``state`` is ``readout``
    (rows over the vocabulary) applied to the logits of the sentence's last token."""
    from .lm import load

    model = load()
    return [_features(model, text, scored) for text, scored in zip(sentences, model.score(sentences, readout=readout))]


def _features(model, text: str, scored) -> Surprisal:
    ids, lp = scored.ids, scored.logprobs
    n = max(1, len(lp))
    spans = word_spans(text)
    uni = sum(unigram_logp(text[s:e]) for s, e in spans)
    # tokens to words: walk the decoded tokens along the text
    pieces = model.words(ids)
    pos, token_word = 0, []
    for piece in pieces:
        stripped = piece.lstrip()
        found = text.find(stripped, pos) if stripped else -1
        start = found if found >= 0 else pos
        pos = start + len(stripped) if found >= 0 else pos
        token_word.append(next((w for w, (s, e) in enumerate(spans) if s <= start < e), None))
    worst = None
    for w, (s, e) in enumerate(spans):
        toks = [lp[t] for t, tw in enumerate(token_word) if tw == w]
        if not toks:
            continue
        score = (sum(toks) - unigram_logp(text[s:e])) / len(toks)
        if worst is None or score < worst[2]:
            worst = (s, e, float(score))
    return Surprisal(float(lp.mean()) if len(lp) else 0.0, float((lp.sum() - uni) / n),
                     float(lp.std()) if len(lp) else 0.0, math.log(n),
                     float(scored.entropy.mean()) if len(lp) else 0.0, worst, scored.state)


def feature_row(s: Surprisal) -> list[float]:
    return [s.lm_mean, s.slor, s.lm_std, s.log_tokens, s.entropy_mean]


class LMGarbleModel:
    """P(garbled) from the n-grams, surface statistics and LM features of a sentence, from the shipped weights."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        from .fluency import FluencyModel

        #: the n-gram and surface part: the fast model's form, with its own weights
        self.text = FluencyModel(path)
        data = np.load(path, allow_pickle=False)
        if tuple(str(x) for x in data["features"]) != LM_FEATURES:
            raise ValueError(f"{path}: LM features {list(data['features'])}, expected {list(LM_FEATURES)}: "
                             "retrain with bench/train_garble_lm.py --write")
        self.mean = data["lm_mean"]
        self.scale = data["lm_scale"]
        self.gain = data["lm_gain"]
        self.weights = data["lm_weights"]
        self.threshold = float(data["threshold"])
        #: the LM runs only on sentences whose fast probability reaches this
        self.gate = float(data["gate"])
        #: a word whose SLOR is this far below the sentence's is where the flag points
        self.word_margin = float(data["word_margin"])
        #: the hidden-state part: its weights folded into one vector over the last token's logits
        #: (lm.hidden_state_map), and the constant its standardising leaves
        self.readout = data["state_readout"]
        self.state_offset = float(data["state_offset"])

    def probabilities(self, sentences: list[str], rule_scores: list[float], feats: list[Surprisal]) -> np.ndarray:
        if not sentences:
            return np.zeros(0)
        X = np.array([feature_row(s) for s in feats]).reshape(len(feats), len(LM_FEATURES))
        z = self.text.logits(sentences, rule_scores) + ((X - self.mean) / self.scale * self.gain * self.weights).sum(axis=1)
        z += np.array([s.state[0] for s in feats]) - self.state_offset
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_model() -> LMGarbleModel | None:
    return LMGarbleModel() if MODEL_PATH.exists() else None

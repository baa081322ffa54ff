"""Block model: the probability that each block of a page is article text, from its shape and context.

Features hold on any site and any dump style (no phrase, site or converter habit): a block's
length, function-word share, punctuation, title case, digits, link and image share (Markdown
dumps), kind, lexical family (:mod:`newsclean.patterns`), repetition on the page, its position
against the densest prose run, and the same few shape features of its neighbours (three either
side). Two boosted-tree stages, as in Web2Text's per-block classifier plus sequence smoothing
(Vogels et al. 2018): stage 1 scores each block from the features; stage 2 adds the stage-1
probabilities of the eleven blocks around it and how much article the page has before and after,
so a lone short line inside the article stays and a lone paragraph in the footer goes.

The trees are trained by ``bench/train_blocks.py`` on the shared dev pages only (WCXB, CC-BY-4.0;
AEB, MIT) and shipped as plain arrays in ``models/block_model.npz`` (no pickle); scoring them is a
few numpy gathers per tree level, all blocks and trees at once.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "block_model.npz"

#: categories of the lexical families, one feature each (newsclean/patterns.py)
FAMILY_CATEGORIES = ("advertisement", "author_contact", "comments", "credit_footer", "dateline", "image_caption",
                     "legal_footer", "membership_appeal", "navigation", "newsletter_signup", "related_content",
                     "social_embed", "source_footer")
OWN_FEATURES = ("log_words", "log_chars", "stopword_share", "has_stopword_list", "prose", "ends_sentence",
                "punct_per_word", "title_case", "digit_share", "upper_share", "link_share", "image",
                "heading", "list_item", "table_row", "family", "section_break", *(f"family_{c}" for c in FAMILY_CATEGORIES),
                "date_line", "url_line", "log_page_repeats", "starts_lower", "starts_digit", "ends_colon",
                "mean_word_len", "rel_position", "log_blocks", "in_main_run", "log_before_run", "log_after_run",
                "prose_words_before", "in_comment_thread", "in_embed", "headline_like", "log_short_run",
                "words_over_page_max", "words_rank", "stopwords_over_page", "links_over_page")
#: the lexicon's logit of the block's first words, and the share of them it knows
LEXICAL_FEATURES = ("lexical_logit", "lexical_known")
#: neighbour features, at offsets -3..-1 and +1..+3
NEIGHBOUR_FEATURES = ("log_words", "prose", "link_share", "family", "title_case", "ends_sentence", "lexical_logit")
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
STAGE1_FEATURES = OWN_FEATURES + LEXICAL_FEATURES \
    + tuple(f"{name}@{o:+d}" for o in NEIGHBOUR_OFFSETS for name in NEIGHBOUR_FEATURES) \
    + ("prose_mean_5", "log_words_mean_5", "prose_mean_15")
#: stage 2: stage-1 probabilities around the block, and the page's article before and after it
CONTEXT_OFFSETS = tuple(range(-5, 6))
STAGE2_FEATURES = STAGE1_FEATURES + tuple(f"p@{o:+d}" for o in CONTEXT_OFFSETS) + (
    "p_mean_prev10", "p_mean_next10", "p_max_before", "p_max_after", "log_article_before", "log_article_after",
    "in_p_run", "log_before_p_run", "log_after_p_run", "p_run_word_share")
_OWN = {name: i for i, name in enumerate(OWN_FEATURES + LEXICAL_FEATURES)}
_NEIGHBOUR_COLS = [_OWN[name] for name in NEIGHBOUR_FEATURES]


class BlockShape(NamedTuple):
    """What the boilerplate stage knows of a block, for the model (one per block, in page order; a
    named tuple: a frozen dataclass's __init__ cost 5 us a block)."""

    words: int
    chars: int
    stopword_share: float | None
    prose: bool
    ends_sentence: bool
    punct: int
    title_case: float
    digits: int
    upper: int
    letters: int
    link_chars: int
    images: int
    kind: str
    family: str | None  # the matching lexical family's category, or None
    section_break: bool
    date_line: bool
    url_line: bool
    page_repeats: int
    starts_lower: bool
    starts_digit: bool
    ends_colon: bool
    mean_word_len: float


def own_features(shapes: list[BlockShape], main_run: tuple[int, int], thread: int, embedded: set[int],
                 headline_like: list[bool]) -> np.ndarray:
    """The OWN_FEATURES rows of a page's blocks."""
    n = len(shapes)
    X = np.zeros((n, len(OWN_FEATURES)), dtype=np.float32)
    start, end = main_run
    total_prose = sum(s.words for s in shapes if s.prose) or 1
    prose_before = 0
    short_run = run_lengths([not s.prose for s in shapes])
    log_blocks = math.log1p(n)
    rows = []
    for i, s in enumerate(shapes):
        # one Python list per block, converted once: item assignment into a numpy row cost 12 us a block
        families = [0.0] * len(FAMILY_CATEGORIES)
        if s.family is not None:
            families[FAMILY_CATEGORIES.index(s.family)] = 1.0
        rows.append([
            math.log1p(s.words), math.log1p(s.chars),
            s.stopword_share if s.stopword_share is not None else 0.0, s.stopword_share is not None,
            s.prose, s.ends_sentence, s.punct / max(s.words, 1), s.title_case, s.digits / max(s.chars, 1),
            s.upper / max(s.letters, 1), s.link_chars / max(s.chars, 1), s.images > 0,
            s.kind == "heading", s.kind == "list_item", s.kind == "table_row", s.family is not None,
            s.section_break, *families,
            s.date_line, s.url_line, math.log1p(s.page_repeats - 1), s.starts_lower, s.starts_digit,
            s.ends_colon, s.mean_word_len, i / max(n - 1, 1), log_blocks, start <= i < end,
            math.log1p(max(0, start - i)), math.log1p(max(0, i - end + 1)), prose_before / total_prose,
            i >= thread, i in embedded, headline_like[i], math.log1p(short_run[i]),
            0.0, 0.0, 0.0, 0.0])  # the four page-relative columns, filled below
        if s.prose:
            prose_before += s.words
    if rows:
        X[:] = np.array(rows, dtype=np.float32)
    # the same block reads differently on a terse page and a wordy one: its length and function words
    # against the page's own
    if n:
        k = len(OWN_FEATURES) - 4
        w = X[:, 0]
        X[:, k] = w / max(float(w.max()), 1e-6)
        X[:, k + 1] = np.argsort(np.argsort(w, kind="stable"), kind="stable") / max(n - 1, 1)
        long = w >= math.log1p(8)
        X[:, k + 2] = X[:, 2] - (float(X[long, 2].mean()) if long.any() else 0.0)
        X[:, k + 3] = X[:, 10] - float(X[:, 10].mean())
    return X


def run_lengths(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of True it stands in (0 when False)."""
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out


def _shifted(values: np.ndarray, offset: int, fill: float = 0.0) -> np.ndarray:
    """``values[i + offset]`` for each i (``fill`` past either end)."""
    out = np.full_like(values, fill)
    n = len(values)
    if abs(offset) >= n:
        return out
    if offset > 0:
        out[: n - offset] = values[offset:]
    elif offset < 0:
        out[-offset:] = values[: n + offset]
    else:
        out[:] = values
    return out


def _window_mean(values: np.ndarray, before: int, after: int) -> np.ndarray:
    """Mean of ``values[i-before : i+after+1]`` (within the page) for each i."""
    c = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    n = len(values)
    idx = np.arange(n)
    lo = np.maximum(idx - before, 0)
    hi = np.minimum(idx + after + 1, n)
    return ((c[hi] - c[lo]) / np.maximum(hi - lo, 1)).astype(np.float32)


#: the lexicon reads a block's first this many words (furniture says what it is up front; speed)
LEXICAL_WORDS = 12
_LEX_WORD = re.compile(r"[^\W\d_]+")


def lexical_tokens(text: str) -> set[str]:
    """The lexicon's features of a block: its first words, and its first word marked ``^``."""
    ws = _LEX_WORD.findall(text[:200].lower())[:LEXICAL_WORDS]
    return set(ws) | ({"^" + ws[0]} if ws else set())


class Lexicon:
    """A logistic model over the first words of a block (words used on many sites only)."""

    def __init__(self, words: list[str], weights: np.ndarray, intercept: float):
        self.weights = dict(zip(words, weights.astype(float).tolist()))
        self.intercept = float(intercept)

    def features(self, texts: list[str]) -> np.ndarray:
        return self.features_and_share(texts)[0]

    def features_and_share(self, texts: list[str]) -> tuple[np.ndarray, float]:
        """(LEXICAL_FEATURES of each block, the share of all the blocks' lexicon tokens it knows)."""
        out = np.zeros((len(texts), 2), dtype=np.float32)
        w = self.weights
        n_known = n_tokens = 0
        for i, text in enumerate(texts):
            toks = lexical_tokens(text)
            known = [w[t] for t in toks if t in w]
            out[i, 0] = self.intercept + sum(known)
            out[i, 1] = len(known) / len(toks) if toks else 0.0
            n_known += len(known)
            n_tokens += len(toks)
        return out, (n_known / n_tokens if n_tokens else 0.0)

    @staticmethod
    def unknown(n: int) -> np.ndarray:
        """The LEXICAL_FEATURES the unknown-words stages read for ``n`` blocks: zeros, in training as
        here (not this lexicon's intercept, which differs between the folds it was trained in)."""
        return np.zeros((n, 2), dtype=np.float32)


def stage1_features(own: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    own = np.concatenate([own, lexical], axis=1)
    cols = [own]
    neighbours = own[:, _NEIGHBOUR_COLS]
    for o in NEIGHBOUR_OFFSETS:
        cols.append(np.stack([_shifted(neighbours[:, j], o, -1.0) for j in range(neighbours.shape[1])], axis=1))
    cols.append(_window_mean(own[:, _OWN["prose"]], 5, 5)[:, None])
    cols.append(_window_mean(own[:, _OWN["log_words"]], 5, 5)[:, None])
    cols.append(_window_mean(own[:, _OWN["prose"]], 15, 15)[:, None])
    return np.concatenate(cols, axis=1).astype(np.float32)


def stage2_features(x1: np.ndarray, p1: np.ndarray) -> np.ndarray:
    p1 = p1.astype(np.float32)
    cols = [x1] + [_shifted(p1, o, -1.0)[:, None] for o in CONTEXT_OFFSETS]
    n = len(p1)
    c = np.concatenate([[0.0], np.cumsum(p1, dtype=np.float64)])
    idx = np.arange(n)
    lo, hi = np.maximum(idx - 10, 0), np.minimum(idx + 11, n)
    prev_mean = np.where(idx > 0, (c[idx] - c[lo]) / np.maximum(idx - lo, 1), -1.0).astype(np.float32)
    next_mean = np.where(idx + 1 < n, (c[hi] - c[np.minimum(idx + 1, n)]) / np.maximum(hi - idx - 1, 1), -1.0).astype(np.float32)
    max_before = np.concatenate([[0.0], np.maximum.accumulate(p1)[:-1]]) if n else p1
    max_after = np.concatenate([np.maximum.accumulate(p1[::-1])[::-1][1:], [0.0]]) if n else p1
    article = (p1 >= 0.5).astype(np.float32)
    before = np.concatenate([[0.0], np.cumsum(article)[:-1]]) if n else p1
    after = (article.sum() - before - article) if n else p1
    cols += [prev_mean[:, None], next_mean[:, None], max_before[:, None].astype(np.float32),
             max_after[:, None].astype(np.float32), np.log1p(before)[:, None], np.log1p(after)[:, None],
             _p_run_features(x1, p1)]
    return np.concatenate(cols, axis=1).astype(np.float32)


def _p_run_features(x1: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """Where the block stands against the page's densest run of stage-1 article: the maximum-sum
    run of (p - 0.5) x words (the rule-based layout's idea, on the model's scores)."""
    words = np.expm1(x1[:, _OWN["log_words"]])
    scores = (p1 - 0.5) * np.log1p(words) * 2
    best, span, total, start = 0.0, (0, 0), 0.0, 0
    for i, v in enumerate(scores.tolist()):
        if total <= 0:
            total, start = 0.0, i
        total += v
        if total > best:
            best, span = total, (start, i + 1)
    idx = np.arange(len(p1))
    lo, hi = span
    inside = (idx >= lo) & (idx < hi)
    share = words[lo:hi].sum() / max(words.sum(), 1.0)
    return np.stack([inside.astype(np.float32), np.log1p(np.maximum(0, lo - idx)).astype(np.float32),
                     np.log1p(np.maximum(0, idx - hi + 1)).astype(np.float32),
                     np.full(len(p1), share, dtype=np.float32)], axis=1)


class Forest:
    """Boosted trees as arrays: ``feature``, ``threshold``, ``left``, ``right``, ``value`` of shape
    (trees, nodes); a leaf points to itself."""

    def __init__(self, feature, threshold, left, right, value, baseline: float, depth: int):
        trees = feature.shape[0]
        depth = int(depth)
        # each tree laid out complete to ``depth`` (node k's children are 2k+1 and 2k+2): a leaf above
        # the last level becomes a node that always goes left (threshold inf) onto copies of itself,
        # so a step of the walk is two gathers and arithmetic, no child lookup
        size = 2 ** (depth + 1) - 1
        feat = np.zeros((trees, size), np.int64)
        thr = np.full((trees, size), np.inf)
        val = np.zeros((trees, size))
        for t in range(trees):
            todo = [(0, 0, 0)]  # (node in the source arrays, node in the complete layout, its depth)
            while todo:
                old, k, level = todo.pop()
                l_old, r_old = int(left[t, old]), int(right[t, old])
                if level == depth:
                    val[t, k] = value[t, old]
                    continue
                if l_old == old:  # a leaf above the last level: both children are itself
                    l_old = r_old = old
                else:
                    feat[t, k], thr[t, k] = feature[t, old], threshold[t, old]
                todo += [(l_old, 2 * k + 1, level + 1), (r_old, 2 * k + 2, level + 1)]
        self.offsets = np.arange(trees, dtype=np.int64) * size
        self.feature = feat.ravel()
        self.threshold = thr.ravel()
        self.value = val.ravel()
        self.baseline = float(baseline)
        self.depth = depth

    def raw(self, X: np.ndarray) -> np.ndarray:
        n = X.shape[0]
        if n == 0:
            return np.zeros(0)
        X = np.ascontiguousarray(X, dtype=np.float64)
        rows = (np.arange(n, dtype=np.int64) * X.shape[1])[:, None]
        flat_x = X.ravel()
        offsets = self.offsets
        node = np.repeat(offsets[None, :], n, axis=0)  # each tree's root, for every row
        for _ in range(self.depth):
            # take(mode="clip") skips the bounds check fancy indexing does (every index is in range)
            right = flat_x.take(rows + self.feature.take(node, mode="clip"), mode="clip") > \
                self.threshold.take(node, mode="clip")
            node += node - offsets + 1 + right  # offset + 2 * (node - offset) + 1 + right
        return self.baseline + self.value.take(node, mode="clip").sum(axis=1)

    def proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(X)))


#: a page with no stopword list whose blocks' words the lexicon knows fewer of than this share is
#: scored by the stages trained on such pages (bench/train_blocks.py --unknown-words-model), with
#: no lexicon features (its weights, read on such a page, are the noise of a few loanwords and
#: names). The lexicon holds English words of the dev pages. Of the dev pages with no stopword
#: list, the AEB pages in Korean and Japanese know 0.02-0.12 of their words (out of fold) and the
#: English ones 0.39 or more (a page of sports results, names and scores; WCXB 0.63+): 0.25 parts
#: them (at 0.45 that English page went too and lost 0.195 F1). Pages with a list (Russian,
#: Portuguese, Italian ...) stay with the main stages, which did better on them out of fold.
UNKNOWN_WORDS_BELOW = 0.25


def takes_unknown_words(has_stopword_list: bool, known_share: float, below: float = UNKNOWN_WORDS_BELOW) -> bool:
    """Whether a page goes to the unknown-words stages (the pipeline and bench/train_blocks.py ask here)."""
    return not has_stopword_list and known_share < below


@dataclass(frozen=True)
class BlockModel:
    lexicon: Lexicon
    stage1: Forest
    stage2: Forest
    #: a block is article when its stage-2 probability is at least this
    threshold: float
    #: (stage 1, stage 2) trained on pages the lexicon does not know, or None (every page by the above)
    unknown_words: tuple[Forest, Forest] | None = None
    unknown_words_below: float = UNKNOWN_WORDS_BELOW

    def probabilities(self, own: np.ndarray, texts: list[str]) -> np.ndarray:
        return self.scored(own, texts)[0]

    def scored(self, own: np.ndarray, texts: list[str]) -> tuple[np.ndarray, float, bool]:
        """(each block's article probability, the share of the page's words the lexicon knows,
        whether the unknown-words stages decided: a page with no stopword list whose words the
        lexicon mostly does not know)."""
        if own.shape[0] == 0:
            return np.zeros(0), 0.0, False
        lexical, known = self.lexicon.features_and_share(texts)
        stage1, stage2 = self.stage1, self.stage2
        unknown = self.unknown_words is not None and \
            takes_unknown_words(bool(own[:, _OWN["has_stopword_list"]].any()), known, self.unknown_words_below)
        if unknown:
            lexical = self.lexicon.unknown(len(texts))
            stage1, stage2 = self.unknown_words
        x1 = stage1_features(own, lexical)
        p1 = stage1.proba(x1)
        return stage2.proba(stage2_features(x1, p1)), known, unknown


def _forest(arrays, prefix: str) -> Forest:
    return Forest(arrays[f"{prefix}_feature"], arrays[f"{prefix}_threshold"], arrays[f"{prefix}_left"],
                  arrays[f"{prefix}_right"], arrays[f"{prefix}_value"], arrays[f"{prefix}_baseline"],
                  arrays[f"{prefix}_depth"])


def load_candidate_model(path: Path, names: tuple[str, ...], prefix: str):
    """(forest, least probability to take a candidate) of a shipped candidate model (title, author,
    date: bench/train_metadata.py --target PREFIX), or None when absent."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        if tuple(str(s) for s in arrays["names"]) != names:
            raise ValueError(f"{path.name} was trained on other features; run bench/train_metadata.py --target {prefix} --write")
        return _forest(arrays, prefix), float(arrays["min_probability"])


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> BlockModel | None:
    """The shipped model, or None when it is absent (the boilerplate stage then keeps its rules)."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        names = tuple(str(s) for s in arrays["stage2_names"])
        if names != STAGE2_FEATURES:
            raise ValueError(f"{path.name} was trained on other features; run bench/train_blocks.py --write")
        lexicon = Lexicon([str(w) for w in arrays["lexicon_words"]], arrays["lexicon_weights"],
                          float(arrays["lexicon_intercept"]))
        unknown = (_forest(arrays, "unknown_stage1"), _forest(arrays, "unknown_stage2")) \
            if "unknown_stage1_feature" in arrays else None
        return BlockModel(lexicon, _forest(arrays, "stage1"), _forest(arrays, "stage2"), float(arrays["threshold"]),
                          unknown, float(arrays["unknown_words_below"]) if unknown else UNKNOWN_WORDS_BELOW)


def forest_arrays(predictors, baseline: float, prefix: str) -> dict[str, np.ndarray]:
    """A fitted ``HistGradientBoostingClassifier``'s trees (``clf._predictors``) as Forest arrays."""
    trees = [p[0].nodes for p in predictors]
    m = max(len(t) for t in trees)
    T = len(trees)
    feature = np.zeros((T, m), np.int32)
    threshold = np.full((T, m), np.inf)
    left = np.tile(np.arange(m, dtype=np.int32), (T, 1))
    right = left.copy()
    value = np.zeros((T, m))
    depth = 0
    for t, nodes in enumerate(trees):
        k = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        feature[t, :k] = np.where(leaf, 0, nodes["feature_idx"])
        threshold[t, :k] = np.where(leaf, np.inf, nodes["num_threshold"])
        left[t, :k] = np.where(leaf, np.arange(k), nodes["left"])
        right[t, :k] = np.where(leaf, np.arange(k), nodes["right"])
        value[t, :k] = np.where(leaf, nodes["value"], 0.0)
        depth = max(depth, int(nodes["depth"].max()))
    return {f"{prefix}_feature": feature, f"{prefix}_threshold": threshold, f"{prefix}_left": left,
            f"{prefix}_right": right, f"{prefix}_value": value, f"{prefix}_baseline": np.float64(baseline),
            f"{prefix}_depth": np.int32(depth)}

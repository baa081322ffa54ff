"""Hashed character n-grams, computed exactly as scikit-learn's ``HashingVectorizer`` computes them.

The fluency model (:mod:`newsclean.fluency`) was trained on scikit-learn's hashed character
n-grams (``analyzer="char"``, lower-cased, MurmurHash3 x86 32-bit with seed 0, index
``abs(h) % n_features``, no sign alternation). Scoring needs only that hashing, so it lives here in
numpy: importing scikit-learn cost a run 1.7 s of start-up (it pulls in scipy.stats), in every CLI
call, pool process and Dask worker. ``bench/train_garble.py`` checks that this module gives
scikit-learn's matrix, entry for entry, on the benchmark's sentences; ``tests/test_garble.py``
checks the hash against MurmurHash3's published test vectors.
"""
from __future__ import annotations

import re

import numpy as np

_U32 = np.uint32
_C1, _C2 = _U32(0xCC9E2D51), _U32(0x1B873593)
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's own white-space fold (one \s then a run: no nesting)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << _U32(r)) | (x >> _U32(32 - r))


def _fmix(h: np.ndarray) -> np.ndarray:
    h ^= h >> _U32(16)
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    return h


def _murmur_rows(data: np.ndarray, seed: int) -> np.ndarray:
    """MurmurHash3 x86-32 of each row of a (keys, length) uint8 matrix, unsigned."""
    length = data.shape[1]
    h = np.full(len(data), seed & 0xFFFFFFFF, dtype=_U32)
    nblocks = length // 4
    if nblocks:
        b = data[:, : nblocks * 4].reshape(len(data), nblocks, 4).astype(_U32)
        blocks = b[:, :, 0] | (b[:, :, 1] << _U32(8)) | (b[:, :, 2] << _U32(16)) | (b[:, :, 3] << _U32(24))
        for j in range(nblocks):
            h ^= _rotl(blocks[:, j] * _C1, 15) * _C2
            h = _rotl(h, 13) * _U32(5) + _U32(0xE6546B64)
    if length % 4:
        k = np.zeros(len(data), dtype=_U32)
        for j in range(length % 4):
            k ^= data[:, nblocks * 4 + j].astype(_U32) << _U32(8 * j)
        h ^= _rotl(k * _C1, 15) * _C2
    h ^= _U32(length & 0xFFFFFFFF)
    return _fmix(h)


def _murmur_spans(buf: np.ndarray, start: np.ndarray, length: np.ndarray, seed: int = 0) -> np.ndarray:
    """MurmurHash3 x86-32 (signed) of the byte spans ``buf[start:start+length]``; spans of one
    length are hashed together."""
    out = np.zeros(len(start), dtype=_U32)
    for n in np.unique(length).tolist():
        rows = np.flatnonzero(length == n)
        out[rows] = _murmur_rows(buf[start[rows, None] + np.arange(n)], seed)
    return out.view(np.int32)


def murmurhash3_32(keys: list[bytes], seed: int = 0) -> np.ndarray:
    """MurmurHash3 (x86, 32-bit) of each byte string, as signed 32-bit integers (scikit-learn's
    ``murmurhash3_32(key, seed, positive=False)``)."""
    buf = np.frombuffer(b"".join(keys) + b"\0", dtype=np.uint8)
    length = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    return _murmur_spans(buf, np.cumsum(length) - length, length, seed)


def hashed_counts(texts: list[str], lo: int, hi: int, n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nonzero entries of ``HashingVectorizer(analyzer="char", ngram_range=(lo, hi),
    n_features=n_features, alternate_sign=False, norm=None).transform(texts)`` as (row, column,
    count) arrays, sorted by row then column. Every n-gram is a byte span of the texts' joint
    UTF-8 encoding, between two character starts of one text: nothing is sliced in Python."""
    texts = [_WHITE_SPACES.sub(" ", t.lower()) for t in texts]
    buf = np.frombuffer("".join(texts).encode("utf-8", "surrogatepass") + b"\0", dtype=np.uint8)
    starts = np.append(np.flatnonzero((buf[:-1] & 0xC0) != 0x80), len(buf) - 1)  # each character's first byte, then the end
    char_text = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) for t in texts])
    rows, columns = [], []
    for n in range(lo, hi + 1):
        first = np.arange(max(0, len(char_text) - n + 1))
        first = first[char_text[first] == char_text[first + n - 1]]
        h = _murmur_spans(buf, starts[first], starts[first + n] - starts[first]).astype(np.int64)
        columns.append(np.where(h == -(2 ** 31), (2 ** 31 - 1 - (n_features - 1)) % n_features, np.abs(h) % n_features))
        rows.append(char_text[first])
    keys, counts = np.unique(np.concatenate(rows) * n_features + np.concatenate(columns), return_counts=True)
    return keys // n_features, keys % n_features, counts.astype(np.float64)

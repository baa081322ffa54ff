"""MinHash signatures as datasketch 2.x computes them (its default ``affine32`` scheme), without
importing datasketch.

datasketch's package imports its LSH classes, and they import ``scipy.integrate``: 1.0 s at the
start of every process (the CLI, each worker, each Dask worker) for two lines of arithmetic. This
module does that arithmetic as datasketch's ``MinHash.update_batch`` does (the input hashes pre-mixed
with the MurmurHash3 finalizer, then ``a * h + b`` in uint32 for each permutation, the minimum kept)
with the same permutations (``numpy.random.RandomState(seed)``), so the values are datasketch's:
``tests/test_minhash.py`` compares them on random sets for both users, the quote index (SHA-1 of
each 5-gram) and the near-duplicate index (CRC-32 of each word 5-gram).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Iterable

import numpy as np

MAX_HASH = np.uint32(0xFFFFFFFF)
#: MurmurHash3's 32-bit finalizer: shifts and multipliers
_S1, _M1, _S2, _M2, _S3 = np.uint32(16), np.uint32(2246822507), np.uint32(13), np.uint32(3266489909), np.uint32(16)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations h -> a * h + b (mod 2^32), ``a`` odd."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def sha1_hash32(data: bytes) -> int:
    """datasketch's default hash: the first 4 bytes of SHA-1, little-endian."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")


def minhash(hashes: Iterable[int], num_perm: int, seed: int = 1) -> np.ndarray:
    """The signature (``num_perm`` uint32 values) of a set given by its members' 32-bit hashes."""
    a, b = permutations(num_perm, seed)
    hv = np.fromiter(hashes, dtype=np.uint32).reshape(-1, 1)
    if not hv.size:
        return np.full(num_perm, MAX_HASH, dtype=np.uint32)
    hv = hv ^ (hv >> _S1)
    hv = hv * _M1
    hv = hv ^ (hv >> _S2)
    hv = hv * _M2
    hv = hv ^ (hv >> _S3)
    return np.minimum(np.full(num_perm, MAX_HASH, dtype=np.uint32), (hv * a + b).min(axis=0))

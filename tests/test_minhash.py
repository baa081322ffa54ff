"""newsclean/minhash.py computes datasketch's MinHash values without importing datasketch."""
import random
import zlib

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from newsclean.minhash import minhash, sha1_hash32
from newsclean.near_duplicates import NUM_PERM, SCHEME, SEED
from newsclean.quotes import LSH_BANDS, QuoteIndex


def _sets():
    rng = random.Random(11)
    alphabet = "abcdefghij klmnopq éü中"
    yield set()
    yield {b"x"}
    for _ in range(60):
        yield {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))).encode() for _ in range(rng.randint(1, 400))}


@pytest.mark.parametrize("num_perm,seed", [(64, 1), (128, 1), (16, 7)])
def test_quote_signatures_are_datasketchs(num_perm, seed):
    for s in _sets():
        reference = MinHash(num_perm=num_perm, seed=seed)
        reference.update_batch(list(s))
        assert np.array_equal(minhash(map(sha1_hash32, s), num_perm, seed), reference.hashvalues)


def test_near_duplicate_signatures_are_datasketchs():
    for s in _sets():
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32)
        reference.update_batch(list(s))
        assert np.array_equal(minhash(map(zlib.crc32, s), NUM_PERM, SEED), reference.hashvalues)


def test_the_quote_index_bands_are_those_datasketch_picks():
    index = QuoteIndex()
    assert _optimal_param(index.lsh_threshold, index.num_perm, 0.5, 0.5) == LSH_BANDS
    assert len(index._ranges) == LSH_BANDS[0] and index._ranges[-1][1] == index.num_perm


def test_cleaning_does_not_import_datasketch(tmp_path):
    """datasketch imports scipy (1 s at every start); a clean run needs neither."""
    from conftest import packages_a_clean_imports

    assert packages_a_clean_imports(tmp_path / "out", ("datasketch", "scipy")) == []
    assert (tmp_path / "out" / "quotes.jsonl").exists()

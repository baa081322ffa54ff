"""Near-duplicates: syndicated copies of one article, each in its own site's furniture.

Owns the ``duplicate_of`` and ``cluster`` fields of a record. Each clean body is reduced to a
MinHash signature (datasketch's ``affine32`` scheme, 128 permutations, :mod:`newsclean.minhash`) of its word 5-grams
(lowercased, punctuation dropped), in the worker that cleans it. The writer then looks every record
up, in input order, in an LSH index (32 bands of 4 rows: a pair with Jaccard 0.5 is a candidate
with probability 0.87, with 0.7 with probability 0.9996) and checks each candidate on the whole
signature: a record whose estimated Jaccard with an earlier one is at least
:attr:`NearDuplicateRules.threshold` is that record's near-duplicate. Then

- ``duplicate_of`` is the id of the *first* record (in writing order) it is a near-duplicate of;
- ``cluster`` is the cluster of that record, else the record's own id: the id of the first record
  of the cluster, stable across runs (an incremental dataset keeps the index in its state store).

Duplicates are marked, never dropped. A body shorter than :attr:`NearDuplicateRules.min_words` is
not compared (two short notices share too much by chance). A newer version of the same source (a
corrected file) is not its own old version's duplicate.

The threshold comes from ``bench/near_duplicates.py``: the same body in other sites' furniture
against other articles of the same site, tuned on half the sites, reported on the other half.
"""
from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 32, 4
#: datasketch's permutation family: fixed, so signatures kept in a state store keep their meaning
SCHEME = "affine32"
SEED = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearDuplicateRules:
    #: estimated Jaccard of the word 5-gram sets at or above which two bodies are near-duplicates
    threshold: float = 0.5
    #: bodies of fewer words are not compared
    min_words: int = 50
    #: words per shingle
    shingle_words: int = 5


def shingles(text: str, n: int = 5, words: list[str] | None = None) -> set[bytes]:
    words = words if words is not None else _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)}


def signature(text: str, rules: NearDuplicateRules = NearDuplicateRules()) -> bytes:
    """The body's MinHash signature as bytes (NUM_PERM uint32 values); b"" when too short to compare."""
    from .minhash import minhash

    words = _WORD.findall(text.lower())  # one pass: the length check and the shingles
    if len(words) < rules.min_words:
        return b""
    # datasketch's MinHash(NUM_PERM, SEED, scheme=SCHEME, hashfunc=zlib.crc32) (newsclean/minhash.py)
    return minhash(map(zlib.crc32, shingles(text, rules.shingle_words, words)), NUM_PERM, SEED).tobytes()


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band (the band's number hashed with its rows)."""
    rows = np.frombuffer(sig, dtype=np.uint32).reshape(BANDS, ROWS)
    return [int.from_bytes(hashlib.blake2b(bytes([b]) + rows[b].tobytes(), digest_size=8).digest(), "big", signed=True)
            for b in range(BANDS)]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard: the share of equal signature values."""
    return float(np.mean(np.frombuffer(a, dtype=np.uint32) == np.frombuffer(b, dtype=np.uint32)))


@dataclass
class Entry:
    id: str
    source: str
    cluster: str
    signature: bytes


@dataclass
class MemoryBackend:
    """The index of one snapshot run, in memory."""

    entries: dict[str, Entry] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    bands: dict[int, list[str]] = field(default_factory=dict)

    def candidates(self, keys: list[int]) -> list[Entry]:
        ids = {i for k in keys for i in self.bands.get(k, ())}
        return sorted((self.entries[i] for i in ids), key=lambda e: self.order[e.id])

    def add(self, entry: Entry, keys: list[int]) -> None:
        self.order.setdefault(entry.id, len(self.order))
        self.entries[entry.id] = entry
        for k in keys:
            self.bands.setdefault(k, []).append(entry.id)

    def discard(self, doc_id: str, keys: list[int]) -> None:
        self.entries.pop(doc_id, None)
        for k in keys:
            if doc_id in self.bands.get(k, ()):
                self.bands[k].remove(doc_id)


class DiskBackend:
    """The index of one snapshot run in a private temporary SQLite database (stdlib ``sqlite3``,
    deleted when closed or when the process ends): memory stays flat in the corpus size (in memory
    the index costs ~6 KB a record, 600 MB at 100,000). Same answers as :class:`MemoryBackend`:
    candidates in first-added order, one per id."""

    def __init__(self, cache_mb: int = 16) -> None:
        from .scratch import scratch_database

        self.db = scratch_database("""
            CREATE TABLE entries (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL,
                                  cluster TEXT NOT NULL, signature BLOB NOT NULL, live INTEGER NOT NULL);
            CREATE TABLE bands (key INTEGER NOT NULL, seq INTEGER NOT NULL);
            CREATE INDEX bands_key ON bands (key, seq);
        """, cache_mb)

    def candidates(self, keys: list[int]) -> Iterator[Entry]:
        """The entries sharing a band key, read lazily in first-added order: each key's entries come
        from the (key, seq) index in order and are merged, so the caller's first match costs one
        index seek a key. (Reading them all made a corpus with a thousand copies of one article
        quadratic: at 50,000 documents of 72 pages' copies this query was 89% of the writer's time.)"""
        cursors = [self.db.execute("SELECT seq FROM bands WHERE key = ? ORDER BY seq", (k,)) for k in keys]
        try:
            last = None
            for (seq,) in heapq.merge(*cursors):
                if seq == last:
                    continue
                last = seq
                row = self.db.execute("SELECT id, source, cluster, signature FROM entries WHERE seq = ? AND live = 1",
                                      (seq,)).fetchone()
                if row is not None:
                    yield Entry(*row)
        finally:  # before the caller adds to the tables these statements read
            for cursor in cursors:
                cursor.close()

    def add(self, entry: Entry, keys: list[int]) -> None:
        row = self.db.execute("SELECT seq FROM entries WHERE id = ?", (entry.id,)).fetchone()
        if row is None:
            seq = self.db.execute("INSERT INTO entries (id, source, cluster, signature, live) VALUES (?, ?, ?, ?, 1)",
                                  (entry.id, entry.source, entry.cluster, entry.signature)).lastrowid
        else:  # as MemoryBackend: the entry is replaced, its place in the order kept
            seq = row[0]
            self.db.execute("UPDATE entries SET source = ?, cluster = ?, signature = ?, live = 1 WHERE seq = ?",
                            (entry.source, entry.cluster, entry.signature, seq))
        self.db.executemany("INSERT INTO bands (key, seq) VALUES (?, ?)", [(k, seq) for k in keys])

    def discard(self, doc_id: str, keys: list[int]) -> None:
        row = self.db.execute("SELECT seq FROM entries WHERE id = ?", (doc_id,)).fetchone()
        if row is not None:
            marks = ",".join("?" * len(keys))
            self.db.execute(f"DELETE FROM bands WHERE seq = ? AND key IN ({marks})", (row[0], *keys))
            self.db.execute("UPDATE entries SET live = 0 WHERE seq = ?", (row[0],))  # its place in the order kept

    def close(self) -> None:
        self.db.close()


class NearDuplicateIndex:
    """Assigns ``duplicate_of`` and ``cluster`` to records in writing order."""

    def __init__(self, backend=None, rules: NearDuplicateRules = NearDuplicateRules()) -> None:
        self.backend = backend if backend is not None else MemoryBackend()
        self.rules = rules
        self.marked = 0

    def assign(self, record: dict, sig: bytes) -> None:
        """Set the record's ``duplicate_of`` and ``cluster``, and index it."""
        record["duplicate_of"], record["cluster"] = None, record["id"]
        if not sig:
            return
        keys = band_keys(sig)
        candidates = self.backend.candidates(keys)
        try:
            for other in candidates:
                if other.id == record["id"] or other.source == record["source"]:
                    continue
                if similarity(sig, other.signature) >= self.rules.threshold:
                    record["duplicate_of"], record["cluster"] = other.id, other.cluster
                    self.marked += 1
                    break
        finally:  # a lazy backend's reads end before the index is written
            close = getattr(candidates, "close", None)
            if close is not None:
                close()
        self.backend.add(Entry(record["id"], record["source"], record["cluster"], sig), keys)

    def discard(self, record: dict, sig: bytes) -> None:
        """Take back a record that was not written after all (it failed validation)."""
        if sig:
            self.backend.discard(record["id"], band_keys(sig))
            if record.get("duplicate_of"):
                self.marked -= 1

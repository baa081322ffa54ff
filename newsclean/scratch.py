"""Scratch databases: the private temporary SQLite files a run keeps its growing indexes in.

The near-duplicate index (:mod:`newsclean.near_duplicates`), the quote index
(:mod:`newsclean.quotes`) and the writer's id map (:mod:`newsclean.io`) grow with the corpus. In
memory they cost ~6 KB, ~27 KB and ~300 bytes a page. Each lives instead in a temporary on-disk
SQLite database of its own (stdlib ``sqlite3``; the file is deleted when the connection closes or
the process ends). The page cache is bounded, and there is no journal: a crashed run's scratch is
thrown away, never read. (An incremental dataset's lasting state is the state store,
:mod:`newsclean.state`.)
"""
from __future__ import annotations

import sqlite3


def scratch_database(schema: str, cache_mb: int) -> sqlite3.Connection:
    """A new temporary database with ``schema`` (SQL statements) and a page cache of ``cache_mb``."""
    db = sqlite3.connect("", check_same_thread=False)  # "": a temporary on-disk database
    db.executescript(f"PRAGMA cache_size = -{cache_mb * 1024};\nPRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n"
                     + schema)
    return db

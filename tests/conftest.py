"""Shared fixtures: the sample corpus in raw/, and one Prefect test harness per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    assert sorted(p.name for p in RAW.glob("*.txt")), "raw/ must hold the sample corpus"
    return RAW


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's temporary server, started once for the whole session (it takes ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):  # a loaded 2-core machine starts it slowly
        yield

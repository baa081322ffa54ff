import json

import pytest

from newsclean import io, run_clean
from newsclean.pipeline import BatchResult, RunSummary


def test_an_interrupted_run_leaves_the_previous_output_whole(raw_dir, tmp_path, monkeypatch):
    out = tmp_path / "clean"
    run_clean([raw_dir], out)
    before = (out / "documents.jsonl").read_bytes()

    calls = {"n": 0}
    real = io.OutputWriter.write_batch

    def dies_on_second_batch(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, batch)

    monkeypatch.setattr(io.OutputWriter, "write_batch", dies_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        run_clean([raw_dir], out, batch_size=2)
    assert (out / "documents.jsonl").read_bytes() == before
    assert not list(out.glob(".*.tmp")), "temporary files must be cleaned up"


def test_a_record_failing_validation_is_rejected_not_written(tmp_path):
    writer = io.OutputWriter(tmp_path)
    good = {"id": "0" * 20, "source": "a.txt", "text": "Body.", "title": None, "published": None, "author": None,
            "site": None, "url": None, "language": "en", "format": "text", "flags": [], "removed": []}
    flag = {"kind": "garbled", "start": 0, "end": 4, "text": "Body", "score": 0.9, "reasons": ["low_fluency"]}
    removal = {"category": "advertisement", "text": "Ad", "reason": "an ad", "rule": "ad_slot", "repeats_paragraph": None}
    bad = dict(good, id="1" * 20, source="b.txt", published="not a date", flags=[flag], removed=[removal])
    dup = dict(good, source="copy-of-a.txt", flags=[flag])
    writer.write_batch(BatchResult([good, bad, dup], [], RunSummary()))
    summary = writer.commit()
    # the summary counts only what was written: no flag or removal of a rejected record
    assert not summary.flags_by_kind and not summary.removed_by_category
    docs = [json.loads(x) for x in (tmp_path / "documents.jsonl").read_text().splitlines()]
    rejects = {r["source"]: r for r in map(json.loads, (tmp_path / "rejects.jsonl").read_text().splitlines())}
    assert [d["source"] for d in docs] == ["a.txt"]
    assert rejects["b.txt"]["stage"] == "validation" and rejects["b.txt"]["record"]["published"] == "not a date"
    assert rejects["copy-of-a.txt"]["stage"] == "duplicate"
    assert (summary.documents, summary.rejected) == (1, 2)


def test_parallel_workers_write_the_same_output(raw_dir, tmp_path):
    run_clean([raw_dir], tmp_path / "one", batch_size=2)
    run_clean([raw_dir], tmp_path / "two", batch_size=2, workers=2)
    for name in ("documents.jsonl", "rejects.jsonl", "quotes.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()

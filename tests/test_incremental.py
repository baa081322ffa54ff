"""Incremental, resumable, never destructive (issue 12, items 2-4 and 6): real files in, the CLI
in a real subprocess, killed with SIGKILL and SIGTERM, a real SQLite state file."""
from __future__ import annotations

import gzip
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import RAW, load_jsonl
from newsclean.cli import app
from newsclean.io import discover
from newsclean.run import clean_incremental

CLI = [sys.executable, "-m", "newsclean.cli"]
runner = CliRunner()


def make_corpus(folder: Path, copies: int) -> Path:
    """``copies`` distinct articles made from the sample files (one sentence added to each)."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted(RAW.glob("*.txt"))
    for i in range(copies):
        text = samples[i % len(samples)].read_text(encoding="utf-8")
        (folder / f"{i:03d}.txt").write_text(text + f"\n\nThe desk filed copy number {i} of this story for the archive.\n",
                                             encoding="utf-8")
    return folder


def test_run_ids_sort_in_the_order_runs_start():
    from newsclean.run import new_run_id
    first = new_run_id()
    assert new_run_id(after=first) > first
    clock_ahead = "29991231T235959999999ffff"  # an earlier run under a clock later set back
    assert new_run_id(after=clock_ahead) > clock_ahead
    assert new_run_id(after="20261201T153552e9c2") > "20261201T153552e9c2"  # the older seconds-only form


def dataset(out: Path) -> list[dict]:
    return [r for p in sorted((out / "documents").glob("*.jsonl")) for r in load_jsonl(p)]


def content(records: list[dict]) -> list[tuple]:
    """What must be the same however the run went: everything but the run id and time."""
    return sorted((r["id"], r["source"], r["text"], r["title"], str(r["flags"]), str(r["removed"])) for r in records)


def committed(out: Path) -> int:
    db = out / "state.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as c:
            return c.execute("select count(*) from inputs").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_reruns_clean_only_what_is_new_or_changed_and_delete_nothing(tmp_path):
    src = make_corpus(tmp_path / "raw", 6)
    out = tmp_path / "clean"
    first = clean_incremental(discover([src]), out, batch_size=2)
    assert (first.documents, first.inputs["new"]) == (6, 6)
    again = clean_incremental(discover([src]), out, batch_size=2)
    assert again.documents == 0 and again.inputs["unchanged"] == 6
    assert len(dataset(out)) == 6 and all(r["run"] and r["version"] and r["cleaned_at"] for r in dataset(out))

    os.utime(src / "000.txt", ns=(1, 1))  # touched, same bytes: not cleaned again
    (src / "001.txt").write_text((src / "001.txt").read_text() + "\nA correction was added later.\n")
    (src / "002.txt").unlink()  # archived: its record stays
    make_corpus(tmp_path / "more", 7)
    shutil.copy(tmp_path / "more" / "006.txt", src / "006.txt")
    third = clean_incremental(discover([src]), out, batch_size=2)
    assert (third.inputs["new"], third.inputs["changed"], third.inputs["unchanged"]) == (1, 1, 4)
    records = dataset(out)
    assert len(records) == 8  # 6 + the new one + the changed one's new version
    manifest = __import__("json").loads((out / "manifest.json").read_text())
    assert manifest["records"] == 7 and manifest["superseded"] == 1
    old_001 = [r for r in records if r["source"] == "001.txt"]
    assert len(old_001) == 2 and old_001[0]["run"] < old_001[1]["run"]  # shard order and run order agree
    assert manifest["superseded_records"] == [f"{old_001[0]['id']}@{old_001[0]['run']}"]
    assert any(r["source"] == "002.txt" for r in records)

    # the latest-only view, and the documented way to get it from the shards with pandas
    result = runner.invoke(app, ["compact", str(out), "--to", str(tmp_path / "latest.jsonl")])
    assert result.exit_code == 0, result.output
    latest = load_jsonl(tmp_path / "latest.jsonl")
    assert len(latest) == 7 and {r["source"] for r in latest} == {f"{i:03d}.txt" for i in range(7)}
    import pandas as pd

    df = pd.concat(pd.read_json(p, lines=True) for p in sorted((out / "documents").glob("*.jsonl")))
    assert len(df.sort_values("run").drop_duplicates("source", keep="last")) == 7


def test_overlapping_runs_on_one_dataset_take_turns(tmp_path):
    src = make_corpus(tmp_path / "raw", 12)
    out = tmp_path / "clean"
    runs = [subprocess.Popen(CLI + ["clean", str(src), "--out", str(out), "--incremental", "-q", "--batch-size", "1"],
                             stderr=subprocess.PIPE) for _ in range(2)]
    errors = [p.communicate(timeout=300)[1] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], errors
    records = dataset(out)
    assert len(records) == len({r["id"] for r in records}) == 12


def test_quotes_of_a_growing_dataset_are_those_of_a_rebuild(tmp_path):
    """quotes.jsonl is extended with the new records (the saved index), and equals a rebuild."""
    from newsclean.dataset import live_records
    from newsclean.quotes import QuoteIndex
    from newsclean.state import StateStore, default_url

    src = make_corpus(tmp_path / "raw", 4)
    out = tmp_path / "clean"
    clean_incremental(discover([src]), out, batch_size=2)
    make_corpus(tmp_path / "more", 9)
    for i in (4, 5, 8):
        shutil.copy(tmp_path / "more" / f"{i:03d}.txt", src / f"{i:03d}.txt")
    clean_incremental(discover([src]), out, batch_size=2)
    store = StateStore(default_url(out))
    rebuilt = QuoteIndex()
    for record in live_records(out, store):
        rebuilt.add(record)
    store.close()
    rows = load_jsonl(out / "quotes.jsonl")
    assert rows == rebuilt.rows() and len({d for r in rows for d in r["documents"]}) == 7


def test_the_quote_index_lives_in_its_own_sqlite_file_and_a_killed_update_leaves_the_last_save(tmp_path):
    """An incremental dataset keeps its quote index in OUT/quote_index.sqlite (not pickled into the
    state store: loading it whole grew with the corpus). A process killed while adding to it leaves
    the last saved index: the next run finds the same quotes and the same record of what they cover."""
    from newsclean.quotes import QuoteIndex
    from newsclean.run import QUOTE_INDEX_FILE
    from newsclean.state import StateStore, default_url

    src = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "clean"
    clean_incremental(discover([src]), out, batch_size=2)
    path = out / QUOTE_INDEX_FILE
    index, saved = QuoteIndex.saved(path)
    quotes_then, rows_then = len(index), index.rows()
    index.close()
    assert quotes_then > 0 and saved["shards"] and rows_then == load_jsonl(out / "quotes.jsonl")
    store = StateStore(default_url(out))
    assert store.load_blob("quote_index", saved["version"]) is None
    store.close()
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from newsclean.quotes import QuoteIndex\n"
        f"index, _ = QuoteIndex.saved({str(path)!r})\n"
        "for i in range(200):\n"
        "    index.add({'id': f'x{i}', 'source': 'x.txt', 'text': "
        "'She said: \"We will not stop building the new bridge over the river this year at all.\" ' * 3})\n"
        "print('added', len(index), flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().split()
    assert line[0] == "added" and int(line[1]) >= quotes_then + 200  # the child did add quotes
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    index, again = QuoteIndex.saved(path)
    assert again == saved and len(index) == quotes_then and index.rows() == rows_then
    index.close()
    make_corpus(tmp_path / "more", 5)
    shutil.copy(tmp_path / "more" / "004.txt", src / "004.txt")
    clean_incremental(discover([src]), out, batch_size=2)
    index, grown = QuoteIndex.saved(path)
    assert len(grown["shards"]) > len(saved["shards"]) and len(index) > quotes_then
    index.close()


def test_a_quote_index_file_of_another_configuration_or_damaged_is_started_again(tmp_path):
    from newsclean.quotes import QuoteIndex

    path = tmp_path / "q.sqlite"
    index, state = QuoteIndex.saved(path)
    assert state is None and len(index) == 0
    index.add({"id": "a", "source": "a.txt", "text": 'He said: "The river rose faster than any of us had expected it to."'})
    index.save({"shards": ["s1"]})
    index.close()
    index, state = QuoteIndex.saved(path)
    assert state == {"shards": ["s1"]} and len(index) == 1
    index.close()
    index, state = QuoteIndex.saved(path, min_words=6)  # another configuration: empty again
    assert state is None and len(index) == 0
    index.close()
    path.write_bytes(b"not a database" * 100)
    index, state = QuoteIndex.saved(path)
    assert state is None and len(index) == 0
    index.close()


def test_another_pipeline_version_recleans_only_when_asked(tmp_path, monkeypatch):
    import newsclean.run as run

    src = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "clean"
    clean_incremental(discover([src]), out)
    monkeypatch.setattr(run, "pipeline_version", lambda: "9.9.9+newmodel")
    stale = run.clean_incremental(discover([src]), out)
    assert stale.documents == 0 and stale.inputs["stale_version"] == 3
    redone = run.clean_incremental(discover([src]), out, reclean=True)
    assert redone.inputs["recleaned"] == 3 and {r["version"] for r in dataset(out)} >= {"9.9.9+newmodel"}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[Path, list[dict]]:
    """24 pages and the dataset an uninterrupted incremental run makes of them (one run for every
    kill point below)."""
    base = tmp_path_factory.mktemp("uninterrupted")
    src = make_corpus(base / "raw", 24)
    reference = base / "reference"
    assert subprocess.run(CLI + ["clean", str(src), "--out", str(reference), "--incremental", "-q",
                                 "--batch-size", "1"], capture_output=True).returncode == 0
    return src, dataset(reference)


@pytest.mark.parametrize("kill_after", [0, 2, 9])
def test_a_run_killed_at_any_point_resumes_to_the_same_dataset(tmp_path, kill_after, uninterrupted):
    src, reference = uninterrupted
    out = tmp_path / "clean"
    proc = subprocess.Popen(CLI + ["clean", str(src), "--out", str(out), "--incremental", "-q", "--batch-size", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while committed(out) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = committed(out)
    assert before < 24, "the run finished before it could be killed"

    rerun = subprocess.run(CLI + ["clean", str(src), "--out", str(out), "--incremental", "--batch-size", "1"],
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    summary = __import__("json").loads((out / "summary.json").read_text())
    assert summary["inputs"]["new"] == 24 - before  # what was committed was not cleaned again
    records = dataset(out)
    assert len({r["id"] for r in records}) == len(records) == 24
    assert content(records) == content(reference)
    assert not list(out.rglob("*.inprogress")) and not list(out.rglob("*.tmp"))


def test_sigterm_stops_like_ctrl_c_and_leaves_no_temporary_files(tmp_path):
    src = make_corpus(tmp_path / "raw", 200)
    out = tmp_path / "snapshot"
    proc = subprocess.Popen(CLI + ["clean", str(src), "--out", str(out), "--batch-size", "1", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not any(p.stat().st_size for p in out.glob(".documents.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first batch is written
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"interrupted" in stderr
    assert not list(out.glob(".*.tmp")) and not (out / "documents.jsonl").exists()


def test_an_empty_or_missing_input_fails_and_leaves_the_output(tmp_path):
    out = tmp_path / "clean"
    assert runner.invoke(app, ["clean", str(RAW), "--out", str(out), "-q"]).exit_code == 0
    before = (out / "documents.jsonl").read_bytes()
    (tmp_path / "empty").mkdir()
    for args in (["clean", str(tmp_path / "empty")], ["clean", str(tmp_path / "missing")],
                 ["clean", str(tmp_path / "empty"), "--incremental"]):
        result = runner.invoke(app, args + ["--out", str(out)])
        assert result.exit_code == 2 and "left as it was" in result.output + str(result.stderr_bytes or "") \
            or result.exit_code == 2, result.output
    assert (out / "documents.jsonl").read_bytes() == before

    # one file instead of the corpus: refused without --force
    result = runner.invoke(app, ["clean", str(RAW / "000_c71a2f32a3c35485.txt"), "--out", str(out), "-q"])
    assert result.exit_code == 2 and "--force" in result.output
    assert (out / "documents.jsonl").read_bytes() == before
    result = runner.invoke(app, ["clean", str(RAW / "000_c71a2f32a3c35485.txt"), "--out", str(out), "-q", "--force"])
    assert result.exit_code == 0 and len(load_jsonl(out / "documents.jsonl")) == 1


def test_the_flow_fails_on_an_empty_folder_and_keeps_the_dataset(prefect_harness, tmp_path):
    from prefect.states import State

    from flows.clean import clean_flow

    src = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "clean"
    assert clean_flow(raw_paths=[str(src)], out_dir=str(out))["documents"] == 3
    shards = sorted(p.read_bytes() for p in (out / "documents").glob("*.jsonl"))
    for f in src.iterdir():
        f.unlink()
    state = clean_flow(raw_paths=[str(src)], out_dir=str(out), return_state=True)
    assert isinstance(state, State) and state.is_failed()
    assert sorted(p.read_bytes() for p in (out / "documents").glob("*.jsonl")) == shards


def test_the_same_article_as_txt_and_gzip_is_one_document(tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    data = (RAW / "000_c71a2f32a3c35485.txt").read_bytes()
    (src / "a.txt").write_bytes(data)
    (src / "b.txt.gz").write_bytes(gzip.compress(data, mtime=12345))
    (src / "c.txt.gz").write_bytes(gzip.compress(data, mtime=0))  # like gzip -n
    (src / "d.txt").write_bytes(data.replace(b"\n", b"\r\n"))  # the same text with other line ends
    result = runner.invoke(app, ["clean", str(src), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert len(load_jsonl(tmp_path / "out" / "documents.jsonl")) == 1
    rejects = load_jsonl(tmp_path / "out" / "rejects.jsonl")
    assert sorted(r["source"] for r in rejects) == ["b.txt.gz", "c.txt.gz", "d.txt"]
    assert {r["stage"] for r in rejects} == {"duplicate"}


def test_two_folders_with_the_same_file_names_give_distinct_sources(tmp_path):
    for site, sample in (("siteA", "000_c71a2f32a3c35485.txt"), ("siteB", "001_a299dd1e56ab42bd.txt")):
        (tmp_path / site).mkdir()
        shutil.copy(RAW / sample, tmp_path / site / "article.txt")
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(tmp_path / "siteA"), str(tmp_path / "siteB"), "--out", str(out)]).exit_code == 0
    assert sorted(r["source"] for r in load_jsonl(out / "documents.jsonl")) == ["siteA/article.txt", "siteB/article.txt"]


def test_corpus_pre_pass_counts_in_chunks_as_in_one_transaction(tmp_path):
    """The pre-pass commits its counts every few inputs (its memory bounded by a chunk, not by the
    corpus): chunks of 3 give the same repeated lines and document count as one transaction, with
    byte-identical inputs and copies of one article falling across chunk boundaries, and a second
    pass over the same inputs counts nothing again."""
    from newsclean.readers import pages
    from newsclean.run import corpus_from_store
    from newsclean.state import StateStore

    src = make_corpus(tmp_path / "raw", 10)
    samples = sorted(RAW.glob("*.txt"))
    shutil.copy(src / "001.txt", src / "900_same_bytes.txt")  # counted once
    shutil.copy(samples[0], src / "901_plain.txt")
    shutil.copy(samples[0], src / "950_plain_again.txt")
    topics = "roads schools water parks housing buses libraries markets bridges clinics ferries farms".split()
    for i, topic in enumerate(topics):  # site furniture: the same short lines on twelve pages
        (src / f"5{i:02d}.txt").write_text(f"Sign in to your account\n\nMost Read Today\n\nA local story about {topic} "
                                           f"that the paper ran this week, with a few words of its own in it.\n",
                                           encoding="utf-8")
    files = discover([src])
    results = {}
    for chunk in (3, 10 ** 6):
        store = StateStore(f"sqlite:///{tmp_path / f'state-{chunk}.sqlite'}")
        corpus = corpus_from_store(pages(files), store, chunk=chunk)
        again = corpus_from_store(pages(files), store, chunk=chunk)
        store.close()
        assert (again.documents, again.repeated) == (corpus.documents, corpus.repeated)
        results[chunk] = corpus
    small, whole = results[3], results[10 ** 6]
    assert small.documents == whole.documents == 5 + 12  # five articles (their copies count once), twelve pages
    assert small.repeated == whole.repeated and small.repeated  # the furniture lines are found either way

"""Near-duplicate articles (issue 14, item 6): syndicated copies in other sites' furniture are marked
with ``duplicate_of`` and ``cluster``, kept, counted, and found again across incremental runs."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import RAW, load_jsonl
from newsclean.cli import app
from newsclean.near_duplicates import NearDuplicateIndex, shingles, signature, similarity

runner = CliRunner()


def furniture(site: str) -> tuple[str, str]:
    before = "\n\n".join([f"{site} News", "Home", "World", "Politics", "Business", "Sport", "Sign in", "Subscribe"])
    after = "\n\n".join(["Related stories", f"{site} launches a new podcast about the economy",
                         f"Ten things to do in {site} this weekend", "Most read", f"© 2026 {site} Media Group",
                         "Privacy policy", "Terms of use", "Contact us"])
    return before, after


def article(i: int) -> str:
    """The body of a sample page, without its own first lines (title, byline)."""
    text = sorted(RAW.glob("*.txt"))[i].read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p.split()) >= 12]
    return "\n\n".join(paragraphs)


def wrapped(body: str, site: str, title: str) -> str:
    before, after = furniture(site)
    return f"{before}\n\n{title}\n\n{body}\n\n{after}\n"


def records_of(out):
    if (out / "documents.jsonl").exists():
        return load_jsonl(out / "documents.jsonl")
    return [r for p in sorted((out / "documents").glob("*.jsonl")) for r in load_jsonl(p)]


def test_syndicated_copies_are_marked_not_dropped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a-wire.txt").write_text(wrapped(article(4), "Northern", "Leaders sign a joint statement"))
    (raw / "b-copy.txt").write_text(wrapped(article(4), "Southern", "Joint statement signed by the leaders"))
    (raw / "c-other.txt").write_text(wrapped(article(1), "Southern", "Another story entirely"))
    (raw / "d-copy2.txt").write_text(wrapped(article(4), "Eastern", "Leaders sign"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(raw), "--out", str(out), "-q", "--no-corpus-lines"])
    assert result.exit_code == 0, result.output
    records = {r["source"]: r for r in records_of(out)}
    assert len(records) == 4  # kept, all of them
    first = records["a-wire.txt"]
    assert first["duplicate_of"] is None and first["cluster"] == first["id"]
    for copy in ("b-copy.txt", "d-copy2.txt"):
        assert records[copy]["duplicate_of"] == first["id"] and records[copy]["cluster"] == first["id"]
    other = records["c-other.txt"]  # the same site's furniture around another article
    assert other["duplicate_of"] is None and other["cluster"] == other["id"]
    assert json.loads((out / "summary.json").read_text())["near_duplicates"] == 2


def test_a_copy_in_a_later_run_points_at_the_earlier_record_and_a_new_version_is_not_its_own_duplicate(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a-wire.txt").write_text(wrapped(article(4), "Northern", "Leaders sign a joint statement"))
    (raw / "c-other.txt").write_text(wrapped(article(1), "Southern", "Another story entirely"))
    out = tmp_path / "data"
    assert runner.invoke(app, ["clean", str(raw), "-i", "--out", str(out), "-q"]).exit_code == 0
    [wire] = [r for r in records_of(out) if r["source"] == "a-wire.txt"]

    (raw / "b-copy.txt").write_text(wrapped(article(4), "Western", "Leaders sign a statement"))
    (raw / "a-wire.txt").write_text(wrapped(article(4) + "\n\nThis story was corrected on Friday.", "Northern",
                                            "Leaders sign a joint statement"))
    assert runner.invoke(app, ["clean", str(raw), "-i", "--out", str(out), "-q"]).exit_code == 0
    latest = {r["source"]: r for r in records_of(out) if r["run"] == max(x["run"] for x in records_of(out))}
    assert latest["a-wire.txt"]["duplicate_of"] is None  # the corrected version of the same file
    # the first record it is a near-duplicate of, in writing order: last run's, kept in the state store
    assert latest["b-copy.txt"]["duplicate_of"] == wire["id"] and latest["b-copy.txt"]["cluster"] == wire["id"]
    assert json.loads((out / "summary.json").read_text())["near_duplicates"] == 1


def test_signatures_estimate_jaccard_and_short_bodies_are_not_compared():
    a, b = article(4), article(4) + "\n\nOne more closing line was added by the second outlet today."
    exact = len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))
    assert abs(similarity(signature(a), signature(b)) - exact) < 0.1
    assert similarity(signature(a), signature(article(1))) < 0.1
    assert signature("Too short to compare.") == b""
    record = {"id": "ab" * 10, "source": "x", "text": "Too short"}
    NearDuplicateIndex().assign(record, b"")
    assert record["duplicate_of"] is None and record["cluster"] == record["id"]


def test_the_on_disk_index_of_a_snapshot_run_answers_as_the_in_memory_one():
    """A snapshot run keeps its index in a temporary SQLite database (memory flat in the corpus
    size): the same records in the same order get the same duplicate_of and cluster, also when a
    record is taken back (it failed validation) and comes again."""
    from newsclean.near_duplicates import DiskBackend, MemoryBackend

    bodies = [article(i) for i in range(5)]
    records = []
    for copy in range(3):
        for i, body in enumerate(bodies):
            edited = body.replace(" the ", " a ", copy)  # near, not identical, copies
            records.append({"id": f"{i:02d}{copy:02d}" + "0" * 12, "source": f"site{copy}/{i}.txt", "text": edited})
    records.insert(7, dict(records[2]))  # the same id again
    answers = {}
    for backend in (MemoryBackend(), DiskBackend()):
        index, got = NearDuplicateIndex(backend), []
        for n, record in enumerate(records):
            r, sig = dict(record), signature(record["text"])
            index.assign(r, sig)
            got.append((r["duplicate_of"], r["cluster"]))
            if n == 3:
                index.discard(r, sig)
        answers[type(backend).__name__] = (got, index.marked)
    assert answers["MemoryBackend"] == answers["DiskBackend"]
    assert answers["DiskBackend"][1] >= 8  # the copies were found


def test_the_state_store_index_answers_as_the_in_memory_one_across_batches(tmp_path):
    """An incremental dataset's index (earlier batches in the state database, read lazily by band key
    in writing order, then the batch in hand) gives the in-memory index's answers, many copies included."""
    from newsclean.near_duplicates import MemoryBackend
    from newsclean.state import NearDuplicateStore, StateStore

    bodies = [article(i) for i in range(4)]
    records = [{"id": f"{n:04d}" + "0" * 12, "source": f"site{n}/{n % 4}.txt",
                "text": bodies[n % 4].replace(" the ", " a ", n % 3)} for n in range(40)]
    store = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    backends = {"memory": MemoryBackend(), "state": NearDuplicateStore(store)}
    answers = {}
    for name, backend in backends.items():
        index, got = NearDuplicateIndex(backend), []
        for n, record in enumerate(records):
            r = dict(record)
            index.assign(r, signature(r["text"]))
            got.append((r["duplicate_of"], r["cluster"]))
            if name == "state" and n % 7 == 6:  # a batch ends: its entries go to the database
                store.commit_batch("run", "v", {}, [], [], near=backend.take_pending())
        answers[name] = (got, index.marked)
    store.close()
    assert answers["memory"] == answers["state"]
    assert answers["state"][1] >= 30

import gzip
import json

from typer.testing import CliRunner

from newsclean import __version__
from newsclean.cli import app
from conftest import load_jsonl

runner = CliRunner()


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).output.strip() == f"newsclean {__version__}"
    helptext = runner.invoke(app, ["clean", "--help"]).output
    for word in ("--out", "--batch-size", "--prefect", "Examples", "Exit status"):
        assert word in helptext


def test_cleans_the_sample_corpus_and_rejects_what_it_cannot_read(raw_dir, tmp_path):
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    for f in raw_dir.glob("*.txt"):
        (src / f.name).write_bytes(f.read_bytes())
    (src / "nested" / "again.txt.gz").write_bytes(gzip.compress((raw_dir / "000_c71a2f32a3c35485.txt").read_bytes() + b"\n"))
    (src / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (src / "ignored.pdf").write_bytes(b"%PDF")
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    docs = load_jsonl(out / "documents.jsonl")
    rejects = load_jsonl(out / "rejects.jsonl")
    assert sorted(d["source"] for d in docs) == sorted([f.name for f in raw_dir.glob("*.txt")] + ["nested/again.txt.gz"])
    assert [(r["source"], r["stage"]) for r in rejects] == [("broken.txt", "ingest")]
    assert "binary" in rejects[0]["reason"]
    assert all(d["text"] and d["language"] == "en" for d in docs)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 6 and summary["rejected"] == 1
    assert "documents cleaned" in result.output
    assert (out / "quotes.jsonl").exists()
    assert runner.invoke(app, ["clean", str(src), "--out", str(out), "--fail-on-reject"]).exit_code == 3


def test_bad_arguments_exit_2(tmp_path):
    assert runner.invoke(app, ["clean", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(app, ["clean", str(tmp_path), "--out", str(tmp_path / "o")]).exit_code == 2


def test_explain_shows_each_block_decision(raw_dir):
    result = runner.invoke(app, ["explain", str(raw_dir / "004_532e919b6eb4de28.txt"), "--reasons"])
    assert result.exit_code == 0, result.output
    assert "- advertisement/ad_slot" in result.output
    assert "title='Putin hosts leaders of rivals Armenia, Azerbaijan, for talks'" in result.output

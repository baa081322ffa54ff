"""What a consumer of the output relies on (issue 12, items 5 and 7)."""
from __future__ import annotations

import gzip
import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import RAW, ROOT, load_jsonl
from newsclean.cli import app
from newsclean.pipeline import InputLimits, PipelineConfig, clean_batch

runner = CliRunner()


def test_outputs_respect_the_umask(tmp_path):
    out = tmp_path / "out"
    code = ("import os, sys; os.umask(0o022); from newsclean.cli import app; "
            f"sys.argv=['newsclean', 'clean', {str(RAW)!r}, '--out', {str(out)!r}, '-q']; app()")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    for name in ("documents.jsonl", "rejects.jsonl", "quotes.jsonl", "summary.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name
    inc = tmp_path / "inc"
    code = code.replace(repr(str(out)), repr(str(inc))).replace("'-q']", "'-q', '--incremental']")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    for path in [inc / "manifest.json", *(inc / "documents").glob("*.jsonl")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_every_removal_has_the_same_keys_and_quote_spans_index_the_quote(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(RAW), "--out", str(out), "-q"]).exit_code == 0
    records = load_jsonl(out / "documents.jsonl")
    keys = {tuple(sorted(item)) for r in records for item in r["removed"]}
    assert keys == {("category", "reason", "repeats_paragraph", "rule", "text")}
    assert any(item["repeats_paragraph"] is not None for r in records for item in r["removed"])
    texts = {r["id"]: r["text"] for r in records}
    occurrences = [o for row in load_jsonl(out / "quotes.jsonl") for o in row["occurrences"]]
    assert occurrences and all(texts[o["document"]][o["start"]:o["end"]] == o["quote"] for o in occurrences)


def test_summary_counts_only_what_was_written(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(RAW), "--out", str(out), "-q"]).exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    records = load_jsonl(out / "documents.jsonl")
    assert summary["documents"] == len(records)
    assert sum(summary["flags_by_kind"].values()) == sum(len(r["flags"]) for r in records)
    assert sum(summary["removed_by_category"].values()) == sum(len(r["removed"]) for r in records)


def test_every_removal_category_is_documented():
    from newsclean import boilerplate, metadata, patterns, quotes

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = {r.category for r in patterns.RULES}
    written = re.compile(r'category="([a-z_]+)"|Removal\(\s*"([a-z_]+)"')
    for module in (boilerplate, metadata, quotes):
        found |= {a or b for a, b in written.findall(Path(module.__file__).read_text(encoding="utf-8"))}
    missing = sorted(c for c in found if f"`{c}`" not in readme)
    assert not missing, f"removal categories not in README.md: {missing}"


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "file.jsonl"
    target.write_text("keep me\n")
    result = runner.invoke(app, ["clean", str(RAW), "--out", str(target)])
    assert result.exit_code == 2 and target.read_text() == "keep me\n"


def test_unsupported_files_given_by_name_are_refused(tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "data.csv"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and not (tmp_path / "out" / "documents.jsonl").exists()


def test_a_stale_prefect_api_says_how_to_run_without_it(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    proc = subprocess.run([sys.executable, "-m", "newsclean.cli", "clean", str(RAW), "--out", str(tmp_path / "o")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "--no-prefect" in proc.stderr and "PREFECT_API_URL" in proc.stderr


def test_a_fresh_clone_has_the_clean_folder():
    tracked = subprocess.run(["git", "ls-files", "clean"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked == ["clean/.gitkeep"]


def test_inputs_over_the_size_cap_or_time_budget_are_rejects_and_the_run_goes_on(tmp_path):
    small = tmp_path / "small.txt"
    small.write_bytes((RAW / "000_c71a2f32a3c35485.txt").read_bytes())
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * (8 * 1024 * 1024)))  # 8 KB on disk, 8 MB inflated
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (6 * 1024 * 1024))
    slow = tmp_path / "slow.txt"  # thousands of paragraphs: seconds of cleaning
    slow.write_text("\n\n".join(f"Paragraph {i} says that the council met again on the matter of item {i}, "
                                f"and that “nothing was decided at meeting number {i} today,” she said."
                                for i in range(20000)))
    files = [(str(p), p.name) for p in (small, bomb, big, slow)]
    clean_batch(files[:1])  # load the models first: the budget is for the cleaning itself
    result = clean_batch(files, PipelineConfig(limits=InputLimits(max_bytes=5 * 1024 * 1024, seconds=1.0)))
    assert [r["source"] for r in result.records] == ["small.txt"]
    reasons = {r["source"]: (r["stage"], r["reason"]) for r in result.rejects}
    assert reasons["bomb.txt.gz"][0] == "limit" and "decompressed" in reasons["bomb.txt.gz"][1]
    assert reasons["big.txt"][0] == "limit" and "--max-mb" in reasons["big.txt"][1]
    assert reasons["slow.txt"][0] == "limit" and "time budget" in reasons["slow.txt"][1]

"""Dask (issue 14, item 4): the CLI on an existing cluster given by its scheduler address, and the
Prefect flow on a 2-worker LocalCluster through prefect-dask, each give the plain run's output."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import RAW, load_jsonl
from newsclean.cli import app

runner = CliRunner()


def corpus(folder):
    """The five samples, a JSON Lines file of two of them, and copies: 9 pages in 8 inputs."""
    folder.mkdir()
    samples = sorted(RAW.glob("*.txt"))
    for i, p in enumerate(samples):
        (folder / p.name).write_bytes(p.read_bytes())
        (folder / f"copy-{i}.txt").write_text(p.read_text(encoding="utf-8") + "\n\nFiled again for the archive.\n")
    with open(folder / "feed.jsonl", "w") as fh:
        for p in samples[:2]:
            fh.write(json.dumps({"text": p.read_text(encoding="utf-8") + "\n\nFrom the feed.", "url": "https://f.example/x"}) + "\n")
    return folder


def outputs(out):
    return {name: load_jsonl(out / name) for name in ("documents.jsonl", "rejects.jsonl", "quotes.jsonl")}


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_cli_on_an_existing_cluster_gives_the_plain_output(tmp_path, cluster):
    raw = corpus(tmp_path / "raw")
    plain = runner.invoke(app, ["clean", str(raw), "--out", str(tmp_path / "plain"), "-q", "--batch-size", "2"])
    assert plain.exit_code == 0, plain.output
    on_dask = runner.invoke(app, ["clean", str(raw), "--out", str(tmp_path / "dask"), "-q", "--batch-size", "2",
                                  "--dask", cluster.scheduler_address])
    assert on_dask.exit_code == 0, on_dask.output
    got, want = outputs(tmp_path / "dask"), outputs(tmp_path / "plain")
    assert len(want["documents.jsonl"]) == 12 and got == want
    assert any(r["duplicate_of"] for r in got["documents.jsonl"])  # the copies, marked in input order


def test_flow_on_a_two_worker_local_cluster_gives_the_plain_output(prefect_harness, tmp_path):
    from flows.clean import clean_flow

    raw = corpus(tmp_path / "raw")
    runner.invoke(app, ["clean", str(raw), "--out", str(tmp_path / "plain"), "-q", "--batch-size", "2"])
    summary = clean_flow(raw_paths=[str(raw)], out_dir=str(tmp_path / "flow"), batch_size=2, incremental=False,
                         workers=2, fields=["url=url"])
    assert summary["documents"] == 12
    assert outputs(tmp_path / "flow") == outputs(tmp_path / "plain")

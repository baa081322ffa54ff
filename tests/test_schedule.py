"""Schedules fire (issue 12, item 1): a real Prefect server on 127.0.0.1, the flow served on a short
interval, and a run the *scheduler* created (not one triggered by hand) completes with records.

Prefect 3.8.8's scheduler fails on every loop with SQLAlchemy 2.1 ("Can't evaluate bulk DML
statement") and no scheduled run is ever created; pyproject.toml pins SQLAlchemy below 2.1.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import PREFECT, ROOT, load_jsonl, stop_process

def _post(api: str, path: str, body: dict) -> list[dict]:
    for attempt in range(5):  # a loaded machine can make the server slow to answer; not a failure
        try:
            return httpx.post(f"{api}/{path}", json=body, timeout=30).json()
        except httpx.TimeoutException:
            if attempt == 4:
                raise
    return []


def _deployment_ids(api: str) -> set[str]:
    return {d["id"] for d in _post(api, "deployments/filter", {"limit": 200})}


def _flow_runs(api: str, earlier: set[str], *states: str) -> list[dict]:
    """Flow runs in one of ``states`` (all when none) of deployments not in ``earlier`` (the server
    is the session's: other tests' flows and deployments are on it), most recently started first."""
    body = {"limit": 200, "sort": "START_TIME_DESC"}
    if states:
        body["flow_runs"] = {"state": {"type": {"any_": list(states)}}}
    ours = _deployment_ids(api) - earlier  # a deleted deployment's runs keep its id: not "ours" either
    return [r for r in _post(api, "flow_runs/filter", body) if r.get("deployment_id") in ours]


def _run_until_a_scheduled_run_completes(cmd: list[str], cwd: Path, env: dict, log: Path, seconds: float,
                                         earlier: set[str]) -> None:
    """Start ``cmd`` (a serving flow or a worker) and stop it once a run the scheduler created
    (auto_scheduled) of a deployment not in ``earlier`` is COMPLETED; fails on a failed run of
    one, or when none completes in ``seconds``."""
    api = env["PREFECT_API_URL"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()[-3000:]
                if [r for r in _flow_runs(api, earlier, "COMPLETED") if r.get("auto_scheduled")]:
                    return
                failed = _flow_runs(api, earlier, "FAILED", "CRASHED")
                assert not failed, (failed[0]["state"], log.read_text()[-3000:])
                time.sleep(2)
            runs = [(r["name"], r["state_type"], r.get("auto_scheduled")) for r in _flow_runs(api, earlier)]
            pytest.fail(f"no scheduled run completed in {seconds:g} s; runs: {runs}\n" + log.read_text()[-3000:])
        finally:
            stop_process(proc)
            for deployment in _deployment_ids(api) - earlier:  # the session's server schedules it no more
                httpx.delete(f"{api}/deployments/{deployment}", timeout=30)


def _dataset_records(out: Path) -> list[dict]:
    return [r for p in sorted((out / "documents").glob("*.jsonl")) for r in load_jsonl(p)]


def test_a_served_flow_is_run_by_its_schedule(prefect_server, tmp_path):
    earlier = _deployment_ids(prefect_server["PREFECT_API_URL"])
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    out = tmp_path / "clean"
    _run_until_a_scheduled_run_completes([sys.executable, "-m", "flows.clean", "--serve", "--interval", "5",
                                          "--raw", str(raw), "--out", str(out)], ROOT, prefect_server,
                                         tmp_path / "serve.log", 150, earlier)
    records = _dataset_records(out)
    assert len(records) == 5 and all(r["text"] for r in records)


def test_the_prefect_yaml_deployments_are_run_by_a_worker_on_their_schedule(prefect_server, tmp_path):
    """prefect.yaml as shipped, deployed with `prefect deploy --all` from a copy of the project whose
    hourly interval is shortened to 5 s; a process worker picks the scheduled runs up."""
    earlier = _deployment_ids(prefect_server["PREFECT_API_URL"])
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "raw", project / "raw")
    shutil.copytree(ROOT / "flows", project / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    spec = (ROOT / "prefect.yaml").read_text()
    assert "interval: 3600" in spec
    (project / "prefect.yaml").write_text(spec.replace("interval: 3600", "interval: 5"))
    # prefect.yaml's pull step works in {{ $PWD }}, as a shell in the project folder sets it
    env = dict(prefect_server, PWD=str(project), PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")

    def prefect(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(PREFECT), *args], cwd=project, env=env, capture_output=True, text=True, timeout=180)

    made = prefect("work-pool", "create", "newsclean-pool", "--type", "process")
    assert made.returncode == 0, made.stdout + made.stderr
    deployed = prefect("--no-prompt", "deploy", "--all")
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    worker = [str(PREFECT), "worker", "start", "--pool", "newsclean-pool", "--limit", "1"]  # as README.md says
    _run_until_a_scheduled_run_completes(worker, project, env,
                                         tmp_path / "worker.log", 180, earlier)
    records = _dataset_records(project / "clean")
    assert len(records) == 5 and all(r["run"] for r in records)

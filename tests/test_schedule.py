"""Schedules fire (issue 12, item 1): a real Prefect server on 127.0.0.1, the flow served on a short
interval, and a run the *scheduler* created (not one triggered by hand) completes with records.

Prefect 3.8.8's scheduler fails on every loop with SQLAlchemy 2.1 ("Can't evaluate bulk DML
statement") and no scheduled run is ever created; pyproject.toml pins SQLAlchemy below 2.1.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, load_jsonl

PREFECT = Path(sys.executable).with_name("prefect")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def prefect_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           # the scheduler's loop (60 s by default) and the runner's poll, shortened for the test
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
           "PREFECT_RUNNER_POLL_FREQUENCY": "2",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(0.5)
        else:
            pytest.fail("the Prefect server did not answer in 90 s:\n" + (tmp_path / "server.log").read_text()[-3000:])
        yield env
    finally:
        _stop(server)
        log.close()


def _flow_runs(api: str, *states: str) -> list[dict]:
    """Flow runs in one of ``states`` (all when none), most recently started first."""
    body = {"limit": 50, "sort": "START_TIME_DESC"}
    if states:
        body["flow_runs"] = {"state": {"type": {"any_": list(states)}}}
    for attempt in range(5):  # a loaded machine can make the server slow to answer; not a failure
        try:
            return httpx.post(f"{api}/flow_runs/filter", json=body, timeout=30).json()
        except httpx.TimeoutException:
            if attempt == 4:
                raise
    return []


def _run_until_a_scheduled_run_completes(cmd: list[str], cwd: Path, env: dict, log: Path, seconds: float) -> None:
    """Start ``cmd`` (a serving flow or a worker) and stop it once a run the scheduler created
    (auto_scheduled) is COMPLETED; fails on a failed run, or when none completes in ``seconds``."""
    api = env["PREFECT_API_URL"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()[-3000:]
                if [r for r in _flow_runs(api, "COMPLETED") if r.get("auto_scheduled")]:
                    return
                failed = _flow_runs(api, "FAILED", "CRASHED")
                assert not failed, (failed[0]["state"], log.read_text()[-3000:])
                time.sleep(2)
            runs = [(r["name"], r["state_type"], r.get("auto_scheduled")) for r in _flow_runs(api)]
            pytest.fail(f"no scheduled run completed in {seconds:g} s; runs: {runs}\n" + log.read_text()[-3000:])
        finally:
            _stop(proc)


def _dataset_records(out: Path) -> list[dict]:
    return [r for p in sorted((out / "documents").glob("*.jsonl")) for r in load_jsonl(p)]


def test_a_served_flow_is_run_by_its_schedule(prefect_server, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    out = tmp_path / "clean"
    _run_until_a_scheduled_run_completes([sys.executable, "-m", "flows.clean", "--serve", "--interval", "5",
                                          "--raw", str(raw), "--out", str(out)], ROOT, prefect_server,
                                         tmp_path / "serve.log", 150)
    records = _dataset_records(out)
    assert len(records) == 5 and all(r["text"] for r in records)


def test_the_prefect_yaml_deployments_are_run_by_a_worker_on_their_schedule(prefect_server, tmp_path):
    """prefect.yaml as shipped, deployed with `prefect deploy --all` from a copy of the project whose
    hourly interval is shortened to 5 s; a process worker picks the scheduled runs up."""
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
    _run_until_a_scheduled_run_completes([str(PREFECT), "worker", "start", "--pool", "newsclean-pool"], project, env,
                                         tmp_path / "worker.log", 180)
    records = _dataset_records(project / "clean")
    assert len(records) == 5 and all(r["run"] for r in records)

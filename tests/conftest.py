"""Shared fixtures: the sample corpus in raw/, and one real Prefect server per session."""
from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
PREFECT = Path(sys.executable).with_name("prefect")


def packages_a_clean_imports(out: Path, packages: tuple[str, ...]) -> list[str]:
    """Which of ``packages`` a fresh process imports while cleaning the sample corpus into ``out``."""
    code = ("import sys; from newsclean.io import discover; from newsclean.run import clean_files; "
            f"clean_files(discover([{str(RAW)!r}]), {str(out)!r}); "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({packages!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    assert sorted(p.name for p in RAW.glob("*.txt")), "raw/ must hold the sample corpus"
    return RAW


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """One real `prefect server start` on 127.0.0.1 for the whole session (each start costs 15-25 s):
    its environment, for subprocesses (served flows, `prefect deploy`, workers). The scheduler's
    loop (60 s by default) and the runner's poll are shortened to 2 s for the schedule tests."""
    home = tmp_path_factory.mktemp("prefect")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home / "prefect-home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
           "PREFECT_RUNNER_POLL_FREQUENCY": "2",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    log_path = home / "server.log"
    log = open(log_path, "wb")
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home)
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine starts it slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.5)
        else:
            pytest.fail("the Prefect server did not answer in 120 s:\n" + log_path.read_text()[-3000:])
        yield env
    finally:
        stop_process(server)
        log.close()


@pytest.fixture()
def prefect_harness(prefect_server):
    """In-process flows run against the session's Prefect server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server["PREFECT_API_URL"]}):
        yield

"""Running the real `parallax` command and server in subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARALLAX_DATABASE_URL")}
    env.update({"PARALLAX_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}, **extra)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@contextmanager
def running_server(env: dict[str, str], *args: str, timeout: float = 180):
    """`parallax serve` on a free port; yields its base URL once it answers."""
    with server_process(env, *args, timeout=timeout) as (base, _proc):
        yield base


@contextmanager
def server_process(env: dict[str, str], *args: str, timeout: float = 180):
    """`parallax serve` on a free port; yields (base URL, process) once it answers."""
    port = free_port()
    log = open(Path(env["PARALLAX_DATA_DIR"]).parent / f"server-{port}.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), *args], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {Path(log.name).read_text()[-3000:]}")
            try:
                if httpx.get(base + "/static/app.css", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(Path(log.name).read_text()[-3000:])
            time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_job(server: str, url: str, timeout: float = 120) -> dict:
    """Poll a job's URL on a running server until it is done or failed."""
    deadline = time.monotonic() + timeout
    while (job := httpx.get(server + url, timeout=30).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    return job

"""Running the real `parallax` command and server in subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.waiting import PATIENCE, cpu_steps, wait_until

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARALLAX_DATABASE_URL")}
    env.update({"PARALLAX_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
                "PARALLAX_EMBEDDED_SHARED_BUFFERS_MB": "128"}, **extra)
    return env


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`parallax ARGS` to its end, however slow the machine, unless it stops making progress."""
    with subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            # communicate() drains the pipes; its timeout only hands control back to check progress.
            out, err = wait_until(lambda: _communicate(proc), what=f"parallax {' '.join(args)}",
                                  progress=lambda: cpu_steps(proc.pid), interval=0)
        except BaseException:
            proc.kill()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _communicate(proc: subprocess.Popen) -> tuple[str, str] | None:
    try:
        return proc.communicate(timeout=1)
    except subprocess.TimeoutExpired:
        return None


@contextmanager
def running_server(env: dict[str, str], *args: str):
    """`parallax serve` on a free port; yields its base URL once it answers."""
    with server_process(env, *args) as (base, _proc):
        yield base


class PortTaken(RuntimeError):
    pass


@contextmanager
def server_process(env: dict[str, str], *args: str):
    """`parallax serve` on a free port; yields (base URL, process) once it answers. Another
    process on the machine may take the free port first: then it starts again on another."""
    for _attempt in range(5):
        try:
            proc, base, log = _start_server(env, args)
            break
        except PortTaken:
            continue
    else:
        raise RuntimeError("no free port for the server after five tries")
    try:
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _start_server(env: dict[str, str], args: tuple[str, ...]):
    port = free_port()
    log = open(Path(env["PARALLAX_DATA_DIR"]).parent / f"server-{port}.log", "w")  # noqa: SIM115 (closed by the caller)
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), *args], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if proc.poll() is not None:
            return True
        try:
            return httpx.get(base + "/static/app.css", timeout=PATIENCE).status_code == 200
        except httpx.HTTPError:
            return False

    def progress():
        return Path(log.name).stat().st_size, cpu_steps(proc.pid)

    try:
        wait_until(answers, what=f"the server on port {port} to answer", progress=progress, interval=0.3)
    except BaseException:
        proc.kill()
        log.close()
        raise
    if proc.returncode is not None:
        log.close()
        output = Path(log.name).read_text()
        if "address already in use" in output.lower():
            raise PortTaken(port)
        raise RuntimeError(f"server exited with {proc.returncode}: {output[-3000:]}")
    return proc, base, log


def wait_for_job(server: str, url: str) -> dict:
    """Poll a job's URL on a running server until it is done or failed; its state changing
    (queued, running, each stage, each attempt) is progress."""
    seen: list[dict] = []

    def finished():
        seen.append(httpx.get(server + url, timeout=PATIENCE).json())
        return seen[-1] if seen[-1]["status"] in ("done", "failed") else None

    return wait_until(finished, what=f"job {url}", interval=0.3,
                      progress=lambda: seen and (seen[-1]["progress"], seen[-1]["attempts"]))

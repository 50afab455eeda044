"""The embedded Postgres 16 + pgvector (pgserver) used when DATABASE_URL is unset."""
from __future__ import annotations

import json
import os
import subprocess
import time
import warnings
from pathlib import Path

SYSTEM_USER = "pgserver"  # the user pgserver runs Postgres as when started by root
START_ATTEMPTS = 3


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def handle_pids(folder: Path) -> list[int]:
    """The pids pgserver records as using the server in `folder` (.handle_pids.json)."""
    try:
        return json.loads((folder / ".handle_pids.json").read_text())
    except (OSError, ValueError):
        return []


def _pgserver():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver
        import pgserver.postgres_server

    return pgserver


def _machine_lock():
    """pgserver's own lock file, shared by every process on the machine that starts a server
    (pgserver takes it around initdb, start and its pid list)."""
    return _pgserver().postgres_server.PostgresServer._lock


def drop_stale_handle_pids(folder: Path) -> list[int]:
    """pgserver keeps the pids of processes using the server in .handle_pids.json. A process
    killed with SIGKILL never removes its pid, so the server would never be stopped again:
    drop the dead ones before attaching. Returns the pids dropped. Under pgserver's lock: a
    process attaching at the same moment rewrites the same file."""
    with _machine_lock():
        pids = handle_pids(folder)
        alive = [pid for pid in pids if _pid_alive(int(pid))]
        dead = [pid for pid in pids if pid not in alive]
        if dead:
            (folder / ".handle_pids.json").write_text(json.dumps(alive))
    return dead


def ensure_system_user(name: str = SYSTEM_USER) -> int:
    """Create the system user Postgres runs as (root only); returns its uid.

    pgserver runs `useradd` itself, outside its lock. Processes starting their first servers at
    the same moment on a fresh machine (a test run's workers, `parallax serve`) each ran it:
    every useradd wrote /etc/passwd with its own uid, the last one won, and the others chowned
    their data folders to a uid that no longer existed, so their initdb failed ("could not
    change permissions of directory"). One process at a time creates the user here, under the
    machine-wide lock, before pgserver looks for it."""
    import pwd

    with _machine_lock():
        try:
            return pwd.getpwnam(name).pw_uid
        except KeyError:
            subprocess.run(["useradd", "-s", "/bin/bash", name], check=True, capture_output=True, text=True)
            return pwd.getpwnam(name).pw_uid


def shared_buffers_mb(setting: int = 0) -> int:
    """The embedded server's shared_buffers: the setting, or (0) a quarter of the machine's
    memory (Postgres's usual advice for a server of its own), between Postgres's own 128 MB and
    8 GB. At 1.5M passages the passages' HNSW index alone is 3 GB: with 128 MB each new
    passage's index insert read and evicted pages (15 passages took 0.8-2.2 s), with 2 GB
    (a third of the index out of the cache) 0.4-0.9 s."""
    if setting > 0:
        return setting
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return int(min(8192, max(128, total // 4)))


def _tune(server, folder: Path, buffers_mb: int, fresh: bool):
    """Set shared_buffers (ALTER SYSTEM: it takes effect when the server starts). A server this
    process just created is restarted at once when no other process uses it yet; an existing
    one picks the value up at its next start."""
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        current = conn.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings "
                               "WHERE name = 'shared_buffers'").fetchone()[0]
        if current == buffers_mb:
            return server
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{int(buffers_mb)}MB'")
    if fresh and handle_pids(folder) == [os.getpid()]:
        server.cleanup()  # the last handle: stops the server
        server = _get_server(folder)
    return server


def _get_server(folder: Path):
    """pgserver.get_server, tried again when `pg_ctl start` fails or outlasts pgserver's
    10-second limit (a loaded machine): the next try attaches to the server if it came up
    after all, or starts it again."""
    pgserver = _pgserver()
    instances = pgserver.postgres_server.PostgresServer._instances
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return pgserver.get_server(folder, cleanup_mode="stop")
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
            # pgserver registers the handle before starting; a failed start must not be reused.
            instances.pop(folder.resolve(), None)
            if attempt == START_ATTEMPTS:
                raise
            time.sleep(attempt)
    raise AssertionError("unreachable")


def start_embedded(folder: Path, buffers_mb: int | None = None):
    """Start (or attach to) the embedded server in `folder`; returns the pgserver handle.
    `buffers_mb`: its shared_buffers (default: shared_buffers_mb())."""
    if os.geteuid() == 0:
        ensure_system_user()
    folder.mkdir(parents=True, exist_ok=True)
    drop_stale_handle_pids(folder)
    fresh = not (folder / "PG_VERSION").exists()
    server = _get_server(folder)
    return _tune(server, folder, buffers_mb or shared_buffers_mb(), fresh)


def embedded_url(folder: Path, buffers_mb: int | None = None) -> str:
    server = start_embedded(folder, buffers_mb)
    # Keep a reference so the server lives as long as this process.
    _SERVERS[str(folder)] = server
    # The socket is in `folder`, or under pgserver's runtime folder when that path is too long
    # for a Unix socket (107 bytes): the URL comes from the running server's postmaster.pid.
    return server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


_SERVERS: dict[str, object] = {}

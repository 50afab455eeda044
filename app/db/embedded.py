"""The embedded Postgres 16 + pgvector (pgserver) used when DATABASE_URL is unset."""
from __future__ import annotations

import json
import os
from pathlib import Path


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


def drop_stale_handle_pids(folder: Path) -> list[int]:
    """pgserver keeps the pids of processes using the server in .handle_pids.json. A process
    killed with SIGKILL never removes its pid, so the server would never be stopped again:
    drop the dead ones before attaching. Returns the pids dropped."""
    pids = handle_pids(folder)
    if not pids:
        return []
    alive = [pid for pid in pids if _pid_alive(int(pid))]
    dead = [pid for pid in pids if pid not in alive]
    if dead:
        (folder / ".handle_pids.json").write_text(json.dumps(alive))
    return dead


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
    import pgserver
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        current = conn.execute("SELECT setting::bigint * 8 / 1024 FROM pg_settings "
                               "WHERE name = 'shared_buffers'").fetchone()[0]
        if current == buffers_mb:
            return server
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{int(buffers_mb)}MB'")
    if fresh and handle_pids(folder) == [os.getpid()]:
        server.cleanup()  # the last handle: stops the server
        server = pgserver.get_server(folder, cleanup_mode="stop")
    return server


def start_embedded(folder: Path, buffers_mb: int | None = None):
    """Start (or attach to) the embedded server in `folder`; returns the pgserver handle.
    `buffers_mb`: its shared_buffers (default: shared_buffers_mb())."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

    folder.mkdir(parents=True, exist_ok=True)
    drop_stale_handle_pids(folder)
    fresh = not (folder / "PG_VERSION").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(folder, cleanup_mode="stop")
        return _tune(server, folder, buffers_mb or shared_buffers_mb(), fresh)


def embedded_url(folder: Path, buffers_mb: int | None = None) -> str:
    server = start_embedded(folder, buffers_mb)
    # Keep a reference so the server lives as long as this process.
    _SERVERS[str(folder)] = server
    return f"postgresql+psycopg://postgres:@/postgres?host={folder}"


_SERVERS: dict[str, object] = {}

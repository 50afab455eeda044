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


def drop_stale_handle_pids(folder: Path) -> list[int]:
    """pgserver keeps the pids of processes using the server in .handle_pids.json. A process
    killed with SIGKILL never removes its pid, so the server would never be stopped again:
    drop the dead ones before attaching. Returns the pids dropped."""
    handle = folder / ".handle_pids.json"
    if not handle.exists():
        return []
    try:
        pids = json.loads(handle.read_text())
    except (OSError, ValueError):
        return []
    alive = [pid for pid in pids if _pid_alive(int(pid))]
    dead = [pid for pid in pids if pid not in alive]
    if dead:
        handle.write_text(json.dumps(alive))
    return dead


def start_embedded(folder: Path):
    """Start (or attach to) the embedded server in `folder`; returns the pgserver handle."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

    folder.mkdir(parents=True, exist_ok=True)
    drop_stale_handle_pids(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pgserver.get_server(folder, cleanup_mode="stop")


def embedded_url(folder: Path) -> str:
    server = start_embedded(folder)
    # Keep a reference so the server lives as long as this process.
    _SERVERS[str(folder)] = server
    return f"postgresql+psycopg://postgres:@/postgres?host={folder}"


_SERVERS: dict[str, object] = {}

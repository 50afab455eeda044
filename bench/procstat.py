"""What Linux's /proc says about a process: CPU seconds used so far and peak resident memory."""
from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far; 0.0 when it cannot be read (a
    database backend on another machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def processes() -> dict[int, tuple[str, int, float]]:
    """Every process Linux shows: pid -> (name, parent pid, CPU seconds so far)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = raw[raw.index("(") + 1: raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[int(entry.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def family(roots: set[int], table: dict[int, tuple[str, int, float]]) -> set[int]:
    """The given processes and all their descendants."""
    found = set(roots)
    grew = True
    while grew:
        more = {pid for pid, (_, parent, _) in table.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def busy_others(before: dict, after: dict, seconds: float, mine: set[int],
                threshold: float = 0.1) -> list[tuple[int, str, float]]:
    """Processes outside `mine` (and their descendants) that used more than `threshold` of a core
    between the two snapshots: (pid, name, cores), busiest first. Kernel threads (children of
    kthreadd, pid 2) are left out: they mostly work for the processes measured (page reclaim). A
    process that started and ended between the snapshots is not seen."""
    ours = family(mine | {2}, after) | family(mine | {2}, before)
    busy = []
    for pid, (name, _, cpu) in after.items():
        if pid in ours:
            continue
        used = cpu - (before[pid][2] if pid in before and before[pid][0] == name else 0.0)
        if used / seconds > threshold:
            busy.append((pid, name, used / seconds))
    return sorted(busy, key=lambda b: -b[2])

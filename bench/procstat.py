"""What Linux's /proc says about a process: CPU seconds used so far and peak resident memory."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def _stat(pid: int | str) -> tuple[str, int, float]:
    """(name, parent pid, user + system CPU seconds) from /proc/PID/stat; OSError when it is gone."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw.rsplit(")", 1)[1].split()
    return raw[raw.index("(") + 1: raw.rindex(")")], int(fields[1]), \
        (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far; 0.0 when it cannot be read (a
    database backend on another machine)."""
    try:
        return _stat(pid)[2]
    except OSError:
        return 0.0


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib(pid: int) -> float:
    """VmRSS: the resident memory of the process now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def processes() -> dict[int, tuple[str, int, float]]:
    """Every process Linux shows: pid -> (name, parent pid, CPU seconds so far)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = _stat(entry.name)
            except OSError:
                continue  # gone meanwhile
    return out


def family(roots: set[int], parents: dict[int, int]) -> set[int]:
    """The given processes and all their descendants (`parents`: pid -> parent pid)."""
    found = set(roots)
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


class BusyWatch:
    """Samples every process's CPU time once a second in a thread, from start() to stop(), so a
    process that runs only part of the time (a test run, a build) is seen too. stop() returns the
    processes outside `mine` (and their descendants) that used more than `threshold` of a core on
    average: (pid, name, cores), busiest first. Kernel threads (children of kthreadd, pid 2) are
    left out: they mostly work for the processes measured (page reclaim)."""

    def __init__(self, mine: set[int], threshold: float = 0.1, every_s: float = 1.0):
        self.mine, self.threshold, self.every_s = mine, threshold, every_s
        self.first: dict[tuple[int, str], float] = {}
        self.last: dict[tuple[int, str], float] = {}
        self.parents: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, initial: bool = False) -> None:
        for pid, (name, parent, cpu) in processes().items():
            key = (pid, name)
            self.first.setdefault(key, cpu if initial else 0.0)  # new since the start: all its CPU counts
            self.last[key] = cpu
            self.parents[pid] = parent

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def start(self) -> BusyWatch:
        self._sample(initial=True)
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> list[tuple[int, str, float]]:
        self._stop.set()
        self._thread.join()
        self._sample()
        seconds = time.perf_counter() - self._began
        ours = family(self.mine | {2}, self.parents)
        busy = [(pid, name, (self.last[(pid, name)] - first) / seconds) for (pid, name), first in self.first.items()
                if pid not in ours and (self.last[(pid, name)] - first) / seconds > self.threshold]
        return sorted(busy, key=lambda b: -b[2])

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


class BusyWatch:
    """Samples every process's CPU time once a second in a thread, from start() to stop(), so a
    process that runs only part of the time (a test run, a build) is seen too. stop() returns the
    processes outside `mine` (and their descendants) that used more than `threshold` of a core on
    average: (pid, name, cores), busiest first. Kernel threads (children of kthreadd, pid 2) are
    left out: they mostly work for the processes measured (page reclaim)."""

    def __init__(self, mine: set[int], threshold: float = 0.1, every_s: float = 1.0):
        import threading

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
        import time

        self._sample(initial=True)
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> list[tuple[int, str, float]]:
        import time

        self._stop.set()
        self._thread.join()
        self._sample()
        seconds = time.perf_counter() - self._began
        table = {pid: ("", parent, 0.0) for pid, parent in self.parents.items()}
        ours = family(self.mine | {2}, table)
        busy = [(pid, name, (self.last[(pid, name)] - first) / seconds) for (pid, name), first in self.first.items()
                if pid not in ours and (self.last[(pid, name)] - first) / seconds > self.threshold]
        return sorted(busy, key=lambda b: -b[2])

"""Waiting in tests on progress, not on a wall-clock deadline.

A machine shared with other work may run the suite several times slower than a quiet one, so no
test gives up after a fixed time. `wait_until` polls until the awaited thing happens, and fails
only when nothing has moved for `STALL_S` seconds: no job has changed its state, no log has grown,
no process has spent CPU. Requests get a timeout as patient (`PATIENCE`): a server that answers
nothing in ten minutes is stuck, not slow."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import psutil

T = TypeVar("T")

STALL_S = float(os.environ.get("PARALLAX_TEST_STALL_S", "180"))
PATIENCE = httpx.Timeout(600.0, connect=60.0)
BROWSER_PATIENCE_MS = 120_000  # Playwright's actions and assertions wait on the page's own events
CPU_QUANTUM_S = 2.0  # CPU time counts as progress in steps of this much (an idle poll loop moves slower)


class Stalled(AssertionError):
    pass


def wait_until(done: Callable[[], T], *, what: str, progress: Callable[[], Any] | None = None,
               stall_s: float = STALL_S, interval: float = 0.2) -> T:
    """Call `done` until it returns something true, and return that. `progress` returns a value
    that changes while the awaited work moves on; the wait fails once `done` is still false and
    that value has not changed for `stall_s` seconds (without `progress`, after `stall_s`)."""
    last = progress() if progress else None
    moved = time.monotonic()
    while not (result := done()):
        now = progress() if progress else None
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved > stall_s:
            raise Stalled(f"gave up waiting for {what}: nothing moved for {stall_s:.0f} s (progress {last!r})")
        time.sleep(interval)
    return result


def cpu_steps(pid: int | None = None) -> int:
    """CPU time spent by a process (default: this one) and its children, in CPU_QUANTUM_S steps;
    0 once it has exited."""
    try:
        proc = psutil.Process(pid)
        total = sum(proc.cpu_times()[:2])
        for child in proc.children(recursive=True):
            try:
                total += sum(child.cpu_times()[:2])
            except psutil.Error:
                pass
    except psutil.Error:
        return 0
    return int(total // CPU_QUANTUM_S)

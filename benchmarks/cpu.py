"""How much CPU other processes took during a measurement (Linux /proc), to tell a disturbed run.

wrk and gunicorn share this machine's CPUs with whatever else runs on it
(tests, other benchmarks); anything else taking CPU lowers every figure.
The database and Redis servers are part of the workload, so they are not
counted as others, whoever they serve.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
WORKLOAD_SERVERS = ("postgres", "redis-server")


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (process group, CPU seconds so far), for every process still readable."""
    found: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone already
        name_end = text.rfind(")")
        name = text[text.find("(") + 1 : name_end]
        fields = text[name_end + 2 :].split()  # fields[0] is the state, the 3rd field of the file
        if name.startswith(WORKLOAD_SERVERS):
            continue
        found[int(stat.parent.name)] = (int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND)
    return found


class OtherCpu:
    """CPU seconds taken between `start()` and `stop()` by processes outside `own_groups`."""

    def __init__(self, own_groups: Collection[int]) -> None:
        self.own_groups = set(own_groups)
        self.before: dict[int, tuple[int, float]] = {}

    def start(self) -> None:
        self.before = _processes()

    def stop(self) -> float:
        """CPU seconds used by others meanwhile (at least: a process that ended meanwhile is not seen)."""
        used = 0.0
        for pid, (group, seconds) in _processes().items():
            if group in self.own_groups:
                continue
            _, earlier = self.before.get(pid, (group, 0.0))
            used += max(0.0, seconds - earlier)
        return used

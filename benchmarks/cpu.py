"""How much CPU other processes took during a measurement (Linux /proc), to tell a disturbed run.

wrk and gunicorn share this machine's CPUs with whatever else runs on it
(tests, other benchmarks); anything else taking CPU lowers every figure.
PostgreSQL backends count as the workload's when they serve the benchmark's
database and as others' when they serve another one; PostgreSQL's own
background processes and Redis count as the workload's, whoever they serve.
What this cannot see is contention for the disk, which SQLite's and
PostgreSQL's commits wait on.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _postgres_database(pid: str) -> str | None:
    """The database a PostgreSQL backend serves, from its process title; None for a background process."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").strip("\0 ")
    except OSError:
        return None
    # "postgres: 15/main: USER DATABASE HOST(PORT) STATE", or "postgres: 15/main: autovacuum worker DATABASE"
    words = title.split(": ", 2)[-1].split()
    if words[:2] == ["autovacuum", "worker"] and len(words) > 2:
        return words[2]
    if len(words) > 2 and (words[2].endswith(")") or words[2] == "[local]"):
        return words[1]
    return None


def _processes(database: str | None) -> dict[int, tuple[int, float]]:
    """pid -> (process group, CPU seconds so far) for every readable process not the workload's."""
    found: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone already
        name_end = text.rfind(")")
        name = text[text.find("(") + 1 : name_end]
        if name.startswith("redis-server"):
            continue
        if name.startswith("postgres"):
            served = _postgres_database(stat.parent.name)
            if served is None or served == database:
                continue
        fields = text[name_end + 2 :].split()  # fields[0] is the state, the 3rd field of the file
        found[int(stat.parent.name)] = (int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND)
    return found


class OtherCpu:
    """CPU seconds taken between `start()` and `stop()` by processes outside `own_groups` and the workload.

    `database` is the PostgreSQL database the benchmark uses (None for SQLite).
    """

    def __init__(self, own_groups: Collection[int], database: str | None) -> None:
        self.own_groups = set(own_groups)
        self.database = database
        self.before: dict[int, tuple[int, float]] = {}

    def start(self) -> None:
        self.before = _processes(self.database)

    def stop(self) -> float:
        """CPU seconds used by others meanwhile (at least: a process that ended meanwhile is not seen)."""
        used = 0.0
        for pid, (group, seconds) in _processes(self.database).items():
            if group in self.own_groups:
                continue
            _, earlier = self.before.get(pid, (group, 0.0))
            used += max(0.0, seconds - earlier)
        return used

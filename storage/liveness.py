"""Who owns a row (a running crawl, a site lock), and whether that process still lives.

A pid alone is no identity: pids are reused, and another host's pids mean nothing here. The identity is
host, boot id, pid and the process's start time (clock ticks since boot, field 22 of /proc/PID/stat). On the
same host and boot a process is alive when a process with that pid exists and started at that tick: no
guessing. A process on another host (or before a reboot of this one) can only be judged by its heartbeat.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

# A crawl heartbeats every CANLIAN_RUN_CHECKPOINT_SECONDS (10 s by default); a holder on another host that
# has been silent this long is taken for dead.
DEFAULT_STALE_AFTER = timedelta(minutes=10)


class Liveness(StrEnum):
    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"  # another host, or this host before a reboot: ask the heartbeat


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    host: str
    boot_id: str
    pid: int
    started: int  # clock ticks since boot; 0 where /proc is missing

    def __str__(self) -> str:
        return f"{self.host}|{self.boot_id}|{self.pid}|{self.started}"

    @classmethod
    def parse(cls, text: str | None) -> ProcessIdentity | None:
        parts = (text or "").split("|")
        if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
            return None
        return cls(parts[0], parts[1], int(parts[2]), int(parts[3]))

    @classmethod
    def of(cls, pid: int) -> ProcessIdentity:
        return cls(socket.gethostname(), _boot_id(), pid, _start_ticks(pid) or 0)

    @classmethod
    def current(cls) -> ProcessIdentity:
        return cls.of(os.getpid())

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}"


def liveness(identity: ProcessIdentity) -> Liveness:
    if identity.host != socket.gethostname() or identity.boot_id != _boot_id():
        return Liveness.UNKNOWN
    started = _start_ticks(identity.pid)
    if started is None:
        return Liveness.ALIVE if identity.started == 0 and _pid_exists(identity.pid) else Liveness.DEAD
    return Liveness.ALIVE if started == identity.started else Liveness.DEAD


def holder_alive(
    identity_text: str | None,
    heartbeat_at: datetime | None,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> bool:
    """Whether the process named by `identity_text` is alive; unknown identities count as alive while they
    heartbeat."""
    identity = ProcessIdentity.parse(identity_text)
    verdict = liveness(identity) if identity is not None else Liveness.UNKNOWN
    if verdict is not Liveness.UNKNOWN:
        return verdict is Liveness.ALIVE
    return heartbeat_at is not None and now - heartbeat_at < stale_after


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown-boot"


def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, None if there is no such process (or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
    fields = stat.rsplit(")", 1)[-1].split()
    if fields and fields[0] == "Z":  # a zombie has exited; only its parent has not reaped it yet
        return None
    return int(fields[19]) if len(fields) > 19 else None


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

"""The scheduler process's side of the single-scheduler lease: take it (or stand by), keep it, give it up.

The row and its atomic statements live in storage.scheduling. The heartbeat runs in the scheduler's main
thread; a scheduler that cannot renew before its lease expires, or finds it taken over, must stop at once:
by then another scheduler may be running the same jobs.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.scheduling import LeaseHolder, acquire_lease, current_lease, release_lease, renew_lease
from storage.transactions import write_transaction

logger = logging.getLogger(__name__)


class LeaseHeld(RuntimeError):
    """Another scheduler holds the lease (the message says which, and what to do)."""


class LeaseLost(RuntimeError):
    """The lease expired or was taken over while this scheduler ran."""


def describe_holder(engine: Engine, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    with Session(engine) as session:
        lease = current_lease(session)
        if lease is None:
            return "nobody"
        beat = (now - lease.heartbeat_at).total_seconds()
        left = (lease.expires_at - now).total_seconds()
        state = f"expires in {left:.0f} s" if left > 0 else f"expired {-left:.0f} s ago"
        return (
            f"{lease.holder} (host {lease.host}, pid {lease.pid}; last heartbeat {beat:.0f} s ago, {state})"
        )


class LeaseKeeper:
    def __init__(self, engine: Engine, ttl: float, heartbeat: float, me: LeaseHolder | None = None) -> None:
        if heartbeat * 2 > ttl:
            raise ValueError("the lease must outlive at least two heartbeats (heartbeat <= ttl / 2)")
        self.engine = engine
        self.ttl = timedelta(seconds=ttl)
        self.heartbeat = heartbeat
        self.me = me or LeaseHolder.for_this_process()
        self._renewed = time.monotonic()

    def try_acquire(self) -> bool:
        now = datetime.now(UTC)
        taken = write_transaction(self.engine, lambda s: acquire_lease(s, self.me, now, self.ttl))
        if taken:
            self._renewed = time.monotonic()
        return taken

    def acquire(self, stop: threading.Event, standby: bool) -> bool:
        """True once held; raises LeaseHeld unless `standby`; False if stopped while standing by."""
        announced = False
        while not stop.is_set():
            if self.try_acquire():
                logger.info("scheduler lease taken by %s", self.me.holder)
                return True
            holder = describe_holder(self.engine)
            if not standby:
                raise LeaseHeld(
                    f"another scheduler holds this archive's lease: {holder}. Stop it first, or start this "
                    "one with --standby to take over when it stops."
                )
            if not announced:
                logger.warning("standing by: the lease is held by %s", holder)
                announced = True
            stop.wait(self.heartbeat)
        return False

    def keep(self, stop: threading.Event) -> None:
        """Heartbeat until `stop` is set; raises LeaseLost if the lease cannot be kept."""
        while not stop.wait(self.heartbeat):
            try:
                held = write_transaction(self.engine, self._renew, attempts=2)
            except Exception as error:  # the database may come back before the lease runs out
                logger.error("lease heartbeat failed: %s", error)
                if time.monotonic() - self._renewed > self.ttl.total_seconds():
                    raise LeaseLost("could not renew the lease before it expired") from error
                continue
            if not held:
                raise LeaseLost(f"the lease was taken over by {describe_holder(self.engine)}")
            self._renewed = time.monotonic()

    def _renew(self, session: Session) -> bool:
        return renew_lease(session, self.me.holder, datetime.now(UTC), self.ttl)

    def release(self) -> None:
        try:
            write_transaction(self.engine, lambda s: release_lease(s, self.me.holder))
        except Exception:  # it will expire on its own; say so rather than crash the shutdown
            logger.exception("could not release the lease; it expires in %s", self.ttl)

"""When each site is crawled: cron expressions, the spread nightly default, one job plan per site.

Pure (no scheduler is started here), so trigger arithmetic is tested with a fixed "now".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from crawler.sites import Site

TIMEZONE = ZoneInfo("Asia/Shanghai")
JOB_PREFIX = "crawl:"
NIGHT_START_MINUTE = 30  # 00:30 ...
NIGHT_MINUTES = 300  # ... to 05:30 Beijing time: government sites are quiet, editors are asleep
CRONTAB_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class JobPlan:
    site_key: str
    cron: str

    @property
    def job_id(self) -> str:
        return JOB_PREFIX + self.site_key


def default_cron(site_key: str) -> str:
    """A nightly time spread over the night window by a stable hash of the key (not Python's `hash`)."""
    offset = int.from_bytes(hashlib.sha256(site_key.encode()).digest()[:8], "big") % NIGHT_MINUTES
    hour, minute = divmod(NIGHT_START_MINUTE + offset, 60)
    return f"{minute} {hour} * * *"


def cron_trigger(expression: str, timezone: ZoneInfo = TIMEZONE) -> CronTrigger:
    """Five fields: crontab (minute hour day month weekday, 0 = Sunday); six: a leading seconds field.

    APScheduler 3.x numbers weekdays from Monday = 0 and its `from_crontab` passes numbers through, so a
    crontab "1-5" would mean Tuesday to Saturday: numbers are translated to names here.
    """
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"cron expression {expression!r}: expected 5 or 6 fields, got {len(fields)}")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_crontab_weekdays(weekday),
            timezone=timezone,
        )
    except ValueError as error:
        raise ValueError(f"cron expression {expression!r}: {error}") from error


def _crontab_weekdays(spec: str) -> str:
    def one(part: str) -> str:
        base, slash, step = part.partition("/")
        names = "-".join(
            CRONTAB_WEEKDAYS[int(p)] if p.isdigit() and int(p) < 8 else p for p in base.split("-")
        )
        return names + slash + step

    return ",".join(one(part) for part in spec.split(","))


def plan_jobs(sites: Iterable[Site], overrides: Mapping[str, str] | None = None) -> list[JobPlan]:
    """One job per site: a `--cron` override, else the site's own `schedule`, else the spread default."""
    overrides = overrides or {}
    plans = []
    for site in sites:
        cron = overrides.get(site.key) or site.schedule or default_cron(site.key)
        cron_trigger(cron)  # a bad expression fails at start, naming the site
        plans.append(JobPlan(site.key, cron))
    return plans

"""CPU time and resident memory of a process tree, sampled from /proc while it runs (Linux)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Sample:
    elapsed: float
    rss_mb: float
    cpu_seconds: float


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_and_cpu(pids: list[int]) -> tuple[float, float]:
    rss = cpu = 0.0
    for pid in pids:
        try:
            fields = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()
            statm = Path(f"/proc/{pid}/statm").read_text().split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        rss += int(statm[1]) * PAGE_SIZE / 1e6
    return rss, cpu


def watch(child: subprocess.Popen[bytes], started: float, interval: float = 1.0) -> list[Sample]:
    """Samples of `child` and its descendants every `interval` seconds until it exits."""
    samples = []
    while child.poll() is None:
        time.sleep(interval)
        rss, cpu = rss_and_cpu(process_tree(child.pid))
        samples.append(Sample(time.monotonic() - started, rss, cpu))
    return samples

"""Small disks and read-only directories for fault tests: tmpfs mounts and read-only bind mounts.

Mounting needs root (CI runs as root). Without it the tests skip with the reason, except under CI=true,
where they fail: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def require_root(what: str) -> None:
    problem = None
    if os.geteuid() != 0:
        problem = f"{what} needs root (mount)"
    elif shutil.which("mount") is None:
        problem = f"{what} needs mount(8)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@contextmanager
def tmpfs(path: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of `size_kib` KiB at `path`, unmounted afterwards."""
    require_root("a small disk")
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=30)


def resize(path: Path, size_kib: int) -> None:
    _mount("-o", f"remount,size={size_kib}k", str(path))


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` seen read-only (a read-only bind mount over itself), even by root."""
    require_root("a read-only archive")
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=30)

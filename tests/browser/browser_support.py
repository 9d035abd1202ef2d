"""Headless Chromium from Debian's `chromium` and `chromium-driver` packages, driven by Selenium, and the
web app served by uvicorn on 127.0.0.1 for it; axe-core (vendored) checks each page against WCAG 2.1 AA.

No browser is downloaded at run time: the binaries are Debian's (`scripts/ensure-test-servers.sh` installs
them, as it installs PostgreSQL). When they are missing or Chromium cannot start, the browser tests skip
with the reason, except under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

AXE = Path(__file__).parents[1] / "data" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = (
    Path(os.environ.get("CANLIAN_TEST_ARTIFACTS", Path(__file__).parents[1] / "artifacts")) / "browser"
)
# Chromium reaches for the network (updates, sync, safe browsing) unless told not to.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--window-size=1280,1000",
    "--lang=zh-CN",
)
SERVER_START_SECONDS = 30


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"headless Chromium is required in CI but {reason}")
    pytest.skip(f"headless Chromium not available: {reason} (install Debian's chromium and chromium-driver)")


def find_binaries() -> tuple[str, str] | None:
    browser = next(
        (p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and Path(p).exists()), None
    )
    driver = next(
        (p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver")) if p and Path(p).exists()), None
    )
    return (browser, driver) if browser and driver else None


@contextmanager
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    found = find_binaries()
    if found is None:
        unavailable("no /usr/bin/chromium or /usr/bin/chromedriver")
    assert found is not None
    profile = tempfile.mkdtemp(prefix="canlian-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(options=options, service=Service(executable_path=found[1]))
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        unavailable(f"Chromium did not start: {error.msg}")
    try:
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(60)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:  # uvicorn sets it once the socket listens; the deadline only bounds a hang
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_SECONDS)


def axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "tests/data/axe-core/axe.min.js was changed"
    return source.decode("utf-8")


def axe_violations(driver: Any, source: str) -> list[str]:
    """WCAG 2.1 A and AA violations on the loaded page, one line per rule with the elements it found."""
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}" for v in result
    ]


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path

"""Chromium and the servers, for the browser tests and the benchmarks: Debian's chromium (installed by
`make browser`; Playwright's own download cannot work offline), launched as the project's guide asks;
`python -m http.server` serving a folder as any static host would; and the live site as `make serve` runs it.
Playwright is imported only when a browser is launched, so the site itself never needs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

ROOT = Path(__file__).resolve().parent.parent  # where `python -m clearview.server` runs from
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command: list[str], url: str, seconds: float) -> Iterator[None]:
    """A server started by command, once url answers (within seconds); stopped afterwards."""
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, f"{command[2]} did not start"
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def serve_files(folder: Path, port: int) -> Iterator[str]:
    """folder as a plain static host serves it: `python -m http.server` on loopback."""
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)]
    with running(command, url + "/", 20):
        yield url


@contextmanager
def serve_site(db: Path, port: int) -> Iterator[str]:
    """The live site for db as `make serve` runs it (clearview/server.py), once it answers (a large database's
    index is loaded first)."""
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "clearview.server", "--db", str(db), "--port", str(port)], url + "/", 300):
        yield url


@contextmanager
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_context(browser: Browser, base_url: str, **options) -> BrowserContext:
    """No network here: map tile requests are answered empty at once instead of waiting to time out."""
    context = browser.new_context(base_url=base_url, **options)
    context.route("https://*.tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    return context

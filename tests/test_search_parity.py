"""The static search answers as the live one, over the whole generated query set, without a browser: Node runs
static/static-search.js (the browser's own module) against the index parts the live site serves, and the answers
are compared with clearview/search.py's. `make check` runs it; tests/test_static.py does the same in Chromium
against a built static site."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

from clearview.search import AGENCIES_SQL
from tests.browser_support import serve
from tests.conftest import ROOT
from tests.test_static import STATIC_ANSWERS, live_answers, parity_queries, reasons


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
    with sqlite3.connect(real_db) as connection:
        connection.row_factory = sqlite3.Row
        agencies = [dict(row) for row in connection.execute(AGENCIES_SQL)]
    queries = parity_queries(agencies)
    assert len(queries) > 1000
    with serve(real_db) as base:
        static = node_answers(base, queries)
    for answer in static.values():
        answer["also"] = reasons(answer["also"])
    live = live_answers(real_db, queries)
    differ = [query for query in queries if static[query] != live[query]]
    assert differ == [], [(q, static[q], live[q]) for q in differ[:3]]
    answered = [q for q in queries if live[q]["names"] or any(p[2] or p[3] or p[4] for p in live[q]["places"])]
    assert len(answered) > len(queries) / 2


def test_the_static_search_of_what_was_said_answers_as_the_live_one(real_db: Path):
    from tests.test_static import STATIC_SAID, live_said, said_queries

    queries = said_queries(real_db)
    with serve(real_db) as base:
        static = node_answers(base, queries, STATIC_SAID)
    live = json.loads(json.dumps(live_said(real_db, queries)))  # tuples as JavaScript's arrays
    differ = [query for query in queries if static[query] != live[query]]
    assert differ == [], [(q, static[q], live[q]) for q in differ[:3]]
    assert sum(bool(live[q][0]) for q in queries) > len(queries) / 2  # real answers, not empty lists

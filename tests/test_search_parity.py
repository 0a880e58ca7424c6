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

import pytest

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


# Every URL the static search fetches for each query, with the here lists' first ids and counts.
FETCHED = """async ([moduleUrl, indexUrl, queries]) => {
  const fetched = [];
  const fetching = globalThis.fetch;
  globalThis.fetch = (url, ...rest) => (fetched.push(String(url)), fetching(url, ...rest));
  const { search, Store } = await import(moduleUrl);
  const answers = {};
  for (const query of queries) {
    fetched.length = 0;
    const r = await search(new Store(indexUrl), query);
    const here = r.places[0].here;
    answers[query] = { fetched: [...fetched], first: here.map((a) => a.id), count: here.total ?? here.length };
  }
  return answers;
}"""


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    """2,000 synthetic agencies (bench/generate.py: generated, labelled synthetic, never published)."""
    import build_db
    from bench.generate import generate

    folder = tmp_path_factory.mktemp("synthetic")
    generate(2_000, folder / "data")
    build_db.build(folder / "data", folder / "clearview.db")
    return folder / "clearview.db"


def test_a_state_or_country_answer_fetches_its_first_screen_not_its_agencies(synthetic_db: Path):
    from clearview.search import AGENCIES_SQL
    from clearview.wording import SHOWN

    db = synthetic_db
    with sqlite3.connect(db) as connection:
        state, in_state = connection.execute(
            "select state_province, count(*) from agencies where state_province != '' group by 1 order by 2 desc"
        ).fetchone()
        country, in_country = connection.execute(
            "select country_name, count(*) from agencies group by country order by 2 desc"
        ).fetchone()
        first_in_state = [
            row[0]
            for row in connection.execute(f"select agency_id from ({AGENCIES_SQL}) where state_province = ?", (state,))
        ][:SHOWN]
    assert in_state > SHOWN
    with serve(db) as base:
        answers = node_answers(base, [state, country], FETCHED)
    for query, count in ((state, in_state), (country, in_country)):
        answer = answers[query]
        assert answer["count"] == count and len(answer["first"]) == SHOWN, query
        assert len([url for url in answer["fetched"] if "/search/screens/" in url]) == 1, query
    assert answers[state]["first"] == first_in_state
    # A country names no town, so nothing else is fetched for it: none of its agencies' records.
    assert not [url for url in answers[country]["fetched"] if "/search/agencies/" in url]


def test_a_place_among_many_neighbours_fetches_its_first_screen_and_answers_as_the_live_one(synthetic_db: Path):
    """Where the synthetic agencies crowd (a city and its suburbs), a town's, county's or ZIP code's answer holds more
    than a screen here and nearby: the static search fetches the place's lists part, not every agency within NEARBY_KM,
    and answers as the live one does."""
    import zipcodes

    from clearview import gazetteer
    from clearview.search import AGENCIES_SQL, AgencyIndex, search
    from clearview.wording import SHOWN

    with sqlite3.connect(synthetic_db) as connection:
        connection.row_factory = sqlite3.Row
        index = AgencyIndex([dict(row) for row in connection.execute(AGENCIES_SQL)])
        crowded_first = connection.execute(
            "select city, county, state_province from agencies where city != '' and county != '' "
            "group by 1, 2, 3 order by count(*) desc, 1, 2, 3 limit 40"
        ).fetchall()
    places = gazetteer.load()
    queries = {"city": [], "county": [], "zip": []}
    for city, county, state in crowded_first:
        queries["city"].append(f"{city}, {state}")
        queries["county"].append(f"{county}, {state}")
        queries["zip"] += [z["zip_code"] for z in zipcodes.filter_by(city=city)[:2]]

    def long(query: str) -> bool:
        found = search(index, query, places).places
        return bool(found) and len(found[0].here) + len(found[0].nearby) > SHOWN

    crowded = {kind: [q for q in dict.fromkeys(found) if long(q)] for kind, found in queries.items()}
    # The generator crowds agencies around cities; if it stops, this test must find crowded places another way.
    assert all(crowded.values()), crowded
    every = [query for found in crowded.values() for query in found]
    with serve(synthetic_db) as base:
        answers_agree(synthetic_db, every, node_answers(base, every))
        fetched = node_answers(base, every, FETCHED)
    for query in every:
        urls = fetched[query]["fetched"]
        assert len([url for url in urls if "/search/lists/" in url]) == 1, query
        # Positions only: no agency's record, however many are within reach (the page fetches the cards it shows).
        assert not [url for url in urls if "/search/agencies/" in url], query

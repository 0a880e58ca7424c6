"""Every door says the same about an agency: its page, its search card, both maps' popups, the browse pages, the
landing and tallies pages all read agency_shown, so the headline label, count wording and period are identical.
(The static site renders these same pages: tests/test_static.py checks its agency pages say the same.)"""

from __future__ import annotations

import json

import sqlite_utils

from clearview.normalise import slugify
from tests.conftest import page_text

# One agency of each kind the doors word differently, chosen from the data (the first by id): a stated bucket, a
# bound worked out from the wording, use known only after February 2020, a count with no period, no count at all.
SAMPLE_SQL = """
select kind, min(agency_id) as agency_id from (
  select 'bucket' as kind, agency_id from agency_shown where range_stated = 'yes'
  union all select 'bound', agency_id from agency_shown where range_stated = 'no' and searches_min is not null
  union all select 'later only', agency_id from agency_shown where use_period = 'after'
  union all select 'undated count', agency_id from agency_shown where count_period = 'not_stated'
    and searches_min is not null
  union all select 'no count', agency_id from agency_shown where search_range = 'unknown' and confirms_use = 'no'
) group by kind
"""


async def page(real_site, path: str, **params) -> str:
    """A door's page, which must answer: a 404 page also names the statuses and would pass for one."""
    response = await real_site.client.get(path, params=params or None)
    assert response.status_code == 200, path
    return response.text


def shown(real_db, agency_id: str) -> dict:
    return sqlite_utils.Database(real_db).execute_returning_dicts(
        "select * from agency_shown where agency_id = ?", [agency_id]
    )[0]


def card_of(html: str, agency_id: str) -> str:
    """The first result card that links to the agency."""
    return html.split(f'<a class="agency-name" href="/agency/{agency_id}">', 1)[1].split("</li>", 1)[0]


def says(text: str, agency: dict) -> None:
    assert f"{agency['response_symbol']} {agency['response_label']}" in text
    assert agency["count_words"] in text
    if agency["use_period"] != "leaked":
        assert agency["period_label"] in text


async def test_every_door_says_the_same(real_site, real_db):
    sample = list(sqlite_utils.Database(real_db).query(SAMPLE_SQL))
    assert sample
    rows = (await real_site.client.get("/clearview/agency_map.json?_shape=array&_size=max")).json()
    features = (await real_site.client.get("/map/agencies.geojson")).json()["features"]
    for kind, agency_id in ((row["kind"], row["agency_id"]) for row in sample):
        agency = shown(real_db, agency_id)
        says(page_text(await page(real_site, f"/agency/{agency_id}")), agency)

        card = page_text(card_of(await page(real_site, "/search", q=agency["name"]), agency_id))
        assert card.startswith(f"{agency['name']} {agency['type_label']} · {agency['place']} Response: "), kind
        says(card, agency)

        popup = json.loads(next(r for r in rows if r["agency_id"] == agency_id)["popup"])
        lines = popup["description"].splitlines()
        assert lines[:2] == [f"Response: {agency['response_label']}", f"Searches: {agency['count_words']}"], kind
        assert lines[2:] == ([] if agency["use_period"] == "leaked" else [agency["period_label"]]), kind

        marker = next(f["properties"] for f in features if f["properties"]["id"] == agency_id)
        assert (marker["response_status"], marker["searches"]) == (agency["response_status"], agency["count_words"])
        assert marker["period"] == ("" if agency["use_period"] == "leaked" else agency["period_label"]), kind

        browse = await page(real_site, f"/browse/response/{slugify(agency['response_status'])}")
        says(page_text(card_of(browse, agency_id)), agency)


async def test_the_landing_and_tallies_count_statuses_with_the_same_labels(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    landing = page_text(await page(real_site, "/"))
    tallies = page_text(await page(real_site, "/tallies"))
    for status in db.query(
        "select label, symbol, (select count(*) from agency_shown where response_status = s.response_status"
        ") as n from response_statuses s"
    ):
        assert f"{status['symbol']} {status['label']} {status['n']}" in landing
        assert f"{status['label']} {status['n']:,}" in tallies  # its row in the table of agencies by response


async def test_every_door_counts_each_search_bucket_and_the_agencies_alike(real_site, real_db):
    """One count scale and one agency count: the searches facet, /browse, the canned query and SQL agree on every
    bucket; the landing page and /browse give the same number of listed agencies."""
    db = sqlite_utils.Database(real_db)
    in_sql = {
        row["label"]: row["n"]
        for row in db.query(
            "select range_label as label, count(*) as n from agency_shown group by search_range order by range_order"
        )
    }
    data = json.loads(await page(real_site, "/clearview/agency_map.json?_extra=facet_results&_size=0"))
    facets = data["facet_results"]
    facet = {v["value"]: v["count"] for v in facets.get("results", facets)["search_range"]["results"]}
    assert facet == in_sql
    browse = page_text(await page(real_site, "/browse"))
    section = browse.split("Searches", 1)[1].split("Response", 1)[0]
    for label, n in in_sql.items():
        assert f"{label} ({n})" in section
    rows = json.loads(await page(real_site, "/clearview/agencies_by_searches.json?_shape=array"))
    assert {r["label"]: r["agencies"] for r in rows if r["agencies"]} == in_sql
    # The scale agrees with the bounds: every agency whose leaked count's floor is above 1,000 is in a bucket that
    # starts above 1,000, and no other agency is.
    above = db.execute(
        "select count(*) from agency_shown where count_period = 'leaked' and searches_min > 1000"
    ).fetchone()[0]
    in_buckets = db.execute(
        "select count(*) from agency_shown join search_ranges r using (search_range) where r.searches_min > 1000"
    ).fetchone()[0]
    assert above == in_buckets
    listed = db.execute("select count(*) from agency_shown").fetchone()[0]
    landing = page_text(await page(real_site, "/"))
    assert f"Agencies listed {listed:,}" in landing
    assert f"{listed:,} listed agencies" in browse

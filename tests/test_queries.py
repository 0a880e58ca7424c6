"""Reporters' canned queries: each runs on the real data and returns rows; the SQL functions behave."""

from __future__ import annotations

import pytest
import sqlite_utils
import yaml

from tests.conftest import ROOT

QUERIES = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["clearview"]["queries"]
# Parameters a reporter might type: Toronto and 100 km; a prefix search with operators and a stray quote.
PARAMETERS = {
    "agencies_within_km": {"latitude": "43.70643", "longitude": "-79.39864", "km": "100"},
    "name_search": {"q": 'tor "pol ('},
    "said_search": {"q": 'Clearview "('},  # every source is about it
    "search_bounds": {"group_by": "country"},
}


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_every_canned_query_runs_and_returns_rows(real_site, name):
    assert QUERIES[name].get("title") and QUERIES[name].get("description")
    response = await real_site.client.get(
        f"/clearview/{name}.json", params=PARAMETERS.get(name, {}) | {"_shape": "array"}
    )
    assert response.status_code == 200, response.text
    assert response.json(), f"{name} returned no rows"


async def query(site, name: str, **params) -> list[dict]:
    response = await site.client.get(f"/clearview/{name}.json", params=params | {"_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()


LISTED = "select count(*) from agency_shown"


async def test_counts_by_country_add_up_to_every_agency(real_site, real_db):
    rows = await query(real_site, "agencies_by_country")
    assert sum(row["agencies"] for row in rows) == sqlite_utils.Database(real_db).execute(LISTED).fetchone()[0]
    labels = [r["label"] for r in sqlite_utils.Database(real_db).query("select label from response_statuses")]
    by_country: dict[str, list[dict]] = {}
    for row in rows:
        by_country.setdefault(row["country"], []).append(row)
        assert row["response"] in labels
    for country, its in by_country.items():
        assert sum(row["agencies"] for row in its) == its[0]["agencies_in_country"], country
        assert [labels.index(r["response"]) for r in its] == sorted(labels.index(r["response"]) for r in its)


async def test_search_bounds_are_bounds(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    for group_by in ("country", "state_province", "agency_type"):
        rows = await query(real_site, "search_bounds", group_by=group_by)
        assert sum(row["agencies"] for row in rows) == db.execute(LISTED).fetchone()[0]
        for row in rows:
            if row["searches_upper_bound"] is not None:
                assert row["searches_lower_bound"] <= row["searches_upper_bound"]
                assert row["agencies_without_a_count"] == 0
    [canada] = [row for row in await query(real_site, "search_bounds") if row["grouped_by"] == "Canada"]
    known = "select sum(searches_min) from agencies where country = 'CA' and count_period = 'leaked'"
    known = db.execute(known).fetchone()[0] or 0
    assert canada["searches_lower_bound"] == known


async def test_agencies_within_km_are_nearest_first_and_inside_the_radius(real_site):
    rows = await query(real_site, "agencies_within_km", latitude="43.70643", longitude="-79.39864", km="100")
    assert {"agency_id": "toronto-police-service", "km": 0.0} in [
        {k: row[k] for k in ("agency_id", "km")} for row in rows
    ]
    assert [row["km"] for row in rows] == sorted(row["km"] for row in rows)
    assert all(row["km"] <= 100 for row in rows)
    assert await query(real_site, "agencies_within_km", latitude="", longitude="", km="") == []


@pytest.mark.parametrize("typed", ['"', "'", "AND", "OR (", "NEAR(", "*", "tor*", "-", ":", "^", "", "   ", "🙂"])
async def test_prefix_search_never_errors(real_site, typed):
    await query(real_site, "name_search", q=typed)


async def test_prefix_search_matches_word_starts(real_site):
    rows = await query(real_site, "name_search", q="tor pol")
    assert "toronto-police-service" in [row["agency_id"] for row in rows]


async def test_provenance_queries_list_each_source_with_publisher_and_date(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    for name, status in (
        ("denied_then_confirmed", "denied_then_confirmed"),
        ("leadership_unaware", "confirmed_unaware"),
    ):
        rows = await query(real_site, name)
        agencies = {row["agency_id"] for row in db["agencies"].rows_where("response_status = ?", [status])}
        assert {row["agency_id"] for row in rows} == agencies
        assert all(row["url"] or row["document"] for row in rows)

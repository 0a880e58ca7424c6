"""Every door says the same about an agency: its page, its search card, both maps' popups, the browse pages, the
landing and tallies pages all read agency_shown, so the headline label, count wording and period are identical.
(The static site renders these same pages: tests/test_static.py checks its agency pages say the same.)"""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from clearview.normalise import slugify
from tests.conftest import page_text

# A bucket, a bound to February 2020, a later-only agency, an undated count, a denial with no count.
SAMPLE = [
    "new-bedford-police-department",
    "toronto-police-service",
    "cobb-county-police-department",
    "hennepin-county-sheriff-s-office",
    "mubadala-investment-company",
]


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


@pytest.mark.parametrize("agency_id", SAMPLE)
async def test_every_door_says_the_same(real_site, real_db, agency_id):
    agency = shown(real_db, agency_id)
    says(page_text((await real_site.client.get(f"/agency/{agency_id}")).text), agency)

    results = (await real_site.client.get("/search", params={"q": agency["name"]})).text
    card = page_text(card_of(results, agency_id))
    assert card.startswith(f"{agency['name']} {agency['type_label']} · {agency['place']} Response: ")
    says(card, agency)

    rows = (await real_site.client.get("/clearview/agency_map.json?_shape=array&_size=max")).json()
    popup = json.loads(next(r for r in rows if r["agency_id"] == agency_id)["popup"])
    lines = popup["description"].splitlines()
    assert lines[:2] == [f"Response: {agency['response_label']}", f"Searches: {agency['count_words']}"]
    assert lines[2:] == ([] if agency["use_period"] == "leaked" else [agency["period_label"]])

    features = (await real_site.client.get("/map/agencies.geojson")).json()["features"]
    marker = next(f["properties"] for f in features if f["properties"]["id"] == agency_id)
    assert (marker["response_status"], marker["searches"]) == (agency["response_status"], agency["count_words"])
    assert marker["period"] == ("" if agency["use_period"] == "leaked" else agency["period_label"])

    browse = (await real_site.client.get(f"/browse/response/{slugify(agency['response_status'])}")).text
    says(page_text(card_of(browse, agency_id)), agency)


async def test_the_landing_and_tallies_count_statuses_with_the_same_labels(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    landing = page_text((await real_site.client.get("/")).text)
    tallies = page_text((await real_site.client.get("/tallies")).text)
    for status in db.query(
        "select label, symbol, (select count(*) from agency_shown where response_status = s.response_status"
        " and agency_type != 'not_specified') as n from response_statuses s"
    ):
        assert f"{status['symbol']} {status['label']} {status['n']}" in landing
        assert status["label"] in tallies

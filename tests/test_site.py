"""The live site through Datasette's own test client, configured as `make serve` configures it."""

import json
from html import escape

import pytest
import sqlite_utils
import yaml

from tests.conftest import ROOT, page_text


async def test_home_page(real_site):
    response = await real_site.client.get("/")
    assert response.status_code == 200
    assert "Clearview Usage Database" in response.text
    assert "GeoNames" in response.text


async def test_database_page_leads_to_the_map(real_site):
    html = (await real_site.client.get("/clearview")).text
    assert '<a href="/clearview/agency_map"><strong>Map of every listed agency' in html


async def test_map_view_has_the_browse_facets_and_the_cluster_map(real_site, real_db):
    from clearview.browse import FACETS

    response = await real_site.client.get("/clearview/agency_map")
    assert response.status_code == 200
    assert "datasette-cluster-map.js" in response.text
    data = (await real_site.client.get("/clearview/agency_map.json?_extra=facet_results&_size=0")).json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert set(facets) == {facet.column for facet in FACETS}
    order = [value["value"] for value in facets["search_range"]["results"]]
    scale = sqlite_utils.Database(real_db).execute("select label from search_ranges order by sort_order").fetchall()
    assert order == sorted(order, key=[label for (label,) in scale].index)  # the count scale's order, low to high


async def test_the_tables_facet_by_the_browse_pages_list_in_vocabulary_order(real_site, real_db):
    from clearview.browse import FACETS

    html = (await real_site.client.get("/browse")).text
    assert all(facet.title in html for facet in FACETS)
    for table in ("agencies", "agency_map"):
        data = (await real_site.client.get(f"/clearview/{table}.json?_extra=facet_results&_size=0")).json()
        facets = data["facet_results"].get("results", data["facet_results"])
        assert set(facets) == {facet.column for facet in FACETS}, table
        # Responses in the vocabulary's order (its precedence), not by how many agencies have each.
        keys = [
            row[0]
            for row in sqlite_utils.Database(real_db)
            .execute("select response_status, label from response_statuses order by precedence")
            .fetchall()
        ]
        labels = dict(
            sqlite_utils.Database(real_db).execute("select response_status, label from response_statuses").fetchall()
        )
        shown = [value["value"] for value in facets["response_status"]["results"]]
        expected = [key if table == "agencies" else labels[key] for key in keys]
        assert shown == [value for value in expected if value in shown], table


async def test_map_json_has_one_marker_per_agency_with_a_popup(real_site, real_db):
    data = (await real_site.client.get("/clearview/agency_map.json?_shape=array&_size=max")).json()
    assert len(data) == sqlite_utils.Database(real_db)["agencies"].count
    db = sqlite_utils.Database(real_db)
    for row in data:  # the headline from agency_shown; the marker comes from response_code, not from this text
        shown = next(db.query("select * from agency_shown where agency_id = ?", [row["agency_id"]]))
        popup = json.loads(row["popup"])
        assert popup["title"] == shown["name"] and popup["link"] == f"/agency/{shown['agency_id']}"
        lines = popup["description"].splitlines()
        assert lines[:2] == [f"Response: {shown['response_label']}", f"Searches: {shown['count_words']}"]
        assert row["response_code"] == shown["response_status"]
        if shown["use_period"] == "after":
            assert lines[-1] == "Known only from use after February 2020"


async def test_search_finds_an_agency_by_its_name(reader_site):
    for table in ("agency_map", "agencies"):
        data = await reader_site.client.get(f"/clearview/{table}.json?_search=Timmins+Police+Service&_shape=array")
        assert [row["name"] for row in data.json()] == ["Synthetic Timmins Police Service"]


async def test_search_with_quotes_and_operators_does_not_error(real_site):
    response = await real_site.client.get("/clearview/agency_map.json?_search=%22Toronto+OR+AND+(")
    assert response.status_code == 200


async def test_agency_page_shows_range_response_and_sources(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    # The agency with the most sources, one of them an archived document: everything expected is read from the data.
    agency_id = db.execute(
        "select agency_id from responses join sources using (source_id) group by agency_id"
        " order by max(document != '') desc, count(*) desc, agency_id limit 1"
    ).fetchone()[0]
    shown = next(db.query("select * from agency_shown where agency_id = ?", [agency_id]))
    response = await real_site.client.get(f"/clearview/agencies/{agency_id}")
    assert response.status_code == 200
    html, text = response.text, page_text(response.text)
    assert f"<h1>{escape(shown['name'])}</h1>" in html
    assert f"Searches {shown['count_words']}" in text and shown["response_label"] in text
    for source in db.query("select * from responses join sources using (source_id) where agency_id = ?", [agency_id]):
        assert (source["title"] or "") in text and (source["published"] or "") in text
        if source["url"]:
            assert f'href="{escape(source["url"])}"' in html
        else:
            assert source["document"] not in text  # a source in words, never a file name
    assert f"Strongest source {shown['source_words'].split(',')[0]}" in text  # the headline response's source


async def test_agency_page_shows_the_sentence_behind_each_headline_fact(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    for shown in db.query("select * from agency_shown where count_quote != '' order by agency_id limit 5"):
        text = page_text((await real_site.client.get(f"/agency/{shown['agency_id']}")).text)
        headline = text.split("What each source says")[0]
        assert f"The source's words: “{page_text(escape(shown['response_quote']))}”" in headline
        assert f"The source's words: “{page_text(escape(shown['count_quote']))}”" in headline


async def test_agency_page_escapes_what_it_shows(real_site):
    html = (await real_site.client.get("/clearview/agencies/new-bedford-police-department")).text
    assert "It hasn&#39;t been used here" in html or "It hasn’t been used here" in html
    assert "<script>alert" not in html


async def test_methodology_page_and_robots(real_site):
    assert "How this database was compiled" in (await real_site.client.get("/methodology")).text
    robots = (await real_site.client.get("/robots.txt")).text
    assert "Disallow: /*?" in robots
    assert "Disallow: /clearview/agencies" not in robots


SECURITY_PATHS = [
    "/",
    "/agency/toronto-police-service",
    "/clearview/agency_map",
    "/clearview/agency_map.json",
    "/clearview/agencies.csv",
    "/clearview/release_changes.atom",
    "/static/site.css",
    "/data/agencies.csv",
    "/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js",
    "/no-such-page",
]


@pytest.mark.parametrize("path", SECURITY_PATHS)
async def test_security_headers_on_every_response(real_site, path):
    response = await real_site.client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    # OpenStreetMap refuses tile requests without a referrer; this sends only the origin.
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["img-src"] == "'self' data: https://*.tile.openstreetmap.org"
    outside = {source for value in policy.values() for source in value.split() if source.startswith("http")}
    assert outside == {"https://*.tile.openstreetmap.org"}


async def test_every_html_page_declares_its_language(real_site):
    for path in ("/", "/clearview", "/clearview/agency_map", "/agency/toronto-police-service", "/methodology"):
        html = (await real_site.client.get(path)).text
        assert html.lstrip().startswith('<!DOCTYPE html>\n<html lang="en">'), path
        # Within the first 1,024 bytes, where a browser looks when the server sends no charset.
        assert '<meta charset="utf-8">' in html.encode()[:1024].decode("utf-8", "ignore"), path


def test_every_table_and_column_is_described(real_db):
    tables = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["clearview"]["tables"]
    db = sqlite_utils.Database(real_db)
    for name in db.table_names() + db.view_names():
        if name.startswith("sqlite_") or "_fts" in name:  # SQLite's own and the full-text indexes
            continue
        assert tables.get(name, {}).get("description"), f"{name} has no description in metadata.yml"
        columns = db[name].columns_dict
        described = tables[name].get("columns", {})
        assert sorted(set(columns) - set(described)) == [], f"{name}: columns without a description"


def test_the_policy_allows_the_configured_tile_host():
    from plugins.security_headers import tile_host

    assert tile_host("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert tile_host("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"

"""The route table (clearview/routes.py): every reader route answers, in both editions; a moved address forwards."""

from __future__ import annotations

import asyncio

import sqlite_utils

from clearview import routes
from clearview.static_site import StaticSite
from tests.conftest import make_datasette


async def test_every_route_in_the_table_answers(real_site, real_db):
    agency_id = sqlite_utils.Database(real_db).execute("select min(agency_id) from agencies").fetchone()[0]
    for name in [*routes.PAGES, *routes.FILES, "agency"]:
        path = routes.path(name) + (agency_id if name == "agency" else "")
        response = await real_site.client.get(path)
        assert response.status_code == 200, (name, path)


async def test_a_moved_address_redirects_to_its_route_with_its_query(real_db, monkeypatch):
    monkeypatch.setattr(routes, "MOVED", {"/old-tallies": "tallies", "/find": "search"})
    site = make_datasette(real_db)
    response = await site.client.get("/old-tallies")
    assert (response.status_code, response.headers["location"]) == (301, "/tallies")
    response = await site.client.get("/find?q=police")
    assert (response.status_code, response.headers["location"]) == (301, "/search?q=police")


def test_a_moved_address_forwards_in_the_static_edition(real_db, tmp_path, monkeypatch):
    monkeypatch.setattr(routes, "MOVED", {"/old-tallies": "tallies"})
    site = StaticSite(real_db, "https://example.org/repo/", tmp_path)
    asyncio.run(site.fetch("/old-tallies", "(test)"))
    page = (tmp_path / "old-tallies" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/repo/tallies/">' in page
    assert '<link rel="canonical" href="/repo/tallies/">' in page

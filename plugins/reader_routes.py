"""Reader URLs: /search?q= (a name or a place) and /agency/<agency_id> (the permanent agency page)."""

from __future__ import annotations

import asyncio
import threading

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import gazetteer
from clearview.cache import once_per_database
from clearview.profile import agency_profile
from clearview.search import AGENCIES_SQL, AgencyIndex, search

DATABASE = "clearview"
_loading = threading.Lock()


def load_places() -> gazetteer.Gazetteer:
    # gazetteer.load is cached, but concurrent first calls would each read the files: one loads, the rest wait.
    with _loading:
        return gazetteer.load()


async def agency_index(datasette) -> AgencyIndex:
    async def build(database) -> AgencyIndex:
        return AgencyIndex([dict(row) for row in await database.execute(AGENCIES_SQL)])

    return await once_per_database(datasette.get_database(DATABASE), "agency_index", build)


async def search_page(datasette, request):
    query = request.args.get("q", "")[:200]
    results = None
    if query.strip():
        places = await asyncio.to_thread(load_places)  # a few seconds once, then cached
        results = search(await agency_index(datasette), query, places)
    html = await datasette.render_template("search.html", {"query": query, "results": results}, request=request)
    return Response.html(html)


async def agency_page(datasette, request):
    profile = await agency_profile(datasette.get_database(DATABASE), request.url_vars["agency_id"])
    if profile is None:
        raise NotFound("No agency with that id")
    return Response.html(await datasette.render_template("agency.html", {"profile": profile}, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/search$", search_page),
        (r"^/agency/(?P<agency_id>[a-z0-9-]+)$", agency_page),
    ]

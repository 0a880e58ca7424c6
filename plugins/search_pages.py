"""Reader search: /search?q= (a name or a place) and /search/<part>.json, the parts of the index the static site
searches in the browser (clearview/search_index.py)."""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import gazetteer
from clearview.cache import once_per_database
from clearview.search import Found, agency_index, search
from clearview.search_index import browser_index, place_parts
from clearview.wording import SHOWN, request_text, say

DATABASE = "clearview"


async def search_page(datasette, request):
    query = request.args.get("q", "")[:200]
    results = None
    if query.strip():
        places = await asyncio.to_thread(gazetteer.load)  # a few seconds once, then cached
        results = search(await agency_index(datasette.get_database(DATABASE)), query, places)
    context = {"query": query, "results": results, "say": say, "shown": SHOWN, "request_text": request_text}
    html = await datasette.render_template("search.html", context, request=request)
    return Response.html(html)


async def search_index(datasette, request):
    async def build(database) -> dict[str, str]:
        agencies = (await agency_index(datasette.get_database(DATABASE))).agencies
        card = datasette.jinja_env.from_string(
            '{% from "_agency_card.html" import agency_card with context %}{{ agency_card(found) }}'
        )
        cards = [await card.render_async(found=Found(agency, "name"), urls=datasette.urls) for agency in agencies]
        places = await asyncio.to_thread(gazetteer.load)

        async def build_places(database) -> list[str]:
            return await asyncio.to_thread(place_parts, agencies, places)

        place_shards = await once_per_database(database, "search_places", build_places)
        return await asyncio.to_thread(browser_index, agencies, places, cards, place_shards)

    # The cards hold links under the base path: one index per base path.
    name = "search_index " + datasette.setting("base_url")
    parts = await once_per_database(datasette.get_database(DATABASE), name, build)
    body = parts.get(request.url_vars["part"])
    if body is None:
        raise NotFound("No such part of the search index")
    return Response(body, content_type="application/json; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/search$", search_page),
        (r"^/search/(?P<part>[a-z-]+(?:/[0-9]+)?)\.json$", search_index),
    ]

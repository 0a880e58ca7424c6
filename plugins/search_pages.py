"""Reader search: /search?q= (a name or a place) and /search/<part>.json, the parts of the index the static site
searches in the browser (clearview/search_index.py)."""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import gazetteer, routes
from clearview.cache import once_per_database
from clearview.said import FACTS, SAID_SOURCES_SQL, SAID_SQL, TITLES_SHOWN, Said, found_in, fts_query, phrase
from clearview.search import AgencyIndex, Found, agency_index, grouped, search
from clearview.search_index import browser_index, place_parts
from clearview.sql_limits import own_rows
from clearview.wording import SHOWN, request_text, say

DATABASE = "clearview"


async def search_page(datasette, request):
    query = request.args.get("q", "")[:200]
    in_said = request.args.get("in") == "said"  # only what agencies said and sources say
    results, said = None, None
    if query.strip():
        database = datasette.get_database(DATABASE)
        index = await agency_index(database)
        if not in_said:
            places = await asyncio.to_thread(gazetteer.load)  # a few seconds once, then cached
            results = search(index, query, places)
        # What was said answers when no name or place does, or when asked for.
        if in_said or results.empty:
            said = await said_found(database, index, query)
    context = {
        "query": query,
        "results": results,
        "said": said,
        "in_said": in_said,
        "say": say,
        "shown": SHOWN,
        "request_text": request_text,
        "grouped": grouped,
        "titles_shown": TITLES_SHOWN,
        "facts": FACTS,
    }
    html = await datasette.render_template("search.html", context, request=request)
    return Response.html(html)


async def search_index(datasette, request):
    async def build(database) -> dict[str, str]:
        index = await agency_index(database)  # the one the live search reads, not another of the same rows
        agencies = index.agencies
        card = datasette.jinja_env.from_string(
            '{% from "_agency_card.html" import agency_card with context %}{{ agency_card(found) }}'
        )
        route = {"route": lambda name: datasette.urls.path(routes.path(name))}  # as plugins/routes.py gives pages

        async def render() -> list[str]:
            return [
                await card.render_async(found=Found(agency, "name"), urls=datasette.urls, **route)
                for agency in agencies
            ]

        # Every agency's card, rendered in a thread with a loop of its own: the template awaits nothing, so on the
        # server's loop 100,000 of them would hold every other request until done.
        cards = await asyncio.to_thread(asyncio.run, render())
        places = await asyncio.to_thread(gazetteer.load)

        async def build_places(database) -> dict[str, str]:
            return await asyncio.to_thread(place_parts, index, places)

        places_and_lists = await once_per_database(database, "search_places", build_places)
        said_rows = await own_rows(database, "select * from said order by rowid")
        sources = await own_rows(database, SAID_SOURCES_SQL)
        return await asyncio.to_thread(browser_index, index, places, cards, places_and_lists, said_rows, sources)

    # The cards hold links under the base path: one index per base path.
    name = "search_index " + datasette.setting("base_url")
    parts = await once_per_database(datasette.get_database(DATABASE), name, build)
    body = parts.get(request.url_vars["part"])
    if body is None:
        raise NotFound("No such part of the search index")
    return Response(body, content_type="application/json; charset=utf-8")


async def said_found(database, index: AgencyIndex, query: str) -> tuple[list[Found], list[Said]]:
    wanted = phrase(query)
    if not wanted:
        return [], []
    rows = await own_rows(database, SAID_SQL, {"query": fts_query(wanted)})
    return found_in(rows, wanted, index)


@hookimpl
def register_routes():
    return [
        (routes.pattern("search"), search_page),
        (r"^/search/(?P<part>[a-z-]+(?:/[0-9]+)?)\.json$", search_index),
    ]

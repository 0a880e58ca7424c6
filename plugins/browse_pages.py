"""/browse: every facet (country, state or province, agency type, searches, response) and /browse/<facet>/<value>,
the agencies with that value, on plain URLs that the static site can serve as files."""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import routes
from clearview.browse import FACETS, FACETS_BY_SLUG, facet_values
from clearview.cache import once_per_database
from clearview.search import Found, agency_index
from clearview.tallies import landing_numbers


async def grouped(database) -> list:
    agencies = (await agency_index(database)).agencies
    # Beside the event loop: a third of a second's work at 100,000 agencies, while other readers are served.
    return await asyncio.to_thread(lambda: [(facet, facet_values(facet, agencies)) for facet in FACETS])


PAGE_SIZE = 100  # agencies per page: California at 10,000 synthetic agencies was one 800 KB page


async def browse_page(datasette, request):
    database = datasette.get_database("clearview")
    facets = await once_per_database(database, "browse", grouped)
    facet_slug, value_slug = request.url_vars.get("facet"), request.url_vars.get("value")
    context: dict = {"facets": facets, "numbers": await landing_numbers(database)}
    if facet_slug:
        facet = FACETS_BY_SLUG.get(facet_slug)
        values = dict(facets).get(facet, [])
        value = next((v for v in values if v.slug == value_slug), None)
        number = int(request.url_vars.get("page") or 1)
        pages = max(1, -(-len(value.agencies) // PAGE_SIZE)) if value else 0
        if value is None or not 1 <= number <= pages:
            raise NotFound("No such facet value or page")
        shown = value.agencies[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        base = f"/browse/{facet.slug}/{value.slug}"
        context.update(
            facet=facet,
            value=value,
            found=[Found(agency, "name") for agency in shown],
            page={
                "number": number,
                "pages": pages,
                "first": (number - 1) * PAGE_SIZE + 1,
                "last": (number - 1) * PAGE_SIZE + len(shown),
            },
            page_url=lambda n: base if n == 1 else f"{base}/{n}",
        )
    return Response.html(await datasette.render_template("browse.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (routes.pattern("browse"), browse_page),
        (routes.pattern("browse", r"/(?P<facet>[a-z-]+)/(?P<value>[a-z0-9-]+)"), browse_page),
        (routes.pattern("browse", r"/(?P<facet>[a-z-]+)/(?P<value>[a-z0-9-]+)/(?P<page>[1-9][0-9]*)"), browse_page),
    ]

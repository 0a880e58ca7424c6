"""/feed.atom, /sitemap.xml (and its parts past 50,000 addresses) and /robots.txt, for the live site and, rendered
by it, the static one (clearview/publishing.py); and for every page's head (templates/base.html) its full address,
the site's description, and the agency summary."""

from __future__ import annotations

import asyncio
import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import routes
from clearview.app import absolute_url, absolute_urls, site_path
from clearview.cache import once_per_database
from clearview.publishing import (
    AGENCY_CHANGES_SQL,
    FEED_AGENCIES,
    RELEASES_SQL,
    feed,
    robots,
    sitemap,
    sitemap_paths,
    summary,
)
from clearview.sql_limits import own_rows

DATABASE = "clearview"


async def feed_atom(datasette, request):
    async def entries(database) -> tuple[list[dict], list[dict]]:
        releases = await own_rows(database, RELEASES_SQL)
        return releases, await own_rows(database, AGENCY_CHANGES_SQL, {"limit": FEED_AGENCIES})

    releases, changes = await once_per_database(datasette.get_database(DATABASE), "feed", entries)
    title = datasette.metadata("title") or "Clearview Usage Database"
    body = feed(title, releases, changes, absolute_urls(datasette, request))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


async def sitemap_xml(datasette, request):
    async def paths(database) -> list[str]:
        return sitemap_paths([row["agency_id"] for row in await own_rows(database, AGENCY_IDS_SQL)])

    part = request.url_vars.get("part")
    every = await once_per_database(datasette.get_database(DATABASE), "sitemap", paths)
    # 50,000 addresses a part: written beside the event loop, which serves other readers meanwhile.
    body = await asyncio.to_thread(sitemap, every, absolute_urls(datasette, request), int(part) if part else None)
    if body is None:
        raise NotFound("No such part of the sitemap")
    return Response(body, content_type="application/xml; charset=utf-8")


AGENCY_IDS_SQL = "select agency_id from agencies order by agency_id"


async def robots_txt(datasette, request):
    rules = (datasette.plugin_config("clearview") or {}).get("robots", "User-agent: *\nDisallow:")
    return Response.text(robots(rules, absolute_urls(datasette, request)))


@hookimpl
def extra_template_vars(datasette, request):
    def canonical_url() -> str | None:
        """This page's full address; none for a page with a query (a search, a filtered table)."""
        if request is None or request.query_string:
            return None
        return absolute_url(datasette, request, site_path(request.path, datasette.setting("base_url")))

    # The site's description as plain text: the first paragraph of metadata.yml's, without its markup.
    first = (datasette.metadata("description_html") or "").split("</p>")[0]
    return {
        "static_edition": bool((datasette.plugin_config("clearview") or {}).get("static_pages")),
        "site_title": datasette.metadata("title") or "Clearview Usage Database",
        "absolute_url": lambda path: absolute_url(datasette, request, path),
        "canonical_url": canonical_url,
        "site_description": " ".join(re.sub(r"<[^>]+>", " ", first).split()),
        "agency_summary": summary,
    }


@hookimpl
def register_routes():
    return [
        (routes.pattern("feed"), feed_atom),
        (routes.pattern("sitemap"), sitemap_xml),
        (r"^/sitemap-(?P<part>[1-9][0-9]{0,3})\.xml$", sitemap_xml),
        (routes.pattern("robots"), robots_txt),
    ]

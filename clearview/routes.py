"""Every reader route, named once: the plugins register their pages at these paths, templates link by name
(route('tallies')), the sitemap lists them and the static builder renders them. A page that moves keeps its old
address in MOVED, which answers with a permanent redirect on the live site and a page that forwards in the static
edition, so no citation breaks."""

from __future__ import annotations

import re

PAGES = {
    "landing": "/",
    "search": "/search",
    "map": "/map",
    "browse": "/browse",
    "tallies": "/tallies",
    "methodology": "/methodology",  # templates/pages/methodology.html: Datasette serves it at its file's name
    "downloads": "/downloads",
    "data_dictionary": "/data-dictionary",
}
AGENCY = "/agency/"  # followed by the agency's id: the permanent address of each agency
MAP_DETAILS = "/map/details/"  # followed by <part>.json: what the map's popups say (clearview/markers.py)
FILES = {
    "feed": "/feed.atom",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "map_data": "/map/agencies.geojson",  # for reporters' GIS tools; the map itself reads map_markers
    "map_markers": "/map/markers.json",
    "search_index": "/search/index.json",
}
# Old address -> the route's name it moved to.
MOVED: dict[str, str] = {}


def path(name: str) -> str:
    return {"agency": AGENCY, "map_details": MAP_DETAILS}.get(name) or PAGES.get(name) or FILES[name]


def pattern(name: str, rest: str = "") -> str:
    """The route's regular expression for register_routes, with what may follow it (a regular expression)."""
    return "^" + re.escape(path(name)) + rest + "$"


AGENCY_PATTERN = "^" + re.escape(AGENCY) + r"(?P<agency_id>[a-z0-9-]+)$"

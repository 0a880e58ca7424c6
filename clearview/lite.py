"""Datasette Lite (Datasette in the reader's browser, on Pyodide) opened on the site's own clearview.db: where the
static site sends SQL and table links when no live site is given, and what Lite cannot answer."""

from __future__ import annotations

import copy
import re
from urllib.parse import quote, urljoin

from clearview.browse import facet_metadata

LITE = "https://lite.datasette.io/"
# What Datasette Lite cannot answer: the SQL functions of plugins/sql_functions.py, the Atom feed, the cluster map.
# Without a live site to send them to, such links are left out (the anchor goes, its words stay).
LITE_CANNOT = re.compile(
    r"^/clearview/(?:agencies_within_km|name_search)(?:$|[?.])|\.atom(?:$|\?)|^/clearview/agency_map$"
)


def lite_url(site_url: str, path: str) -> str:
    """Datasette Lite on the site's own clearview.db and metadata.json, opened at path (a Datasette path)."""
    database = quote(urljoin(site_url, "clearview.db"), safe="")
    metadata = quote(urljoin(site_url, "metadata.json"), safe="")
    return f"{LITE}?url={database}&metadata={metadata}#{path}"


def lite_metadata(metadata: dict) -> dict:
    """metadata.yml for Datasette Lite: titles, descriptions and canned queries; not this site's plugins or CSS."""
    lite = copy.deepcopy({key: value for key, value in metadata.items() if key not in ("plugins", "extra_css_urls")})
    # The facets plugins/facets.py gives the live site, as plain facets (Lite runs none of this site's plugins).
    for table, facets in facet_metadata(ordered=False)["databases"]["clearview"]["tables"].items():
        lite["databases"]["clearview"]["tables"].setdefault(table, {}).update(facets)
    return lite

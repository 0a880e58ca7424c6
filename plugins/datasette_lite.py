"""lite_url for templates: the database in Datasette Lite, when plugins.clearview.site_url says where the site's
clearview.db is public (the static site sets it; a live site can). None otherwise."""

from __future__ import annotations

from datasette import hookimpl

from clearview.lite import lite_url


@hookimpl
def extra_template_vars(datasette):
    site_url = (datasette.plugin_config("clearview") or {}).get("site_url")
    return {"lite_url": lite_url(site_url, "/clearview") if site_url else None}

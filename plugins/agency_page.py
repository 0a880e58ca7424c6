"""Agency pages: /agency/<agency_id> (the permanent page) and the row page, with the profile, the corrections link
and the citation."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from clearview import routes
from clearview.app import absolute_url
from clearview.profile import agency_profile

DATABASE = "clearview"


async def agency_page(datasette, request):
    profile = await agency_profile(datasette.get_database(DATABASE), request.url_vars["agency_id"])
    if profile is None:
        raise NotFound("No agency with that id")
    return Response.html(await datasette.render_template("agency.html", {"profile": profile}, request=request))


@hookimpl
def register_routes():
    return [(routes.AGENCY_PATTERN, agency_page)]


# metadata.yml: plugins: clearview: corrections_url or repository_url (see there); {agency_id} and {agency_name} are
# filled in, URL-quoted.
DEFAULT_CORRECTIONS_URL = "/methodology#corrections"
# The issue form (.github/ISSUE_TEMPLATE/new-fact.yml) with the agency filled in: GitHub fills a form's fields from the
# query parameters named by their ids, which are make add's columns.
ISSUE = (
    "template=new-fact.yml&title=" + quote("Fact: ") + "{agency_name}&agency_id={agency_id}&agency_name={agency_name}"
)


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    config = datasette.plugin_config("clearview") or {}
    repository = (config.get("repository_url") or "").rstrip("/")
    corrections_url = config.get("corrections_url") or (f"{repository}/issues/new?{ISSUE}" if repository else "")
    corrections_url = corrections_url or DEFAULT_CORRECTIONS_URL
    if corrections_url.startswith("/"):  # a path on this site, under its base path
        corrections_url = datasette.urls.path(corrections_url)

    def corrections_link(agency: dict) -> str:
        return corrections_url.replace("{agency_id}", quote(agency["agency_id"])).replace(
            "{agency_name}", quote(agency["name"])
        )

    def citation(agency: dict) -> str:
        url = absolute_url(datasette, request, "/agency/" + agency["agency_id"])
        return f"Clearview Usage Database, “{agency['name']}”, {url} (accessed {datetime.date.today().isoformat()})."

    async def variables():
        found = {"corrections_link": corrections_link, "citation": citation}
        if view_name == "row" and table == "agencies" and request is not None:
            agency_id = tilde_decode(request.url_vars["pks"])
            found["profile"] = await agency_profile(datasette.get_database(database), agency_id)
        return found

    return variables

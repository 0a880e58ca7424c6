"""Gives the agency row page its profile: range, response and every source."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_decode

from clearview.profile import agency_profile


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "agencies" or request is None:
        return {}

    async def profile():
        agency_id = tilde_decode(request.url_vars["pks"])
        return {"profile": await agency_profile(datasette.get_database(database), agency_id)}

    return profile

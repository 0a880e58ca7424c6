"""Reporters' pages: /tallies (ours beside the published totals) and /data-dictionary (tables and vocabularies)."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview import routes
from clearview.tallies import tallies

DATABASE = "clearview"
VOCABULARIES = {
    "search_ranges": "select search_range as code, label, explanation as meaning "
    "from search_ranges order by sort_order",
    "response_statuses": "select response_status as code, label, description as meaning, confirms_use "
    "from response_statuses order by precedence",
    "agency_types": "select agency_type as code, label, description as meaning from agency_types order by label",
}


async def tallies_page(datasette, request):
    context = {"tallies": await tallies(datasette.get_database(DATABASE))}
    return Response.html(await datasette.render_template("tallies.html", context, request=request))


async def data_dictionary_page(datasette, request):
    database = datasette.get_database(DATABASE)
    vocabularies = {name: [dict(row) for row in await database.execute(sql)] for name, sql in VOCABULARIES.items()}
    tables = datasette.metadata("tables", database=DATABASE) or {}
    hidden = {name for name, table in tables.items() if table.get("hidden")}
    context = {
        "vocabularies": vocabularies,
        "tables": {name: table for name, table in tables.items() if name not in hidden},
    }
    return Response.html(await datasette.render_template("data-dictionary.html", context, request=request))


@hookimpl
def register_routes():
    return [(routes.pattern("tallies"), tallies_page), (routes.pattern("data_dictionary"), data_dictionary_page)]

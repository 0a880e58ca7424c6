"""/downloads: every table and view whole, as /downloads/<table>.csv and .json (plain URLs the static site serves as
files), with the database and the raw files. CSV cells that a spreadsheet would run are neutralised by csv_safe."""

from __future__ import annotations

import csv
import io
import json

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview.sql_limits import own_rows

DATABASE = "clearview"


async def downloadable(database) -> list[str]:
    hidden = set(await database.hidden_table_names())
    tables = [t for t in await database.table_names() if t not in hidden]
    return sorted(tables) + sorted(await database.view_names())


async def downloads_page(datasette, request):
    database = datasette.get_database(DATABASE)
    tables = datasette.metadata("tables", database=DATABASE) or {}
    context = {"tables": [(name, tables.get(name, {}).get("description", "")) for name in await downloadable(database)]}
    return Response.html(await datasette.render_template("downloads.html", context, request=request))


async def table_download(datasette, request):
    database = datasette.get_database(DATABASE)
    table, extension = request.url_vars["table"], request.url_vars["format"]
    if table not in await downloadable(database):
        raise NotFound("No such table")
    rows = await own_rows(database, f"select * from [{table}]")
    if extension == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=1)
        return Response(body, content_type="application/json; charset=utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(await database.table_columns(table))
    writer.writerows(row.values() for row in rows)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/downloads$", downloads_page),
        (r"^/downloads/(?P<table>[a-z_]+)\.(?P<format>csv|json)$", table_download),
    ]

"""/downloads: every table and view whole, as /downloads/<table>.csv, .xlsx and .json (plain URLs the static site
serves as files), with the database and the raw files. CSV cells that a spreadsheet would run are neutralised by
csv_safe, which also starts these CSVs with a byte order mark. The .xlsx (openpyxl) writes every text as a text cell,
so codes such as "1-5" and months such as "2020-02" stay as written, and numbers as numbers."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import openpyxl
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clearview import routes
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
    columns = await database.table_columns(table)
    if extension == "xlsx":
        body = await asyncio.to_thread(workbook, table, columns, rows)
        return Response(
            body, content_type=XLSX, headers={"content-disposition": f'attachment; filename="{table}.xlsx"'}
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(row.values() for row in rows)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(table: str, columns: list[str], rows: list[dict]) -> bytes:
    """One sheet of the rows: text as text cells (never a date, a number or a formula), numbers as numbers."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(table[:31])  # Excel's longest sheet name

    def cell(value):
        if isinstance(value, str):
            text = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            text.data_type = "s"  # openpyxl reads a leading = as a formula; this is the source's text
            return text
        return value

    sheet.append(columns)
    for row in rows:
        sheet.append([cell(value) for value in row.values()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@hookimpl
def register_routes():
    return [
        (routes.pattern("downloads"), downloads_page),
        (routes.pattern("downloads", r"/(?P<table>[a-z_]+)\.(?P<format>csv|json|xlsx)"), table_download),
    ]

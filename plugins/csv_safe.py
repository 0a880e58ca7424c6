"""CSV downloads safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab or carriage return) and is
not a number gets a leading apostrophe, so Excel, LibreOffice and Sheets show it as text instead of running it
(OWASP's advice on CSV injection). Applies to every CSV Datasette makes: tables, views, canned and typed SQL.
A CSV meant to be opened (/downloads, and Datasette's "download file", _dl=1) starts with a UTF-8 byte order mark,
without which Excel reads accents and curly quotes as Windows-1252; a CSV read by code (the .csv API) has none."""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys

from datasette import hookimpl

from clearview.app import site_path
from clearview.asgi import Headers, Rewrite, rewriting, without

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The csv module's default cell limit (131,072 characters) would end a download with an error mid-stream.
csv.field_size_limit(sys.maxsize)
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    if cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class CsvNeutraliser:
    """Rewrites a CSV stream record by record; a record split across chunks waits for its end."""

    def __init__(self, mark: bool = False) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.pending = ""
        self.mark = mark  # a byte order mark still to send before the first record

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        data = self.pending + self.decoder.decode(chunk, final)
        cut = len(data) if final else complete_records_end(data)
        self.pending = data[cut:]
        if not data[:cut]:
            return b""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.mark:
            out.write("\ufeff")
            self.mark = False
        for record in csv.reader(io.StringIO(data[:cut], newline="")):
            writer.writerow([neutralise(cell) for cell in record])
        return out.getvalue().encode("utf-8")


def complete_records_end(data: str) -> int:
    """The index just after the last newline that lies outside quotes (0 if none): an even count of quotes before it."""
    newline = data.rfind("\n")
    while newline >= 0 and data.count('"', 0, newline) % 2:
        newline = data.rfind("\n", 0, newline)
    return newline + 1


def is_datasette_csv(path: str) -> bool:
    return path.endswith(".csv") and not path.startswith(("/data/", "/static/"))


def is_download(scope: dict, path: str) -> bool:
    return path.startswith("/downloads/") or "_dl=1" in scope.get("query_string", b"").decode("latin-1").split("&")


def csv_responses(base_url: str):
    def rewrite(scope: dict, status: int, headers: Headers) -> Rewrite | None:
        if status != 200 or not dict(headers).get(b"content-type", b"").startswith((b"text/csv", b"text/plain")):
            return None
        mark = is_download(scope, site_path(scope["path"], base_url))
        return Rewrite(without(headers, b"content-length"), CsvNeutraliser(mark).feed)

    return rewrite


@hookimpl
def asgi_wrapper(datasette):
    base_url = datasette.setting("base_url")
    return lambda app: rewriting(
        app, csv_responses(base_url), lambda scope: is_datasette_csv(site_path(scope.get("path", ""), base_url))
    )

"""Bounded SQL on every connection: length limits, an authorizer and a result budget (clearview/sql_limits.py)."""

from __future__ import annotations

from datasette import hookimpl

from clearview import sql_limits


@hookimpl
def prepare_connection(conn):
    sql_limits.prepare(conn)

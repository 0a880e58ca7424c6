"""Bounded SQL on every connection: length limits, an authorizer, a result budget and functions that stop at the
query's deadline (clearview/sql_limits.py)."""

from __future__ import annotations

import datasette.database
from datasette import hookimpl

from clearview import sql_limits

# Datasette runs every query under datasette.database.sqlite_timelimit; ours also gives LIKE, instr and the other
# bounded functions the deadline to check, since SQLite cannot stop one of them mid-call.
datasette.database.sqlite_timelimit = sql_limits.timed


@hookimpl
def prepare_connection(conn):
    sql_limits.prepare(conn)

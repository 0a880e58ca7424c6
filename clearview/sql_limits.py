"""What one SQL query may cost on the live site, set on every connection by plugins/sql_limits.py.

Datasette's time limit checks the clock every 1,000 SQLite instructions, and one function call is one instruction:
`randomblob(999999999)` or `printf('%.*c', 1000000000, 'x')` ran for seconds and took gigabytes. SQLite's own limits
bound each value, an authorizer refuses functions no page needs, and a budget bounds the bytes one query returns:
- SQLITE_LIMIT_LENGTH: no string or blob over MAX_VALUE_BYTES ("string or blob too big", at once);
- SQLITE_LIMIT_SQL_LENGTH: no statement over MAX_SQL_BYTES;
- the authorizer: fts3_tokenizer (leaks and registers pointers), randomblob and zeroblob (they make bytes from
  nothing) and load_extension are refused ("not authorized to use function: ...");
- the budget: a query whose rows add up to more than MAX_RESULT_BYTES stops with "result too large".
Our own queries (fixed SQL, no visitor input) run through `own_rows`, outside the budget and with their own time
limit, since Datasette's custom_time_limit can only lower its limit.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from contextlib import contextmanager
from typing import Any

from datasette.utils import sqlite_timelimit

# The longest real value is 10,000 characters (clearview.validate.MAX_VALUE_LENGTH), at most 40,000 bytes of UTF-8.
MAX_VALUE_BYTES = 100_000
MAX_SQL_BYTES = 20_000
MAX_RESULT_BYTES = 8_000_000  # a page of 2,000 rows of agencies is about 2 MB
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "randomblob", "zeroblob", "printf", "format", "load_extension"})
OWN_QUERY_MS = 10_000

_local = threading.local()


def authorizer(action: int, arg1: str | None, arg2: str | None, database: str | None, trigger: str | None) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def budgeted_row(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
    """sqlite3.Row, as Datasette uses, counting the bytes each query has returned so far on this thread."""
    if not getattr(_local, "own", False):
        if getattr(_local, "cursor", lambda: None)() is not cursor:
            _local.cursor, _local.spent = weakref.ref(cursor), 0
        _local.spent += sum(len(value) if isinstance(value, str | bytes) else 8 for value in row)
        if _local.spent > MAX_RESULT_BYTES:
            raise sqlite3.OperationalError(
                f"result too large: this query returns more than {MAX_RESULT_BYTES // 1_000_000} MB; "
                "select fewer rows or columns, or download the whole table from /downloads"
            )
    return sqlite3.Row(cursor, row)


def prepare(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.set_authorizer(authorizer)
    conn.row_factory = budgeted_row


@contextmanager
def own_query(conn: sqlite3.Connection, time_limit_ms: int):
    _local.own = True
    try:
        with sqlite_timelimit(conn, time_limit_ms):
            yield
    finally:
        _local.own = False


async def own_rows(
    database: Any, sql: str, params: dict | None = None, time_limit_ms: int = OWN_QUERY_MS
) -> list[dict]:
    """Rows of one of our own queries (a datasette.database.Database): outside the result budget, with its own limit."""

    def run(conn: sqlite3.Connection) -> list[dict]:
        with own_query(conn, time_limit_ms):
            return [dict(row) for row in conn.execute(sql, params or {}).fetchall()]

    return await database.execute_fn(run)

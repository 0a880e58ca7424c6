"""What one SQL query may cost on the live site, set on every connection by plugins/sql_limits.py.

Datasette's time limit checks the clock every 1,000 SQLite instructions, and one function call is one instruction:
`randomblob(999999999)` or `printf('%.*c', 1000000000, 'x')` ran for seconds and took gigabytes. SQLite's own limits
bound each value, an authorizer refuses functions no page needs, and a budget bounds the bytes one query returns:
- SQLITE_LIMIT_LENGTH: no string or blob over MAX_VALUE_BYTES ("string or blob too big", at once);
- SQLITE_LIMIT_SQL_LENGTH: no statement over MAX_SQL_BYTES;
- the authorizer: fts3_tokenizer (leaks and registers pointers), randomblob and zeroblob (they make bytes from
  nothing) and load_extension are refused ("not authorized to use function: ...");
- the budget: a query whose rows add up to more than MAX_RESULT_BYTES stops with "result too large";
- one call of LIKE, GLOB, instr, replace or trim(X, Y) compares every place in one value with every character of
  another, and the time limit cannot stop it: 100 LIKEs in one query held a CPU for minutes. SQLITE_LIMIT_LIKE_
  PATTERN_LENGTH bounds a pattern to LIKE_PATTERN_BYTES (one call then costs 30 ms at most on the longest value),
  and these functions are wrapped (`bounded`) so that each call first checks the query's deadline: a
  query stops within one call of its time limit, however many it makes.
Our own queries (fixed SQL, no visitor input) run through `own_rows`, outside the budget and with their own time
limit, since Datasette's custom_time_limit can only lower its limit.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from contextlib import contextmanager
from typing import Any

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit

# The longest real value is 10,000 characters (clearview.validate.MAX_VALUE_LENGTH), at most 40,000 bytes of UTF-8.
MAX_VALUE_BYTES = 100_000
MAX_SQL_BYTES = 20_000
MAX_RESULT_BYTES = 8_000_000  # a page of 2,000 rows of agencies is about 2 MB
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "randomblob", "zeroblob", "printf", "format", "load_extension"})
OWN_QUERY_MS = 10_000
LIKE_PATTERN_BYTES = 100  # the longest filter a page builds is a word or two; a pattern is never a document
# Functions whose one call compares two values place by place, with their numbers of arguments.
QUADRATIC = (
    ("like", 2),
    ("like", 3),
    ("glob", 2),
    ("instr", 2),
    ("replace", 3),
    ("trim", 2),
    ("ltrim", 2),
    ("rtrim", 2),
)

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


def limited(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, LIKE_PATTERN_BYTES)
    return conn


def builtins() -> sqlite3.Connection:
    """A connection of this thread where SQLite's own LIKE, instr and the rest still answer, under the same limits."""
    if getattr(_local, "builtins", None) is None:
        _local.builtins = limited(sqlite3.connect(":memory:"))
    return _local.builtins


TRIMS = {"trim", "ltrim", "rtrim"}


def trim_text(name: str, value: str, characters: str) -> str:
    """trim(X, Y) as SQLite gives it (text, a blob read as UTF-8), in one pass: SQLite compares each end character
    with every one of Y, so a long Y made one call last a second."""
    these = set(characters)
    start, end = 0, len(value)
    if name != "rtrim":
        while start < end and value[start] in these:
            start += 1
    if name != "ltrim":
        while end > start and value[end - 1] in these:
            end -= 1
    return value[start:end]


def bounded(conn: sqlite3.Connection, name: str, arity: int):
    """SQLite's own function, called after a check of the running query's deadline (set by timed). Past it, the
    query is interrupted as the time limit interrupts one, and Datasette says it took too long."""
    sql = f"select {name}({', '.join('?' * arity)})"

    def call(*args):
        deadline = getattr(_local, "deadline", None)
        if deadline is not None and time.perf_counter() > deadline:
            conn.interrupt()
            return None
        try:
            if name in TRIMS and all(isinstance(a, str | bytes) for a in args):
                return trim_text(name, *(a.decode("utf-8", "replace") if isinstance(a, bytes) else a for a in args))
            return builtins().execute(sql, args).fetchone()[0]
        except sqlite3.Error as error:  # raised here, SQLite would say only that a function failed: timed says why
            _local.function_error = str(error)
            conn.interrupt()
            return None

    return call


@contextmanager
def timed(conn: sqlite3.Connection, ms: int):
    """Datasette's time limit, which also gives the bounded functions their deadline."""
    _local.deadline, _local.function_error = time.perf_counter() + ms / 1000, None
    try:
        with sqlite_timelimit(conn, ms):
            yield
    except (sqlite3.OperationalError, QueryInterrupted) as error:
        if _local.function_error:
            raise sqlite3.OperationalError(_local.function_error) from error
        raise
    finally:
        _local.deadline = None


def prepare(conn: sqlite3.Connection) -> None:
    limited(conn)
    conn.set_authorizer(authorizer)
    conn.row_factory = budgeted_row
    for name, arity in QUADRATIC:
        conn.create_function(name, arity, bounded(conn, name, arity), deterministic=True)


@contextmanager
def own_query(conn: sqlite3.Connection, time_limit_ms: int):
    _local.own = True
    try:
        with timed(conn, time_limit_ms):
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

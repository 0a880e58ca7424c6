"""Readers first: requests that run a visitor's SQL (sql=, _where=, any _facet, a canned query with parameters) take
one of VISITOR_SQL_AT_ONCE places, so the other SQL threads (settings.json num_sql_threads) stay free for the reader
pages. A request that finds no place within WAIT_SECONDS gets 429 with Retry-After."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from datasette import hookimpl

VISITOR_SQL_AT_ONCE = 1  # the machine has 2 cores: one stays for readers
WAIT_SECONDS = 1.0
SQL_PARAMETERS = {"sql", "_where", "_facet", "_facet_array", "_facet_date", "_through", "_search"}


def runs_visitor_sql(scope: dict, canned: set[str]) -> bool:
    names = {name for name, _ in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)}
    if names & SQL_PARAMETERS:
        return True
    path = scope.get("path", "").removesuffix(".json").removesuffix(".csv")
    return path.rpartition("/")[2] in canned and bool(names - {"_shape", "_size", "_labels"})


async def too_many(send) -> None:
    body = b"Too many SQL queries are running: try again in a few seconds.\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"2")]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    canned = set((datasette.metadata("queries", database="clearview") or {}).keys())

    def wrap(app):
        places: dict[int, asyncio.Semaphore] = {}  # one per event loop: tests run several

        async def wrapped(scope, receive, send):
            if scope["type"] != "http" or not runs_visitor_sql(scope, canned):
                return await app(scope, receive, send)
            loop = id(asyncio.get_running_loop())
            place = places.setdefault(loop, asyncio.Semaphore(VISITOR_SQL_AT_ONCE))
            try:
                await asyncio.wait_for(place.acquire(), WAIT_SECONDS)
            except TimeoutError:
                return await too_many(send)
            try:
                await app(scope, receive, send)
            finally:
                place.release()

        return wrapped

    return wrap

"""How many requests the site works on at once, until each starts its answer. Every request builds its rows and its
page in memory before the first byte goes out; 300 at once for the largest JSON each held theirs together, and the
server grew from 80 to 240 MB and stayed there (freed small objects leave Python's arenas too scattered to give
back). Past its kind's number of turns, a request waits in order; the answer itself, however slowly it is read, holds
no turn (a streamed CSV fetches its rows a chunk at a time). Reporters' data (the database's tables, queries and
downloads, under /clearview) and readers' pages wait in separate lines: a burst of the largest exports held every
reader's page for 5 s in one line."""

from __future__ import annotations

import asyncio

from datasette import hookimpl

from clearview.app import site_path

# Datasette runs SQL in 4 threads (settings.json); building a page runs on the one event loop.
TURNS = {"data": 4, "pages": 8}


def kind(path: str) -> str:
    return "data" if path == "/clearview" or path.startswith(("/clearview/", "/clearview.")) else "pages"


def one_turn_each(app, base_url: str = "/"):
    turns: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Semaphore] = {}

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        line = kind(site_path(scope.get("path", "/"), base_url))
        turn = turns.setdefault((asyncio.get_running_loop(), line), asyncio.Semaphore(TURNS[line]))
        await turn.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                turn.release()

        async def answering(message):
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            await app(scope, receive, answering)
        finally:
            release()

    return wrapped


@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    return lambda app: one_turn_each(app, datasette.setting("base_url"))

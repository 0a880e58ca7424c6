"""How many requests the site works on at once, until each starts its answer. Every request builds its rows and its
page in memory before the first byte goes out; 300 at once for the largest JSON each held theirs together, and the
server grew from 80 to 240 MB and stayed there (freed small objects leave Python's arenas too scattered to give
back). Past RENDERING, a request waits its turn in order; the answer itself, however slowly it is read, holds no
turn (a streamed CSV fetches its rows a chunk at a time)."""

from __future__ import annotations

import asyncio

from datasette import hookimpl

RENDERING = 8  # Datasette runs SQL in 4 threads (settings.json); rendering runs on the one event loop


def one_turn_each(app):
    turns: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        turn = turns.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(RENDERING))
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
    return one_turn_each

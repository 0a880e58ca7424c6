"""The HTTP server `make serve` runs the site under: uvicorn, as `datasette serve` runs it, with the limits a public
site needs on its connections. uvicorn gives an idle connection no deadline until its first response, and a request
head none at all: 2,000 slowloris connections and 5,000 idle ones were all held. Here every request's head must
arrive whole within HEAD_SECONDS of the connection opening or of the last response; an idle keep-alive connection
closes after KEEP_ALIVE_SECONDS; a head over MAX_HEAD_BYTES is refused by h11 before it is read further. An answer
goes out in pieces of BODY_PIECE bytes, each only when the last has left, and a reader that takes none for
WRITE_STALL_SECONDS is dropped (as nginx's send_timeout): 300 readers taking a kilobyte a second otherwise hold every
answer they asked for in the server's memory for as long as they like.

    python -m clearview.server --db clearview.db --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import gc
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from clearview.app import make_datasette

HEAD_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024  # plugins/request_limits.py refuses what is over its own limits with 431
BODY_PIECE = 64 * 1024  # uvicorn's write buffer pauses the answer past 64 KB
WRITE_STALL_SECONDS = 30.0  # a reader at 3 KB/s still takes a piece in time
GIVE_BACK_SECONDS = 10.0


class HeadDeadline(H11Protocol):
    """uvicorn's HTTP/1.1, with a deadline for each request's head and one for a reader to take the answer."""

    head_timer: asyncio.TimerHandle | None = None
    stall_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.await_head()

    def await_head(self) -> None:
        self.head_arrived()
        self.head_timer = self.loop.call_later(HEAD_SECONDS, self.head_too_slow)

    def head_arrived(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_too_slow(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:  # a request's head came whole
            self.head_arrived()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self.await_head()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.stall_timer is None:
            self.stall_timer = self.loop.call_later(WRITE_STALL_SECONDS, self.transport.abort)

    def resume_writing(self) -> None:
        self.writes_resumed()
        super().resume_writing()

    def writes_resumed(self) -> None:
        if self.stall_timer is not None:
            self.stall_timer.cancel()
            self.stall_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.head_arrived()
        self.writes_resumed()
        super().connection_lost(exc)


def in_pieces(app):
    """The ASGI app, its answers sent BODY_PIECE bytes at a time: uvicorn waits for each to leave before the next,
    so a slow reader holds no second copy of the answer in the write buffer, and stalls there (HeadDeadline)."""

    async def wrapped(scope, receive, send):
        async def sending(message) -> None:
            body = message.get("body", b"")
            if message["type"] != "http.response.body" or len(body) <= BODY_PIECE:
                return await send(message)
            more_body = message.get("more_body", False)
            whole = memoryview(body)
            for start in range(0, len(body), BODY_PIECE):
                last = start + BODY_PIECE >= len(body)
                piece = bytes(whole[start : start + BODY_PIECE])
                await send({"type": "http.response.body", "body": piece, "more_body": more_body or not last})

        await app(scope, receive, sending)

    return wrapped


def config(app, host: str, port: int, **options) -> uvicorn.Config:
    """The server's settings, for `make serve` and for the tests' server alike."""
    return uvicorn.Config(
        in_pieces(app),
        host=host,
        port=port,
        http=HeadDeadline,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        **{"lifespan": "on", **options},
    )


async def give_memory_back() -> None:
    """Every GIVE_BACK_SECONDS, what a burst of requests left unreachable is collected and glibc returns the free
    parts of its heap to the system (MALLOC_TRIM_THRESHOLD_ only returns its top): after `make attack` the server
    stayed 20% above its size before, and with this 13%. About 20 ms of work each time, the trim in a thread."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    trim = getattr(libc, "malloc_trim", None)  # glibc's; other C libraries give memory back their own way
    while True:
        await asyncio.sleep(GIVE_BACK_SECONDS)
        gc.collect()
        if trim is not None:
            await asyncio.to_thread(trim, 0)


async def serve(server: uvicorn.Server) -> None:
    housekeeping = asyncio.create_task(give_memory_back())
    try:
        await server.serve()
    finally:
        housekeeping.cancel()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the site with connection limits.")
    parser.add_argument("--db", type=Path, default=Path("clearview.db"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    datasette = make_datasette(args.db)
    asyncio.run(datasette.invoke_startup())  # as `datasette serve` does: the startup hooks, before any request
    asyncio.run(serve(uvicorn.Server(config(datasette.app(), args.host, args.port))))


if __name__ == "__main__":
    main()

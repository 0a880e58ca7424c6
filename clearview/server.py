"""The HTTP server `make serve` runs the site under: uvicorn, as `datasette serve` runs it, with the limits a public
site needs on its connections. uvicorn gives an idle connection no deadline until its first response, and a request
head none at all: 2,000 slowloris connections and 5,000 idle ones were all held. Here every request's head must
arrive whole within HEAD_SECONDS of the connection opening or of the last response; an idle keep-alive connection
closes after KEEP_ALIVE_SECONDS; a head over MAX_HEAD_BYTES is refused by h11 before it is read further.

    python -m clearview.server --db clearview.db --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from clearview.app import make_datasette

HEAD_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024  # plugins/request_limits.py refuses what is over its own limits with 431


class HeadDeadline(H11Protocol):
    """uvicorn's HTTP/1.1, with a deadline for each request's head."""

    head_timer: asyncio.TimerHandle | None = None

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

    def connection_lost(self, exc: Exception | None) -> None:
        self.head_arrived()
        super().connection_lost(exc)


def config(app, host: str, port: int, **options) -> uvicorn.Config:
    """The server's settings, for `make serve` and for the tests' server alike."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=HeadDeadline,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        lifespan="on",
        **options,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the site with connection limits.")
    parser.add_argument("--db", type=Path, default=Path("clearview.db"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    datasette = make_datasette(args.db)
    asyncio.run(datasette.invoke_startup())  # as `datasette serve` does: the startup hooks, before any request
    uvicorn.Server(config(datasette.app(), args.host, args.port)).run()


if __name__ == "__main__":
    main()

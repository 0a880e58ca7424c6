"""Work run in a second process beside the first: the build's two processes (clearview/build.py reads and
summarises in both; clearview/load.py builds the full-text search beside the indexes)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def beside(work: Callable[..., T], *args: object) -> Iterator[Callable[[], T]]:
    """work(*args) run in a forked process while the with block runs; calling what it gives waits for the result
    (work's own exception, such as an OSError, raised here). The process is stopped if the block ends early (an
    error, an interrupt), so nothing is left writing into the build's folder."""
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=send_result, args=(send, work, args), daemon=True)
    process.start()
    send.close()

    def result() -> T:
        try:
            outcome, value = receive.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"the build's second process ended early (exit code {process.exitcode})") from None
        if outcome == "error":
            raise value
        return value

    try:
        yield result
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        receive.close()


def send_result(send: Connection, work: Callable[..., T], args: tuple) -> None:
    try:
        result = ("ok", work(*args))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to be raised in the first process
        result = ("error", error)
    try:
        send.send(result)
    except Exception as error:  # noqa: BLE001 - an exception that cannot be pickled still says what it was
        send.send(("error", RuntimeError(repr(result[1]) if result[0] == "error" else repr(error))))
    send.close()

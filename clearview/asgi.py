"""One way to rewrite a response on its way out, for the plugins that add headers, mend HTML or make CSV safe:
each says, from a response's status and headers, whether and how to change it; this does the ASGI plumbing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Headers = list[tuple[bytes, bytes]]


@dataclass
class Rewrite:
    """A response's new headers and, if its body changes too, what each chunk becomes: body(chunk, last)."""

    headers: Headers
    body: Callable[[bytes, bool], bytes] | None = None


def without(headers: Headers, *names: bytes) -> Headers:
    return [(k, v) for k, v in headers if k.lower() not in names]


def rewriting(
    app, rewrite: Callable[[dict, int, Headers], Rewrite | None], applies: Callable[[dict], bool] = lambda scope: True
):
    """app, with rewrite(scope, status, headers) asked at each HTTP response's start (where applies(scope)):
    None sends the response as it is; a Rewrite replaces its headers and passes its body through Rewrite.body."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or not applies(scope):
            return await app(scope, receive, send)
        body: Callable[[bytes, bool], bytes] | None = None

        async def send_rewritten(message):
            nonlocal body
            if message["type"] == "http.response.start":
                change = rewrite(scope, message["status"], list(message.get("headers") or []))
                if change is not None:
                    message, body = {**message, "headers": change.headers}, change.body
            elif message["type"] == "http.response.body" and body is not None:
                message = {**message, "body": body(message.get("body", b""), not message.get("more_body", False))}
            await send(message)

        await app(scope, receive, send_rewritten)

    return wrapped


def first_chunk(change: Callable[[bytes], bytes]) -> Callable[[bytes, bool], bytes]:
    """A body rewrite of the first chunk only (where a page's <html> and <head> are)."""
    done = False

    def body(chunk: bytes, last: bool) -> bytes:
        nonlocal done
        if done:
            return chunk
        done = True
        return change(chunk)

    return body

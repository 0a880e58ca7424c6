"""What one request may send, checked before anything reads it: its headers (431) and its body (413, or 411 when
it comes in chunks of no stated length). The site takes no body over a few KB (a search, a filter, a form of a few
fields); Datasette's CSRF layer read any POST's whole form body into memory, on any path, and 20 of them took the
server from 570 MB to 1.6 GB."""

from __future__ import annotations

from datasette import hookimpl

MAX_BODY_BYTES = 64 * 1024
MAX_HEADER_BYTES = 16 * 1024  # the sum of names and values: h11's own limit on a request's head
MAX_HEADERS = 64
TOO_LARGE = f"Request body too large: this site takes at most {MAX_BODY_BYTES} bytes."


async def refuse(send, status: int, reason: str) -> None:
    body = f"{reason}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class TooLarge(Exception):
    pass


def limited(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = scope.get("headers") or []
        if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            return await refuse(send, 431, "Request headers too large.")
        if any(k == b"transfer-encoding" for k, _ in headers):  # a body of no stated length: no form here sends one
            return await refuse(send, 411, "Length required: send the body with a Content-Length.")
        length = next((v for k, v in headers if k == b"content-length"), b"0")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return await refuse(send, 413, TOO_LARGE)
        received, started = 0, False

        async def counted():
            # Counted as it comes too, in case a server passes a body longer than its stated length.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise TooLarge
            return message

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, counted, tracked)
        except TooLarge:
            if not started:
                await refuse(send, 413, TOO_LARGE)

    return wrapped


@hookimpl(trylast=True)  # the last wrapper applied is the outermost: nothing reads a request before this
def asgi_wrapper():
    return limited

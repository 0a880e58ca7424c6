"""Adds lang="en" and <meta charset="utf-8"> to every HTML page. Datasette 0.65's base.html has a bare <html>
(fixed only in 1.0, simonw/datasette#2348), and screen readers need the page's language; it declares no charset,
so a host that sends none (Python's http.server, S3's default, file://) showed "Police department Â· Toronto"."""

from __future__ import annotations

from datasette import hookimpl

BARE = b"<html>"
WITH_LANG = b'<html lang="en">'
HEAD = b"<head>"
WITH_CHARSET = b'<head>\n<meta charset="utf-8">'


def add_lang(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        state = {"html": False, "done": False}

        async def send_with_lang(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                state["html"] = headers.get(b"content-type", b"").startswith(b"text/html")
                # Pages are sent without content-length; one that has it is passed through unchanged.
                if b"content-length" in headers:
                    state["html"] = False
            elif message["type"] == "http.response.body" and state["html"] and not state["done"]:
                body = message.get("body", b"")
                if BARE in body[:400]:
                    body = body.replace(BARE, WITH_LANG, 1)
                if HEAD in body[:400] and b"<meta charset" not in body[:1000]:
                    body = body.replace(HEAD, WITH_CHARSET, 1)
                message = {**message, "body": body}
                state["done"] = True
            await send(message)

        await app(scope, receive, send_with_lang)

    return wrapped


@hookimpl
def asgi_wrapper():
    return add_lang

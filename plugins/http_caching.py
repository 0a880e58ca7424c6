"""Cache-Control and ETags: assets for a day, reader pages for five minutes (settings.json default_cache_ttl), each
with a weak ETag of its own body, so a rebuilt database gives new ETags; a matching If-None-Match gets 304. The
database download's ETag comes from the file as it is now (Datasette's is the hash it read at start)."""

from __future__ import annotations

import hashlib
import os

from datasette import hookimpl

from clearview.app import site_path
from clearview.asgi import Headers, Rewrite, rewriting, without

ASSETS = ("/static/", "/-/static/", "/-/static-plugins/")
READER_PAGES = ("/search", "/agency/", "/browse", "/map", "/tallies", "/methodology", "/downloads", "/data-dictionary")
ASSET_SECONDS = 86_400


def policy(path: str, ttl: int) -> str | None:
    if path.startswith("/downloads/"):  # whole tables: not held twice in memory to hash them
        return None
    if path.startswith(ASSETS):
        return f"public, max-age={ASSET_SECONDS}"
    if path == "/" or path.startswith(READER_PAGES):
        return f"public, max-age={ttl}"
    return None


def caching(app, datasette):
    ttl = datasette.setting("default_cache_ttl")
    base = datasette.setting("base_url") or "/"
    database = rewriting(app, file_etag(datasette))

    async def wrapped(scope, receive, send):
        path = site_path(scope.get("path", ""), base)
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await app(scope, receive, send)
        if path == "/clearview.db":
            return await database(scope, receive, send)
        cache_control = policy(path, ttl)
        if cache_control is None:
            return await app(scope, receive, send)
        asked = dict(scope.get("headers") or []).get(b"if-none-match", b"")
        start: dict = {}
        body = bytearray()

        async def buffered(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"cache-control", b"etag")]
            if start.get("status") != 200:
                await send({**start, "headers": headers})
                return await send({"type": "http.response.body", "body": bytes(body)})
            etag = b'W/"' + hashlib.sha1(body).hexdigest()[:20].encode() + b'"'
            headers += [(b"cache-control", cache_control.encode()), (b"etag", etag)]
            if asked == etag:
                kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                return await send({"type": "http.response.body", "body": b""})
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body)})

        await app(scope, receive, buffered)

    return wrapped


def file_etag(datasette):
    """The database download's ETag from the file as it is now."""

    def rewrite(scope: dict, status: int, headers: Headers) -> Rewrite:
        stat = os.stat(datasette.get_database("clearview").path)
        return Rewrite(without(headers, b"etag") + [(b"etag", f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'.encode())])

    return rewrite


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: caching(app, datasette)

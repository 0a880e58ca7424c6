"""/data/ serves only the published files: the raw CSV of each table the build loads, the data dictionary and the
changelog. Anything else an editor leaves in data/ (.env, *.bak, .DS_Store, Excel's ~$agencies.xlsx) is a 404."""

from __future__ import annotations

from datasette import hookimpl

from clearview.app import site_path

DOCUMENTS = {"README.md", "CHANGELOG.md", "facts-template.csv"}  # the last: the form a reader with a source fills


async def published(datasette) -> set[str]:
    tables = await datasette.get_database("clearview").table_names() if "clearview" in datasette.databases else []
    return {f"{table}.csv" for table in tables} | DOCUMENTS


def only_published(app, datasette):
    base = datasette.setting("base_url") or "/"  # /data/ is under the site's base path
    names: set[str] = set()

    async def wrapped(scope, receive, send):
        path = site_path(scope.get("path", ""), base)
        if scope["type"] == "http" and path.startswith("/data/"):
            if not names:
                names.update(await published(datasette))
            if path.removeprefix("/data/") not in names:
                headers = [(b"content-type", b"text/plain; charset=utf-8")]
                await send({"type": "http.response.start", "status": 404, "headers": headers})
                return await send({"type": "http.response.body", "body": b"Not a published file.\n"})
        return await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: only_published(app, datasette)

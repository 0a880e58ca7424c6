"""A table URL with a bad _sort, _sort_desc or _through is the visitor's mistake: 400 with the reason, not a 500."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

PARAMETERS = ("_sort", "_sort_desc", "_through", "_facet", "_facet_array", "_facet_date")


@hookimpl
def handle_exception(datasette, request, exception):
    given = [name for name in PARAMETERS if name in request.args]
    status = getattr(exception, "status", 500)
    if not given or status != 500:
        return None
    message = str(exception) if not isinstance(exception, ValueError | KeyError) else f"bad value for {given[0]}"
    message = f"{message} (check {', '.join(given)})"

    async def bad_request():
        if request.path.endswith(".json"):
            return Response.json({"ok": False, "error": message, "status": 400, "title": "Bad request"}, status=400)
        context = {"ok": False, "error": message, "status": 400, "title": "Bad request"}
        return Response.html(await datasette.render_template("error.html", context, request=request), status=400)

    return bad_request()

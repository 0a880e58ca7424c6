"""Error pages that help: 404s and errors render through the site's own templates (header search, footer with the
data release, examples to try), and a table URL with a bad _sort, _sort_desc or _through is a 400 with the reason
(Datasette 0.65 answers it with a 500)."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError

PARAMETERS = ("_sort", "_sort_desc", "_through", "_facet", "_facet_array", "_facet_date")


def describe(exception: Exception, request) -> tuple[int, str, str | None]:
    """(status, message, title) as Datasette's own handler would give them, with bad parameters as 400."""
    given = [name for name in PARAMETERS if name in request.args]
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]), None
    status = exception.status if isinstance(exception, DatasetteError) else 500
    if status == 500 and given:
        reason = exception.message if isinstance(exception, DatasetteError) else f"bad value for {given[0]}"
        return 400, f"{reason} (check {', '.join(given)})", "Bad request"
    if isinstance(exception, DatasetteError):
        return status, exception.message, exception.title
    return 500, "Something went wrong on our side. The error is logged; please try again later.", None


@hookimpl
def handle_exception(datasette, request, exception):
    status, message, title = describe(exception, request)
    if status == 500:
        return None  # Datasette's handler logs the traceback and shows the error

    async def page():
        info = {"ok": False, "error": message, "status": status, "title": title}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        return Response.html(await datasette.render_template("error.html", info, request=request), status=status)

    return page()

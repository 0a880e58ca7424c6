"""/charts/<chart>.svg: the bar charts the build drew (clearview/charts.py), as images beside their tables."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview.sql_limits import own_rows


async def chart_svg(datasette, request):
    found = await own_rows(
        datasette.get_database("clearview"), "select svg from charts where chart = :chart", dict(request.url_vars)
    )
    if not found:
        raise NotFound("No such chart")
    return Response(found[0]["svg"], content_type="image/svg+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/charts/(?P<chart>[a-z-]+)\.svg$", chart_svg)]

"""The landing page at /, with its key numbers counted from the database.

Our own route rather than Datasette's index view: that view checks the visibility of every table on each request
(about 50 ms here), for lists the landing page does not show. The database list stays at /clearview.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview import routes
from clearview.tallies import landing_numbers


async def landing_page(datasette, request):
    context = {"numbers": await landing_numbers(datasette.get_database("clearview"))}
    return Response.html(await datasette.render_template("index.html", context, request=request, view_name="index"))


@hookimpl
def register_routes():
    return [(routes.pattern("landing"), landing_page)]

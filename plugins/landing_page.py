"""The landing page at /, with its key numbers counted from the database.

Our own route rather than Datasette's index view: that view checks the visibility of every table on each request
(about 50 ms here), for lists the landing page does not show. The database list stays at /clearview.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview.cache import once_per_database

NUMBERS_SQL = """
select
  count(*) as agencies,
  count(distinct country) as countries,
  sum(response_statuses.confirms_use = 'yes') as confirmed,
  sum(agencies.response_status = 'denied') as denied,
  sum(agencies.response_status = 'declined') as declined,
  sum(agencies.response_status = 'no_response') as no_response,
  sum(agencies.response_status = 'unknown') as unknown
from agencies join response_statuses using (response_status)
"""


async def key_numbers(database) -> dict:
    return dict((await database.execute(NUMBERS_SQL)).first())


async def landing_page(datasette, request):
    context = {"numbers": await once_per_database(datasette.get_database("clearview"), "numbers", key_numbers)}
    return Response.html(await datasette.render_template("index.html", context, request=request, view_name="index"))


@hookimpl
def register_routes():
    return [(r"^/$", landing_page)]

"""The landing page at /, with its key numbers counted from the database.

Our own route rather than Datasette's index view: that view checks the visibility of every table on each request
(about 50 ms here), for lists the landing page does not show. The database list stays at /clearview.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview.cache import once_per_database

# From agency_shown and the vocabularies, as every other page counts: every listed entry, including the places whose
# agency the source does not name (agency_type not_specified), which the page says.
NUMBERS_SQL = """
select count(*) as agencies, count(distinct country) as countries, sum(confirms_use = 'yes') as confirmed,
  sum(use_period = 'leaked') as leaked, sum(use_period = 'after') as after,
  sum(use_period = 'not_stated') as not_stated, sum(agency_type = 'not_specified') as not_named
from agency_shown
"""
BY_STATUS_SQL = """
select response_statuses.*, count(agency_shown.agency_id) as agencies
from response_statuses left join agency_shown
  on agency_shown.response_status = response_statuses.response_status
group by response_statuses.response_status order by response_statuses.precedence
"""
PERIODS_SQL = "select * from use_periods"


async def key_numbers(database) -> dict:
    numbers = dict((await database.execute(NUMBERS_SQL)).first())
    numbers["by_status"] = [dict(row) for row in await database.execute(BY_STATUS_SQL)]
    numbers["periods"] = {row["use_period"]: dict(row) for row in await database.execute(PERIODS_SQL)}
    return numbers


async def landing_page(datasette, request):
    context = {"numbers": await once_per_database(datasette.get_database("clearview"), "numbers", key_numbers)}
    return Response.html(await datasette.render_template("index.html", context, request=request, view_name="index"))


@hookimpl
def register_routes():
    return [(r"^/$", landing_page)]

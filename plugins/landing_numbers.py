"""The landing page's key numbers, counted from the database."""

from __future__ import annotations

from datasette import hookimpl

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


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name != "index":
        return {}

    async def numbers():
        row = (await datasette.get_database("clearview").execute(NUMBERS_SQL)).first()
        return {"numbers": dict(row)}

    return numbers

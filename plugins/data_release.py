"""The data release (version and date) for every page's footer."""

from __future__ import annotations

from datasette import hookimpl

RELEASE_SQL = "select version, released from releases order by released desc, rowid desc limit 1"


@hookimpl
def extra_template_vars(datasette):
    async def release():
        try:
            row = (await datasette.get_database("clearview").execute(RELEASE_SQL)).first()
        except KeyError:  # a Datasette without the clearview database
            row = None
        return {"data_release": dict(row) if row else None}

    return release

"""The data release (version and date) for every page's footer."""

from __future__ import annotations

from datasette import hookimpl

from clearview.cache import once_per_database

RELEASE_SQL = "select version, released from releases order by released desc, rowid desc limit 1"


async def latest_release(database) -> dict | None:
    row = (await database.execute(RELEASE_SQL)).first()
    if not row:
        return None
    state = (await database.execute("select unreleased from release_state")).first()
    return dict(row) | {"unreleased": bool(state and state["unreleased"])}


@hookimpl
def extra_template_vars(datasette):
    async def release():
        try:
            latest = await once_per_database(datasette.get_database("clearview"), "release", latest_release)
        except KeyError:  # a Datasette without the clearview database
            latest = None
        return {"data_release": latest}

    return release

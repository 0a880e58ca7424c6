"""Before the server takes requests: the gazetteer (a few seconds to read) and the agency index that search, the map
and browse pages share, so the first reader does not wait for them."""

from __future__ import annotations

import asyncio

from datasette import hookimpl

from clearview import gazetteer
from clearview.search import agency_index


@hookimpl
def startup(datasette):
    async def warm():
        if "clearview" in datasette.databases:
            await agency_index(datasette.get_database("clearview"))
        await asyncio.to_thread(gazetteer.load)

    return warm

"""window.clearviewMap for the site's map scripts: the tile layer and the response-status vocabulary."""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette_cluster_map import TILE_LAYER, TILE_LAYER_OPTIONS

from clearview.cache import once_per_database

DATABASE = "clearview"
STATUSES_SQL = "select response_status, label, confirms_use, symbol, colour from response_statuses order by precedence"


async def statuses(database) -> list[dict]:
    return [dict(row) for row in await database.execute(STATUSES_SQL)]


@hookimpl
def extra_body_script(datasette):
    async def script():
        # One tile layer for every map: the one datasette-cluster-map is configured with in metadata.yml.
        cluster_map = datasette.plugin_config("datasette-cluster-map") or {}
        try:
            rows = await once_per_database(datasette.get_database(DATABASE), "statuses", statuses)
        except KeyError:  # a Datasette without the clearview database (plugin tests)
            rows = []
        config = {
            "tileLayer": cluster_map.get("tile_layer") or TILE_LAYER,
            "tileLayerOptions": cluster_map.get("tile_layer_options") or TILE_LAYER_OPTIONS,
            "statuses": rows,
        }
        # json.dumps does not escape "</script>"; the "<" escape keeps a label from closing the script.
        return "window.clearviewMap = " + json.dumps(config).replace("<", "\\u003c") + ";"

    return script

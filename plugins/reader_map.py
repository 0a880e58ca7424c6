"""/map, every listed agency on one map, and /map/agencies.geojson behind it: a file the static site serves as is."""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview import routes
from clearview.search import agency_index


async def map_page(datasette, request):
    return Response.html(await datasette.render_template("map.html", {}, request=request))


async def map_geojson(datasette, request):
    agencies = (await agency_index(datasette.get_database("clearview"))).agencies
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [agency["longitude"], agency["latitude"]]},
            "properties": {
                "id": agency["agency_id"],
                "name": agency["name"],
                "response_status": agency["response_status"],
                "searches": agency["count_words"],
                "period": "" if agency["use_period"] == "leaked" else agency["period_label"],
            },
        }
        for agency in agencies
        if agency["latitude"] is not None
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return Response(body, content_type="application/geo+json; charset=utf-8")


@hookimpl
def register_routes():
    return [(routes.pattern("map"), map_page), (routes.pattern("map_data"), map_geojson)]

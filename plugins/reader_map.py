"""/map, every listed agency on one map: its markers in one compact file (/map/markers.json) and its popups' words in
parts (/map/details/<n>.json), each built once per database (clearview/markers.py); /map/agencies.geojson offers
the same points to GIS tools. The static site serves all of them as files."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import markers, routes
from clearview.cache import once_per_database
from clearview.search import agency_index
from clearview.search_index import compact

DATABASE = "clearview"


async def map_page(datasette, request):
    return Response.html(await datasette.render_template("map.html", {}, request=request))


def encoded(value) -> bytes:
    return compact(value).encode()


async def built_once(datasette, name: str, build):
    """build(agencies), for the served database, once."""

    async def compute(database):
        return build((await agency_index(database)).agencies)

    return await once_per_database(datasette.get_database(DATABASE), name, compute)


async def map_markers(datasette, request):
    body = await built_once(datasette, "map_markers", lambda agencies: encoded(markers.markers(agencies)))
    return Response(body, content_type="application/json; charset=utf-8")


async def map_details(datasette, request):
    parts = await built_once(datasette, "map_details", lambda agencies: list(map(encoded, markers.details(agencies))))
    part = request.url_vars["part"]
    if len(part) > 9 or int(part) >= len(parts):  # not int() of a thousand digits: Python refuses that with an error
        raise NotFound("No such part of the map's details")
    return Response(parts[int(part)], content_type="application/json; charset=utf-8")


def geojson(agencies: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
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
        ],
    }


async def map_geojson(datasette, request):
    body = await built_once(datasette, "map_geojson", lambda agencies: encoded(geojson(agencies)))
    return Response(body, content_type="application/geo+json; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (routes.pattern("map"), map_page),
        (routes.pattern("map_data"), map_geojson),
        (routes.pattern("map_markers"), map_markers),
        (routes.pattern("map_details", r"(?P<part>[0-9]+)\.json"), map_details),
    ]

"""/map, every listed agency on one map: its markers in one compact file (/map/markers.json) and its popups' words in
parts (/map/details/<n>.json), each built once per database (clearview/markers.py); /map/agencies.geojson offers
the same points to GIS tools. The static site serves all of them as files."""

from __future__ import annotations

import asyncio
import gzip
from typing import NamedTuple

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from clearview import markers, routes
from clearview.cache import once_per_database
from clearview.search import agency_index
from clearview.search_index import compact

DATABASE = "clearview"


async def map_page(datasette, request):
    return Response.html(await datasette.render_template("map.html", {}, request=request))


class Body(NamedTuple):
    """A JSON answer as bytes, and gzipped once beside them: datasette-gzip would compress it again on the event
    loop for every request (the GeoJSON at 100,000 agencies: 31 MB, half a second each time)."""

    plain: bytes
    gzipped: bytes

    def response(self, request, content_type: str) -> Response:
        headers = {"vary": "Accept-Encoding"}  # lower case, as datasette-gzip reads the names
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(self.gzipped, content_type=content_type, headers=headers | {"content-encoding": "gzip"})
        return Response(self.plain, content_type=content_type, headers=headers)


def encoded(value) -> Body:
    plain = compact(value).encode()
    return Body(plain, gzip.compress(plain, compresslevel=6))


async def built_once(datasette, name: str, build):
    """build(agencies), for the served database, once, beside the event loop (the GeoJSON at 100,000 agencies is a
    second's work, and other readers are served meanwhile)."""

    async def compute(database):
        return await asyncio.to_thread(build, (await agency_index(database)).agencies)

    return await once_per_database(datasette.get_database(DATABASE), name, compute)


async def map_markers(datasette, request):
    body = await built_once(datasette, "map_markers", lambda agencies: encoded(markers.markers(agencies)))
    return body.response(request, "application/json; charset=utf-8")


async def map_details(datasette, request):
    parts = await built_once(datasette, "map_details", lambda agencies: list(map(encoded, markers.details(agencies))))
    part = request.url_vars["part"]
    if len(part) > 9 or int(part) >= len(parts):  # not int() of a thousand digits: Python refuses that with an error
        raise NotFound("No such part of the map's details")
    return parts[int(part)].response(request, "application/json; charset=utf-8")


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
    return body.response(request, "application/geo+json; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (routes.pattern("map"), map_page),
        (routes.pattern("map_data"), map_geojson),
        (routes.pattern("map_markers"), map_markers),
        (routes.pattern("map_details", r"(?P<part>[0-9]+)\.json"), map_details),
    ]

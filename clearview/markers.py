"""The map's markers in one compact file, and what each popup says in parts fetched only when one opens.

At 100,000 agencies the GeoJSON (a name, an id and words for every point) was 2.34 MB gzipped; a point and its
status are all the map needs to draw. Markers go along a Z-order curve (search_index.z_order), so each point is
a small step from the last: coordinates are written as differences in units of MARKER_SCALE, which gzip packs
tightly. Marker n's popup is entry n % PART_SIZE of details part n // PART_SIZE.
"""

from __future__ import annotations

from clearview.search_index import z_order

MARKER_SCALE = 100_000  # a coordinate to 1e-5 degrees, about a metre: agencies are placed at a town's point
PART_SIZE = 1_000  # popups per details part: one open popup fetches about 25 KB gzipped
STATUS_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def mapped(agencies: list[dict]) -> list[dict]:
    """The agencies with a point, in the markers' order."""
    placed = [agency for agency in agencies if agency["latitude"] is not None]
    return sorted(placed, key=lambda agency: z_order(agency["latitude"], agency["longitude"]))


def markers(agencies: list[dict]) -> dict:
    """{"statuses", "status" (a digit per marker indexing statuses), "lat", "lon" (differences), "parts"}."""
    placed = mapped(agencies)
    statuses = sorted({agency["response_status"] for agency in placed})
    if len(statuses) > len(STATUS_DIGITS):
        raise ValueError(f"{len(statuses)} response statuses: the markers file writes one digit each, at most 36")
    digit = {status: STATUS_DIGITS[n] for n, status in enumerate(statuses)}
    latitudes, longitudes = [], []
    last_latitude = last_longitude = 0
    for agency in placed:
        latitude, longitude = round(agency["latitude"] * MARKER_SCALE), round(agency["longitude"] * MARKER_SCALE)
        latitudes.append(latitude - last_latitude)
        longitudes.append(longitude - last_longitude)
        last_latitude, last_longitude = latitude, longitude
    return {
        "scale": MARKER_SCALE,
        "statuses": statuses,
        "status": "".join(digit[agency["response_status"]] for agency in placed),
        "lat": latitudes,
        "lon": longitudes,
        "part_size": PART_SIZE,
        "parts": -(-len(placed) // PART_SIZE),
    }


def details(agencies: list[dict]) -> list[list[list[str]]]:
    """The details parts: [id, name, searches, period] of each marker, as its popup shows them, PART_SIZE a part."""
    shown = [
        [
            agency["agency_id"],
            agency["name"],
            agency["count_words"],
            "" if agency["use_period"] == "leaked" else agency["period_label"],
        ]
        for agency in mapped(agencies)
    ]
    return [shown[start : start + PART_SIZE] for start in range(0, len(shown), PART_SIZE)]

"""/map's compact markers file and its popups' parts (clearview/markers.py): every mapped agency once, at its point,
with its response, and its popup's words in the part the marker's position names."""

from __future__ import annotations

import itertools

import sqlite_utils

from clearview import markers, routes
from clearview.search_index import compact


async def test_the_markers_and_their_popups_are_every_mapped_agency(real_site, real_db):
    shown = {row["agency_id"]: row for row in sqlite_utils.Database(real_db).query("select * from agency_shown")}
    data = (await real_site.client.get(routes.path("map_markers"))).json()
    details = []
    for part in range(data["parts"]):
        details += (await real_site.client.get(f"{routes.path('map_details')}{part}.json")).json()
    mapped = {agency_id for agency_id, row in shown.items() if row["latitude"] is not None}
    assert sorted(row[0] for row in details) == sorted(mapped)
    points = zip(itertools.accumulate(data["lat"]), itertools.accumulate(data["lon"]), data["status"], strict=True)
    for (latitude, longitude, digit), (agency_id, name, searches, period) in zip(points, details, strict=True):
        agency = shown[agency_id]
        assert abs(latitude / data["scale"] - agency["latitude"]) <= 0.5 / markers.MARKER_SCALE
        assert abs(longitude / data["scale"] - agency["longitude"]) <= 0.5 / markers.MARKER_SCALE
        assert data["statuses"][int(digit, 36)] == agency["response_status"]
        assert (name, searches) == (agency["name"], agency["count_words"])
        assert period == ("" if agency["use_period"] == "leaked" else agency["period_label"])
    for past in (str(data["parts"]), "9" * 5_000):  # the next part, and a number too long to read as one
        assert (await real_site.client.get(f"{routes.path('map_details')}{past}.json")).status_code == 404


def test_the_markers_file_stays_small_at_scale():
    """20,000 synthetic agencies (generated here, never published) in 1,000 towns."""
    towns = [(25 + (n % 40) * 0.6, -124 + (n // 40) * 2.2) for n in range(1_000)]
    agencies = [
        {"latitude": towns[n % 1_000][0], "longitude": towns[n % 1_000][1], "response_status": ("a", "b", "c")[n % 3]}
        for n in range(20_000)
    ]
    body = compact(markers.markers(agencies))
    assert len(body) < 20_000 * 12  # a few bytes a marker, before gzip; the GeoJSON took about 200

"""The charts (clearview/charts.py): drawn by the build from the tallies, served as SVG beside their tables."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import sqlite_utils

from clearview import charts

SVG = "{http://www.w3.org/2000/svg}"


def numbers(svg: bytes | str) -> list[int]:
    """The number written after each bar, in order."""
    texts = ElementTree.fromstring(svg).iter(f"{SVG}text")
    return [int(text.text.replace(",", "")) for text in texts if text.get("text-anchor") != "end"]


async def test_each_chart_shows_the_numbers_its_table_holds(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    counted = {row["tally"]: json.loads(row["rows"]) for row in db.query("select * from tallies")}
    tallies = (await real_site.client.get("/tallies")).text
    for name, title, tally, label, count, _, _ in charts.CHARTS:
        response = await real_site.client.get(f"/charts/{name}.svg")
        assert response.headers["content-type"].startswith("image/svg+xml")
        shown = numbers(response.content)
        rows = counted[tally]
        assert sum(shown) == sum(row[count] for row in rows), name  # every row, the smallest maybe summed as "Other"
        assert shown[: charts.MOST_ROWS - 1] == [row[count] for row in rows][: charts.MOST_ROWS - 1], name
        desc = ElementTree.fromstring(response.content).find(f"{SVG}desc").text
        assert all(f"{row[label]}: {row[count]:,}" in desc for row in rows[: charts.MOST_ROWS - 1] if row[label])
        assert f'src="/charts/{name}.svg"' in tallies and f'<h2 id="{name}">{title}</h2>' in tallies
    by_status = db.execute(
        "select count(agency_shown.agency_id) from response_statuses left join agency_shown using (response_status) "
        "group by response_statuses.response_status order by response_statuses.precedence"
    ).fetchall()
    assert numbers((await real_site.client.get("/charts/by-status.svg")).content) == [n for (n,) in by_status]
    assert 'src="/charts/by-status.svg"' in (await real_site.client.get("/")).text
    assert (await real_site.client.get("/charts/no-such-chart.svg")).status_code == 404


def test_a_long_list_sums_its_smallest_rows_and_every_label_is_escaped():
    rows = [{"label": f"Synthetic <place> & {n}", "agencies": 100 - n} for n in range(40)]
    bars = charts.bars(rows, "label", "agencies", None, "Other places")
    assert len(bars) == charts.MOST_ROWS
    assert bars[-1][0] == f"Other places ({40 - charts.MOST_ROWS + 1})"
    assert sum(number for _, number, _ in bars) == sum(row["agencies"] for row in rows)
    svg = charts.svg("Synthetic <chart>", bars)
    assert "<place>" not in svg and "&lt;place&gt;" in svg
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Synthetic <chart>"
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    most = max(number for _, number, _ in bars)
    for width, (_, number, _) in zip(widths, bars, strict=True):  # each bar as long as its number says
        assert abs(width - round(widths[[n for _, n, _ in bars].index(most)] * number / most)) <= 1

"""XSS end to end: an agency whose every text field carries script and HTML is built into a synthetic database and
opened in Chromium on every kind of page, on the live site and on the static site. No payload may run; each must
show as text."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

import build_db
from clearview import schema
from clearview.browser import free_port, offline_context, serve_files
from clearview.static_site import build_static
from tests.browser_support import serve
from tests.conftest import synthetic_data

# Each payload sets window.__xss if it ever runs as code.
PAYLOADS = {
    "name": "Synthetic XSS Police <script>window.__xss='name'</script>",
    "aliases": "<img src=x onerror=\"window.__xss='aliases'\">",
    "location_note": "<svg onload=\"window.__xss='place'\"></svg>",
    "statement": "</blockquote><script>window.__xss='statement'</script>",
    "evidence_quote": "<a href=\"javascript:window.__xss='quote'\">quote</a>",
    "title": "<iframe srcdoc=\"<script>parent.__xss='title'</script>\"></iframe>",
    "publisher": "\"><script>window.__xss='publisher'</script>",
    "searches_reported": "<b onmouseover=\"window.__xss='count'\">more than 10</b>",
}
AGENCY_ID = "synthetic-xss-police"


def add_hostile_agency(data: Path) -> None:
    def append(name: str, row: dict) -> None:
        with open(data / f"{name}.csv", "a", encoding="utf-8", newline="") as handle:
            csv.DictWriter(handle, fieldnames=schema.TABLES[name]["columns"], lineterminator="\n").writerow(row)

    append(
        "sources",
        {
            "source_id": "synthetic-xss-source",
            "url": "https://example.org/synthetic-xss",
            "title": PAYLOADS["title"],
            "publisher": PAYLOADS["publisher"],
            "published": "2021-01",
        },
    )
    append(
        "agencies",
        {
            "agency_id": AGENCY_ID,
            "name": PAYLOADS["name"],
            "aliases": PAYLOADS["aliases"],
            "agency_type": "police_department",
            "country": "US",
            "latitude": "40.6",
            "longitude": "-75.3",
            "location_note": PAYLOADS["location_note"],
        },
    )
    append(
        "responses",
        {
            "agency_id": AGENCY_ID,
            "source_id": "synthetic-xss-source",
            "response_status": "confirmed_use",
            "statement": PAYLOADS["statement"],
            "statement_by": PAYLOADS["statement"],
            "use_period": "not_stated",
            "evidence_quote": PAYLOADS["evidence_quote"],
        },
    )
    append(
        "search_counts",
        {
            "agency_id": AGENCY_ID,
            "source_id": "synthetic-xss-source",
            "searches_min": "11",
            "searches_reported": PAYLOADS["searches_reported"],
            "measure": "searches",
            "note": PAYLOADS["searches_reported"],
            "evidence_quote": PAYLOADS["evidence_quote"],
        },
    )


def hostile_database(folder: Path) -> Path:
    data = synthetic_data(folder / "data")
    add_hostile_agency(data)
    build_db.build(data, folder / "clearview.db")
    return folder / "clearview.db"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Iterator[str]:
    with serve(hostile_database(tmp_path_factory.mktemp("xss"))) as url:
        yield url


def watched_page(browser: Browser, site: str) -> Iterator[Page]:
    """A page on site; a payload that opens a dialog fails the test."""
    context = offline_context(browser, site)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == []


@pytest.fixture
def page(browser: Browser, hostile_site: str) -> Iterator[Page]:
    yield from watched_page(browser, hostile_site)


def assert_inert(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.mouse.move(200, 200)
    assert page.evaluate("() => window.__xss") is None, "a payload ran"
    # The agency map's data is JSON in a <script type="application/json">: data, never run, escaped by tojson.
    live = "iframe, svg[onload], img[onerror], script:not([src]):not([type='application/json'])"
    found = page.locator(live).evaluate_all("nodes => nodes.filter(n => /__xss/.test(n.outerHTML)).length")
    assert found == 0, "a payload became an element"


@pytest.mark.parametrize(
    "path, shown",
    [
        ("/search?q=Synthetic+XSS", ["name"]),
        (f"/agency/{AGENCY_ID}", ["name", "aliases", "location_note", "statement", "evidence_quote", "title"]),
        (f"/clearview/agencies/{AGENCY_ID}", ["name", "statement", "publisher", "searches_reported"]),
        ("/clearview/agency_map?_facet=name", ["name"]),
        ("/clearview/source_facts?source_id=synthetic-xss-source", ["title", "publisher", "evidence_quote"]),
        ("/", []),
    ],
)
def test_payloads_render_as_text_and_never_run(page: Page, path: str, shown: list[str]):
    page.goto(path)
    assert_inert(page)
    text = page.locator("body").inner_text()
    for field in shown:
        assert PAYLOADS[field] in text, f"{field} not shown as text on {path}"


def test_map_popup_shows_the_payload_as_text(page: Page):
    page.goto(f"/clearview/agency_map?agency_id={AGENCY_ID}")
    marker = page.locator(".leaflet-marker-icon.status-marker")
    marker.wait_for()
    assert marker.get_attribute("title") == f"{PAYLOADS['name']}: Confirmed use"
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert PAYLOADS["name"] in popup.inner_text()
    assert_inert(page)


def test_agency_page_map_popup_shows_the_payload_as_text(page: Page):
    page.goto(f"/agency/{AGENCY_ID}")
    page.locator("#agency-map .leaflet-marker-icon").first.click()
    popup = page.locator("#agency-map .leaflet-popup-content")
    popup.wait_for()
    assert PAYLOADS["name"] in popup.inner_text()
    assert_inert(page)


# -- the static site: the same agency, built by `make static` and served as files ---------------------------------


@pytest.fixture(scope="module")
def hostile_static_site(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("xss-static")
    db = hostile_database(folder)
    port = free_port()
    build_static(db, f"http://127.0.0.1:{port}/", folder / "site")
    with serve_files(folder / "site", port) as url:
        yield url


@pytest.fixture
def static_page(browser: Browser, hostile_static_site: str) -> Iterator[Page]:
    yield from watched_page(browser, hostile_static_site)


@pytest.mark.parametrize(
    "path, shown",
    [
        ("/search/?q=Synthetic+XSS", ["name"]),
        (f"/agency/{AGENCY_ID}/", ["name", "aliases", "location_note", "statement", "evidence_quote", "title"]),
        ("/browse/agency-type/police-department/", ["name"]),
        ("/browse/response/confirmed-use/", ["name"]),
        ("/", []),
    ],
)
def test_payloads_render_as_text_and_never_run_on_the_static_site(static_page: Page, path: str, shown: list[str]):
    static_page.goto(path)
    if path.startswith("/search"):
        static_page.locator("#search-results .agency-card").first.wait_for()  # answered in the browser
    assert_inert(static_page)
    text = static_page.locator("body").inner_text()
    for field in shown:
        assert PAYLOADS[field] in text, f"{field} not shown as text on {path}"


def test_static_map_popup_shows_the_payload_as_text(static_page: Page):
    # The markers file carries no names, so the hostile agency's marker is found through the popups' parts, and the
    # other markers are moved to one far point, leaving its marker alone and unclustered; its popup is the site's.
    data = static_page.request.get("map/markers.json").json()
    details = [row for n in range(data["parts"]) for row in static_page.request.get(f"map/details/{n}.json").json()]
    hostile = next(n for n, row in enumerate(details) if row[1] == PAYLOADS["name"])
    points = list(zip(itertools.accumulate(data["lat"]), itertools.accumulate(data["lon"]), strict=True))
    points = [point if n == hostile else (0, 0) for n, point in enumerate(points)]
    data["lat"] = [b - a for a, b in itertools.pairwise([0, *(lat for lat, _ in points)])]
    data["lon"] = [b - a for a, b in itertools.pairwise([0, *(lon for _, lon in points)])]
    static_page.route("**/map/markers.json", lambda route: route.fulfill(json=data))
    static_page.goto("/map/")
    static_page.locator("#reader-map[data-markers]").wait_for()
    static_page.locator("#reader-map .leaflet-marker-icon.status-marker").click()
    popup = static_page.locator(".leaflet-popup-content a")
    popup.wait_for()
    assert PAYLOADS["name"] in popup.inner_text()
    assert_inert(static_page)

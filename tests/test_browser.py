"""The reader's path in real Chromium: search, agency page, map, accessibility (axe-core) and a 375 px screen.

Debian's chromium and axe-core from npm are installed by `make browser` (part of `make test`); without them these
tests fail, never skip.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils
from playwright.sync_api import Browser, Page, expect

from clearview import markers
from clearview.browser import offline_context
from tests.browser_support import AXE_JS, serve

READER_PAGES = [
    "/",
    "/search?q=Timmins",
    "/agency/toronto-police-service",
    "/methodology",
    "/tallies",
    "/data-dictionary",
    "/search?q=Boise",
    "/search?q=",
    "/browse",
    "/browse/response/confirmed-use",
    "/map",
    "/downloads",
    "/agency/cobb-county-police-department",  # known only from later use
    "/search?q=Tampa+Florida",  # nothing local: the records request
    "/search?q=police",  # a long list, folded by country
    "/search?q=free+trial",  # what agencies said, the phrase marked
    "/search?q=Toronto&in=said",
]


@pytest.fixture(scope="module")
def live_server(real_db) -> Iterator[str]:
    with serve(real_db) as url:
        yield url


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = offline_context(browser, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A request the Content-Security-Policy blocks shows as a console error: the site must not make one.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert not errors, f"JavaScript or console errors: {errors}"


def test_town_search_leads_to_the_agency_page_with_response_and_source(page: Page, real_db):
    page.goto("/")
    page.get_by_label("Search an agency or a place").fill("Timmins")
    page.keyboard.press("Enter")
    timmins = sqlite_utils.Database(real_db)["agencies"].get("timmins-police-service")["name"]  # a permanent id
    page.get_by_role("link", name=timmins).first.click()
    expect(page).to_have_url(re.compile(r"/agency/timmins-police-service$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(timmins)
    expect(page.locator("strong.response-status")).not_to_be_empty()
    sources = sqlite_utils.Database(real_db).query(
        "select publisher, published from responses join sources using (source_id) where agency_id = ?",
        ["timmins-police-service"],
    )
    for source in sources:
        expect(page.locator(".agency-sources li").filter(has_text=source["publisher"])).to_contain_text(
            source["published"]
        )


def tab_to(page: Page, expression: str, wanted: str) -> None:
    """Press Tab until the focused element's expression gives wanted (20 presses at most)."""
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {expression}") == wanted:
            return
    pytest.fail(f"{wanted!r} cannot be reached with the Tab key")


def test_search_and_results_work_from_the_keyboard(page: Page, real_db):
    toronto = sqlite_utils.Database(real_db)["agencies"].get("toronto-police-service")["name"]  # a permanent id
    page.goto("/")
    tab_to(page, "document.activeElement.id", "reader-q")
    page.keyboard.type("Tornto police")
    page.keyboard.press("Enter")
    expect(page.locator(".agency-card a.agency-name").filter(has_text=toronto)).to_have_count(1)
    tab_to(page, "document.activeElement.textContent", toronto)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(toronto)


def map_marker_total(page: Page) -> int:
    """Markers on the cluster map: single markers plus the agencies each cluster counts."""
    return page.evaluate(
        """() => {
          const map = document.querySelector('.leaflet-container');
          const single = map.querySelectorAll('.leaflet-marker-icon.status-marker').length;
          const clustered = [...map.querySelectorAll('.marker-cluster span')]
            .reduce((sum, span) => sum + parseInt(span.textContent, 10), 0);
          return single + clustered;
        }"""
    )


def test_map_shows_one_marker_per_agency(page: Page, real_db):
    agencies = sqlite_utils.Database(real_db)["agencies"].count
    page.goto("/clearview/agency_map")
    page.wait_for_selector(".leaflet-container .marker-cluster, .leaflet-container .status-marker")
    expect(page.locator(".map-legend li")).to_have_count(7)
    deadline = time.monotonic() + 10
    while map_marker_total(page) != agencies and time.monotonic() < deadline:
        time.sleep(0.1)
    assert map_marker_total(page) == agencies


@pytest.mark.parametrize("query", ["country=Canada", "_search=sheriff", "response_status=Denied&country=United+States"])
def test_map_follows_the_facet_filters_and_search(page: Page, query: str):
    table = page.request.get(f"/clearview/agency_map.json?{query}&_size=0").json()
    assert table["filtered_table_rows_count"] > 0
    page.goto(f"/clearview/agency_map?{query}")
    page.wait_for_selector(".leaflet-marker-icon")
    deadline = time.monotonic() + 10
    while map_marker_total(page) != table["filtered_table_rows_count"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert map_marker_total(page) == table["filtered_table_rows_count"]


def test_marker_shows_the_response_and_its_popup_links_to_the_agency_page(page: Page, real_db):
    sql = "select * from agency_shown where agency_id = 'toronto-police-service'"
    shown = next(sqlite_utils.Database(real_db).query(sql))
    status, name = shown["response_status"], shown["name"]
    page.goto("/clearview/agency_map?agency_id=toronto-police-service")
    marker = page.locator(f".leaflet-marker-icon.status-marker.status-{status}")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("title", f"{name}: {shown['response_label']}")
    marker.click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_contain_text(name)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_agency_page_map_shows_the_agency_and_its_neighbours(page: Page, real_db):
    status = sqlite_utils.Database(real_db)["agencies"].get("toronto-police-service")["response_status"]
    page.goto("/agency/toronto-police-service")
    nearby = page.locator(".agency-where .agency-card").count()
    assert nearby > 0
    expect(page.locator("#agency-map .leaflet-marker-icon.status-marker")).to_have_count(nearby + 1)
    expect(page.locator(f"#agency-map .status-{status}")).not_to_have_count(0)  # the agency's own marker


def axe_violations(page: Page) -> list[dict]:
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `make browser` (npm install axe-core)"
    page.add_script_tag(content=AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", READER_PAGES)
def test_no_serious_accessibility_violations(page: Page, path: str):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", READER_PAGES + ["/clearview/agency_map"])
def test_no_horizontal_scroll_at_375_px(browser: Browser, live_server: str, path: str, tmp_path: Path):
    context = offline_context(browser, live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=tmp_path / "375.png", full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert width <= 375, f"{path} scrolls sideways: {width} px wide at a 375 px viewport"


ANSWER = re.compile(
    r"No agency in .+ is listed\.|\d+ listed agenc(y is|ies are) in .+\."
    r"|\d+ national agenc(y is|ies are) placed in .+, the capital\."
    r"|\d+ listed agenc(y matches|ies match) the name\."
)


def us_towns(count: int = 12) -> list[str]:
    """A seeded sample of US towns from the gazetteer, as a reader would type them ("Boise, Idaho")."""
    import random

    from clearview import gazetteer

    towns = sorted({(p.name, p.state) for p in gazetteer.load().places() if p.country == "US" and p.state})
    return [f"{name}, {state}" for name, state in random.Random(14).sample(towns, count)] + ["Boise", "Durham"]


def test_a_us_town_answers_first_at_375_px_in_under_2500_px_with_no_card_twice(page: Page):
    page.set_viewport_size({"width": 375, "height": 800})
    for town in us_towns():
        page.goto(f"/search?q={town}")
        answer = page.locator("#search-results .answer").first.inner_text()
        assert ANSWER.match(answer), (town, answer)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 2500, (town, height)
        cards = page.locator("#search-results .agency-card:visible .agency-name").evaluate_all(
            "links => links.map((a) => a.getAttribute('href'))"
        )
        assert len(cards) == len(set(cards)), town


def test_the_ways_readers_ask_fit_375_px_with_each_agency_once(page: Page, real_db):
    """The reader queries of the parity set and phrases cut from what was said (tests/test_static.py), at 375 px:
    the answer first, each page under 2,500 px, no agency on two cards (folded ones counted)."""
    from tests.test_static import READER_QUERIES, said_queries

    page.set_viewport_size({"width": 375, "height": 800})
    for query in READER_QUERIES + said_queries(real_db)[:40]:
        page.goto(f"/search?q={quote(query)}")
        assert page.locator("#search-results h1").count() == 1, query
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 2500, (query, height)
        cards = page.locator("#search-results .agency-card .agency-name").evaluate_all(
            "links => links.map((a) => a.getAttribute('href'))"
        )
        assert len(cards) == len(set(cards)), query


@pytest.mark.parametrize(
    "query, first",
    [
        ("my town is Hamden CT", "Hamden, Connecticut, United States"),  # filler words
        ("Montreal police", "Montréal, Quebec, Canada"),  # a place and an agency word
        ("Chicago PD", "Chicago, Illinois, United States"),  # a place and an abbreviation: its agencies listed there
        ("Bosie", "Boise, Idaho, United States"),  # a misspelt town
        ("Connecticut", "Connecticut, United States"),  # a state
        ("Sweden", "Sweden"),  # a country ranked above a look-alike name
        ("Ontario", "Ontario, Canada"),  # ambiguous: the best match, the others on one line
    ],
)
def test_each_way_of_asking_on_the_live_site(page: Page, query: str, first: str):
    """The same classes run in the static site by test_static.py's parity test."""
    page.goto(f"/search?q={query}")
    heading = page.locator("#search-results h2, #search-results .agency-name").first
    assert heading.inner_text() in (first, "Agencies whose name matches")
    assert first in page.locator("#search-results").inner_text()


def ways_of_asking(real_db) -> list[tuple[str, str]]:
    """(query, agency_id) for a town-placed agency of a big town, asked as readers ask: the town and its state without a
    comma, the state first, inside a question, and misspelt before its state (clearview.search.readings)."""
    import random

    from clearview import gazetteer

    big = {key for key, _ in gazetteer.load().largest(100_000)}
    with sqlite3.connect(real_db) as connection:
        rows = connection.execute(
            "select agency_id, city, state_province from agency_shown where location_precision = 'city' "
            "and state_province != '' order by agency_id"
        ).fetchall()
    agency_id, city, state = random.Random(3).choice([r for r in rows if r[1].lower() in big])
    misspelt = city[:2] + city[3] + city[2] + city[4:]
    return [
        (f"{city} {state}", agency_id),
        (f"{state} {city}", agency_id),
        (f"Did the police in {city} {state} use Clearview?", agency_id),
        (f"{misspelt} {state}", agency_id),
    ]


def test_every_way_of_asking_lists_the_agency_first_at_375_px(page: Page, real_db):
    page.set_viewport_size({"width": 375, "height": 800})
    for query, agency_id in ways_of_asking(real_db):
        page.goto(f"/search?q={quote(query)}")
        first = page.locator("#search-results section").first
        links = first.locator(".agency-name").evaluate_all("links => links.map((a) => a.getAttribute('href'))")
        assert any(link.endswith(f"/agency/{agency_id}") for link in links), (query, links)
        assert page.evaluate("document.documentElement.scrollHeight") < 2500, query


def test_a_town_with_nothing_listed_offers_a_records_request(page: Page, real_db):
    with sqlite3.connect(real_db) as connection:
        listed = {city.lower() for (city,) in connection.execute("select city from agency_shown where city != ''")}
    town = next(t for t in us_towns(40) if t.split(",")[0].lower() not in listed)
    page.goto(f"/search?q={quote(town)}")
    block = page.locator("section.ask-agency").first
    assert "Ask your agency" in block.inner_text()
    request = block.locator(".request-text").text_content()
    assert town.split(",")[0] in request and "Clearview AI" in request and "2018" in request
    with page.expect_download() as download:
        block.locator(".download-request").click()
    assert Path(download.value.path()).read_text(encoding="utf-8") == request


def test_the_404_page_has_no_serious_accessibility_violation_and_fits_375_px(browser: Browser, live_server: str):
    context = offline_context(browser, live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    response = page.goto("/agency/no-such-agency")  # its own 404 is the one console error Chromium logs here
    assert response.status == 404
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_reader_map_places_twenty_thousand_agencies(page: Page, real_db):
    """/map at 20,000 agencies (synthetic points, served in place of the real file): fitting the view to the clusters
    before they were built threw "Bounds are not valid" and left no marker. Every marker is placed."""
    import json
    import random

    rng = random.Random(20_000)
    statuses = [
        row["response_status"] for row in sqlite_utils.Database(real_db).query("select * from response_statuses")
    ]
    agencies = [
        {
            "agency_id": f"synthetic-{n}",
            "name": f"Synthetic agency {n} (test data)",
            "latitude": rng.uniform(25, 49),
            "longitude": rng.uniform(-124, -67),
            "response_status": rng.choice(statuses),
            "count_words": "no count reported",
            "use_period": "leaked",
            "period_label": "",
        }
        for n in range(20_000)
    ]
    body = json.dumps(markers.markers(agencies))
    page.route("**/map/markers.json", lambda route: route.fulfill(body=body, content_type="application/json"))
    page.goto("/map")
    page.locator("#reader-map[data-markers='20000']").wait_for(timeout=60_000)
    # Clusters of the synthetic points on screen (those in view: Leaflet.markercluster draws no others), the legend,
    # the zoom; and no error (the page fixture fails on any).
    clusters = page.locator("#reader-map .marker-cluster")
    clusters.first.wait_for(timeout=15_000)
    assert sum(int(n) for n in clusters.all_inner_texts()) > 1_000
    assert page.locator(".map-legend").count() == 1 and page.locator(".leaflet-control-zoom").count() == 1

"""The static site (`make static`): built from the real data, served by `python -m http.server` on loopback at the
root and under a sub-path, crawled link by link and opened in Chromium."""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_plus, urljoin, urlsplit

import httpx
import pycountry
import pytest
import zipcodes
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from clearview import gazetteer, said
from clearview.browser import free_port, offline_context, serve_files
from clearview.search import AGENCIES_SQL, AgencyIndex, search
from clearview.static_site import build_static
from clearview.wording import SHOWN

TILE_HOST = re.compile(r"^[abc]\.tile\.openstreetmap\.org$")


@pytest.fixture(scope="module", params=["/", "/clearview/usage/"], ids=["root", "sub-path"])
def static_site(request, real_db: Path, tmp_path_factory) -> Iterator[str]:
    """The site's URL, with the base path it was built for."""
    port = free_port()
    root = tmp_path_factory.mktemp("static")
    site_url = f"http://127.0.0.1:{port}{request.param}"
    build_static(real_db, site_url, root / request.param.strip("/"))
    with serve_files(root, port):
        yield site_url


@pytest.fixture(scope="module")
def agency_count(real_db: Path) -> int:
    with sqlite3.connect(real_db) as db:
        return db.execute("select count(*) from agencies where latitude is not null").fetchone()[0]


@pytest.fixture(scope="module")
def toronto(real_db: Path) -> dict:
    """The agency these tests visit, as agency_shown has it today (its id is a permanent URL; the rest may change)."""
    with sqlite3.connect(real_db) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("select * from agency_shown where agency_id = 'toronto-police-service'").fetchone())


def test_every_static_page_reads_right_under_a_server_that_sends_no_charset(static_site: str, toronto: dict):
    """http.server sends text/html with no charset: each page must say utf-8 itself, in its first 1,024 bytes."""
    import urllib.request

    with urllib.request.urlopen(f"{static_site}agency/toronto-police-service/") as response:
        assert "charset" not in response.headers["content-type"]
        page = response.read()
    assert b'<meta charset="utf-8">' in page[:1024]
    assert toronto["name"].encode() in page


def test_static_agency_pages_say_what_agency_shown_says(static_site: str, real_db: Path):
    """The static door: the same headline label, count wording and period as the live pages (tests/test_doors.py)."""
    import urllib.request

    from tests.conftest import page_text
    from tests.test_doors import SAMPLE_SQL

    with sqlite3.connect(real_db) as db:
        db.row_factory = sqlite3.Row
        for agency_id in [row["agency_id"] for row in db.execute(SAMPLE_SQL)]:
            agency = db.execute("select * from agency_shown where agency_id = ?", [agency_id]).fetchone()
            with urllib.request.urlopen(f"{static_site}agency/{agency_id}/") as response:
                text = page_text(response.read().decode("utf-8"))
            assert f"{agency['response_symbol']} {agency['response_label']}" in text
            assert agency["count_words"] in text
            assert agency["use_period"] == "leaked" or agency["period_label"] in text


class Links(HTMLParser):
    """Every URL a page links to or loads: (attribute, tag, rel, url)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        for name, value in attrs:
            # A data-* attribute that is an address (data-index); not one that only holds a slash ("State/provincial").
            wanted = name in ("href", "src", "action") or (
                name.startswith("data-") and (value or "").startswith(("/", "http"))
            )
            if value and wanted and not name.endswith("-path"):  # data-*-path: a prefix a script completes
                self.found.append((name, tag, values.get("rel") or "", value))


def crawl(site_url: str) -> tuple[dict[str, int], list[str], set[str]]:
    """Every page and asset reachable from the landing page: {url: status}, broken links, outside resources."""
    host = urlsplit(site_url).netloc
    statuses: dict[str, int] = {}
    broken, outside = [], set()
    queue = [(site_url, "(start)")]
    with httpx.Client(follow_redirects=True, timeout=30) as client:
        while queue:
            url, referrer = queue.pop()
            if url in statuses:
                continue
            response = client.get(url)
            statuses[url] = response.status_code
            if response.status_code != 200:
                broken.append(f"{url} ({response.status_code}) from {referrer}")
                continue
            content_type = response.headers.get("content-type", "")
            found: list[tuple[str, str]] = []  # (url, kind): kind "link" may leave the site, "resource" may not
            if "text/html" in content_type:
                parser = Links()
                parser.feed(response.text)
                for name, tag, rel, value in parser.found:
                    is_link = (name == "href" and tag == "a") or name == "action" or rel in ("alternate", "license")
                    found.append((value, "link" if is_link else "resource"))
            elif url.endswith(".css"):
                found += [(u, "resource") for u in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", response.text)]
            elif url.endswith(".js"):
                found += [(u, "resource") for u in re.findall(r"""from\s*["'](\.{1,2}/[^"']+)["']""", response.text)]
            for value, kind in found:
                if value.startswith(("data:", "mailto:", "#")):
                    continue
                target = urljoin(str(response.url), value).split("#")[0]
                if urlsplit(target).netloc == host:
                    queue.append((target, url))
                elif kind == "resource" and not TILE_HOST.match(urlsplit(target).hostname or ""):
                    outside.add(f"{target} from {url}")
    return statuses, broken, outside


def test_crawl_finds_no_broken_link_and_loads_nothing_from_other_hosts(static_site: str, agency_count: int):
    statuses, broken, outside = crawl(static_site)
    assert broken == []
    assert outside == set()
    pages = [url for url in statuses if "/agency/" in url]
    assert len(pages) >= agency_count  # every agency page is linked from somewhere (browse, map data aside)
    assert any(url.endswith("/search/index.json") for url in statuses)
    assert any(url.endswith("/map/agencies.geojson") for url in statuses)
    assert any(url.endswith("/map/markers.json") for url in statuses)
    assert any(url.endswith("/downloads/agencies.csv") for url in statuses)
    assert any(url.endswith("/clearview.db") for url in statuses)
    assert any(url.endswith("/charts/by-status.svg") for url in statuses)  # the charts are the same files


def test_every_link_stays_under_the_base_path(static_site: str):
    base = urlsplit(static_site).path
    html = httpx.get(static_site).text
    root_links = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
    assert root_links and all(link.startswith(base) for link in root_links)


def test_sql_links_open_datasette_lite_on_the_sites_own_database(static_site: str):
    html = httpx.get(static_site).text
    lite = re.findall(r'href="(https://lite\.datasette\.io/[^"]*)"', html)
    assert lite, "the landing page has no Datasette Lite link"
    database = httpx.URL(lite[0].replace("&amp;", "&")).params["url"]
    assert database == static_site + "clearview.db"
    assert httpx.get(database).status_code == 200
    # No link to an engine that cannot answer it: Lite lacks distance_km, fts_prefix, the feed and the cluster map.
    from clearview.lite import LITE_CANNOT

    for link in lite:
        assert not LITE_CANNOT.search(link.partition("#")[2].split("?")[0]), link
    assert "prefix search" in html and "/name_search" not in html


@pytest.fixture
def page(browser: Browser, static_site: str) -> Iterator[Page]:
    context = offline_context(browser, static_site)
    page = context.new_page()
    host = urlsplit(static_site).netloc
    outside: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: (
            None
            if urlsplit(r.url).netloc == host or TILE_HOST.match(urlsplit(r.url).hostname or "")
            else outside.append(r.url)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert outside == []
    assert errors == []


def test_a_typod_agency_name_finds_the_agency_page(page: Page, static_site: str, toronto: dict):
    page.goto(static_site)
    page.locator("#reader-q").fill("tornto police")
    page.keyboard.press("Enter")
    result = page.locator("#search-results .agency-name").filter(has_text=toronto["name"]).first
    result.wait_for()
    result.click()
    page.wait_for_url("**/agency/toronto-police-service/")
    assert toronto["name"] in page.locator("h1").inner_text()
    assert toronto["response_label"] in page.locator("body").inner_text()


def test_a_place_search_lists_the_agencies_in_and_near_it(page: Page, static_site: str, toronto: dict):
    page.goto(static_site + "search/?q=Toronto")
    page.locator(".place-result").first.wait_for()
    place = page.locator(".place-result").first
    assert place.locator("h2").inner_text().startswith("Toronto, Ontario")
    assert toronto["name"] in place.inner_text()


def test_a_place_only_covered_lists_its_covering_agencies_when_opened(page: Page, static_site: str):
    page.goto(static_site + "search/?q=Boston")
    covers = page.locator("#search-results details.covers").first
    covers.wait_for()
    assert covers.locator(".agency-card").count() == 0  # fetched only when a reader opens the list
    covers.locator("summary").click()
    covers.locator(".agency-card").first.wait_for(state="attached")  # a long list comes folded by region
    count = int(covers.locator("summary").first.inner_text().split()[0])
    assert covers.locator(".agency-card").count() == count > 0


def test_the_search_says_it_is_searching_then_says_plainly_when_it_cannot_load(browser: Browser, static_site: str):
    context = offline_context(browser, static_site)
    page = context.new_page()
    held: list = []
    page.route("**/search/index.json", lambda route: held.append(route))
    page.goto(static_site + "search/?q=Toronto")
    searching = page.locator("#search-results .searching")
    searching.wait_for()
    assert searching.inner_text() == "Searching for “Toronto”…"
    assert page.locator("#search-results").get_attribute("aria-busy") == "true"
    held[0].continue_()
    page.locator("#search-results .answer").first.wait_for()
    assert page.locator("#search-results").get_attribute("aria-busy") is None
    # A part that cannot be fetched (the connection dropped): a message, not a page that stays blank.
    page.unroute("**/search/index.json")
    page.route("**/search/places/**", lambda route: route.abort())
    page.goto(static_site + "search/?q=Timmins")
    failed = page.locator("#search-results .search-failed[role=alert]")
    failed.wait_for()
    assert "could not load" in failed.inner_text() and "try again" in failed.inner_text()
    assert page.locator("#search-results .searching").count() == 0
    context.close()


def test_the_404_page_leads_on_to_a_search_the_static_site_answers(page: Page, static_site: str, toronto: dict):
    page.goto(static_site + "404.html")
    page.locator(".error-help a", has_text="Toronto").click()
    page.locator("#search-results .answer").first.wait_for()
    assert toronto["name"] in page.locator("#search-results").inner_text()
    assert not page.url.startswith("https://lite.datasette.io")


READ_AS_LIVE = (
    "Boise",
    "Toronto",
    "Connecticut",
    "Ontario",
    "Durham",
    "Boston",  # only covering agencies: opened below
    "United States",  # more agencies than a list shows
    "police",  # more names than a list shows
    "tornto police",
    "toronto police",  # the town's police service: one card, in the town, saying its name matches too
    "07011",
    "Sweden",
    "Atlantis Gotham",  # nothing listed
    "Tampa Florida",  # nothing local: the records request, the place filled in
    "Washington DC",  # a capital: its national agencies listed
    "Scotland Yard",  # an alias: the card says so
    "free trial",  # no name or place: what agencies said answers, the phrase marked
    "declined to comment",
)
SAID_AS_LIVE = ("Toronto", "Clearview", "police")  # asked for what was said (in=said), though a name or place answers


def results_text(page: Page) -> str:
    """What a reader reads of the results, every folded list opened: the text, white space folded."""
    opened = "document.querySelectorAll('#search-results details').forEach((d) => { d.open = true; })"
    page.evaluate(opened)
    page.wait_for_function(
        "[...document.querySelectorAll('#search-results details.covers')].every((d) => d.querySelector('ol'))"
    )
    page.evaluate(opened)  # the groups of a folded list loaded when opened
    return " ".join(page.locator("#search-results").inner_text().split())


def test_the_static_results_read_as_the_live_ones(page: Page, browser: Browser, static_site: str, real_db):
    """The two editions lay out an answer in two languages (Jinja, JS) from one table of words
    (clearview/wording.py): every sentence, heading, card and "more" line must read the same."""
    from tests.conftest import make_datasette

    live_page = browser.new_page()
    capped = 0
    asked = [f"q={quote_plus(query)}" for query in READ_AS_LIVE]
    asked += [f"q={quote_plus(query)}&in=said" for query in SAID_AS_LIVE]
    for query in asked:
        page.goto(static_site + f"search/?{query}")
        page.locator("#search-results .answer, #search-results .no-results").first.wait_for()
        static = results_text(page)
        # Playwright's sync API keeps an event loop running here: the live site answers in a thread of its own.
        with ThreadPoolExecutor(1) as thread:
            response = thread.submit(asyncio.run, make_datasette(real_db).client.get(f"/search?{query}"))
            live_html = response.result().text
        live_page.set_content(live_html.replace('<script type="module"', '<script type="inert"'))
        assert static == results_text(live_page), query
        capped += live_page.locator("#search-results p.more").count()
        # "more" leads to the browse pages, which the static site has under its own base path.
        links = page.locator("#search-results p.more a").evaluate_all("(links) => links.map((a) => a.href)")
        assert set(links) <= {static_site + "browse/"}, query
    live_page.close()
    assert capped >= 2  # the long lists were cut, in both editions alike


def test_the_map_shows_every_agency(page: Page, static_site: str, agency_count: int):
    page.goto(static_site + "map/")
    page.locator(f"#reader-map[data-markers='{agency_count}']").wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    clusters = page.locator(".marker-cluster").all_inner_texts()
    singles = page.locator(".leaflet-marker-icon.status-marker").count()
    assert sum(int(n) for n in clusters) + singles == agency_count


def test_a_map_popup_opens_the_agency_page(page: Page, static_site: str):
    page.goto(static_site + "map/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    singles = page.locator("#reader-map .leaflet-marker-icon.status-marker")
    for _ in range(8):  # a cluster zooms in when clicked, until single markers show
        if singles.count():
            break
        page.locator("#reader-map .marker-cluster").first.click()
        page.wait_for_timeout(700)
    marker = singles.first
    link = page.locator("#reader-map .leaflet-popup-content a")
    for _ in range(5):  # a click while the map still pans or adds markers opens nothing: click again
        marker.click()
        try:
            link.wait_for(timeout=3000)
            break
        except PlaywrightTimeout:
            continue
    name = link.inner_text()  # fetched when the popup opened (the markers file carries no names)
    link.click()
    page.wait_for_url("**/agency/**")
    assert page.locator("h1").inner_text().startswith(name)


# The same queries through the live site's search (Python) and the static site's (JavaScript, in Chromium): a fixed
# set of the ways readers ask, and a large generated one (parity_queries).
READER_QUERIES = [
    "toronto",
    "tornto polce",
    "toronto police",
    "rcmp",
    "royal canadian mounted police",
    "sheriff's office",
    "ontario",
    "canada",
    "durham",
    "london, ontario",
    "cook county, illinois",
    "peel region",
    "new york",
    "st. paul",
    "90012",
    "polizia",
    "clifton nj",
    "des moines",
    "xyzzy nowhere",
    # How a person asks (clearview.search.understand): filler, a place with an agency word, abbreviations.
    "my town is hamden ct",
    "police in timmins",
    "did toronto police use clearview?",
    "montreal police",
    "montreal",
    "boise pd",
    "chicago pd",
    "toronto ps",
    "sweden",
    "new south wales",
    "connecticut",
    "bosie",  # a misspelt town (clearview.search.corrected_town)
    "sacremento",
    # Places the live site answers only through an agency that covers them (the old static index had none).
    "adelaide",
    "rome",
    "stockholm",
    "boston",
    "montréal",
    "2020",  # a number: the words without a letter are fetched only then
    "pd 12",
    # A town with its region in any order, without commas, with a postal code; questions; nicknames; hyphens; a
    # misspelt town with its state; nations; capitals; a kind of agency that is not in the name; an alias whole.
    "tampa florida",
    "ottawa ontario canada",
    "florida tampa",
    "timmins ontario",
    "timmins on p4n 1a1",
    "tampa fl 33602",
    "did police in tampa florida use clearview?",
    "is there anything for raleigh north carolina?",
    "does the toronto police use facial recognition?",
    "nyc",
    "dc",
    "philly",
    "winston salem",
    "wilkes barre",
    "miami dade county",
    "sacremento california",
    "tornto ontario",
    "england",
    "scotland",
    "washington dc",
    "paris",
    "ottawa",
    "durham county sheriff",
    "scotland yard",
]


def swapped(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, as a hurried reader types."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def parity_queries(agencies: list[dict], seed: int = 15) -> list[str]:
    """Every country; every state or province of a country with a listed agency; 300 gazetteer towns drawn at random,
    alone, with their state and misspelt; counties, ZIP codes, every agency's name, typos and the reader phrasings."""
    rng = random.Random(seed)
    places = list(gazetteer.load().places())
    countries = {a["country"] for a in agencies}
    queries = list(READER_QUERIES)
    queries += [country.name for country in pycountry.countries]
    queries += [s.name for s in pycountry.subdivisions if s.country_code in countries and s.parent_code is None]
    towns = rng.sample(places, 300)
    queries += [t.name for t in towns]
    queries += [f"{t.name}, {t.state}" for t in towns[:100] if t.state]
    queries += [f"{t.name} {t.state}" for t in towns[160:200] if t.state]  # no comma
    queries += [f"{t.state} {t.name}" for t in towns[200:220] if t.state]  # the region first
    queries += [f"did the police in {t.name} {t.state} use clearview?" for t in towns[220:235] if t.state]
    placed = [a for a in agencies if a["city"] and a["state_province"]]
    queries += [f"{swapped(a['city'], rng)} {a['state_province']}" for a in rng.sample(placed, 20)]
    queries += [swapped(t.name, rng) for t in towns[100:160]]
    queries += [t.county for t in rng.sample(places, 40) if t.county]
    queries += [z["zip_code"] for z in rng.sample(zipcodes.list_all(), 40)]
    queries += [a["name"] for a in agencies]
    queries += [swapped(a["name"], rng) for a in rng.sample(agencies, 40)]
    listed_towns = sorted({a["city"] for a in agencies if a["city"]})
    queries += [f"police in {town}" for town in rng.sample(listed_towns, 15)]
    queries += [f"{town} police" for town in rng.sample(listed_towns, 15)]
    queries += [f"did {a['name']} use clearview?" for a in rng.sample(agencies, 15)]
    return list(dict.fromkeys(queries))


def reasons(entries) -> list[list[str]]:
    """Each agency's other reasons, once each, in one order (the editions keep them by card and by agency)."""
    return [list(entry) for entry in sorted({tuple(entry) for entry in entries})]


def live_answers(db: Path, queries: list[str]) -> dict[str, dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        agencies = AgencyIndex([dict(row) for row in connection.execute(AGENCIES_SQL)])
    places = gazetteer.load()
    answers = {}
    for query in queries:
        results = search(agencies, query, places)
        answers[query] = {
            "names": [f.agency["agency_id"] for f in results.names],
            "places": [
                [
                    r.place.label,
                    r.place.kind,
                    # What the page shows: the static edition fetches a long list's first screen, and its count.
                    [f.agency["agency_id"] for f in r.here[:SHOWN]],
                    [[f.agency["agency_id"], f.distance_km] for f in r.nearby[:SHOWN]],
                    len(r.nearby),
                    [f.agency["agency_id"] for f in r.covers],
                    [f.agency["agency_id"] for f in r.seat],
                    len(r.here),
                ]
                for r in results.places
            ],
            # One card with all its reasons.
            "also": reasons(
                [f.agency["agency_id"], *reason]
                for f in results.names + [f for r in results.places for f in r.here + r.nearby + r.seat]
                for reason in f.also
            ),
        }
    return answers


STATIC_ANSWERS = """async ([moduleUrl, indexUrl, queries]) => {
  const { search, Store } = await import(moduleUrl);
  const store = new Store(indexUrl);
  const answers = {};
  const shown = (await store.index()).constants.shown;
  for (const query of queries) {
    const r = await search(store, query);
    const places = [];
    for (const p of r.places) {
      const covers = await store.records(p.covers);
      // A long list's first screen is positions; its records are fetched here only to name them.
      const here = await store.records(p.here.slice(0, shown).map((a) => a.p));
      const nearby = await store.records(p.nearby.slice(0, shown).map((n) => n.agency.p));
      places.push([p.place.label, p.place.kind, here.map((a) => a.id),
        nearby.map((a, i) => [a.id, p.nearby[i].km]), p.nearby.total ?? p.nearby.length,
        covers.map((a) => a.id), p.seat.map((a) => a.id), p.here.total ?? p.here.length]);
    }
    const names = await store.records(r.names.map((f) => f.p));
    const alsoOf = await store.records([...r.also.keys()]);
    const also = alsoOf.flatMap((a) => r.also.get(a.p).map((reason) => [a.id, ...reason]));
    answers[query] = { names: names.map((a) => a.id), places, also };
  }
  return answers;
}"""


def static_answers(browser: Browser, site: str, queries: list[str], script: str = STATIC_ANSWERS) -> dict:
    """The static search's answers, as script gathers them in the browser (STATIC_ANSWERS, STATIC_SAID)."""
    context = offline_context(browser, site)
    page = context.new_page()
    page.goto(site + "search/")
    answers = page.evaluate(script, [site + "static/static-search.js", site + "search/index.json", queries])
    context.close()
    return answers


def said_queries(db: Path, seed: int = 7) -> list[str]:
    """Phrases readers would look for in what was said: runs of one to four words cut from the sentences themselves
    (as written, with their case and punctuation), single words, words in no sentence, and FTS syntax typed as text."""
    rng = random.Random(seed)
    with sqlite3.connect(db) as connection:
        sentences = [row[0] for row in connection.execute("select sentence from said order by rowid")]
    queries = ["free trial", "declined to comment", "Clearview AI", "xyzzy plugh", 'trial" OR "police', "NEAR(a b)"]
    for sentence in rng.sample(sentences, min(150, len(sentences))):
        words = sentence.split()
        length = rng.randint(1, min(4, len(words)))
        start = rng.randrange(len(words) - length + 1)
        queries.append(" ".join(words[start : start + length]))
    return list(dict.fromkeys(queries))


def live_said(db: Path, queries: list[str]) -> dict[str, list]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        agencies = AgencyIndex([dict(row) for row in connection.execute(AGENCIES_SQL)])
        answers = {}
        for query in queries:
            wanted = said.phrase(query)
            rows = (
                [dict(r) for r in connection.execute(said.SAID_SQL, {"query": said.fts_query(wanted)})]
                if wanted
                else []
            )
            found, titles = said.found_in(rows, wanted, agencies)
            answers[query] = [
                [[f.agency["agency_id"], [one.pieces for one in f.said], f.more_said] for f in found],
                [one.pieces for one in titles],
            ]
    return answers


STATIC_SAID = """async ([moduleUrl, indexUrl, queries]) => {
  const { searchSaid, Store } = await import(moduleUrl);
  const store = new Store(indexUrl);
  const answers = {};
  for (const query of queries) {
    const { found, titles } = await searchSaid(store, query);
    const agencies = found.map((f) => [f.agency.id, f.said.map((one) => one.pieces), f.more]);
    answers[query] = [agencies, titles.map((one) => one.pieces)];
  }
  return answers;
}"""


def said_answers_agree(real_db: Path, queries: list[str], static: dict) -> None:
    """The static search's what-was-said answers (from Chromium or Node) are the live one's, and real ones."""
    live = json.loads(json.dumps(live_said(real_db, queries)))  # tuples as JavaScript's arrays
    differ = [query for query in queries if static[query] != live[query]]
    assert differ == [], [(q, static[q], live[q]) for q in differ[:3]]
    assert sum(bool(live[q][0]) for q in queries) > len(queries) / 2  # real answers, not empty lists


def test_static_search_of_what_was_said_answers_as_the_live_one(browser: Browser, static_site: str, real_db: Path):
    """The live site finds sentences with SQLite's FTS5, the static one with its own word index: the same agencies,
    sentences and marks for phrases cut from the data."""
    queries = said_queries(real_db)
    said_answers_agree(real_db, queries, static_answers(browser, static_site, queries, STATIC_SAID))


def parity_set(real_db: Path) -> list[str]:
    with sqlite3.connect(real_db) as connection:
        connection.row_factory = sqlite3.Row
        queries = parity_queries([dict(row) for row in connection.execute(AGENCIES_SQL)])
    assert len(queries) > 1000
    return queries


def answers_agree(real_db: Path, queries: list[str], static: dict) -> dict:
    """The static search's answers (from Chromium or Node) are the live one's, and real ones; returns the live."""
    for answer in static.values():
        answer["also"] = reasons(answer["also"])
    live = live_answers(real_db, queries)
    differ = [query for query in queries if static[query] != live[query]]
    assert differ == [], [(q, static[q], live[q]) for q in differ[:3]]
    # The comparison is about real results, not empty lists.
    answered = [q for q in queries if live[q]["names"] or any(p[2] or p[3] or p[5] for p in live[q]["places"])]
    assert len(answered) > len(queries) / 2
    return live


def test_static_search_answers_as_the_live_search_does(browser: Browser, static_site: str, real_db: Path):
    queries = parity_set(real_db)
    live = answers_agree(real_db, queries, static_answers(browser, static_site, queries))
    for query in ("adelaide", "rome", "stockholm", "boston", "montréal"):
        assert live[query]["places"][0][5] or live[query]["places"][0][6], query  # covered, or at a capital


def test_the_static_edition_publishes_a_feed_a_sitemap_and_cards_with_full_addresses(static_site: str, real_db):
    """Feed readers, search engines and link previews find what the live site gives them, at full addresses."""
    from xml.etree import ElementTree

    atom, sitemaps = "{http://www.w3.org/2005/Atom}", "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    home = httpx.get(static_site).text
    assert '<link rel="alternate" type="application/atom+xml"' in home and f'href="{static_site}feed.atom"' in home
    feed = ElementTree.fromstring(httpx.get(static_site + "feed.atom").content)
    links = [link.get("href") for link in feed.iter(f"{atom}link")]
    assert links and all(link.startswith(static_site) for link in links)
    with sqlite3.connect(real_db) as db:
        releases = db.execute("select count(*) from releases").fetchone()[0]
        agencies = [row[0] for row in db.execute("select agency_id from agencies")]
    titles = [entry.find(f"{atom}title").text for entry in feed.iter(f"{atom}entry")]
    assert sum(title.startswith("Data release ") for title in titles) == releases
    assert any(title.startswith(("Added: ", "Changed: ")) for title in titles)
    for link in links[:20]:  # every kind of link the feed holds answers
        assert httpx.get(link).status_code == 200, link

    robots = httpx.get(static_site + "robots.txt").text
    assert f"Sitemap: {static_site}sitemap.xml" in robots
    listed = [
        loc.text
        for loc in ElementTree.fromstring(httpx.get(static_site + "sitemap.xml").content).iter(f"{sitemaps}loc")
    ]
    assert {f"{static_site}agency/{agency_id}/" for agency_id in agencies} <= set(listed)
    assert httpx.get(listed[-1]).status_code == 200

    for agency_id in agencies[:: max(1, len(agencies) // 10)]:
        page = httpx.get(f"{static_site}agency/{agency_id}/").text
        assert f'<link rel="canonical" href="{static_site}agency/{agency_id}/">' in page
        assert f'<meta property="og:url" content="{static_site}agency/{agency_id}/">' in page
        for tag in (
            '<meta name="description" content="',
            '<meta property="og:title" content="',
            '<meta property="og:description" content="',
            '<meta name="twitter:card" content="summary">',
        ):
            assert tag in page, (agency_id, tag)


def test_without_javascript_the_static_search_says_so_and_offers_the_lists(static_site: str):
    page = httpx.get(static_site + "search/").text
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S)
    assert noscript and "not running JavaScript" in " ".join(noscript.group(1).split())
    links = re.findall(r'href="([^"]+)"', noscript.group(1))
    assert links and all(httpx.get(urljoin(static_site, link)).status_code == 200 for link in links)


def test_every_route_in_the_table_answers_in_the_static_edition(static_site: str, real_db):
    from clearview import routes

    with sqlite3.connect(real_db) as db:
        agency_id = db.execute("select min(agency_id) from agencies").fetchone()[0]
    pages = [*routes.PAGES.values(), routes.AGENCY + agency_id]
    for path in pages:  # a page is <path>/index.html, served at <path>/
        url = static_site + path.lstrip("/") + ("/" if path != "/" else "")
        assert httpx.get(url).status_code == 200, url
    for path in routes.FILES.values():
        assert httpx.get(static_site + path.lstrip("/")).status_code == 200, path

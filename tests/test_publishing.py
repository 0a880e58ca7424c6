"""What the site publishes beside its pages (clearview/publishing.py, plugins/publishing.py): the Atom feed, the
sitemap and robots.txt, and each page's head (full canonical address, description, feed link, an agency's card)."""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree

import sqlite_utils

from clearview import publishing

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


async def test_the_feed_has_each_release_and_the_agencies_it_added_or_changed(real_site, real_db):
    response = await real_site.client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    db = sqlite_utils.Database(real_db)
    entries = {entry.find(f"{ATOM}id").text: entry for entry in feed.iter(f"{ATOM}entry")}
    for release in db.query("select * from releases"):
        entry = entries[f"{publishing.TAG}{release['released']}:release/{release['version']}"]
        assert entry.find(f"{ATOM}title").text == publishing.release_title(release)
    # The agencies the latest release with new agencies added, each with its own entry, link and summary.
    added = list(
        db.query(
            "select changes.version, releases.released, agency_shown.* from changes join releases using (version) "
            "join agency_shown on agency_shown.agency_id = changes.record "
            "where table_name = 'agencies' and change = 'added' order by releases.released desc, releases.rowid desc "
            "limit 5"
        )
    )
    for agency in added:
        entry = entries[
            f"{publishing.TAG}{agency['released']}:release/{agency['version']}/agency/{agency['agency_id']}"
        ]
        assert entry.find(f"{ATOM}title").text == f"Added: {agency['name']}"
        assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/agency/{agency['agency_id']}"
        assert entry.find(f"{ATOM}summary").text == publishing.summary(agency)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert all(link.startswith("http://localhost/") for link in links)
    agencies_in_feed = [key for key in entries if "/agency/" in key]
    assert 0 < len(agencies_in_feed) <= publishing.FEED_AGENCIES


async def test_the_sitemap_lists_every_reader_page_and_robots_points_to_it(real_site, real_db):
    listed = ElementTree.fromstring((await real_site.client.get("/sitemap.xml")).content)
    addresses = [loc.text for loc in listed.iter(f"{SITEMAP}loc")]
    agencies = [row["agency_id"] for row in sqlite_utils.Database(real_db).query("select agency_id from agencies")]
    assert {f"http://localhost/agency/{agency_id}" for agency_id in agencies} <= set(addresses)
    for path in publishing.PAGES:
        assert f"http://localhost{path}" in addresses
        assert (await real_site.client.get(path)).status_code == 200
    robots = (await real_site.client.get("/robots.txt")).text
    assert robots.endswith("Sitemap: http://localhost/sitemap.xml\n") and "Disallow: /*?" in robots
    assert (await real_site.client.get("/sitemap-1.xml")).status_code == 404  # one file holds them all


def test_past_fifty_thousand_addresses_the_sitemap_is_an_index_of_parts():
    paths = [f"/agency/synthetic-{n}" for n in range(2 * publishing.SITEMAP_URLS + 7)]

    def address(path: str) -> str:
        return "https://example.org/repo" + path

    index = ElementTree.fromstring(publishing.sitemap(paths, address))
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [f"https://example.org/repo/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for n in (1, 2, 3):
        part = ElementTree.fromstring(publishing.sitemap(paths, address, n))
        listed += [loc.text for loc in part.iter(f"{SITEMAP}loc")]
    assert listed == [address(path) for path in paths]
    assert publishing.sitemap(paths, address, 4) is None
    assert publishing.sitemap_parts(len(paths)) == ["/sitemap.xml"] + [f"/sitemap-{n}.xml" for n in (1, 2, 3)]


async def test_an_agency_page_describes_the_agency_for_search_engines_and_link_previews(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    for agency in db.query("select * from agency_shown where rowid % 20 = 1"):
        page = (await real_site.client.get(f"/agency/{agency['agency_id']}")).text
        description = html.escape(publishing.summary(agency))
        address = f"http://localhost/agency/{agency['agency_id']}"
        assert f'<meta name="description" content="{description}">' in page
        assert f'<meta property="og:description" content="{description}">' in page
        assert f'<meta property="og:title" content="{html.escape(agency["name"])}: Clearview AI use">' in page
        assert f'<link rel="canonical" href="{address}">' in page
        assert page.count('rel="canonical"') == 1
        assert agency["response_label"] in publishing.summary(agency)
        assert agency["count_words"] in publishing.summary(agency)


async def test_every_page_links_its_feed_and_only_a_page_without_a_query_names_its_address(real_site):
    for path, canonical in (
        ("/", "http://localhost/"),
        ("/methodology", "http://localhost/methodology"),
        ("/search?q=police", None),
        ("/no-such-page", None),
    ):
        page = (await real_site.client.get(path)).text
        assert 'type="application/atom+xml"' in page and 'href="http://localhost/feed.atom"' in page, path
        found = re.findall(r'<link rel="canonical" href="([^"]*)">', page)
        assert found == ([canonical] if canonical else []), path
    assert '<meta name="robots" content="noindex">' in (await real_site.client.get("/no-such-page")).text


def test_a_summary_says_what_the_card_says_and_the_period_only_when_it_is_not_the_leaked_data():
    agency = {
        "place": "Synthetic Town, Ontario, Canada",
        "response_label": "Confirmed use",
        "count_words": "no count reported",
        "use_period": "leaked",
        "period_label": "2018 to February 2020",
    }
    assert publishing.summary(agency) == (
        "Synthetic Town, Ontario, Canada. Response: Confirmed use. Searches: no count reported."
    )
    later = agency | {"use_period": "after", "period_label": "Use after February 2020", "place": None}
    assert publishing.summary(later) == "Response: Confirmed use. Searches: no count reported. Use after February 2020."


def test_every_feed_entry_links_somewhere_even_for_an_agency_no_longer_listed():
    releases = [{"version": "2026.01.02", "released": "2026-01-02", "added": 0, "removed": 1, "changed": 0}]
    gone = {
        "version": "2026.01.02",
        "released": "2026-01-02",
        "agency_id": "synthetic-gone",
        "added": 0,
        "removed": 1,
        "name": None,
    }
    feed = ElementTree.fromstring(publishing.feed("Synthetic", releases, [gone], lambda p: "https://example.org" + p))
    for entry in feed.iter(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}link").get("href").startswith("https://example.org/")
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [publishing.release_title(releases[0]), "Removed: synthetic-gone"]

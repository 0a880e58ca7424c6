"""The reader pages: landing, search results, permanent agency URLs. Pages about particular agencies and places
read the synthetic reader data (tests/conftest.py READER_AGENCIES); pages about the whole data derive from it."""

import json
import re

import sqlite_utils
import yaml

from tests.conftest import ROOT, make_datasette, page_text


async def test_landing_page_has_search_numbers_and_limitations(real_site, real_db):
    html = (await real_site.client.get("/")).text
    assert "Did your local police use Clearview AI?" in html
    assert 'action="/search"' in html and '<label for="reader-q">' in html
    db = sqlite_utils.Database(real_db)
    agencies = db.execute("select count(*) from agency_shown").fetchone()[0]
    assert f"<dt>Agencies listed</dt><dd>{agencies:,}" in html
    # Each response's label from the vocabulary, as every other page writes it, with its count.
    for status in db.query("select label from response_statuses"):
        assert status["label"].replace("'", "&#39;") in html
    assert "Response not reported" not in html
    for notice in (
        "February 2020",
        "Clearview never verified it",
        "not that the agency's leadership approved them",
        "Absence is not proof of non-use",
    ):
        assert notice in html
    assert 'href="/methodology"' in html and 'href="/clearview/agency_map"' in html


async def test_typo_search_lands_on_the_agency(reader_site):
    html = (await reader_site.client.get("/search?q=Tornto+police")).text
    link = '<a class="agency-name" href="/agency/synthetic-toronto-police-service">Synthetic Toronto Police Service</a>'
    assert link in html
    assert "Response: ✓ Confirmed use" in page_text(html)  # the synthetic agencies confirmed use; no count
    assert "Searches: no count reported" in page_text(html)


async def test_zip_code_search_lists_the_town_and_its_neighbours(reader_site):
    html = (await reader_site.client.get("/search?q=07011")).text
    assert '<h2 id="place-1">Clifton, NJ 07011</h2>' in html
    assert 'href="/agency/synthetic-clifton-police-department"' in html
    assert "km away" in html


async def test_nothing_found_says_absence_is_not_proof(real_site):
    html = (await real_site.client.get("/search?q=xyzzy")).text
    assert "Nothing listed for “xyzzy”" in html
    assert "Not listed is not the same as not used" in html


async def test_search_echoes_the_query_escaped(real_site):
    response = await real_site.client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


async def test_permanent_agency_url(reader_site):
    response = await reader_site.client.get("/agency/synthetic-toronto-police-service")
    assert response.status_code == 200
    assert "<h1>Synthetic Toronto Police Service</h1>" in response.text
    assert "Confirmed use" in response.text and "no count reported" in response.text
    assert (await reader_site.client.get("/agency/no-such-agency")).status_code == 404


async def test_distance_function_gives_known_great_circle_distances(real_site):
    # Toronto to Timmins is about 550 km by great circle; the function is what queries and agency pages use.
    sql = "select distance_km(43.70643, -79.39864, 48.46686, -81.33312) as km, distance_km(null, 1, 2, 3) as missing"
    row = (await real_site.client.get("/clearview.json", params={"sql": sql, "_shape": "array"})).json()[0]
    assert 540 < row["km"] < 560
    assert row["missing"] is None


async def test_agency_page_lists_nearby_agencies_nearest_first(reader_site):
    html = (await reader_site.client.get("/agency/synthetic-toronto-police-service")).text
    assert "Other listed agencies within 50 km" in html
    nearby = re.findall(
        r'class="agency-name" href="/agency/([a-z0-9-]+)">.*?<span class="distance">([\d.]+) km away', html, re.S
    )
    assert nearby, "no nearby agencies listed"
    distances = [float(km) for _, km in nearby]
    assert distances == sorted(distances) and max(distances) <= 50
    assert "synthetic-toronto-police-service" not in [agency_id for agency_id, _ in nearby]
    assert "The map point is the centre of Toronto, Ontario." in html


async def test_national_agency_page_says_where_its_point_is_and_lists_no_neighbours(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    agency_id, place = next(
        db.execute("select agency_id, location_place from agencies where location_precision = 'country'")
    )
    html = (await real_site.client.get(f"/agency/{agency_id}")).text
    assert f"The map point is the capital, {place}: the agency works nationally." in html
    assert "Other listed agencies within" not in html


async def test_agency_page_has_map_data_citation_and_correction_link(reader_site):
    html = (await reader_site.client.get("/agency/synthetic-timmins-police-service")).text
    data = json.loads(re.search(r'<script type="application/json" id="agency-map-data">(.*?)</script>', html, re.S)[1])
    assert data["agency"]["name"] == "Synthetic Timmins Police Service"
    assert data["agency"]["response_status"]
    assert 'src="/static/agency-map.js"' in html
    assert re.search(
        r"Clearview Usage Database, “Synthetic Timmins Police Service”, "
        r"http://localhost/agency/synthetic-timmins-police-service \(accessed \d{4}-\d{2}-\d{2}\)\.",
        html,
    )
    assert '<a class="suggest-correction" href="/methodology#corrections">' in html


async def test_correction_link_address_comes_from_metadata(reader_db):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    metadata["plugins"]["clearview"] = {
        "corrections_url": "mailto:desk@newsroom.test?subject=Correction%20{agency_id}%20{agency_name}"
    }
    site = make_datasette(reader_db, metadata=metadata)
    html = (await site.client.get("/agency/synthetic-timmins-police-service")).text
    assert (
        'href="mailto:desk@newsroom.test?subject=Correction%20synthetic-timmins-police-service%20Synthetic%20Timmins%20Police%20Service"'
        in html
    )


async def test_with_a_repository_a_correction_opens_a_prefilled_issue_there(reader_db):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    metadata["plugins"]["clearview"] = {"repository_url": "https://github.com/newsroom/clearview/"}
    site = make_datasette(reader_db, metadata=metadata)
    html = (await site.client.get("/agency/synthetic-timmins-police-service")).text
    link = re.search(r'<a class="suggest-correction" href="([^"]+)"', html).group(1)
    issues = "https://github.com/newsroom/clearview/issues/new"
    # The issue form, with the agency filled in (GitHub fills a form's fields from parameters named by their ids).
    link = link.replace("&amp;", "&")
    assert link.startswith(f"{issues}?template=new-fact.yml&title=Fact%3A%20Synthetic%20Timmins%20Police")
    assert "&agency_id=synthetic-timmins-police-service&" in link
    assert link.endswith("&agency_name=Synthetic%20Timmins%20Police%20Service")
    nothing = (await site.client.get("/search?q=xyzzy")).text
    assert f'class="suggest-correction" href="{issues}?template=new-fact.yml' in nothing


async def test_every_page_gets_the_map_config_from_the_database(real_site, real_db):
    html = (await real_site.client.get("/clearview/agency_map")).text
    config = json.loads(re.search(r"window.clearviewMap = (.*?);\s*</script>", html, re.S)[1])
    statuses = [
        row["response_status"]
        for row in sqlite_utils.Database(real_db).query(
            "select response_status from response_statuses order by precedence"
        )
    ]
    assert [s["response_status"] for s in config["statuses"]] == statuses
    assert config["tileLayer"].startswith("https://")
    assert 'src="/static/agency-map-markers.js"' in html


async def test_every_page_has_the_header_with_a_search_box(reader_site):
    pages = ("/", "/agency/synthetic-toronto-police-service", "/clearview/agencies", "/clearview", "/tallies", "/nope")
    for path in pages:
        html = (await reader_site.client.get(path)).text
        assert 'class="header-search"' in html and 'href="/map">Map</a>' in html, path


async def test_a_404_helps_the_reader_on_and_never_says_the_data_is_unreleased(real_site):
    response = await real_site.client.get("/agency/no-such-agency")
    assert response.status_code == 404
    text = page_text(response.text)
    assert "That page is not here. Search instead:" in text and "For example: Toronto" in text
    released = (ROOT / "data" / "releases.csv").read_text().splitlines()[-1].split(",")[0]
    assert f"Data release {released}" in text and "not yet released" not in text


async def test_an_empty_search_gives_examples_and_the_caveat(real_site):
    text = page_text((await real_site.client.get("/search?q=")).text)
    assert "Search the agencies" in text and "For example: Timmins" in text
    assert "The leaked data covers 2018 to February 2020" in text


async def test_a_town_search_answers_in_its_first_sentence(reader_site):
    # Meridian lists none of the synthetic agencies; two sit in Boise and Ada County beside it; the FBI covers it.
    html = (await reader_site.client.get("/search?q=Meridian%2C+Idaho")).text
    first = page_text(html.split('<p class="answer">', 1)[1].split("</p>", 1)[0])
    assert first == "No agency in Meridian, Idaho, United States is listed. 2 listed agencies are within 50 km."
    assert "<summary>1 state, provincial or national agency covers Meridian, Idaho, United States</summary>" in html


async def test_the_small_map_only_where_the_point_says_more_than_a_capital(reader_site, reader_db):
    db = sqlite_utils.Database(reader_db)
    national = db.execute("select agency_id from agencies where location_precision = 'country' limit 1").fetchone()[0]
    assert 'id="agency-map"' not in (await reader_site.client.get(f"/agency/{national}")).text
    assert 'id="agency-map"' in (await reader_site.client.get("/agency/synthetic-toronto-police-service")).text


async def test_an_ambiguous_place_answers_with_the_best_match_and_offers_the_others_on_one_line(reader_site):
    html = (await reader_site.client.get("/search?q=Ontario")).text
    assert html.count('class="place-result"') == 1  # Ontario, Canada in full: no heading or card twice
    line = html.split('class="did-you-mean">', 1)[1].split("</p>", 1)[0]
    assert page_text(line).startswith("Did you mean Ontario, Oregon, United States")
    assert 'href="/search?q=Ontario%2C%20Oregon"' in line
    followed = (await reader_site.client.get("/search?q=Ontario%2C+Oregon")).text
    assert '<h2 id="place-1">Ontario, Oregon, United States</h2>' in followed


async def test_browse_pages_are_paged(real_site, real_db):
    per_page = 100  # plugins/browse_pages.py PAGE_SIZE
    db = sqlite_utils.Database(real_db)
    us = db.execute("select count(*) from agencies where country = 'US'").fetchone()[0]
    assert us > per_page, "the US list must span pages for this test"
    first = (await real_site.client.get("/browse/country/us")).text
    assert f"{us} listed agencies; 1 to {per_page} here." in page_text(first)
    assert first.count('class="agency-card"') == per_page and 'href="/browse/country/us/2"' in first
    pages = -(-us // per_page)
    last = (await real_site.client.get(f"/browse/country/us/{pages}")).text
    assert last.count('class="agency-card"') == us - per_page * (pages - 1) and 'rel="prev"' in last
    assert (await real_site.client.get(f"/browse/country/us/{pages + 1}")).status_code == 404


async def test_a_long_list_shows_its_first_cards_and_says_how_many_more(real_site, real_db):
    from clearview.wording import SHOWN, say

    us = sqlite_utils.Database(real_db).execute("select count(*) from agencies where country = 'US'").fetchone()[0]
    assert us > SHOWN  # the real data has a list longer than a page shows
    html = (await real_site.client.get("/search?q=United+States")).text
    place = html.split('class="place-result"', 1)[1]
    assert place.split('<p class="more">', 1)[0].count('class="agency-card"') == SHOWN
    # The answer still counts them all; the list says how many it leaves out.
    assert say("here", us, place="United States") in page_text(html)
    more = f'<p class="more">{say("more", us - SHOWN)} <a href="/browse">{say("browse_all")}</a>.</p>'
    assert more in place


async def test_reader_pages_show_the_counts_the_build_made(real_db, tmp_path):
    """The landing, browse and tallies pages read the tallies table the build counted: no count runs under a
    reader's request (at 100,000 agencies they took up to a second, and the landing page answered 500)."""
    db = sqlite_utils.Database(real_db)
    counted = {row["tally"]: json.loads(row["rows"]) for row in db.query("select * from tallies")}
    shown = db.execute("select count(*), count(distinct country) from agency_shown").fetchone()
    assert (counted["numbers"][0]["agencies"], counted["numbers"][0]["countries"]) == shown
    by_status = dict(db.execute("select response_status, count(*) from agency_shown group by 1").fetchall())
    assert {row["code"]: row["agencies"] for row in counted["by_status"] if row["agencies"]} == by_status

    # A copy whose counts say otherwise: the pages show the copy's counts, so they read them, not count again.
    copy = tmp_path / "clearview.db"
    copy.write_bytes(real_db.read_bytes())
    marked = 987_654
    counted["numbers"][0]["agencies"] = marked
    counted["by_type"][0]["agencies"] = marked
    with sqlite_utils.Database(copy).conn as conn:
        for name in ("numbers", "by_type"):
            conn.execute("update tallies set rows = ? where tally = ?", [json.dumps(counted[name]), name])
    site = make_datasette(copy)
    assert f"<dd>{marked:,}" in (await site.client.get("/")).text
    assert f"{marked:,}" in (await site.client.get("/tallies")).text


async def test_every_quote_is_marked_with_the_language_of_its_source(real_site, real_db):
    """A Finnish quote is read as Finnish (lang="fi"), a Dutch one as Dutch: each source's language, on the agency
    page and in what-was-said results."""
    from markupsafe import escape

    db = sqlite_utils.Database(real_db)
    quoted = db.query(
        "select responses.agency_id, responses.evidence_quote, sources.language from responses "
        "join sources using (source_id) where sources.language != 'en' group by sources.language"
    )
    seen = 0
    for row in quoted:
        page = (await real_site.client.get(f"/agency/{row['agency_id']}")).text
        assert f'<span lang="{row["language"]}">{escape(row["evidence_quote"])}</span>' in page, row
        seen += 1
    assert seen == db.execute("select count(distinct language) from sources where language != 'en'").fetchone()[0]

    said = db.execute(
        "select said.sentence, sources.language from said join sources using (source_id) "
        "where sources.language != 'en' and said.agency_id is not null limit 1"
    ).fetchone()
    if said:  # a phrase from it, searched in what was said: its sentence is marked in its language
        words = said[0].split()[:4]
        found = (await real_site.client.get("/search", params={"q": " ".join(words), "in": "said"})).text
        assert f'<q lang="{said[1]}">' in found


async def test_the_live_search_answers_without_javascript_and_says_nothing_of_it(real_site):
    page = (await real_site.client.get("/search")).text
    assert "<noscript>" not in page  # the server answers a search; only the static edition needs the browser

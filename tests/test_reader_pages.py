"""The reader pages: landing, search results, permanent agency URLs."""

import sqlite_utils


async def test_landing_page_has_search_numbers_and_limitations(real_site, real_db):
    html = (await real_site.client.get("/")).text
    assert "Did your local police use Clearview AI?" in html
    assert 'action="/search"' in html and '<label for="reader-q">' in html
    agencies = sqlite_utils.Database(real_db)["agencies"].count
    assert f"<dt>Agencies listed</dt><dd>{agencies:,}</dd>" in html
    for notice in (
        "February 2020",
        "Clearview never verified it",
        "not that the agency's leadership approved them",
        "Absence is not proof of non-use",
    ):
        assert notice in html
    assert 'href="/methodology"' in html and 'href="/clearview/agency_map"' in html


async def test_typo_search_lands_on_the_agency(real_site):
    html = (await real_site.client.get("/search?q=Tornto+police")).text
    assert '<a class="agency-name" href="/agency/toronto-police-service">Toronto Police Service</a>' in html
    assert "Response: Denied, then confirmed" in html


async def test_zip_code_search_lists_the_town_and_its_neighbours(real_site):
    html = (await real_site.client.get("/search?q=07011")).text
    assert '<h2 id="place-1">Clifton, NJ 07011</h2>' in html
    assert 'href="/agency/clifton-police-department"' in html
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


async def test_permanent_agency_url(real_site):
    response = await real_site.client.get("/agency/toronto-police-service")
    assert response.status_code == 200
    assert "<h1>Toronto Police Service</h1>" in response.text
    assert "Denied, then confirmed" in response.text and "more than 3,400" in response.text
    assert (await real_site.client.get("/agency/no-such-agency")).status_code == 404

"""The static site's builder: where its links go, and that a failed build leaves the last site in place. (Apart from
tests/test_static.py: Playwright's event loop there would stop these from running their own.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from clearview import static_site
from clearview.static_site import PAGE, BrokenLink, StaticSite, build_static


def test_links_the_static_site_cannot_serve_go_to_datasette_lite_or_the_live_site(real_db: Path, tmp_path: Path):
    site = StaticSite(real_db, "https://example.org/repo/", tmp_path)
    assert site.link("href", "/repo/agency/x", "/") == "/repo/agency/x/"
    assert site.link("href", "/repo/methodology#corrections", "/") == "/repo/methodology/#corrections"
    assert site.link("src", "/repo/-/static/app.css?abc", "/") == "/repo/-/static/app.css?abc"
    lite = site.link("href", "/repo/clearview/agencies?country=CA", "/")
    assert lite.startswith("https://lite.datasette.io/?url=https%3A%2F%2Fexample.org%2Frepo%2Fclearview.db")
    assert lite.endswith("#/clearview/agencies?country=CA")
    assert site.link("href", "https://example.com/story", "/") == "https://example.com/story"
    # What Datasette Lite cannot answer is left out without a live site: the anchor goes, its words stay.
    for unanswerable in (
        "/repo/clearview/agencies_within_km",
        "/repo/clearview/name_search?q=x",
        "/repo/clearview/release_changes.atom",
        "/repo/clearview/agency_map",
    ):
        assert site.link("href", unanswerable, "/") == "#left-out", unanswerable
    assert site.rewrite_page('<p>See <a href="/repo/clearview/name_search">prefix search</a>.</p>', "/") == (
        "<p>See prefix search.</p>"
    )
    # A search link (the examples on the 404 and empty search pages) stays on the site: its search answers it.
    assert site.link("href", "/repo/search?q=Toronto", "/") == "/repo/search/?q=Toronto"
    live = StaticSite(real_db, "https://example.org/repo/", tmp_path, live_url="https://data.example.org")
    assert (
        live.link("href", "/repo/clearview/agencies?country=CA", "/")
        == "https://data.example.org/clearview/agencies?country=CA"
    )
    assert live.link("href", "/repo/clearview/name_search", "/") == "https://data.example.org/clearview/name_search"
    with pytest.raises(BrokenLink, match="cannot serve"):
        site.link("src", "/repo/clearview/agencies.json", "/")


def test_a_failed_build_leaves_the_previous_site_in_place(real_db: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site")

    async def broken(self, path, referrer):
        raise BrokenLink(f"{path} answered 404")

    monkeypatch.setattr(StaticSite, "fetch", broken)
    with pytest.raises(BrokenLink):
        build_static(real_db, "https://example.org/", out)
    assert (out / "index.html").read_text() == "the previous site"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-built folder left


def test_a_second_make_static_from_the_same_inputs_skips_the_build(real_db: Path, tmp_path: Path, monkeypatch, capsys):
    out = tmp_path / "site"
    arguments = ["--site-url", "https://example.org/", "--db", str(real_db), "--out", str(out)]
    assert static_site.main(arguments) == 0
    assert "wrote" in capsys.readouterr().out
    built = (out / "index.html").stat().st_mtime_ns

    def no_build(*args, **kwargs):
        raise AssertionError("rebuilt a site that was up to date")

    monkeypatch.setattr(static_site, "build_static", no_build)
    assert static_site.main(arguments) == 0
    assert "is up to date" in capsys.readouterr().out
    assert (out / "index.html").stat().st_mtime_ns == built
    # Another address is another site.
    with pytest.raises(AssertionError, match="rebuilt"):
        static_site.main(["--site-url", "https://example.org/other/", *arguments[2:]])


async def test_every_page_the_static_site_writes_is_a_page_the_live_site_serves(real_site):
    paths = [
        "/",
        "/agency/toronto-police-service",
        "/browse",
        "/browse/country/ca",
        "/browse/response/denied",
        "/map",
        "/downloads",
        "/search",
        "/methodology",
        "/tallies",
        "/data-dictionary",
    ]
    for path in paths:
        assert PAGE.match(path), path
        response = await real_site.client.get(path)
        assert response.status_code == 200, path
        assert "text/html" in response.headers["content-type"]
    assert not PAGE.match("/clearview/agencies")

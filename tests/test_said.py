"""Searching what agencies said and what sources say (clearview/said.py), and long answers folded by region: the rules
on their own, then the live page and the reporters' query on the real data, each fact derived from the data."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from clearview import gazetteer
from clearview.said import CONTEXT_WORDS, marked, phrase, sentences, words
from clearview.search import AGENCIES_SQL, GROUP_AFTER, AgencyIndex, Found, grouped, search


def test_sentences_end_where_a_sentence_ends_not_at_an_abbreviation():
    text = 'On Feb. 11, 2020, it ended the trial. "We stopped." The U.S. Army declined. Chief D. Byron said no.'
    assert sentences(text) == [
        "On Feb. 11, 2020, it ended the trial.",
        '"We stopped."',
        "The U.S. Army declined.",
        "Chief D. Byron said no.",
    ]


def test_the_words_of_plain_ascii_are_those_folding_each_word_gives(real_db: Path):
    """words() lower-cases ASCII text whole (the build's said step is faster so): the same words as folding each
    word, for every sentence of the data and for ASCII that could split or join words."""
    from clearview.said import folded_words

    with sqlite3.connect(real_db) as connection:
        texts = [row[0] for row in connection.execute("select sentence from said")]
    texts += ["snake_case and x1y2", "DON'T stop", "tab\there", "a\x00b", "Ünïcode is not ASCII", "½ and ﬁ", ""]
    for text in texts:
        assert words(text) == [word for _, _, word in folded_words(text)], text


def test_a_long_sentence_is_cut_to_the_words_around_the_phrase():
    before, after = " ".join(f"b{n}" for n in range(30)), " ".join(f"a{n}" for n in range(30))
    pieces = marked(f"{before} the free trial {after}.", phrase("free trial"))
    assert pieces[1] == ("free trial", True)
    assert pieces[0][0].startswith("… ") and len(pieces[0][0].split()) == CONTEXT_WORDS + 1
    assert pieces[2][0].endswith(" …") and len(pieces[2][0].split()) == CONTEXT_WORDS + 1


def test_a_phrase_is_marked_wherever_its_words_run_whatever_their_case_accents_and_punctuation():
    assert marked("A FREE trial, then a free-trial again.", phrase("free trial")) == [
        ("A ", False),
        ("FREE trial", True),
        (", then a ", False),
        ("free-trial", True),
        (" again.", False),
    ]
    assert marked("La police de Montréal a refusé.", phrase("montreal")) == [
        ("La police de ", False),
        ("Montréal", True),
        (" a refusé.", False),
    ]
    assert marked("a trial that was free", phrase("free trial")) == []  # the words, but not as typed
    # The last word typed stands for the words it starts, as a reader means it; a word before it does not.
    assert marked("No free trials.", phrase("free trial")) == [("No ", False), ("free trials", True), (".", False)]
    assert marked("freedom trial", phrase("free trial")) == []
    assert marked("free tr", phrase("free t")) == []  # two letters or fewer: the word whole
    assert marked("anything", phrase("  ?! ")) == []  # nothing typed that is a word


def test_fts_syntax_typed_is_plain_words():
    assert phrase('trial" OR "police NEAR(a b)*') == ["trial", "or", "police", "near", "a", "b"]
    assert words("Sheriff's office") == ["sheriff", "s", "office"]


def found(country: str, state: str = "", city: str = "", kind: str = "Police", name: str = "") -> Found:
    agency = {"country_name": country, "state_province": state, "city": city, "type_label": kind, "name": name}
    return Found(agency, "name")


def test_a_long_list_folds_by_the_first_region_that_tells_its_agencies_apart_largest_first():
    assert grouped([found("Canada")] * GROUP_AFTER) == []  # short: as it is
    countries = [found("Canada")] * 3 + [found("United States")] * 5 + [found("Australia")] * 3
    assert [(label, len(members)) for label, members in grouped(countries)] == [
        ("United States", 5),
        ("Australia", 3),
        ("Canada", 3),
    ]
    one_country = [found("Canada", "Ontario")] * 6 + [found("Canada", "")] * 6 + [found("Canada", "Quebec")]
    assert [label for label, _ in grouped(one_country)] == ["Ontario", "", "Quebec"]  # unplaced after the placed
    one_state = [found("Canada", "Ontario", town) for town in ["Toronto"] * 5 + ["Ottawa"] * 5]
    assert [label for label, _ in grouped(one_state)] == ["Ottawa", "Toronto"]
    one_town = [found("Canada", "Ontario", "Toronto", kind) for kind in ["Police"] * 4 + ["Sheriff"] * 5]
    assert [label for label, _ in grouped(one_town)] == ["Sheriff", "Police"]
    # Where no place or kind tells them apart, the first letters of their names do, in order.
    names = ["Ébène", "Alpha", "Beta", "alpine", "Echo", "Bravo", "Zulu"]
    alike = [found("Canada", "Ontario", "Toronto", "Police", name) for name in names]
    assert [(label, len(members)) for label, members in grouped(alike)] == [("A", 2), ("B", 2), ("E", 2), ("Z", 1)]
    assert grouped([found("Canada", name="Alpha")] * (GROUP_AFTER + 1)) == []  # nothing tells them apart


@pytest.fixture(scope="module")
def said_rows(real_db: Path) -> list[dict]:
    with sqlite3.connect(real_db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("select * from said where agency_id is not null")]


def phrases_of(rows: list[dict], length: int = 2) -> list[tuple[str, int]]:
    """Runs of words of the data's sentences, as written (what a reader who read the reporting types), each with how
    many agencies' sentences have the run as written, in a stable order."""
    runs: dict[str, set] = {}
    for row in rows:
        spoken = row["sentence"].split()
        for i in range(len(spoken) - length + 1):
            runs.setdefault(" ".join(spoken[i : i + length]), set()).add(row["agency_id"])
    return sorted((run, len(agencies)) for run, agencies in runs.items())


def holders(rows: list[dict], typed: str) -> set[str]:
    return {row["agency_id"] for row in rows if marked(row["sentence"], phrase(typed))}


async def test_what_was_said_lists_every_agency_whose_sentence_holds_the_phrase_marked(real_site, said_rows):
    # Phrases said of two agencies or more: each is listed, with the sentence and the phrase marked.
    shared = [
        run for run, agencies in phrases_of(said_rows) if 1 < agencies <= 10 and all(len(w) > 3 for w in phrase(run))
    ]
    assert shared
    for typed in shared[:: max(1, len(shared) // 5)]:
        html = (await real_site.client.get(f"/search?q={quote_plus(typed)}&in=said")).text
        listed = set(re.findall(r'class="agency-name" href="/agency/([^"]+)"', html))
        assert listed == holders(said_rows, typed), typed
        marks = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html)]
        assert marks and all(words(m) == phrase(typed) for m in marks), typed
        assert 'class="said-source"' in html


async def test_a_phrase_that_names_no_agency_or_place_is_answered_from_what_was_said(real_site, real_db, said_rows):
    with sqlite3.connect(real_db) as connection:
        connection.row_factory = sqlite3.Row
        index = AgencyIndex([dict(row) for row in connection.execute(AGENCIES_SQL)])
    places = gazetteer.load()
    typed = next(run for run, _ in phrases_of(said_rows, 3) if phrase(run) and search(index, run, places).empty)
    html = (await real_site.client.get(f"/search?q={quote_plus(typed)}")).text
    assert "What agencies said and sources say" in html and "<mark>" in html
    assert "Nothing listed" not in html
    listed = set(re.findall(r'class="agency-name" href="/agency/([^"]+)"', html))
    assert listed == holders(said_rows, typed)


async def test_a_name_or_place_answer_links_to_what_was_said(real_site):
    html = (await real_site.client.get("/search?q=Toronto")).text
    assert 'class="said-search"' in html and "in=said" in html


async def test_reporters_search_what_was_said_with_a_canned_query(real_site, said_rows):
    typed = next(run for run, agencies in phrases_of(said_rows) if agencies > 1 and phrase(run))
    response = await real_site.client.get(
        "/clearview/said_search.json", params={"q": typed, "_shape": "array", "_size": "max"}
    )
    assert response.status_code == 200
    rows = response.json()
    assert {row["agency_id"] for row in rows if row["agency_id"]} >= holders(said_rows, typed)
    for hostile in ('"', "NEAR(", "a OR", "*", ")"):
        assert (await real_site.client.get("/clearview/said_search.json", params={"q": hostile})).status_code == 200

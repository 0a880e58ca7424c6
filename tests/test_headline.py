"""The headline rules of clearview/headline.py, one at a time, on made-up rows (no real agency)."""

from __future__ import annotations

from clearview import headline

PRECEDENCE = {
    "denied_then_confirmed": 1,
    "confirmed_unaware": 2,
    "confirmed_use": 3,
    "denied": 4,
    "declined": 5,
    "no_response": 6,
    "unknown": 7,
}
CONFIRMS = {"denied_then_confirmed", "confirmed_unaware", "confirmed_use"}


def response(status: str, date: str = "", statement: str = "", source: str = "s") -> dict:
    return {"response_status": status, "date": date, "statement": statement, "source_id": source}


def test_an_exact_date_outranks_a_month_only_date_of_the_same_month():
    month, day = response("denied", "2020-02", source="month"), response("denied", "2020-02-27", source="day")
    assert headline.headline_response([month, day], PRECEDENCE, CONFIRMS) is day
    assert headline.headline_response([day, month], PRECEDENCE, CONFIRMS) is day
    later = response("declined", "2020-03")
    assert headline.headline_response([day, later], PRECEDENCE, CONFIRMS) is later


def test_a_count_whose_quote_states_its_number_outranks_one_that_lacks_its_sentence():
    figure = dict(range_stated="yes", search_range="101-500", searches_min="101", searches_max="500")
    noted = count(**figure, searches_reported="101-500", evidence_quote="the table", date="2021-10")
    stated = count(**figure, searches_reported="101-500", evidence_quote="ran 101-500 searches", date="2021-08")
    assert headline.headline_count([noted, stated], {"searches"}) is stated
    later = count(period="after", searches_min="1", searches_max="1", searches_reported="one search", date="2021")
    quoted = later | {"evidence_quote": "a single search, one"}
    assert headline.headline_count([later, quoted], {"searches"}) is quoted


def count(**values) -> dict:
    row = {
        "measure": "searches",
        "period": "leaked",
        "date": "",
        "range_stated": "no",
        "searches_min": "",
        "searches_max": "",
        "searches_reported": "",
        "search_range": "unknown",
    }
    return row | values


def test_a_confirmation_beats_everything_even_a_later_denial():
    rows = [response("denied", "2022-01"), response("confirmed_use", "2020-02"), response("no_response", "2023")]
    assert headline.headline_response(rows, PRECEDENCE, CONFIRMS)["response_status"] == "confirmed_use"


def test_among_statuses_that_confirm_nothing_the_latest_dated_wins():
    rows = [response("denied", "2020-01"), response("declined", "2021-08-25"), response("no_response", "")]
    assert headline.headline_response(rows, PRECEDENCE, CONFIRMS)["response_status"] == "declined"


def test_unknown_says_nothing_of_an_answer_and_leads_only_when_alone():
    rows = [response("denied", "2020-01"), response("unknown", "2024")]
    assert headline.headline_response(rows, PRECEDENCE, CONFIRMS)["response_status"] == "denied"
    assert headline.headline_response([response("unknown")], PRECEDENCE, CONFIRMS)["response_status"] == "unknown"


def test_periods_come_from_the_count_or_its_source_never_a_guess():
    assert headline.count_period("2018", "2020-02", "2021") == "leaked"
    assert headline.count_period("2018", "2019", "") == "leaked"
    assert headline.count_period("2024", "2025-12", "") == "after"
    assert headline.count_period("2018", "2020", "") == "not_stated"  # "2020" may end either side of February
    assert headline.count_period("2019-12", "2020-12", "") == "not_stated"  # runs across: cannot be split
    assert headline.count_period("", "", "2020-02-28") == "leaked"  # a source that old reports only earlier use
    assert headline.count_period("", "", "2020") == "not_stated"
    assert headline.count_period("", "", "2021-04") == "not_stated"


def test_a_response_from_before_the_end_of_the_leak_cannot_describe_later_use():
    assert headline.response_period_problem("after", "2020-01-30")
    assert not headline.response_period_problem("after", "2020")
    assert not headline.response_period_problem("leaked", "2020-01-30")


def test_the_strongest_statement_about_the_leaked_period_leads():
    stated = count(range_stated="yes", searches_min="11", searches_max="50", search_range="11-50")
    bound = count(searches_min="121", searches_reported="more than 120")
    later = count(period="after", searches_min="156", searches_max="156", date="2025")
    assert headline.headline_count([bound, later, stated], {"searches"}) is stated
    assert headline.headline_count([bound, later], {"searches"}) is bound
    higher = count(searches_min="11001", searches_reported="more than 11,000")
    assert headline.headline_count([bound, higher], {"searches"}) is higher


def test_without_a_leaked_count_the_latest_leads_with_its_period():
    old = count(period="not_stated", date="2021", searches_reported="about 120")
    new = count(period="after", date="2025", searches_min="156", searches_max="156")
    chosen = headline.headline_count([old, new], {"searches"})
    assert chosen is new
    assert headline.count_in_words(chosen, "") == "156 searches, after February 2020"


def test_what_is_not_a_search_count_is_never_the_headline():
    people = count(measure="people", searches_reported="helped identify 28 people")
    assert headline.headline_count([people], {"searches"}) is None
    assert headline.count_in_words(None, "") == "no count reported"


def test_counts_in_words():
    assert headline.count_in_words(count(searches_min="3401", searches_reported="more than 3,400"), "") == (
        "more than 3,400 searches, to February 2020"
    )
    assert headline.count_in_words(count(searches_min="30", searches_reported="at least 30 times"), "") == (
        "at least 30 searches, to February 2020"
    )
    bucket = count(range_stated="yes", search_range="11-50", searches_min="11", searches_max="50")
    assert headline.count_in_words(bucket, "11–50") == "11–50 searches, BuzzFeed's range"
    derived = count(searches_min="1", searches_max="1", period="not_stated", searches_reported="one search")
    assert headline.count_in_words(derived, "1–5") == "1 search; period not stated"  # never called BuzzFeed's
    assert headline.count_in_words(count(searches_max="500", searches_reported="up to 500"), "") == (
        "up to 500 searches, to February 2020"
    )
    assert (
        headline.count_in_words(count(searches_reported="nearly 120"), "") == "“nearly 120” searches, to February 2020"
    )
    assert headline.count_in_words(count(searches_reported="thousands of searches", period="not_stated"), "") == (
        "“thousands of searches”; period not stated"
    )


def test_an_agency_known_only_from_later_use():
    assert headline.agency_period(["after"]) == "after"
    # An undated fact may be about the leaked data: the agency is not known only from later use.
    assert headline.agency_period(["after", "not_stated"]) == "not_stated"
    assert headline.agency_period(["after", "leaked"]) == "leaked"
    assert headline.agency_period(["not_stated"]) == "not_stated"


def test_places_and_sources_in_words():
    place = {"city": "", "county": "Ada County", "state_province": "Idaho", "country_name": "United States"}
    assert headline.place_in_words(place) == "Ada County, Idaho, United States"
    archived = {"publisher": "", "document": "004_x.txt", "title": "", "published": "2020-04"}
    assert headline.source_in_words(archived) == "an archived article, 2020-04"
    web = {"publisher": "BuzzFeed News", "document": "", "title": "A title", "published": ""}
    assert headline.source_in_words(web) == "BuzzFeed News, “A title”, undated"

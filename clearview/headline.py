"""The headline rules: what the site says first about an agency, chosen from everything its sources say.

The methodology page and data/README.md state these rules in words; tests/test_headline.py checks each one.
- Period: a fact is about the leaked data (2018 to February 2020), after it, or not stated, as its source says; an
  agency is "after" only when every fact of it is.
- Response: a confirmation beats everything; among statuses that confirm nothing, the latest dated wins (an exact date
  before a month-only one of the same month)
  ("unknown", which says nothing of an answer, only where nothing else is known).
- Count: the strongest statement about the leaked period, else the latest count with its period (other things equal,
  one whose quote states its number, and the more exact date); only counts of
  searches are shown as searches; a count is BuzzFeed's range only where a source states that bucket for the
  leaked data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from clearview import evidence

Row = dict[str, str]
LEAKED_END = "2020-02"  # the last month the leaked Clearview data covers
LEAKED, AFTER, NOT_STATED = "leaked", "after", "not_stated"


def by_leak_end(date: str) -> bool | None:
    """True if the date is in or before February 2020, False if after; None for the year 2020 alone."""
    if len(date) == 4:
        return True if date < LEAKED_END[:4] else None if date == LEAKED_END[:4] else False
    return date[:7] <= LEAKED_END


def count_period(start: str, end: str, published: str) -> str:
    """The period of a count: from the months or years it covers, else from its source's date. A count that runs
    across February 2020, or ends in "2020" with no month, cannot be placed on either side: not stated."""
    if start and by_leak_end(start) is False:
        return AFTER
    if end:
        inside = by_leak_end(end)
        return LEAKED if inside else AFTER if inside is False and not start else NOT_STATED
    if published and by_leak_end(published):
        return LEAKED  # a source of February 2020 or before can only report use up to then
    return NOT_STATED


MONTHS = {
    m: f"{i:02d}"
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
DATED = re.compile(
    r"\b(?:(" + "|".join(MONTHS) + r")\.?(?:\s+\d{1,2})?(?:\s*(?:,|and|to|-)\s*\w+\.?)*\s+)?((?:19|20)\d\d)\b", re.I
)


def propose_period(quote: str, published: str) -> tuple[str, str]:
    """make add's proposal for a response's use_period, with its reason: the dates the evidence quote gives the
    use ("in October and November 2019" -> leaked; "in 2023" -> after), else the source's date (February 2020 or
    before -> leaked), else not stated. A quote whose dates fall on both sides says nothing for certain."""
    dated = [
        (f"{year}-{MONTHS[month.lower()]}" if month else year, match.group(0).strip())
        for match in DATED.finditer(quote)
        for month, year in [match.groups()]
    ]
    sides = {by_leak_end(date) for date, _ in dated}
    words = ", ".join(f"'{text}'" for _, text in dated)
    if dated and sides == {True}:
        return LEAKED, f"the quote dates the use {words}, February 2020 or before"
    if dated and sides == {False}:
        return AFTER, f"the quote dates the use {words}, after February 2020"
    if published and by_leak_end(published):
        return LEAKED, f"the source is dated {published}, February 2020 or before"
    if dated:
        return NOT_STATED, f"the quote's dates ({words}) do not place the use on one side of February 2020"
    return NOT_STATED, "neither the quote nor the source's date places the use"


def response_period_problem(use_period: str, published: str) -> str:
    """Why a response's stated period cannot be, or '' if it can."""
    if use_period == AFTER and published and by_leak_end(published):
        return f"the source is dated {published}, so the use it reports cannot be after February 2020"
    return ""


@cache  # a sort key asked for each fact, of a few thousand distinct dates
def later_first(date: str) -> str:
    """A sort key that puts later dates first in an ascending sort, a more exact date before a less exact one of the
    same month or year ("2020-02-27" before "2020-02"), and undated facts last."""
    return "".join(chr(0x10FFFF - ord(c)) for c in date).ljust(10, "\U0010fffe") if date else "\U0010ffff" * 11


def headline_response(responses: list[Row], precedence: dict[str, int], confirms: set[str]) -> Row:
    """The response the site leads with. Each row has response_status, statement and date (its response_date: when
    the source says the agency answered; blank where it does not say)."""
    confirming = [r for r in responses if r["response_status"] in confirms]
    if confirming:
        return min(
            confirming, key=lambda r: (precedence[r["response_status"]], not r["statement"], later_first(r["date"]))
        )
    answered = [r for r in responses if r["response_status"] != "unknown"] or responses
    return min(answered, key=lambda r: (later_first(r["date"]), precedence[r["response_status"]], not r["statement"]))


def width(count: Row) -> float:
    if count["searches_min"] and count["searches_max"]:
        return int(count["searches_max"]) - int(count["searches_min"])
    return float("inf")


def headline_count(counts: list[Row], searches: set[str]) -> Row | None:
    """The count the site leads with. Each row has measure, period, date, range_stated and the bounds."""
    of_searches = [c for c in counts if c["measure"] in searches]
    leaked = [c for c in of_searches if c["period"] == LEAKED]
    # A count alone leads without being ranked (ranking reads its quote for its number).
    candidates = leaked or of_searches
    if len(candidates) == 1:
        return candidates[0]
    if leaked:
        # The strongest statement: a range a source states, then the narrowest bounds, the highest floor, the latest.
        return min(
            leaked,
            key=lambda c: (
                c["range_stated"] != "yes",
                width(c),
                -int(c["searches_min"] or 0),
                not states_number(c),
                later_first(c["date"]),
            ),
        )
    return min(of_searches, key=lambda c: (later_first(c["date"]), not states_number(c)), default=None)


def states_number(count: Row) -> bool:
    """Whether the count's own evidence quote states its number (one with only an editors' note does not)."""
    return bool(count["searches_reported"] or count["search_range"]) and not evidence.count_unstated(count)


def number(n: int) -> str:
    return f"{n:,}"


def amount_in_words(count: Row, range_label: str) -> str:
    """'more than 3,400 searches', '11–50 searches', '1 search', or the source's words where they give no bounds."""
    low, high, wording = count["searches_min"], count["searches_max"], count["searches_reported"]
    if count["range_stated"] == "yes":
        return f"{range_label} searches"
    if low and high:
        return (
            f"{number(int(low))} search{'es' if int(low) != 1 else ''}"
            if low == high
            else (f"{number(int(low))}–{number(int(high))} searches")
        )
    if low:
        below = int(low) - 1
        said_more = re.search(rf"(?<![\d,.]){below}(?![\d])|{re.escape(number(below))}", wording or "")
        return f"more than {number(below)} searches" if said_more and below else f"at least {number(int(low))} searches"
    if high:
        return f"up to {number(int(high))} searches"
    # The source's words, quoted; a bare figure ("nearly 120") says what it counts outside the quotes.
    return f"“{wording}”" + (" searches" if BARE_FIGURE.match(wording or "") else "")


BARE_FIGURE = re.compile(r"^(?:about|around|nearly|approximately|roughly|some|almost)?\s*[\d][\d,. ]*$", re.I)


def count_in_words(count: Row | None, range_label: str) -> str:
    """The headline count with its period: 'more than 3,400 searches, to February 2020'."""
    if count is None:
        return "no count reported"
    amount = amount_in_words(count, range_label)
    if count["period"] == LEAKED:
        return f"{amount}, BuzzFeed's range" if count["range_stated"] == "yes" else f"{amount}, to February 2020"
    if count["period"] == AFTER:
        return f"{amount}, after February 2020"
    return f"{amount}; period not stated"


def agency_period(periods: Iterable[str]) -> str:
    """Leaked if any fact places the use in 2018 to February 2020; after only if every fact places it later (an
    undated fact may be about the leaked data, so it leaves the agency's period not stated); else not stated."""
    periods = set(periods)
    return LEAKED if LEAKED in periods else AFTER if periods == {AFTER} else NOT_STATED


def place_in_words(agency: Row) -> str:
    """'Toronto, Ontario, Canada'; 'Ada County, Idaho, United States' where no town is given."""
    parts = [agency["city"] or agency["county"], agency["state_province"], agency["country_name"]]
    return ", ".join(part for part in parts if part)


def source_in_words(source: Row) -> str:
    """Publisher, title and date, never a file name: 'BuzzFeed News, “Clearview AI Offered…”, 2021-08-25'."""
    publisher = source["publisher"] or ("an archived article" if source["document"] else "publisher unknown")
    parts = [publisher, f"“{source['title']}”" if source["title"] else "", source["published"] or "undated"]
    return ", ".join(part for part in parts if part)


def bucket_for(low: str, high: str, ranges: list[Row]) -> str:
    """The one count scale: the range that holds every value between the bounds; else, from the lower bound alone,
    the open bucket of the range it falls in ("more than 3,400" is "1,001 or more"); a ceiling alone is "only an
    upper figure". Without bounds, 'unknown' (the caller marks wording without bounds as approximate)."""
    if not low:
        return "upper_only" if high else "unknown"
    for bucket in ranges:
        closed = bucket["searches_min"] and bucket["searches_max"]
        if closed and high and int(bucket["searches_min"]) <= int(low) and int(high) <= int(bucket["searches_max"]):
            return bucket["search_range"]
    floors = [b for b in ranges if b["searches_min"] and not b["searches_max"] and int(b["searches_min"]) <= int(low)]
    return max(floors, key=lambda b: int(b["searches_min"]))["search_range"] if floors else "unknown"

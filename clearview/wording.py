"""The words of a search's answer, defined once for both editions: templates/search.html says them with `say`, and
static/static-search.js reads the same table from search/index.json. Changing a sentence here changes it on the
live page and on the static one."""

from __future__ import annotations

from clearview.search import NEARBY_KM

SHOWN = 50  # cards per list: a town inside 3,000 synthetic state agencies rendered 3.8 MB; the count says the rest

# A key gives one form, or (one, many) chosen by n. {n}, {place}, {query} and {km} are filled in.
RESULTS: dict[str, str | tuple[str, str]] = {
    "results": "Results for “{query}”",
    "nothing": "Nothing listed for “{query}”",
    "names": ("{n} listed agency matches the name.", "{n} listed agencies match the name."),
    "here": ("{n} listed agency is in {place}.", "{n} listed agencies are in {place}."),
    "none_here": "No agency in {place} is listed.",
    "nearby": ("{n} listed agency is within {km} km.", "{n} listed agencies are within {km} km."),
    "by_name": "Agencies whose name matches",
    "in_town": "Listed agencies in this town",
    "in_place": "Listed agencies here",
    "within": "Listed agencies within {km} km",
    "covers": (
        "{n} state, provincial or national agency covers {place}",
        "{n} state, provincial or national agencies cover {place}",
    ),
    "more": "{n} more not shown: narrow the search, for example with the state or more of the name.",
    "browse_all": "Browse every agency by place, type or response",  # a link, after "more"
    "did_you_mean": "Did you mean ",
    "capital": (
        "{n} national agency is placed in {place}, the capital.",
        "{n} national agencies are placed in {place}, the capital.",
    ),
    "in_capital": "National agencies placed in the capital",
    "ask": "Ask your agency",
    "ask_intro": (
        "You can ask the police or sheriff's office that serves {place} for its own records. A ready request, with"
        " the place filled in:"
    ),
    "copy": "Copy the request",
    "download": "Download it as a text file",
    "group": ("{place}: {n} agency", "{place}: {n} agencies"),
    "no_region": "Not placed more exactly",  # a group's name where its agencies give none at that level
    "said": (
        "{n} listed agency's statements or sources say “{query}”.",
        "{n} listed agencies' statements or sources say “{query}”.",
    ),
    "said_titles": ("{n} source's title says it.", "{n} sources' titles say it."),
    "in_said": "What agencies said and sources say",
    "said_search": "Search what agencies said and sources say for “{query}”",
    "said_more": ("{n} more of its sentences says it.", "{n} more of its sentences say it."),
    "titles": "Sources whose title says it",
    "also_name": "Its name matches too.",  # on a card a place lists, when the name typed is its own
    "also_covers": "It also covers {place}.",  # on a name's card, when it covers the place typed
    "titles_more": ("{n} more source", "{n} more sources"),
}

# A public-records request a reader can send when nothing local is listed: what the site can source, no legal claim.
# {place} is filled in; {reporting} is the sentence of the reporting for the place's country (REPORTING).
REQUEST = """To the records officer of the police department or sheriff's office serving {place}:

I request copies of the following records, from January 1, 2018 to the date of this request:

1. Records of any account with Clearview AI held by your agency or its staff, including free trials, with the
dates each was opened and closed.
2. Logs, reports or audits of searches run with Clearview AI, and the number of searches.
3. Contracts, purchase orders, invoices and payments to Clearview AI.
4. Communications with Clearview AI or its staff, including invitations to trials.
5. Policies, guidance or training on the use of facial recognition.

{reporting}

Please tell me of any fees before they are incurred, and if any part of this request is unclear.
"""
REPORTING = {
    "US": (
        "BuzzFeed News listed 1,803 US taxpayer-funded entities whose staff, its data shows, ran at least one"
        " Clearview AI search between 2018 and February 2020 (\u201cYour Local Police Department Might Have Used This"
        " Facial Recognition Tool To Surveil You\u201d, 6 April 2021)."
    ),
    "": (
        "BuzzFeed News reported that law enforcement agencies and government organisations from 24 countries outside"
        " the United States used Clearview AI as of February 2020 (25 August 2021)."
    ),
}


def request_text(place: str, country: str) -> str:
    return REQUEST.format(place=place, reporting=REPORTING.get(country, REPORTING[""]))


def say(key: str, n: int | None = None, **values: object) -> str:
    """The sentence, filled in. Plain text: the template escapes it, the static page sets it as text."""
    words = RESULTS[key]
    if isinstance(words, tuple):
        words = words[0 if n == 1 else 1]
    return words.format(n=n, **({"km": NEARBY_KM} | values))

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
}


def say(key: str, n: int | None = None, **values: object) -> str:
    """The sentence, filled in. Plain text: the template escapes it, the static page sets it as text."""
    words = RESULTS[key]
    if isinstance(words, tuple):
        words = words[0 if n == 1 else 1]
    return words.format(n=n, **({"km": NEARBY_KM} | values))

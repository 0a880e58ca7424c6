"""Browse pages: the agencies grouped by each facet, at /browse/<facet>/<value>, a plain URL both editions serve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clearview.normalise import slugify


@dataclass(frozen=True)
class Facet:
    slug: str
    title: str
    column: str  # in agencies and agency_map, where Datasette's facets group by it
    value: Callable[[dict], tuple[str, str, Any] | None]  # an agency's (key, label, sort order), None if it has none
    vocabulary: bool = False  # in its vocabulary's order (ranges low to high), not by count


# The facets, once: the /browse pages (both editions) and Datasette's facets on the agency tables
# (plugins/facets.py puts this list in their metadata).
FACETS = [
    Facet("country", "Country", "country", lambda a: (a["country"], a["country_name"], a["country_name"])),
    Facet(
        "state-province",
        "State or province",
        "state_province",
        lambda a: (
            (f"{a['country']} {a['state_province']}", f"{a['state_province']}, {a['country_name']}", a["country_name"])
            if a["state_province"]
            else None
        ),
    ),
    Facet("agency-type", "Agency type", "agency_type", lambda a: (a["agency_type"], a["type_label"], a["type_label"])),
    Facet(
        "search-range",
        "Searches",
        "search_range",
        lambda a: (a["search_range"], a["range_label"], a["range_order"]),
        vocabulary=True,
    ),
    Facet(
        "response",
        "Response",
        "response_status",
        lambda a: (a["response_status"], a["response_label"], a["response_order"]),
        vocabulary=True,
    ),
]
FACET_TABLES = ("agencies", "agency_map")


def facet_metadata(ordered: bool = True) -> dict:
    """The facets as Datasette table metadata; ordered=False for a Datasette without plugins/facets.py (Lite)."""
    facets = [{"vocabulary": f.column} if f.vocabulary and ordered else f.column for f in FACETS]
    return {"databases": {"clearview": {"tables": {table: {"facets": facets} for table in FACET_TABLES}}}}


FACETS_BY_SLUG = {facet.slug: facet for facet in FACETS}


@dataclass
class FacetValue:
    slug: str
    label: str
    sort: Any
    agencies: list[dict] = field(default_factory=list)


def facet_values(facet: Facet, agencies: list[dict]) -> list[FacetValue]:
    """Each value with its agencies (in the order given), in the facet's own order."""
    values: dict[str, FacetValue] = {}  # by slug
    by_key: dict[str, FacetValue] = {}  # a key slugified once, not once an agency (2.4 s at 100,000 agencies)
    for agency in agencies:
        value = facet.value(agency)
        if value is None:
            continue
        key, label, sort = value
        if key not in by_key:
            slug = slugify(key) or "none"
            by_key[key] = values.setdefault(slug, FacetValue(slug, label, (sort, label)))
        by_key[key].agencies.append(agency)
    return sorted(values.values(), key=lambda v: v.sort)

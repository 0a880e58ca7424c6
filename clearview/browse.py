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
    value: Callable[[dict], tuple[str, str, Any] | None]  # an agency's (key, label, sort order), None if it has none


FACETS = [
    Facet("country", "Country", lambda a: (a["country"], a["country_name"], a["country_name"])),
    Facet(
        "state-province",
        "State or province",
        lambda a: (
            (f"{a['country']} {a['state_province']}", f"{a['state_province']}, {a['country_name']}", a["country_name"])
            if a["state_province"]
            else None
        ),
    ),
    Facet("agency-type", "Agency type", lambda a: (a["agency_type"], a["type_label"], a["type_label"])),
    Facet("search-range", "Searches", lambda a: (a["search_range"], a["range_label"], a["range_order"])),
    Facet("response", "Response", lambda a: (a["response_status"], a["response_label"], a["response_order"])),
]
FACETS_BY_SLUG = {facet.slug: facet for facet in FACETS}


@dataclass
class FacetValue:
    slug: str
    label: str
    sort: Any
    agencies: list[dict] = field(default_factory=list)


def facet_values(facet: Facet, agencies: list[dict]) -> list[FacetValue]:
    """Each value with its agencies (in the order given), in the facet's own order."""
    values: dict[str, FacetValue] = {}
    for agency in agencies:
        value = facet.value(agency)
        if value is None:
            continue
        key, label, sort = value
        slug = slugify(key) or "none"
        values.setdefault(slug, FacetValue(slug, label, (sort, label))).agencies.append(agency)
    return sorted(values.values(), key=lambda v: v.sort)

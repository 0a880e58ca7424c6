"""The agency tables' facets: the list from clearview/browse.py's FACETS (the /browse pages read it too), and a
facet type that lists values in their vocabulary's order (ranges low to high), not by count."""

from __future__ import annotations

from datasette import hookimpl
from datasette.facets import ColumnFacet

from clearview.browse import facet_metadata

# Facet column -> the lookup table that orders it. Facets work on labels (agency_map) or keys (agencies).
ORDERS = {
    "search_range": "select search_range as key, label, sort_order as position from search_ranges",
    "response_status": "select response_status as key, label, precedence as position from response_statuses",
}


class VocabularyFacet(ColumnFacet):
    type = "vocabulary"

    async def facet_results(self):
        results, timed_out = await super().facet_results()
        for result in results:
            if result["name"] not in ORDERS:
                continue
            rows = await self.ds.execute(self.database, ORDERS[result["name"]])
            position = {value: row["position"] for row in rows for value in (row["key"], row["label"])}
            result["results"].sort(key=lambda value: position.get(value["value"], len(position)))
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [VocabularyFacet]


@hookimpl
def get_metadata(datasette, key, database, table):
    return facet_metadata()

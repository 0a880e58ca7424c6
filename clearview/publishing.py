"""What sites publish beside their pages, the same in both editions: an Atom feed of data releases and of the
agencies each added or changed, a sitemap of every reader page, robots.txt pointing to it, and the one-line summary
of an agency that its page's description, its card for other sites and the feed give. Every address is absolute
(clearview.app.absolute_url). Written with ElementTree, so every text is escaped and the XML well formed."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree

from clearview import routes

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
TAG = "tag:clearview-usage-database,"
FEED_AGENCIES = 500  # the latest agency entries a feed reader is sent; every release is always there
SITEMAP_URLS = 50_000  # the protocol's most per file; past it, sitemap.xml is an index of sitemap-N.xml
# Reader pages every site has, in the sitemap beside each agency's page.
PAGES = list(routes.PAGES.values())

# Each release and, per agency, whether that release added it or changed what is known about it: a change to one of
# its responses or counts (their records are "<agency_id>/<source_id>") is a change to the agency.
RELEASES_SQL = "select version, released, added, removed, changed from releases order by released desc, rowid desc"
AGENCY_CHANGES_SQL = """
with touched as (
  select version, case when table_name = 'agencies' then record else substr(record, 1, instr(record, '/') - 1) end
    as agency_id,
    max(table_name = 'agencies' and change = 'added') as added,
    max(table_name = 'agencies' and change = 'removed') as removed
  from changes where table_name in ('agencies', 'responses', 'search_counts')
  group by 1, 2
)
select touched.version, releases.released, touched.agency_id, touched.added, touched.removed, agency_shown.name,
  agency_shown.place, agency_shown.response_label, agency_shown.count_words, agency_shown.use_period,
  agency_shown.period_label
from touched join releases using (version)
left join agency_shown using (agency_id)
order by releases.released desc, releases.rowid desc, agency_shown.name
limit :limit
"""


def summary(agency: dict) -> str:
    """'Pittsburgh, Pennsylvania, United States. Response: Unknown. Searches: no count reported.' The words of the
    agency's card and map popup, in one line; the period where it is not the leaked data's."""
    parts = [agency.get("place"), f"Response: {agency['response_label']}", f"Searches: {agency['count_words']}"]
    if agency.get("use_period") != "leaked":
        parts.append(agency.get("period_label"))
    return " ".join(f"{part}." for part in parts if part)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def release_title(release: dict) -> str:
    counts = [
        f"{plural(release[key], 'record')} {key}" if key == "added" else f"{release[key]:,} {key}"
        for key in ("added", "changed", "removed")
        if release[key]
    ]
    return f"Data release {release['version']}: " + (", ".join(counts) if counts else "no records changed")


def agency_title(change: dict) -> str:
    if change["removed"]:
        return f"Removed: {change['agency_id']}"
    return f"{'Added' if change['added'] else 'Changed'}: {change['name'] or change['agency_id']}"


def feed(title: str, releases: list[dict], changes: list[dict], address: Callable[[str], str]) -> bytes:
    """The Atom feed: one entry per release, one per agency a release added or changed, newest first."""
    ElementTree.register_namespace("", ATOM)
    root = ElementTree.Element(f"{{{ATOM}}}feed")

    def add(parent: ElementTree.Element, name: str, text: str | None = None, **attributes: str) -> None:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        element.text = text

    updated = max((r["released"] for r in releases), default="1970-01-01") + "T00:00:00Z"
    add(root, "title", title)
    add(root, "subtitle", "Data releases, and the agencies each added or changed")
    add(root, "id", address(routes.path("feed")))
    add(root, "link", rel="self", href=address(routes.path("feed")))
    add(root, "link", rel="alternate", href=address("/"))
    add(root, "updated", updated)
    add(ElementTree.SubElement(root, f"{{{ATOM}}}author"), "name", title)
    entries = [(r["released"], 0, r) for r in releases] + [(c["released"], 1, c) for c in changes]
    for released, kind, item in sorted(entries, key=lambda e: (e[0], -e[1]), reverse=True):
        entry = ElementTree.SubElement(root, f"{{{ATOM}}}entry")
        if kind == 0:
            add(entry, "title", release_title(item))
            add(entry, "id", f"{TAG}{released}:release/{item['version']}")
            add(entry, "link", href=address("/data/CHANGELOG.md"))
            add(entry, "summary", f"What release {item['version']} of the data added, changed and removed.")
        else:
            add(entry, "title", agency_title(item))
            add(entry, "id", f"{TAG}{released}:release/{item['version']}/agency/{item['agency_id']}")
            if not item["removed"] and item["name"]:
                add(entry, "link", href=address(routes.AGENCY + item["agency_id"]))
                add(entry, "summary", summary(item))
            else:  # no page to link: the changelog says what went (an entry needs a link or content)
                add(entry, "link", href=address("/data/CHANGELOG.md"))
                add(entry, "summary", f"No longer listed as of release {item['version']}.")
        add(entry, "updated", f"{released}T00:00:00Z")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def sitemap_paths(agency_ids: list[str]) -> list[str]:
    return PAGES + [routes.AGENCY + agency_id for agency_id in agency_ids]


def sitemap(paths: list[str], address: Callable[[str], str], part: int | None = None) -> bytes | None:
    """sitemap.xml (part None): every path, or past SITEMAP_URLS an index of its parts; sitemap-N.xml (part N, from
    1): those parts. None for a part that does not exist."""
    parts = max(1, -(-len(paths) // SITEMAP_URLS))
    ElementTree.register_namespace("", SITEMAP)
    if part is None and parts > 1:
        root = ElementTree.Element(f"{{{SITEMAP}}}sitemapindex")
        for n in range(1, parts + 1):
            loc = ElementTree.SubElement(ElementTree.SubElement(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc")
            loc.text = address(f"/sitemap-{n}.xml")
    elif part is None or 1 <= part <= parts and parts > 1:
        start = 0 if part is None else (part - 1) * SITEMAP_URLS
        root = ElementTree.Element(f"{{{SITEMAP}}}urlset")
        for path in paths[start : start + SITEMAP_URLS]:
            loc = ElementTree.SubElement(ElementTree.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc")
            loc.text = address(path)
    else:
        return None
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def sitemap_parts(agencies: int) -> list[str]:
    """The sitemap files there are for this many agencies: sitemap.xml, and its parts when it is an index."""
    parts = -(-(len(PAGES) + agencies) // SITEMAP_URLS)
    return ["/sitemap.xml"] + ([f"/sitemap-{n}.xml" for n in range(1, parts + 1)] if parts > 1 else [])


def robots(rules: str, address: Callable[[str], str]) -> str:
    """The rules as the editor wrote them (metadata.yml: plugins: clearview: robots), and where the sitemap is."""
    return re.sub(r"\s*$", "\n", rules) + f"Sitemap: {address('/sitemap.xml')}\n"

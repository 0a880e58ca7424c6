"""Small bar charts of the release's counts, drawn by the build as SVG (the charts table) and served as images
(/charts/<name>.svg) beside the table that holds the same numbers: responses by status, agencies by country and by
US state, sources by year of publication. Each bar carries its number as text; the image's title and description say
what it shows; ElementTree escapes every label. No script, no fonts fetched, the same file in both editions."""

from __future__ import annotations

from xml.etree import ElementTree

SVG = "http://www.w3.org/2000/svg"
WIDTH, LABEL_WIDTH, ROW, GAP = 640, 230, 22, 6
BAR_COLOUR = "#4a6b8a"
MOST_ROWS = 15  # past it, the smallest rows are summed into one ("Other countries (12)")

# (name, title, tally, label column, count column, colour column, what the rest are called)
CHARTS = [
    ("by-status", "Agencies by response", "by_status", "label", "agencies", "colour", None),
    ("by-country", "Agencies by country", "by_country", "label", "agencies", None, "Other countries"),
    ("by-us-state", "US agencies by state", "by_us_state", "label", "agencies", None, "Other states"),
    ("sources-by-year", "Sources by year of publication", "sources_by_year", "label", "sources", None, None),
]


def bars(rows: list[dict], label: str, count: str, colour: str | None, rest: str | None) -> list[tuple]:
    """(label, number, colour) per bar; past MOST_ROWS, the smallest summed into one bar named rest."""
    bars = [(row[label] or "Undated", row[count], (row.get(colour) if colour else None) or BAR_COLOUR) for row in rows]
    if rest and len(bars) > MOST_ROWS:
        kept, others = bars[: MOST_ROWS - 1], bars[MOST_ROWS - 1 :]
        bars = [*kept, (f"{rest} ({len(others)})", sum(n for _, n, _ in others), "#8a8a8a")]
    return bars


def svg(title: str, bars: list[tuple]) -> str:
    ElementTree.register_namespace("", SVG)
    height = len(bars) * (ROW + GAP) + GAP
    root = ElementTree.Element(
        f"{{{SVG}}}svg",
        {"viewBox": f"0 0 {WIDTH} {height}", "width": str(WIDTH), "height": str(height), "role": "img"},
    )
    ElementTree.SubElement(root, f"{{{SVG}}}title").text = title
    described = "; ".join(f"{name}: {number:,}" for name, number, _ in bars)
    ElementTree.SubElement(root, f"{{{SVG}}}desc").text = described
    most = max((number for _, number, _ in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 70  # the number is written after its bar
    for i, (name, number, colour) in enumerate(bars):
        y = GAP + i * (ROW + GAP)
        text = ElementTree.SubElement(
            root,
            f"{{{SVG}}}text",
            {"x": str(LABEL_WIDTH - 8), "y": str(y + ROW - 6), "text-anchor": "end", "font-size": "13"},
        )
        text.text = name if len(name) <= 28 else name[:27] + "…"  # the table beside has it whole
        length = round(room * number / most)
        ElementTree.SubElement(
            root,
            f"{{{SVG}}}rect",
            {
                "x": str(LABEL_WIDTH),
                "y": str(y),
                "width": str(max(length, 1) if number else 0),
                "height": str(ROW),
                "fill": colour,
            },
        )
        value = ElementTree.SubElement(
            root, f"{{{SVG}}}text", {"x": str(LABEL_WIDTH + length + 6), "y": str(y + ROW - 6), "font-size": "13"}
        )
        value.text = f"{number:,}"
    root.set("font-family", "system-ui, sans-serif")
    root.set("fill", "#1a1a1a")
    return ElementTree.tostring(root, encoding="unicode")


def charts(counts: dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    """(name, title, SVG) of each chart, from the tallies (clearview.tallies.COUNTED, as the build counted them)."""
    return [
        (name, title, svg(title, bars(counts[tally], label, count, colour, rest)))
        for name, title, tally, label, count, colour, rest in CHARTS
    ]

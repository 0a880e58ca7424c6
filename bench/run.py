"""`make bench` (quick) and `make bench-full`: build, live-site and static-site costs per data size, written to
bench/RESULTS.md. Synthetic data only (bench/generate.py), in bench/out/ (not committed).

Each live page is timed three ways in one run: the raw SQLite query behind it, Datasette's bare table page for the
same rows, and our page; all in process through Datasette's ASGI client, so the network is not measured.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

from bench import attack
from bench.generate import generate
from clearview import gazetteer
from clearview.app import make_datasette
from clearview.browser import CHROMIUM, CHROMIUM_ARGS, free_port, offline_context, serve_files, serve_site
from clearview.progress import bar

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"
PROFILES = {
    "quick": {
        "build": ["today", 1_000, 10_000],
        "live": [1_000, 10_000],
        "static": ["today", 2_000],
        "map": [10_000],
        "runs": 3,
        "requests": 20,
    },
    "full": {
        "build": ["today", 1_000, 10_000, 100_000, 1_000_000],
        "live": [1_000, 10_000, 100_000],
        "static": ["today", 2_000, 20_000],
        "map": [20_000, 100_000],
        "runs": 3,
        "requests": 30,
    },
}
BUILD_ONCE = """
import json, resource, sys, time
import build_db
from pathlib import Path
steps = {{}}
started = time.perf_counter()
rows = build_db.build(Path({data!r}), Path({db!r}), seconds=steps)
seconds = time.perf_counter() - started
# The build reads the agencies' file in a second process: the two peaks added, as if they came at once.
peak_mb = sum(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
print(json.dumps({{"seconds": seconds, "rows": sum(rows.values()), "peak_mb": peak_mb, "steps": steps}}))
"""


def generator_version() -> str:
    """What the synthetic files depend on: the generator and the columns it must write."""
    sources = [ROOT / "bench" / "generate.py", ROOT / "clearview" / "schema.py"]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]


def data_for(n: int) -> Path:
    """The synthetic data (and any database built from it) for n agencies, made again when the generator or the
    files' columns have changed since (a column added made the kept files fail the build)."""
    folder = OUT / str(n)
    stamp = folder / "generator-version"
    if not stamp.exists() or stamp.read_text() != generator_version():
        shutil.rmtree(folder, ignore_errors=True)
        generate(n, folder / "data")
        stamp.write_text(generator_version())
    return folder


def database_for(n: int) -> Path:
    folder = data_for(n)
    db = folder / "clearview.db"
    if not db.exists():
        measure_build(n, runs=1)
    return db


def measure_build(n: int | str, runs: int) -> dict:
    """n synthetic agencies, or "today": data/ itself (written to bench/out/today, not to clearview.db)."""
    data, db = (ROOT / "data", OUT / "today" / "clearview.db") if n == "today" else (data_for(n) / "data", None)
    db = db or data.parent / "clearview.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    results, walls = [], []
    for _ in range(runs):
        script = BUILD_ONCE.format(root=str(ROOT), data=str(data), db=str(db))
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)  # what an editor waits for: start-up and imports too
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in results)
    rows = results[0]["rows"]
    return {
        "agencies": n,
        "rows": rows,
        "wall_s": statistics.median(walls),
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "peak_mb": max(r["peak_mb"] for r in results),
        "runs": runs,
        "steps": {step: statistics.median(r["steps"][step] for r in results) for step in results[0]["steps"]},
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def samples(db: Path) -> dict:
    """Real rows of the synthetic database to ask for: a town with agencies, an agency, a state."""
    with sqlite3.connect(db) as connection:
        city, state = connection.execute(
            "select city, state_province from agencies where city != '' group by city, state_province "
            "order by count(*) desc limit 1"
        ).fetchone()
        agency_id = connection.execute("select agency_id from agencies order by rowid limit 1 offset 7").fetchone()[0]
        big_state = connection.execute(
            "select state_province from agencies where state_province != '' group by 1 order by count(*) desc"
        ).fetchone()[0]
    typo = city[:2] + city[3] + city[2] + city[4:] if len(city) > 4 else city + "x"
    return {"city": city, "state": state, "agency_id": agency_id, "big_state": big_state, "typo": typo}


def page_specs(s: dict) -> list[tuple[str, str, tuple, str, str]]:
    """(page, raw SQL, parameters, Datasette's bare page, our page)."""
    name = f"{s['city']} police"
    state_slug = "us-" + s["big_state"].lower().replace(" ", "-")
    return [
        (
            "name search",
            "select agencies.* from agencies join agencies_fts on agencies.rowid = agencies_fts.rowid "
            "where agencies_fts match ? limit 101",
            (f'"{s["city"]}" "police"',),
            f"/clearview/agencies?_search={quote_plus(name)}",
            f"/search?q={quote_plus(name)}",
        ),
        (
            "typo'd search",
            "select agencies.* from agencies join agencies_fts on agencies.rowid = agencies_fts.rowid "
            "where agencies_fts match ? limit 101",
            (f'"{s["typo"]}" "police"',),
            f"/clearview/agencies?_search={quote_plus(s['typo'] + ' police')}",
            f"/search?q={quote_plus(s['typo'] + ' police')}",
        ),
        (
            "place search",
            "select * from agencies where city = ? and state_province = ? limit 101",
            (s["city"], s["state"]),
            f"/clearview/agencies?city={quote_plus(s['city'])}&state_province={quote_plus(s['state'])}",
            f"/search?q={quote_plus(s['city'] + ', ' + s['state'])}",
        ),
        (
            "state search",
            "select * from agencies where state_province = ? limit 101",
            (s["big_state"],),
            f"/clearview/agencies?state_province={quote_plus(s['big_state'])}",
            f"/search?q={quote_plus(s['big_state'])}",
        ),
        (
            "agency page",
            "select * from agencies where agency_id = ?",
            (s["agency_id"],),
            f"/clearview/agencies?agency_id={s['agency_id']}",
            f"/agency/{s['agency_id']}",
        ),
        (
            "faceted table page",
            "select * from agencies where state_province = ? order by name limit 101",
            (s["big_state"],),
            f"/clearview/agencies?state_province={quote_plus(s['big_state'])}",
            f"/browse/state-province/{state_slug}",
        ),
        (
            "map JSON",
            "select agency_id, name, latitude, longitude, response_status from agency_map",
            (),
            "/clearview/agency_map.json?_size=max&_shape=objects",
            "/map/agencies.geojson",
        ),
    ]


async def measure_live(n: int, requests: int) -> list[dict]:
    db = database_for(n)
    datasette = make_datasette(db)
    specs = page_specs(samples(db))
    gazetteer.forget()  # the generator loaded it in this process; a server starts without it
    started = time.perf_counter()
    await datasette.invoke_startup()  # what `datasette serve` does before it accepts requests (plugins/warm_start.py)
    start_up = time.perf_counter() - started
    first = time.perf_counter()
    await datasette.client.get(specs[0][4])  # the first search a reader makes once the server is up
    first_search = time.perf_counter() - first
    held = await measure_held(datasette, n)  # before the pages below ask for any of them
    connection = sqlite3.connect(db)
    rows = []
    for page, sql, parameters, bare, ours in specs:
        timings: dict[str, list[float]] = {"raw": [], "bare": [], "ours": []}
        for path in (bare, ours):
            response = await datasette.client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
        for _ in range(requests):
            started = time.perf_counter()
            connection.execute(sql, parameters).fetchall()
            timings["raw"].append(time.perf_counter() - started)
            for kind, path in (("bare", bare), ("ours", ours)):
                started = time.perf_counter()
                await datasette.client.get(path)
                timings[kind].append(time.perf_counter() - started)
        row = {"agencies": n, "page": page, "ours_path": ours}
        for kind, values in timings.items():
            row[f"{kind}_p50"] = percentile(values, 0.5) * 1000
            row[f"{kind}_p95"] = percentile(values, 0.95) * 1000
        rows.append(row)
    connection.close()
    rows.append({"agencies": n, "page": "start-up, before the server accepts requests", "first_ms": start_up * 1000})
    rows.append({"agencies": n, "page": "first search after start (target < 300 ms)", "first_ms": first_search * 1000})
    return rows + held


# What a first request sets off, built once per database; other readers must be served meanwhile.
BUILT_ON_FIRST_REQUEST = [
    "/browse",
    "/map/markers.json",
    "/map/agencies.geojson",
    "/sitemap.xml",
    "/sitemap-1.xml",
    "/feed.atom",
    "/search/index.json",
]


async def measure_held(datasette, n: int) -> list[dict]:
    """For each answer built on its first request: how long that request took, and the slowest of the requests for
    the tallies page sent every 50 ms meanwhile (what the answer held every other reader up by)."""

    async def others(built: asyncio.Event) -> float:
        slowest = 0.0
        while not built.is_set():
            started = time.perf_counter()
            await datasette.client.get("/tallies")
            slowest = max(slowest, time.perf_counter() - started)
            await asyncio.sleep(0.05)
        return slowest

    rows = []
    for path in BUILT_ON_FIRST_REQUEST:
        built = asyncio.Event()
        meanwhile = asyncio.create_task(others(built))
        started = time.perf_counter()
        status = (await datasette.client.get(path)).status_code
        took = time.perf_counter() - started
        built.set()
        slowest = await meanwhile
        if status == 200:  # a sitemap has parts only past 50,000 addresses
            rows.append({"agencies": n, "held_path": path, "first_s": took, "held_ms": slowest * 1000})
    return rows


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# Chrome DevTools' "Fast 3G" preset (bytes per second, milliseconds).
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.44e6 / 8 * 0.9,
    "uploadThroughput": 675e3 / 8 * 0.9,
}


def search_queries(db: Path) -> dict[str, str]:
    """What a reader types first: a town (the median of the towns with listed agencies, by how many), an agency's
    name with a typo (as a reader knows it: no "(synthetic N)"), and the heavy ones: the town with the most
    agencies and the state with the most."""
    s = samples(db)
    with sqlite3.connect(db) as connection:
        towns = connection.execute(
            "select city, state_province from agencies where city != '' group by 1, 2 order by count(*), 1, 2"
        ).fetchall()
        name = connection.execute("select name from agencies where agency_id = ?", (s["agency_id"],)).fetchone()[0]
    city, state = towns[len(towns) // 2]
    name = re.sub(r" \d+$", "", name.split(" (")[0])
    typo = name[:2] + name[3] + name[2] + name[4:]
    return {
        "town": f"{city}, {state}",
        "name with a typo": typo,
        "town with the most agencies": f"{s['city']}, {s['state']}",
        "state with the most agencies": s["big_state"],
    }


def first_search(site: Path, port: int, queries: dict[str, str]) -> list[dict]:
    """Per query, in a fresh Chromium context (empty cache): the bytes of the search index the query fetched
    (uncompressed; http.server sends no gzip), everything the page fetched, and the time from navigation to the
    answer, unthrottled and under Fast 3G."""
    from playwright.sync_api import sync_playwright

    rows = []
    with serve_files(site, port), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for kind, query in queries.items():
            row = {"query": kind, "text": query}
            for network in ("local", "fast 3g"):
                context = offline_context(browser, f"http://127.0.0.1:{port}")
                page = context.new_page()
                if network == "fast 3g":
                    session = context.new_cdp_session(page)
                    session.send("Network.enable")
                    session.send("Network.emulateNetworkConditions", FAST_3G)
                sizes: dict[str, int] = {}
                page.on(
                    "requestfinished", lambda r, sizes=sizes: sizes.__setitem__(r.url, r.sizes()["responseBodySize"])
                )
                page.goto(f"/search/?q={quote_plus(query)}")
                page.wait_for_function(
                    "performance.getEntriesByName('clearview-search-answered').length", timeout=300_000
                )
                answered = page.evaluate("performance.getEntriesByName('clearview-search-answered')[0].startTime")
                row[f"{network}_ms"] = answered
                if network == "local":
                    row["index_kb"] = sum(v for u, v in sizes.items() if "/search/" in u and u.endswith(".json")) / 1000
                    row["page_kb"] = sum(sizes.values()) / 1000
                context.close()
            rows.append(row)
        browser.close()
    return rows


def measure_static(n: int | str) -> dict:
    """n synthetic agencies, or "today": the published data (clearview.db, built by make)."""
    db = ROOT / "clearview.db" if n == "today" else database_for(n)
    site = OUT / str(n) / "site"
    shutil.rmtree(site, ignore_errors=True)  # measured from nothing: make static skips a site that is up to date
    port = free_port()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "clearview.static_site", "--site-url", f"http://127.0.0.1:{port}/", "--db", str(db)]
        + ["--out", str(site)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    files, size = folder_size(site)
    landing = (site / "index.html").read_bytes()
    index = (site / "search" / "index.json").read_bytes()
    with sqlite3.connect(db) as connection:
        agencies = connection.execute("select count(*) from agencies").fetchone()[0]
    return {
        "agencies": n,
        "count": agencies,
        "searches": first_search(site, port, search_queries(db)),
        "seconds": seconds,
        "files": files,
        "mb": size / 1e6,
        "landing_kb": len(landing) / 1000,
        "landing_gzip_kb": len(gzip.compress(landing)) / 1000,
        "landing_transferred_kb": landing_transferred(site) / 1000,
        "index_kb": len(index) / 1e3,
        "index_gzip_kb": len(gzip.compress(index)) / 1e3,
        "map_ms": map_time_to_markers(site, port),
    }


def landing_transferred(site: Path) -> int:
    """Bytes of the landing page and everything it loads, gzipped as a host would send them (no tiles)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Assets(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            if tag == "script" and values.get("src"):
                found.append(values["src"])
            if tag == "link" and values.get("rel") == "stylesheet":
                found.append(values["href"])

    html = (site / "index.html").read_bytes()
    Assets().feed(html.decode())
    total = len(gzip.compress(html))
    for url in found:
        path = site / url.split("?")[0].lstrip("/")
        if path.exists():
            total += len(gzip.compress(path.read_bytes()))
    return total


def map_time_to_markers(site: Path, port: int) -> float | None:
    """Milliseconds from navigation to every marker placed on /map, in headless Chromium (tiles answered empty)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with serve_files(site, port), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = offline_context(browser, f"http://127.0.0.1:{port}").new_page()
        times = []
        for _ in range(3):
            page.goto("/map/")
            try:
                page.locator("#reader-map[data-markers]").wait_for(timeout=120_000)
            except PlaywrightTimeout:  # reported as not measured, not as a number
                browser.close()
                return None
            mark = "() => performance.getEntriesByName('clearview-markers-placed')[0].startTime"
            times.append(page.evaluate(mark))
        browser.close()
    return statistics.median(times)


def measure_map(n: int) -> dict:
    """The live site's /map at n agencies: what it transfers gzipped (page, script, markers file) and the time to
    every marker placed (median of 3 loads), the server run as `make serve` runs it."""
    from playwright.sync_api import sync_playwright

    with serve_site(database_for(n), free_port()) as base:
        transferred = 0
        for path in ("/map", "/static/reader-map.js", "/map/markers.json"):
            request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request) as response:
                body = response.read()
                transferred += len(body if response.headers.get("Content-Encoding") == "gzip" else gzip.compress(body))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = offline_context(browser, base).new_page()
            times = []
            for _ in range(3):
                page.goto("/map")
                page.locator("#reader-map[data-markers]").wait_for(timeout=120_000)
                mark = "() => performance.getEntriesByName('clearview-markers-placed')[0].startTime"
                times.append(page.evaluate(mark))
            browser.close()
    return {"agencies": n, "map_ms": statistics.median(times), "transferred_kb": transferred / 1000}


def versions() -> dict:
    from importlib.metadata import version

    import datasette
    import sqlite_utils  # noqa: F401

    return {
        "python": platform.python_version(),
        "datasette": datasette.__version__,
        "sqlite-utils": version("sqlite-utils"),
        "SQLite": sqlite3.sqlite_version,
    }


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next((line.split()[1] for line in meminfo if line.startswith("MemTotal")), "0")  # kB
    gib = int(memory) / 1024 / 1024
    return f"{platform.machine()}, {os.cpu_count()} CPUs, {gib:.0f} GiB RAM, {platform.platform()}"


def label(s: dict) -> str:
    return f"today's data, {fmt(s['count'])}" if s["agencies"] == "today" else f"{fmt(s['agencies'])} agencies"


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, where we stand, met?) for each target the issue sets, from this run's figures only."""
    rows = []
    builds = {b["agencies"]: b for b in results["build"]}
    if "today" in builds:
        wall = builds["today"]["wall_s"]
        rows.append(("the real data built in < 2 s (`python build_db.py`)", f"{fmt(wall, 2)} s", wall < 2))
    if 100_000 in builds:
        b = builds[100_000]
        rows.append(
            ("build >= 50,000 rows/s at 100k agencies", f"{fmt(b['rows_per_s'])} rows/s", b["rows_per_s"] >= 50_000)
        )
    if 1_000_000 in builds:
        b = builds[1_000_000]
        rows.append(("build peak memory < 500 MB at 1M agencies", f"{fmt(b['peak_mb'])} MB", b["peak_mb"] < 500))
    pages = [r for r in results["live"] if "ours_p50" in r]
    if pages:
        largest = max(r["agencies"] for r in pages)
        for r in (r for r in pages if r["agencies"] == largest):
            ratio = r["ours_p50"] / r["bare_p50"]
            rows.append(
                (
                    f"{r['page']}: ours within 1.5x of Datasette's table page ({fmt(largest)} agencies)",
                    f"{ratio:.2f}x",
                    ratio <= 1.5,
                )
            )
        for page in ("place search", "state search"):
            for r in (r for r in pages if r["page"] == page and r["agencies"] == 100_000):
                rows.append((f"{page} p95 < 50 ms at 100k agencies", f"{fmt(r['ours_p95'], 1)} ms", r["ours_p95"] < 50))
    held = [r for r in results["live"] if "held_ms" in r and r["agencies"] == 100_000]
    if held:
        worst = max(held, key=lambda r: r["held_ms"])
        rows.append(
            (
                "no answer built on a first request holds other readers up > 1 s (100k agencies)",
                f"{fmt(worst['held_ms'])} ms (`{worst['held_path']}`)",
                worst["held_ms"] < 1000,
            )
        )
    for m in results.get("map", []):
        limit = {20_000: 2000, 100_000: 4000}.get(m["agencies"])
        if limit and m["map_ms"] is not None:
            rows.append(
                (
                    f"map interactive < {limit // 1000} s ({fmt(m['agencies'])} agencies)",
                    f"{fmt(m['map_ms'])} ms",
                    m["map_ms"] < limit,
                )
            )
        if m["agencies"] == 100_000:
            rows.append(
                ("/map transfers < 1 MB at 100k", f"{fmt(m['transferred_kb'], 1)} KB", m["transferred_kb"] < 1000)
            )
    for s in results["static"]:
        typical = [q["index_kb"] for q in s["searches"] if q["query"] in ("town", "name with a typo")]
        limit = {"today": 150, 20_000: 300}.get(s["agencies"])
        if limit and typical:
            first = max(typical)
            rows.append(
                (f"first search (a town, a name) <= {limit} KB ({label(s)})", f"{fmt(first, 1)} KB", first <= limit)
            )
        if s["agencies"] == 20_000:
            rows.append(("`make static` < 5 min at 20,000 agencies", f"{fmt(s['seconds'])} s", s["seconds"] < 300))
        rows.append(
            (
                f"landing page < 200 KB transferred ({label(s)})",
                f"{fmt(s['landing_transferred_kb'], 1)} KB",
                s["landing_transferred_kb"] < 200,
            )
        )
        if s["agencies"] == 2_000 and s["map_ms"] is not None:
            rows.append(("map interactive < 1.5 s with 2,000 markers", f"{fmt(s['map_ms'])} ms", s["map_ms"] < 1500))
    return [(t, v, "met" if ok else "**missed**") for t, v, ok in rows]


def report(results: dict, profile: str, started: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py` (`make {'bench' if profile == 'quick' else 'bench-full'}`) on "
        f"{datetime.date.today().isoformat()} in {fmt(time.time() - started)} s. Do not edit: run the bench again.",
        "",
        f"- Machine: {machine()}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        "- Data: synthetic (`bench/generate.py`, seed 1), never published.",
        "",
        "## Targets",
        "",
        "| target | this run | |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {v} | {ok} |" for t, v, ok in targets(results)]
    lines += [
        "",
        "## Build (`build_db.build`, median of runs, each in a fresh process)",
        "",
        "Peak memory adds the peaks of the build's two processes (the agencies' file is read in the second).",
        "",
        "| agencies | rows in all files | build() seconds | whole command (s) | rows/s | peak memory (MB) | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in results["build"]:
        agencies = "today's data" if b["agencies"] == "today" else fmt(b["agencies"])
        lines.append(
            f"| {agencies} | {fmt(b['rows'])} | {fmt(b['seconds'], 2)} | {fmt(b.get('wall_s', 0), 2)} | "
            f"{fmt(b['rows_per_s'])} | {fmt(b['peak_mb'])} | {b['runs']} |"
        )
    steps = [b for b in results["build"] if b.get("steps")]
    if steps:
        names = list(steps[0]["steps"])
        lines += [
            "",
            "Where the build's time goes (seconds per step of `build_db.py`, median of the runs):",
            "",
            "| agencies | " + " | ".join(names) + " |",
            "|---:|" + "---:|" * len(names),
        ]
        for b in steps:
            agencies = "today's data" if b["agencies"] == "today" else fmt(b["agencies"])
            lines.append(f"| {agencies} | " + " | ".join(fmt(b["steps"][name], 2) for name in names) + " |")
    lines += [
        "",
        "## Live site (ms; raw SQLite query, Datasette's bare table page for the same rows, our page)",
        "",
        "| agencies | page | raw p50 | raw p95 | bare p50 | bare p95 | ours p50 | ours p95 | ours / bare "
        "| ours / raw |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["live"]:
        if "ours_p50" in r:
            lines.append(
                f"| {fmt(r['agencies'])} | {r['page']} | {fmt(r['raw_p50'], 2)} | {fmt(r['raw_p95'], 2)} | "
                f"{fmt(r['bare_p50'], 1)} | {fmt(r['bare_p95'], 1)} | "
                f"{fmt(r['ours_p50'], 1)} | {fmt(r['ours_p95'], 1)} | "
                f"{r['ours_p50'] / r['bare_p50']:.2f} | {r['ours_p50'] / max(r['raw_p50'], 0.001):,.0f} |"
            )
    held = [r for r in results["live"] if "held_ms" in r]
    if held:
        lines += [
            "",
            "Answers built on their first request, and the slowest request for /tallies (sent every 50 ms) while "
            "one was built:",
            "",
            "| agencies | first request for | took (s) | slowest other request meanwhile (ms) |",
            "|---:|---|---:|---:|",
        ]
        lines += [
            f"| {fmt(r['agencies'])} | `{r['held_path']}` | {fmt(r['first_s'], 2)} | {fmt(r['held_ms'])} |"
            for r in held
        ]
    firsts = [r for r in results["live"] if "first_ms" in r]
    if firsts:
        lines += [
            "",
            "Start-up and the first search (plugins/warm_start.py loads the gazetteer and the agency index before "
            "the server accepts requests):",
        ]
        lines += [f"- {fmt(r['agencies'])} agencies, {r['page']}: {fmt(r['first_ms'])} ms" for r in firsts]
    lines += [
        "",
        "## Static site (`make static`)",
        "",
        "| data | seconds | files | size (MB) | landing (KB) | landing gzip (KB) | landing + assets gzip (KB) | "
        "search/index.json (KB) | its gzip (KB) | map: markers placed (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results["static"]:
        map_ms = fmt(s["map_ms"]) if s["map_ms"] is not None else "–"
        lines.append(
            f"| {label(s)} | {fmt(s['seconds'], 1)} | {fmt(s['files'])} | {fmt(s['mb'], 1)} | "
            f"{fmt(s['landing_kb'], 1)} | {fmt(s['landing_gzip_kb'], 1)} | {fmt(s['landing_transferred_kb'], 1)} | "
            f"{fmt(s['index_kb'], 1)} | {fmt(s['index_gzip_kb'], 1)} | {map_ms} |"
        )
    lines += [
        "",
        "### The first search on the static site (fresh browser, empty cache)",
        "",
        "Index: the parts of `search/` the query fetched, uncompressed. Page: everything the page fetched (HTML, "
        "CSS, scripts, index). Time: navigation to the answer on the page (`performance` mark), on loopback and "
        "under Chrome's Fast 3G preset (562.5 ms latency, 1.44 Mbit/s); `python -m http.server` sends no gzip and "
        "speaks HTTP/1.0, so a real host does better.",
        "",
        "| data | query | typed | index (KB) | page (KB) | loopback (ms) | Fast 3G (ms) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for s in results["static"]:
        for q in s["searches"]:
            lines.append(
                f"| {label(s)} | {q['query']} | {q['text']} | {fmt(q['index_kb'], 1)} | {fmt(q['page_kb'], 1)} | "
                f"{fmt(q['local_ms'])} | {fmt(q['fast 3g_ms'])} |"
            )
    if results.get("map"):
        lines += [
            "",
            "## The map on the live site (`python -m clearview.server`, headless Chromium, tiles answered empty)",
            "",
            "| agencies | transferred gzip: page, script, markers (KB) | every marker placed (ms, median of 3) |",
            "|---:|---:|---:|",
        ]
        for m in results["map"]:
            lines.append(f"| {fmt(m['agencies'])} | {fmt(m['transferred_kb'], 1)} | {fmt(m['map_ms'])} |")
    lines += [
        "",
        "Live timings are in process (Datasette's ASGI client): no network, one request at a time. "
        "`make loadtest` measures concurrency. The map time is Chromium's `performance` mark set when every marker "
        "is on the map (tiles answered empty), median of 3 loads.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    profile = PROFILES[args.profile]
    started = time.time()
    results: dict = {"build": [], "live": [], "static": [], "map": []}
    steps = sum(len(profile[kind]) for kind in results)
    with bar("benchmarks", total=steps, unit=" steps") as done:
        for n in profile["build"]:
            print(f"==> build, {n if n == 'today' else f'{n:,} agencies'}", flush=True)
            results["build"].append(measure_build(n, 1 if n == 1_000_000 else profile["runs"]))
            done.update(1)
        for n in profile["live"]:
            print(f"==> live site, {n:,} agencies", flush=True)
            results["live"] += asyncio.run(measure_live(n, profile["requests"]))
            done.update(1)
        for n in profile["static"]:
            print(f"==> static site, {n if n == 'today' else f'{n:,} agencies'}", flush=True)
            results["static"].append(measure_static(n))
            done.update(1)
        for n in profile["map"]:
            print(f"==> map on the live site, {n:,} agencies", flush=True)
            results["map"].append(measure_map(n))
            done.update(1)
    args.out.write_text(report(results, args.profile, started), encoding="utf-8")
    if (attack_report := ROOT / "bench" / "ATTACK.md").exists():  # `make attack`'s last run, kept in the results
        attack.into(args.out, attack_report)
    (OUT / f"results-{args.profile}.json").write_text(json.dumps(results, indent=1))
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())

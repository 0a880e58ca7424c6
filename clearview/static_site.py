"""`make static`: the site as files any host can serve, rendered by the live site itself.

Datasette's own ASGI client renders every page with the live templates and plugins, at the base path the site will
have (`base_url`), so the two editions cannot drift. From the landing page, every agency, browse, map, search and
download page, the crawl follows each link and asset. A page is written as <path>/index.html and linked as
<path>/, so a host serves it without a redirect. A link the static site cannot answer (SQL, Datasette's table
pages, anything with a query string) goes to the live site when one is given, otherwise to Datasette Lite
running on this site's own clearview.db.

    python -m clearview.static_site --site-url https://user.github.io/repo/ [--live-url URL] [--out site]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import multiprocessing
import os
import posixpath
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from clearview import routes
from clearview.app import ROOT, load_metadata, make_datasette
from clearview.lite import LITE_CANNOT, lite_metadata, lite_url
from clearview.progress import bar
from clearview.publishing import sitemap_parts
from clearview.search_index import part_paths

# Reader pages the static site has, each written as <path>/index.html.
PAGE = re.compile(
    "^(?:"
    + "|".join(
        [
            *(re.escape(path) for path in routes.PAGES.values()),
            re.escape(routes.AGENCY) + "[a-z0-9-]+",
            re.escape(routes.path("browse")) + r"/[a-z-]+/[a-z0-9-]+(?:/[1-9][0-9]*)?",
            *(re.escape(old) for old in routes.MOVED),  # a page that forwards to where it moved
        ]
    )
    + ")$"
)
# Files it has, written as they are.
FILE = re.compile(
    r"^/(?:static/|-/static/|-/static-plugins/|data/|clearview\.db$|robots\.txt$|feed\.atom$|sitemap(?:-[0-9]+)?\.xml$"
    r"|favicon\.ico$|search/[a-z0-9/-]+\.json$"
    r"|map/agencies\.geojson$|map/markers\.json$|map/details/[0-9]+\.json$|downloads/[a-z_]+\.(?:csv|json|xlsx)$|charts/[a-z-]+\.svg$)"
)
URL_ATTRIBUTE = re.compile(r'(\s[a-z-]+=")([^"]*)(")')
LINK_ATTRIBUTES = ("href", "action")
LEFT_OUT = "#left-out"
LEFT_OUT_ANCHOR = re.compile(r'<a href="#left-out"[^>]*>(.*?)</a>', re.S)
# Asset URLs inside scripts and styles: quoted site paths, relative module imports, CSS url().
QUOTED_ASSET = re.compile(r"""["']({base}(?:-/static|-/static-plugins|static)/[^"'?#\s]+)["']""")
MODULE_IMPORT = re.compile(r"""(?:from|import)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
SEEDS = [
    *routes.PAGES.values(),
    *(path for name, path in routes.FILES.items() if name not in ("sitemap", "search_index")),  # sitemap_parts
    *routes.MOVED,
    "/clearview.db",
    "/favicon.ico",
]


class BrokenLink(Exception):
    pass


class StaticSite:
    def __init__(
        self, db_path: Path, site_url: str, out: Path, live_url: str | None = None, repository_url: str | None = None
    ) -> None:
        if not site_url.endswith("/"):
            site_url += "/"
        self.site_url, self.live_url, self.out, self.db_path = site_url, live_url, out, db_path
        self.base = urlsplit(site_url).path or "/"
        metadata = load_metadata()
        metadata.setdefault("plugins", {}).setdefault("clearview", {}).update(site_url=site_url, static_pages=True)
        if repository_url:  # "Suggest a correction" then opens a prefilled issue there
            metadata["plugins"]["clearview"]["repository_url"] = repository_url
        self.metadata = metadata
        self.datasette = make_datasette(db_path, metadata, base_url=self.base)
        self.quoted_asset = re.compile(QUOTED_ASSET.pattern.format(base=re.escape(self.base)))
        self.seen: set[str] = set()
        self.queue: deque[tuple[str, str]] = deque()
        self.written: dict[str, int] = {}

    # -- the crawl --------------------------------------------------------------------------------------------

    def want(self, path: str, referrer: str) -> None:
        if path not in self.seen:
            self.seen.add(path)
            self.queue.append((path, referrer))

    async def render(self, paths: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Writes each (path, referrer); returns what they link to that this renderer has not seen."""
        self.seen.update(path for path, _ in paths)
        for path, referrer in paths:
            await self.fetch(path, referrer)
        found, self.queue = list(self.queue), deque()
        return found

    async def finish(self) -> None:
        await self.write_not_found()
        self.write("/metadata.json", json.dumps(lite_metadata(self.metadata), indent=2).encode())
        self.write("/.nojekyll", b"")  # GitHub Pages: serve the -/ and _ paths as they are

    async def fetch(self, path: str, referrer: str) -> None:
        if path == "/clearview.db":  # the file Datasette serves, copied rather than read into memory through it
            shutil.copy2(self.db_path, self.out / "clearview.db")
            self.written[path] = self.db_path.stat().st_size
            return
        if path in routes.MOVED:  # no server to redirect: a page that forwards, and says where to
            self.write(path + "/index.html", self.forwarding_page(routes.path(routes.MOVED[path])).encode())
            return
        response = await self.datasette.client.get(path)
        if response.status_code != 200:
            raise BrokenLink(f"{path} (linked from {referrer}) answered {response.status_code}")
        content_type = response.headers.get("content-type", "")
        body = response.content
        if "text/html" in content_type:
            body = self.rewrite_page(response.text, path).encode()
        elif content_type.startswith(("text/css", "text/javascript", "application/javascript")):
            self.find_assets(response.text, path)
        elif path == "/search/index.json":  # the parts static-search.js fetches as a query needs them, written
            self.write(path, body)  # here, by the renderer that has just built them
            for part in part_paths(json.loads(body)):
                self.seen.add(f"/search/{part}.json")
                await self.fetch(f"/search/{part}.json", path)
            return
        if path == routes.path("map_markers"):  # the popups' parts, which only the map's script asks for
            for part in range(json.loads(body)["parts"]):
                self.want(f"{routes.path('map_details')}{part}.json", path)
        self.write(path + "/index.html" if PAGE.match(path) else path, body)

    def forwarding_page(self, path: str) -> str:
        new = html.escape(self.base + path.lstrip("/") + ("/" if path != "/" else ""), quote=True)
        return (
            f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>This page has moved</title>\n'
            f'<link rel="canonical" href="{new}">\n<meta http-equiv="refresh" content="0; url={new}">\n</head>\n'
            f'<body><p>This page has moved to <a href="{new}">{new}</a>.</p></body>\n</html>\n'
        )

    async def write_not_found(self) -> None:
        response = await self.datasette.client.get("/this-page-does-not-exist")
        self.write("/404.html", self.rewrite_page(response.text, "/404").encode())

    def write(self, path: str, body: bytes) -> None:
        target = self.out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.written[path] = len(body)

    # -- links ------------------------------------------------------------------------------------------------

    def rewrite_page(self, text: str, path: str) -> str:
        def attribute(match: re.Match) -> str:
            name = match.group(1).strip().split("=")[0]
            value = html.unescape(match.group(2))
            return match.group(1) + html.escape(self.link(name, value, path), quote=True) + match.group(3)

        text = LEFT_OUT_ANCHOR.sub(r"\1", URL_ATTRIBUTE.sub(attribute, text))
        self.find_assets(text, path)
        return text

    def link(self, attribute: str, url: str, referrer: str) -> str:
        """The URL as the static site has it; queues what it points to."""
        if attribute.endswith("-path"):  # a prefix scripts complete (data-agency-path="/agency/")
            return url
        if not url.startswith(self.base) or url.startswith("//"):
            return url
        site_path = "/" + url[len(self.base) :]
        target, _, fragment = site_path.partition("#")
        fragment = "#" + fragment if fragment else ""
        file, _, query = target.partition("?")
        if FILE.match(file):  # a query on a file only busts caches ("app.css?d59929"); hosts ignore it
            self.want(file, referrer)
            return url
        if file == "/search" and query.startswith("q="):  # a search example: static-search.js answers it
            self.want(file, referrer)
            return f"{self.base}search/?{query}{fragment}"
        if not query and PAGE.match(target):
            self.want(target, referrer)
            if attribute in LINK_ATTRIBUTES and target != "/":
                return self.base + target.lstrip("/") + "/" + fragment
            return url
        if attribute not in LINK_ATTRIBUTES:
            raise BrokenLink(f"{referrer} needs {url}, which the static site cannot serve")
        if self.live_url:
            return self.live_url.rstrip("/") + site_path
        if LITE_CANNOT.search(target):
            return LEFT_OUT
        return lite_url(self.site_url, target + fragment)

    def find_assets(self, text: str, path: str) -> None:
        for match in self.quoted_asset.finditer(text):
            self.want("/" + match.group(1)[len(self.base) :], path)
        if path.endswith((".js", ".css")):
            directory = posixpath.dirname(path)
            relative = MODULE_IMPORT.findall(text) if path.endswith(".js") else CSS_URL.findall(text)
            for url in relative:
                if not url.startswith(("data:", "http:", "https:", "/", "#")):
                    self.want(posixpath.normpath(posixpath.join(directory, url.split("?")[0].split("#")[0])), path)


# -- rendering in parallel: one StaticSite per process, the crawl's frontier shared out in batches ---------------

BATCH = 50
PARALLEL_FROM = 1_000
_worker: tuple[StaticSite, asyncio.AbstractEventLoop] | None = None


def _start_worker(*options) -> None:
    global _worker
    _worker = StaticSite(*options), asyncio.new_event_loop()


def _render_batch(paths: list[tuple[str, str]]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    site, loop = _worker
    site.written = {}
    found = loop.run_until_complete(site.render(paths))
    return site.written, found


def _finish() -> dict[str, int]:
    site, loop = _worker
    site.written = {}
    loop.run_until_complete(site.finish())
    return site.written


def crawl(options: tuple, workers: int | None) -> dict[str, int]:
    """From the seeds, every page and file the site links to, rendered by `workers` processes (bytes by path)."""
    with sqlite3.connect(f"file:{options[0]}?mode=ro", uri=True) as db:
        agencies = [f"/agency/{row[0]}" for row in db.execute("select agency_id from agencies order by agency_id")]
    frontier = [(path, "(seed)") for path in SEEDS + sitemap_parts(len(agencies)) + agencies]
    seen = {path for path, _ in frontier}
    written: dict[str, int] = {}
    if workers is None:  # a process costs a second or two to start: worth it for thousands of pages
        workers = os.cpu_count() or 1 if len(frontier) >= PARALLEL_FROM else 1
    if workers == 1:
        pool = None
        _start_worker(*options)
        render, finish = (lambda batches: map(_render_batch, batches)), _finish
    else:
        # Spawned, not forked: the caller may run threads (Playwright in the tests) that a fork would copy mid-step.
        pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), _start_worker, options)
        render, finish = (lambda batches: pool.map(_render_batch, batches)), lambda: pool.submit(_finish).result()
    try:
        with bar("render the static site", total=len(frontier), unit=" files") as counted:
            while frontier:
                batches = [frontier[i : i + BATCH] for i in range(0, len(frontier), BATCH)]
                frontier = []
                for (pages, found), batch in zip(render(batches), batches, strict=True):
                    written |= pages
                    counted.update(len(batch))
                    for path, referrer in found:
                        if path not in seen:
                            seen.add(path)
                            frontier.append((path, referrer))
                            counted.total += 1
        written |= finish()
    finally:
        if pool:
            pool.shutdown()
    return written


def build_static(
    db_path: Path,
    site_url: str,
    out: Path,
    live_url: str | None = None,
    repository_url: str | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Writes the site to a new folder and only then puts it in place of out: a failed build leaves out as it was.
    Returns the bytes written by path.
    workers: processes that render pages (default: one per CPU from PARALLEL_FROM agencies)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out.parent))
    try:
        options = (db_path, site_url, staging, live_url, repository_url)
        # A thread of its own: the caller may already run an event loop (a notebook, Playwright in the tests).
        with ThreadPoolExecutor(1) as thread:
            written = thread.submit(crawl, options, workers).result()
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fingerprint(db: Path, options: list[str | None]) -> str:
    """What a static build is made from: the database, everything that renders it, and the addresses it is for."""
    digest = hashlib.sha256(json.dumps(options).encode())
    sources = [db, ROOT / "metadata.yml", ROOT / "settings.json"]
    for folder, pattern in (("templates", "**/*.html"), ("plugins", "*.py"), ("static", "*"), ("clearview", "*.py")):
        sources += sorted((ROOT / folder).glob(pattern))
    for path in sources:
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-url", required=True, help="where the site will be served, e.g. https://example.org/")
    parser.add_argument("--live-url", help="a live Datasette for the SQL and table links (default: Datasette Lite)")
    parser.add_argument("--repository-url", help="the project's repository: corrections open a prefilled issue there")
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    parser.add_argument("--db", type=Path, default=ROOT / "clearview.db")
    parser.add_argument("--workers", type=int, help="processes that render pages (default: one per CPU)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"error: {args.db} is missing: run `make build` first", file=sys.stderr)
        return 1
    started = time.monotonic()
    made_from = fingerprint(args.db, [args.site_url, args.live_url, args.repository_url])
    stamp = args.out / ".made-from"
    if stamp.exists() and stamp.read_text() == made_from:
        print(f"{args.out} is up to date: the same database, code, templates and addresses as its last build")
        return 0
    try:
        written = build_static(args.db, args.site_url, args.out, args.live_url, args.repository_url, args.workers)
    except BrokenLink as error:
        print(f"error: broken link: {error}. {args.out} is unchanged.", file=sys.stderr)
        return 1
    stamp.write_text(made_from)
    total = sum(written.values())
    pages = sum(1 for path in written if path.endswith("/index.html"))
    print(
        f"wrote {args.out}: {len(written)} files ({pages} pages), {total / 1e6:.1f} MB, "
        f"for {args.site_url}, in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

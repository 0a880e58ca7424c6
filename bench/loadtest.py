"""Bounded load test on loopback: N concurrent clients for a fixed time across the reader pages and the map JSON.

    python -m bench.loadtest --url http://127.0.0.1:8002 [--clients 50] [--seconds 60]   (what `make loadtest` runs)

Prints requests, errors and latency percentiles per page; exits 1 on any error. Refuses any host but loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import statistics
import sys
import time
from collections import defaultdict
from urllib.parse import urlparse

import httpx

PAGES = {
    "landing": "/",
    "name search": "/search?q=Toronto+Police",
    "typo search": "/search?q=Tornto+police",
    "place search": "/search?q=Timmins",
    "zip search": "/search?q=07011",
    "agency page": "/agency/toronto-police-service",
    "facet page": "/clearview/agency_map?country=Canada",
    "map json": "/clearview/agency_map.json?_size=max&_labels=on&_shape=objects",
}
MAX_REQUESTS = 1_000_000  # a second bound besides time
reasons: list[str] = []  # the first few errors, printed at the end


def loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def client(base: str, deadline: float, results: dict, errors: dict, budget: list[int], offset: int) -> None:  # noqa: E501
    names = list(PAGES)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        turn = offset
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            name = names[turn % len(names)]
            turn += 1
            start = time.perf_counter()
            try:
                response = await http.get(PAGES[name])
                ok = response.status_code == 200
                problem = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                ok, problem = False, f"{type(error).__name__}: {error}"
            if not ok and len(reasons) < 5:
                reasons.append(f"{PAGES[name]}: {problem}")
            elapsed = (time.perf_counter() - start) * 1000
            (results if ok else errors)[name].append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(base: str, clients: int, seconds: float) -> int:
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[float]] = defaultdict(list)
    budget = [MAX_REQUESTS]
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client(base, deadline, results, errors, budget, n) for n in range(clients)))
    wall = time.monotonic() - started
    total = sum(len(v) for v in results.values())
    failed = sum(len(v) for v in errors.values())
    print(
        f"{clients} clients, {wall:.0f} s, {total + failed:,} requests, "
        f"{(total + failed) / wall:.0f}/s, {failed} errors"
    )
    print(f"{'page':<14} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name in PAGES:
        times = results[name]
        if times:
            print(
                f"{name:<14} {len(times):>9,} {len(errors[name]):>7} {percentile(times, 0.5):>8.1f} "
                f"{percentile(times, 0.95):>8.1f} {percentile(times, 0.99):>8.1f} {statistics.mean(times):>8.1f}"
            )
        else:
            print(f"{name:<14} {0:>9} {len(errors[name]):>7}")
    for reason in reasons:
        print("error:", reason)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8002")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    return on_loopback(args.url, run, args.clients, args.seconds)


def on_loopback(url: str, run, *arguments) -> int:
    """asyncio.run(run(url, *arguments)), refused unless url is this machine: a benchmark is no load on others."""
    if not loopback(url):
        print(f"refused: {url} is not a loopback address", file=sys.stderr)
        return 2
    return asyncio.run(run(url.rstrip("/"), *arguments))


if __name__ == "__main__":
    sys.exit(main())

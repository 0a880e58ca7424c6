"""Progress on a terminal for the long jobs (the build, `make static`, `make release`, the benchmarks): tqdm's bar
on standard error when it is a terminal, nothing at all when it is not (CI logs, pipes, the tests)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def shown() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI") is None and os.environ.get("NO_PROGRESS") is None


def bar(what: str, total: int | None = None, unit: str = " rows", quiet: bool = False) -> tqdm:
    """A bar to update by hand (bar.update(n)); a bar that draws nothing where progress is not shown, or quiet."""
    disable = quiet or not shown()
    return tqdm(desc=what, total=total, unit=unit, unit_scale=True, file=sys.stderr, disable=disable, leave=False)


def progress(
    items: Iterable[T], what: str, total: int | None = None, unit: str = " rows", quiet: bool = False
) -> Iterator[T]:
    """The items, counted on a bar as they pass (none drawn if quiet)."""
    with bar(what, total, unit, quiet) as counter:
        for item in items:
            yield item
            counter.update(1)

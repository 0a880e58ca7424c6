"""The site as one Datasette object: what `make serve` runs (its options in the Makefile), the tests serve and the
static site renders. One place, so the editions cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parent.parent


def load_metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


def make_datasette(db_path: Path, metadata: dict | None = None, base_url: str = "/") -> Datasette:
    """The same options the Makefile's `serve` passes to `datasette serve`; base_url for a site under a sub-path."""
    settings = json.loads((ROOT / "settings.json").read_text())
    return Datasette(
        [],
        immutables=[str(db_path)],
        metadata=metadata or load_metadata(),
        template_dir=str(ROOT / "templates"),
        plugins_dir=str(ROOT / "plugins"),
        static_mounts=[("static", str(ROOT / "static")), ("data", str(ROOT / "data"))],
        settings={**settings, "base_url": base_url},
    )


def site_path(path: str, base_url: str) -> str:
    """A request's path as the site names it, without the base path ("/clearview/usage/data/x" -> "/data/x")."""
    return path[len(base_url) - 1 :] if base_url != "/" and path.startswith(base_url) else path

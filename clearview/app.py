"""The site as one Datasette object: what `make serve` runs (its options in the Makefile), the tests serve and the
static site renders. One place, so the editions cannot drift."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parent.parent


def load_metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


# The site's configuration, once: make_datasette builds it here, and `python -m clearview.app` prints it as the
# options of `datasette serve` and `datasette publish` (the Makefile's serve, loadtest, attack and publish targets).
METADATA = "metadata.yml"
TEMPLATES = "templates"
PLUGINS = "plugins"
STATIC_MOUNTS = [("static", "static"), ("data", "data")]  # (URL path, folder)


def settings() -> dict:
    return json.loads((ROOT / "settings.json").read_text())


def make_datasette(db_path: Path, metadata: dict | None = None, base_url: str = "/") -> Datasette:
    """The site as `make serve` runs it; base_url for a site under a sub-path."""
    return Datasette(
        [],
        immutables=[str(db_path)],
        metadata=metadata or load_metadata(),
        template_dir=str(ROOT / TEMPLATES),
        plugins_dir=str(ROOT / PLUGINS),
        static_mounts=[(path, str(ROOT / folder)) for path, folder in STATIC_MOUNTS],
        settings={**settings(), "base_url": base_url},
        cors=True,  # reporters' pages and notebooks read the JSON and CSV from anywhere, here as deployed
    )


def site_options() -> list[str]:
    """The options `datasette serve` and `datasette publish` share (paths relative to the repository root)."""
    options = ["--metadata", METADATA, "--template-dir", TEMPLATES, "--plugins-dir", PLUGINS]
    for path, folder in STATIC_MOUNTS:
        options += ["--static", f"{path}:{folder}"]
    return options


def setting_options() -> list[str]:
    return [part for key, value in settings().items() for part in ("--setting", key, str(value).lower())]


def site_path(path: str, base_url: str) -> str:
    """A request's path as the site names it, without the base path ("/clearview/usage/data/x" -> "/data/x")."""
    return path[len(base_url) - 1 :] if base_url != "/" and path.startswith(base_url) else path


def absolute_url(datasette: Datasette, request, path: str) -> str:
    """A site path ("/agency/x") as a full address: under plugins.clearview.site_url where the site says where it is
    public (the static edition always does), else at the address the request came to."""
    return absolute_urls(datasette, request)(path)


def absolute_urls(datasette: Datasette, request) -> Callable[[str], str]:
    """absolute_url for many paths: the site's address is worked out once (a sitemap part has 50,000, and asking
    Datasette's metadata and urljoin for each took 4.7 s)."""
    config = datasette.plugin_config("clearview") or {}
    if site_url := config.get("site_url"):
        root, static = site_url.rstrip("/") + "/", config.get("static_pages")

        def address(path: str) -> str:
            if static and path != "/" and "." not in path.rsplit("/", 1)[-1] and "?" not in path:
                path += "/"  # the static edition's page is <path>/index.html: a host serves <path>/ without a redirect
            return root + path.lstrip("/")

        return address
    if request is None:
        return datasette.urls.path
    origin = datasette.absolute_url(request, "/").rstrip("/")  # scheme and host, as the request came (or https)
    return lambda path: origin + datasette.urls.path(path)


if __name__ == "__main__":
    import sys

    print(" ".join(setting_options() if sys.argv[1:] == ["--settings"] else site_options()))

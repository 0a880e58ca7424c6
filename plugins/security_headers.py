"""Security headers on every response. The map's tile host is the only outside address a page may load from.

Datasette 0.65 writes inline scripts and styles (and cluster-map injects both), so script-src and style-src must
allow 'unsafe-inline'; everything else is limited to this site. docs/security-headers.md has the same headers
for a static host.
"""

from __future__ import annotations

from urllib.parse import urlparse

from datasette import hookimpl
from datasette_cluster_map import TILE_LAYER

from clearview.asgi import Rewrite, rewriting, without


def tile_host(tile_layer: str) -> str:
    """'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png' -> 'https://*.tile.openstreetmap.org'."""
    url = urlparse(tile_layer.replace("{s}", "subdomain"))
    host = url.netloc.replace("subdomain", "*")
    return f"{url.scheme}://{host}"


def security_headers(tile_layer: str) -> list[tuple[bytes, bytes]]:
    policy = "; ".join(
        [
            "default-src 'self'",
            f"img-src 'self' data: {tile_host(tile_layer)}",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        # OpenStreetMap refuses tile requests that carry no referrer; this sends only the origin to other sites.
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


@hookimpl
def asgi_wrapper(datasette):
    config = datasette.plugin_config("datasette-cluster-map") or {}
    headers = security_headers(config.get("tile_layer") or TILE_LAYER)
    names = [name for name, _ in headers]
    return lambda app: rewriting(app, lambda scope, status, sent: Rewrite(without(sent, *names) + headers))

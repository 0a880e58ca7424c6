"""Adds lang="en" and <meta charset="utf-8"> to every HTML page. Datasette 0.65's base.html has a bare <html>
(fixed only in 1.0, simonw/datasette#2348), and screen readers need the page's language; it declares no charset,
so a host that sends none (Python's http.server, S3's default, file://) showed "Police department Â· Toronto"."""

from __future__ import annotations

from datasette import hookimpl

from clearview.asgi import Headers, Rewrite, first_chunk, rewriting

BARE = b"<html>"
WITH_LANG = b'<html lang="en">'
HEAD = b"<head>"
WITH_CHARSET = b'<head>\n<meta charset="utf-8">'


def mend(head: bytes) -> bytes:
    if BARE in head[:400]:
        head = head.replace(BARE, WITH_LANG, 1)
    if HEAD in head[:400] and b"<meta charset" not in head[:1000]:
        head = head.replace(HEAD, WITH_CHARSET, 1)
    return head


def html_pages(scope: dict, status: int, headers: Headers) -> Rewrite | None:
    found = dict(headers)
    # Pages are sent without content-length; one that has it is passed through unchanged.
    if not found.get(b"content-type", b"").startswith(b"text/html") or b"content-length" in found:
        return None
    return Rewrite(headers, first_chunk(mend))


@hookimpl
def asgi_wrapper():
    return lambda app: rewriting(app, html_pages)

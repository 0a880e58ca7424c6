"""route(name) for templates (clearview/routes.py), and the moved addresses redirected to where they went."""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

from clearview import routes


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # A global, not a page variable: error pages and the search index's cards are rendered without those.
    env.globals["route"] = lambda name: datasette.urls.path(routes.path(name))


@hookimpl
def register_routes():
    def moved_to(name: str):
        async def redirect(datasette, request):
            query = f"?{request.query_string}" if request.query_string else ""
            return Response.redirect(datasette.urls.path(routes.path(name)) + query, status=301)

        return redirect

    return [("^" + re.escape(old) + "$", moved_to(name)) for old, name in routes.MOVED.items()]

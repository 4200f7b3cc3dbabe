"""``wasmblog serve``: the site over HTTP, a fresh sandbox per request (or built into memory).

Inside, from the top: ``server`` (the service, the foreground server, a
server on a thread for tests), ``supervisor`` and ``worker`` (one process
per core), ``app`` (the ASGI application), ``queue`` (bounded rendering),
``sitehost`` and ``snapshot`` (the site as served, kept current),
``watch``, ``livereload``, ``http`` (uvicorn's gaps closed) and
``staticfiles`` (files opened safely), ``options``. The HTTP rules (paths,
redirects, validators) are :mod:`renderer.routing`, shared with the
deployed component.
"""

from .options import MODES, ServeOptions
from .server import ServerThread, create_service, serve

__all__ = ["MODES", "ServeOptions", "ServerThread", "create_service", "serve"]

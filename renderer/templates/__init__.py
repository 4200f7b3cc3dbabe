"""Templates: page jobs + posts -> output files, through a sandboxed Jinja2 theme.

``sandbox`` hardens Jinja2, ``theme`` loads the default theme and compiles
template sets, ``views`` is what templates see, ``render`` assembles each
page's context, renders it and checks the output.
"""

from .render import render_pages
from .theme import TEMPLATE_FOR_KIND, forget_overrides

__all__ = ["TEMPLATE_FOR_KIND", "forget_overrides", "render_pages"]

"""The site outside our process: a ``wasi:http/proxy`` component for engines we did not write.

``deploy`` builds ``DIR/site.wasm`` (the whole site, code and content in
one pre-initialised snapshot, every request rendered on the spot) and
``DIR/spin.toml``; ``wasi`` keeps its imports inside ``wasi:http/proxy``;
``guest/`` is the component's inside. At the site layer: it imports
``site``, ``engines`` and ``renderer``; only the CLI (and the benchmark)
import it.
"""

from .build import DEFAULT_MAX_EMBED_MB, NOT_EMBEDDED, DeployError, DeployReport, deploy
from .wasi import WasmToolsError, exports, imports, outside_proxy, proxy_imports

__all__ = ["DEFAULT_MAX_EMBED_MB", "NOT_EMBEDDED", "DeployError", "DeployReport", "WasmToolsError", "deploy",
           "exports", "imports", "outside_proxy", "proxy_imports"]

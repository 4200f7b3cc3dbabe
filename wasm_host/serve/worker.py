"""A worker process of ``wasmblog serve`` (started by :mod:`wasm_host.serve.supervisor`).

    python -m wasm_host.serve.worker SPEC
"""

from __future__ import annotations

import json
import os
import socket
import sys
from typing import Any

from .console import stderr
from .options import ServeOptions
from .server import serve_here


def worker_main(argv: list[str]) -> int:
    """Entry point of a worker process (``python -m wasm_host.serve.worker SPEC``)."""
    spec = json.loads(argv[0])
    opts = ServeOptions(**spec["options"])
    sock = socket.socket(fileno=spec["fd"])
    status = os.fdopen(spec["status_fd"], "w")

    def ready(info: dict[str, Any]) -> None:
        status.write(json.dumps(info) + "\n")
        status.close()

    try:
        return serve_here(spec["site"], opts, sock, spec["host"], stderr, None if spec["quiet"] else stderr,
                           worker=spec["index"], ready=ready)
    except Exception as exc:
        stderr(f"error: worker {spec['index']}: {type(exc).__name__}: {exc}")
        return 1
    finally:
        if not status.closed:
            status.close()


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))

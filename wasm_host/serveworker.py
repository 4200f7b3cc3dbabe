"""A worker process of ``wasmblog serve --workers N`` (started by the supervisor, not by hand)."""

import sys

from .serve import worker_main

if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))

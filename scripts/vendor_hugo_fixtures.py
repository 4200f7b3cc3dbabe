"""Vendor the inputs of tests/hugo/test_goldmark_hugo.py from local clones of goldmark and Hugo.

    python scripts/vendor_hugo_fixtures.py GOLDMARK_GIT_DIR HUGO_GIT_DIR

goldmark's fixtures (``_test/extra.txt``, ``extension/_test/*.txt``) and
LICENSE are copied as they are into ``tests/hugo/goldmark/goldmark/``. From
Hugo's documentation (``docs/content/en``, Apache 2.0) two files are written
into ``tests/hugo/goldmark/hugo-docs/`` in goldmark's fixture format (only
the input part is used): ``examples.txt``, every fenced ``md``/``markdown``/
``text`` example, and ``pages.txt``, the body of every page that uses no
shortcode; each case is titled with the file it came from.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "hugo" / "goldmark"
GOLDMARK_FILES = ("_test/extra.txt", "extension/_test/typographer.txt", "extension/_test/definition_list.txt",
                  "extension/_test/table.txt", "extension/_test/footnote.txt", "extension/_test/strikethrough.txt",
                  "extension/_test/tasklist.txt", "extension/_test/linkify.txt", "LICENSE")
CASE_END = "//= = = = = = = = = = = = = = = = = = = = = = = =//"
SEPARATOR = "//- - - - - - - - -//"
FENCED = re.compile(r"^( *)(`{3,}|~{3,}) *(md|markdown|text)\b[^\n]*\n(.*?)^\1\2\s*$", re.M | re.S)


def show(git_dir: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], capture_output=True, text=True,
                          check=True).stdout


def fixture(cases: list[tuple[str, str]]) -> str:
    return "".join(f"{n}: {title}\n{SEPARATOR}\n{text.rstrip(chr(10))}\n{SEPARATOR}\n{CASE_END}\n\n"
                   for n, (title, text) in enumerate(cases, 1))


def main(goldmark: str, hugo: str) -> None:
    for path in GOLDMARK_FILES:
        (OUT / "goldmark" / path.rsplit("/", 1)[-1]).write_text(show(goldmark, path))
    files = subprocess.run(["git", "--git-dir", hugo, "ls-tree", "-r", "--name-only", "HEAD", "docs/content/en"],
                           capture_output=True, text=True, check=True).stdout.split()
    examples, pages = [], []
    for path in sorted(f for f in files if f.endswith(".md")):
        text = show(hugo, path)
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        if "{{" not in body and SEPARATOR not in body and CASE_END not in body:
            pages.append((path, body.strip("\n")))
        for m in FENCED.finditer(body):
            indent, code = m.group(1), m.group(4)
            code = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in code.split("\n"))
            if "{{" not in code and code.strip():
                examples.append((path, code))
    (OUT / "hugo-docs" / "examples.txt").write_text(fixture(examples))
    (OUT / "hugo-docs" / "pages.txt").write_text(fixture(pages))
    (OUT / "hugo-docs" / "LICENSE.md").write_text(show(hugo, "docs/content/LICENSE.md"))


if __name__ == "__main__":
    main(*sys.argv[1:3])

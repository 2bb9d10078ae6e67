"""The README's command-line examples, read from README.md: each command, the output it shows (if any), and what it
runs on (the built-in graph, or a store holding the real releases). Used by tests/test_readme_examples.py and
benchmarks/bench_readme.py."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"

STORE_SECTIONS = ("Whole releases",)
"""Sections whose examples are written for a store holding O*NET 29.0, ESCO v1.1.1 and the crosswalk."""

NOT_RUN = {
    "import": "imports build the real store itself (tests/conftest.py real_store runs them through the CLI)",
    "serve": "a server runs until stopped; tests/test_server.py starts it",
    "push": "needs a SPARQL server to write to; tests/test_remote.py runs it against Virtuoso",
}
"""Commands the examples runner leaves to the tests that own them, and why."""


@dataclass(frozen=True)
class Example:
    """One command of the README."""

    line: int
    section: str
    args: tuple[str, ...]
    """The arguments after ``rolegraph``."""
    output: tuple[str, ...] | None
    """The output the README shows for it (None: it shows none)."""

    @property
    def for_store(self) -> bool:
        return any(name in self.section for name in STORE_SECTIONS)

    @property
    def command(self) -> str:
        return self.args[0] if self.args else ""

    @property
    def remote(self) -> bool:
        return any(arg.startswith("sparql+") for arg in self.args)

    @property
    def expected_exit(self) -> int:
        """The exit code the README's output implies (an error message means 2; `validate` that fails, 3)."""
        if self.output and self.output[0].startswith("rolegraph: error:"):
            return 2
        if self.output and self.output[0].startswith("Not valid:"):
            return 3
        return 0

    def __str__(self) -> str:
        return f"README.md:{self.line}: rolegraph {shlex.join(self.args)}"


def _args(command: str) -> tuple[str, ...]:
    return tuple(shlex.split(command, comments=True))[1:]


def examples(text: str | None = None) -> list[Example]:
    """Every ``rolegraph ...`` command in the README's code blocks, in order."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).split("\n")
    found: list[Example] = []
    section = ""
    fence: str | None = None
    current: tuple[int, str] | None = None
    output: list[str] = []

    def finish() -> None:
        nonlocal current, output
        if current is not None:
            while output and not output[-1].strip():
                output.pop()
            found.append(Example(current[0], section, _args(current[1]), tuple(output)))
        current, output = None, []

    pending = ""
    for number, line in enumerate(lines, start=1):
        if fence is None:
            if heading := re.match(r"#+ (.*)", line):
                section = heading.group(1)
            elif line.startswith("```"):
                fence = line[3:].strip()
            continue
        if line.startswith("```"):
            finish()
            fence = None
            continue
        if fence == "sh":
            if pending:
                pending += " " + line.strip()
            elif line.startswith("rolegraph "):
                pending = line.strip()
                start = number
            if pending.endswith("\\"):
                pending = pending[:-1].rstrip()
                continue
            if pending:
                found.append(Example(start, section, _args(pending), None))
                pending = ""
        elif fence == "":
            if line.startswith("$ rolegraph "):
                finish()
                current = (number, line[2:])
            elif current is not None:
                output.append(line.rstrip())
    return found


def matches(expected: tuple[str, ...], actual: list[str]) -> str | None:
    """None when ``actual`` (lines, right-stripped) is what the README shows, else what differs. In the README's
    output a line ``...`` (indented or not) stands for any number of lines, a line ending in ``...`` for any
    line that starts with what comes before it, and, as the last line, for that line and the rest."""
    actual = [line.rstrip() for line in actual]
    while actual and not actual[-1]:
        actual.pop()

    def walk(i: int, j: int) -> str | None:
        while i < len(expected):
            want = expected[i]
            if want.strip() == "...":
                if i + 1 == len(expected):
                    return None
                for k in range(j, len(actual) + 1):
                    if walk(i + 1, k) is None:
                        return None
                return f"nothing after line {j + 1} of the output matches the README's {expected[i + 1]!r}"
            if j >= len(actual):
                return f"the output ends where the README shows {want!r}"
            got = actual[j]
            if want.endswith("...") and got.startswith(want[:-3].rstrip()):
                if i + 1 == len(expected):
                    return None  # the README's last line ends in "...": the rest of the output
                pass
            elif got != want:
                return f"output line {j + 1} is {got!r}; the README shows {want!r}"
            i, j = i + 1, j + 1
        return None if j == len(actual) else f"the output goes on after the README's last line: {actual[j]!r}"

    return walk(0, 0)

"""Fuzz rolegraph's input entry points with hypothesis for a bounded number of examples, and report what broke.

    python fuzz/fuzz_inputs.py [--examples 2000] [--seed 1]

Targets, and what counts as a finding (anything else is the expected, clear refusal):
- turtle: mutated Turtle (bytes deleted, inserted, replaced in the shipped data) through ``parse_into``: any exception
  other than rolegraph's DataSyntaxError / InputError;
- csv: mutated ESCO and O*NET fixture files through `import_esco` / `import_onet` into a store: any exception
  other than InputError;
- protocol: random methods, query strings, headers and bodies through ``read_request``: anything but ProtocolError;
- safety: random queries built from SPARQL tokens (SERVICE, FROM, strings, IRIs, comments, prefixed names): the
  token-only check (the server's path) lets a query through that the full check refuses for SERVICE, FROM or an
  update.
Exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rdflib import Graph  # noqa: E402

from rolegraph.errors import InputError, RolegraphError  # noqa: E402
from rolegraph.importers.loading import import_esco, import_onet  # noqa: E402
from rolegraph.model import resources  # noqa: E402
from rolegraph.model.ontology import parse_into  # noqa: E402
from rolegraph.serve.protocol import ProtocolError, read_request  # noqa: E402
from rolegraph.sparql.safety import check_query  # noqa: E402

DATA = REPO / "tests" / "data"
SEED_TURTLE = next(iter(resources.data_files())).read_bytes()[:6000]


def mutations(base: bytes) -> st.SearchStrategy[bytes]:
    edit = st.tuples(st.sampled_from(["delete", "insert", "replace"]), st.integers(0, len(base)),
                     st.binary(min_size=1, max_size=8))  # fmt: skip

    def apply(edits: list[tuple[str, int, bytes]]) -> bytes:
        data = bytearray(base)
        for kind, at, chunk in edits:
            at = min(at, len(data))
            if kind == "delete":
                del data[at : at + len(chunk)]
            elif kind == "insert":
                data[at:at] = chunk
            else:
                data[at : at + len(chunk)] = chunk
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=6).map(apply)


TOKENS = ["SELECT", "ASK", "CONSTRUCT", "WHERE", "SERVICE", "FROM", "NAMED", "GRAPH", "LOAD", "INSERT", "{", "}",
          "?s", "?service", "$from", "<http://example.org/x>", "<x>", "ex:p", "service:x", ":from", "a", ".", ";",
          '"SERVICE"', "'from'", '"""x"""', "# SERVICE <x>\n", "\n", " ", "*", "(", ")", "FILTER", "<", ">",
          "?s<?o", "PREFIX ex: <http://example.org/>", "\\u0053", "SERVICE<http://x>", "a.SERVICE", "1e5",
          "_:b"]  # fmt: skip


class FindingError(Exception):
    """Something a target must never do."""


def run_target(name: str, test: Callable[[], None], examples: int, seed_value: int) -> list[str]:
    configured = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                          suppress_health_check=list(HealthCheck), report_multiple_bugs=False)  # fmt: skip
    try:
        seed(seed_value)(configured(test))()
    except Exception as error:  # hypothesis re-raises the shrunk failure
        return [f"{name}: {type(error).__name__}: {str(error)[:500]}\n{traceback.format_exc(limit=3)}"]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="rolegraph-fuzz-"))
    findings: list[str] = []
    from rolegraph.store.database import RoleStore

    opened = RoleStore.open(scratch / "store", writable=True)
    store = opened.__enter__()  # one store for every import example; closed at the end

    @given(mutations(SEED_TURTLE))
    def turtle(data: bytes) -> None:
        path = scratch / "fuzz.ttl"
        path.write_bytes(data)
        try:
            parse_into(Graph(), path)
        except (InputError, RolegraphError):
            pass
        except Exception as error:
            raise FindingError(f"parse_into raised {type(error).__name__}: {error} on {data[:200]!r}") from error

    def csv_target(kind: str, source: str, file: str) -> Callable[[], None]:
        base = (DATA / source / file).read_bytes()

        @given(mutations(base))
        def target(data: bytes) -> None:
            folder = scratch / f"{kind}-release"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(DATA / source, folder)
            (folder / file).write_bytes(data)
            importer = import_esco if kind == "esco" else import_onet
            try:
                importer(store, folder, release="fuzz")  # the path `rolegraph import` takes
            except InputError:
                pass
            except Exception as error:
                raise FindingError(f"{kind} importer raised {type(error).__name__}: {error} on {file}") from error

        return target

    @given(st.sampled_from(["GET", "POST", "HEAD", "PUT", "get", "POST "]), st.text(max_size=80),
           st.dictionaries(st.sampled_from(["Content-Type", "content-type", "Accept"]),
                           st.text(max_size=60), max_size=2),
           st.binary(max_size=200))  # fmt: skip
    def protocol(method: str, query_string: str, headers: dict[str, str], body: bytes) -> None:
        with contextlib.suppress(ProtocolError):
            read_request(method, query_string, headers, body)

    @given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join))
    def safety(text: str) -> None:
        # The server's path (tokens only) and the full check must agree on what may run.
        try:
            fast = check_query(text, parse=False).form
        except InputError:
            fast = None
        try:
            full = check_query(text).form
        except InputError:
            full = None
        if fast is not None and full is None:
            try:
                check_query(text)
            except InputError as error:
                if "SERVICE" in str(error) or "FROM" in str(error) or "Update" in str(error):
                    raise FindingError(f"the token check passed {text!r}, the full check refuses it: {error}") from None

    targets: list[tuple[str, Callable[[], None]]] = [
        ("turtle", turtle),
        ("csv esco occupations", csv_target("esco", "esco-mini", "occupations_en.csv")),
        ("csv esco relations", csv_target("esco", "esco-mini", "occupationSkillRelations.csv")),
        ("csv onet tasks", csv_target("onet", "onet-mini", "Task Statements.txt")),
        ("csv onet occupations", csv_target("onet", "onet-mini", "Occupation Data.txt")),
        ("protocol", protocol),
        ("safety", safety),
    ]
    for name, test in targets:
        found = run_target(name, test, args.examples, args.seed)
        print(f"{name:24} {args.examples} examples: {'FOUND ' + str(len(found)) if found else 'nothing found'}")
        findings += found
    opened.__exit__(None, None, None)
    shutil.rmtree(scratch, ignore_errors=True)
    for finding in findings:
        print("\n" + finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

"""The fast path of the commands that only read rows (roles, show, compare, resolve, query): they import neither
rdflib nor the modules of other commands, their light terms (rolegraph.model.terms) read as rdflib's terms do, and their
output is the same bytes as with rdflib's terms."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from rolegraph.cli import main
from rolegraph.model.shipped import load_store
from rolegraph.model.terms import IRI, Blank, Lit, is_blank, is_iri, is_literal, light_term
from rolegraph.sparql import engines
from rolegraph.sparql.engines import OxigraphEngine, from_oxigraph
from rolegraph.sparql.queries import list_queries
from rolegraph.store.database import RoleStore

from ..conftest import REPO

FAST_COMMANDS = [
    ["roles"],
    ["roles", "--all", "--format", "csv"],
    ["compare", "Production Manager", "Producer"],
    ["compare", "Production Manager", "Producer", "--format", "json"],
    ["show", "Producer"],
    ["show", "Producer", "--format", "json"],
    ["resolve", "Producer"],
    ["resolve", "Produser"],
    ["query", "role-names"],
    ["query", "shared-skills", "--bind", "a=Producer", "--bind", "b=Production Manager", "--format", "xml"],
]
NEVER_IMPORTED = ("rdflib", "pyparsing", "networkx", "pyvis", "jinja2", "pyshacl", "rich", "html5rdf")
"""What a command that only reads rows must not import (rdflib alone costs about 0.1 s)."""

_REPORT = """
import json, sys
from rolegraph.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps([code, sorted({name.split(".")[0] for name in sys.modules})]), file=sys.stderr)
"""


def _imported(args: list[str], home: Path) -> tuple[object, set[str]]:
    env = {k: v for k, v in os.environ.items() if k != "ROLEGRAPH_STORE"}
    env |= {"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CACHE_HOME": str(home), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _REPORT, *args], capture_output=True, text=True, env=env, timeout=120)
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return code, set(modules)


@pytest.mark.parametrize("args", FAST_COMMANDS, ids=" ".join)
def test_a_command_on_the_built_in_graph_imports_no_rdflib(args: list[str], tmp_path: Path) -> None:
    code, modules = _imported(args, tmp_path)
    assert code == (2 if "Produser" in args else 0)
    assert "pyoxigraph" in modules and "click" in modules  # the report saw the command run
    assert not modules & set(NEVER_IMPORTED), sorted(modules & set(NEVER_IMPORTED))


def test_a_command_on_a_store_imports_no_rdflib(tmp_path: Path) -> None:
    with RoleStore.open(tmp_path / "store", writable=True):
        pass
    for args in (["roles"], ["show", "Producer"], ["compare", "Production Manager", "Producer"]):
        code, modules = _imported(["--store", str(tmp_path / "store"), *args], tmp_path)
        assert code == 0 and "pyoxigraph" in modules
        assert not modules & set(NEVER_IMPORTED), (args, sorted(modules & set(NEVER_IMPORTED)))


def test_commands_that_need_rdflib_still_get_it(tmp_path: Path) -> None:
    code, modules = _imported(["export", "--format", "nt", "-o", str(tmp_path / "x.nt")], tmp_path)
    assert code == 0 and "rdflib" in modules and (tmp_path / "x.nt").stat().st_size > 0


def _output(args: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exit:
            code = exit.code
    return code, out.getvalue(), err.getvalue()


def _every_fast_command() -> list[list[str]]:
    commands = [list(c) for c in FAST_COMMANDS] + [["roles", "--all", "--format", "json"], ["show", "Actor"]]
    commands += [["compare", "Producer", "Actor", "Production Manager", "--format", "csv"], ["resolve", "cast member"]]
    for named in list_queries():
        example = shlex.split(named.example)
        if example[:2] == ["rolegraph", "query"]:
            for fmt in ("table", "json", "tsv"):
                commands.append([*example[1:], "--format", fmt])
    return commands


def test_light_terms_print_the_same_bytes_as_rdflib_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    light = {json.dumps(args): _output(args) for args in _every_fast_command()}
    monkeypatch.setattr(engines, "light_term", from_oxigraph)  # the same commands, with rdflib's terms
    for args in _every_fast_command():
        assert _output(args) == light[json.dumps(args)], args
    assert sum(1 for code, _out, _err in light.values() if code == 0) > 20


def test_light_terms_of_the_shipped_graph_read_as_rdflib_terms() -> None:
    store = load_store()
    for quad in store:
        for term in (quad.subject, quad.predicate, quad.object):
            mine, theirs = light_term(term), from_oxigraph(term)
            assert str(mine) == str(theirs)
            assert (is_iri(mine), is_literal(mine), is_blank(mine)) == (
                isinstance(theirs, URIRef), isinstance(theirs, Literal), isinstance(theirs, BNode)
            )  # fmt: skip
            if isinstance(theirs, Literal):
                assert isinstance(mine, Lit)
                assert mine.language == theirs.language
                assert (str(mine.datatype) if mine.datatype else None) == (
                    str(theirs.datatype) if theirs.datatype else None
                )
                assert mine.toPython() == theirs.toPython() or str(mine.toPython()) == str(theirs.toPython())
                assert mine.n3() == theirs.n3() or "\n" in mine or "\\" in mine


def test_light_terms_compare_and_hash_as_rdflib_terms_do() -> None:
    assert IRI("http://example.org/a") == IRI("http://example.org/a") != "http://example.org/a"
    assert IRI("http://example.org/a") != Blank("http://example.org/a")
    assert hash(IRI("http://example.org/a")) == hash(URIRef("http://example.org/a"))
    assert Lit("a", language="EN") == Lit("a", language="en") != Lit("a")
    assert Lit("1", datatype=str(XSD.integer)) != Lit("1", datatype=str(XSD.double))
    assert Lit("x", datatype=str(XSD.string)) == Lit("x") and Lit("x").datatype is None
    assert {Lit("a", language="en"): 1}[Lit("a", language="en")] == 1
    assert Lit("true", datatype=str(XSD.boolean)).toPython() is True
    assert Lit("0.50", datatype=str(XSD.decimal)).toPython() == Literal("0.50", datatype=XSD.decimal).toPython()
    invalid = Lit("abc", datatype=str(XSD.integer))
    assert invalid.toPython() is invalid  # not a valid integer: the literal itself, as rdflib gives
    with pytest.raises(ValueError):
        IRI("http://example.org/a b").n3()


@pytest.mark.parametrize("text", ['x" } DROP ALL #', "back\\slash", "two\nlines", "tab\there", "ümlaut €"])
def test_light_literals_bind_as_the_value_given(text: str) -> None:
    engine = OxigraphEngine(load_store(), in_memory=True)
    engine.light_terms = True
    from rolegraph.sparql.queries import NamedQuery, Parameter, bind

    echo = NamedQuery(
        "echo", "SELECT ?v WHERE {\n  #@values ?v\n}\n", "", (Parameter("v", "string", False, ""),), ("v",)
    )
    rows = engine.select(bind(echo, {"v": Lit(text)}))
    assert [str(row.v) for row in rows] == [text] and isinstance(rows.rows[0][0], Lit)

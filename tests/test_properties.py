"""Properties that hold for any graph and any input (hypothesis): comparison symmetry and bounds, export round trips,
binding values that stay data, and the projection's one node per RDF node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rolegraph.compare.comparison import compare_roles  # noqa: E402
from rolegraph.errors import InputError, QueryParameterError  # noqa: E402
from rolegraph.export import serialize  # noqa: E402
from rolegraph.model.ontology import load_vocabulary  # noqa: E402
from rolegraph.sparql.queries import bind, get_query, query_names  # noqa: E402

RG = "https://w3id.org/rolegraph/vocab#"
ID = "https://example.org/prop/"
LINKS = {"requiresSkill": "skill", "hasDuty": "duty", "recommendedCertification": "certification"}
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

VOCABULARY = load_vocabulary()

labels = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).map(str.strip).filter(bool)
role_facts = st.fixed_dictionaries({link: st.sets(st.integers(0, 7), max_size=6) for link in LINKS})


def build(roles: list[dict[str, set[int]]], names: list[str]) -> tuple[Graph, list[URIRef], dict[URIRef, set[Any]]]:
    """A graph with the vocabulary and ``roles`` (their links to small pools of skills, duties, certifications)."""
    graph = Graph()
    for triple in VOCABULARY:
        graph.add(triple)
    iris, own = [], {}
    for i, (facts, name) in enumerate(zip(roles, names, strict=True)):
        role = URIRef(f"{ID}role/{i}")
        iris.append(role)
        graph.add((role, RDF.type, URIRef(RG + "ProfiledRole")))
        graph.add((role, RDFS.label, Literal(name, lang="en")))
        own[role] = set()
        for link, kind in LINKS.items():
            for j in facts[link]:
                node = URIRef(f"{ID}{kind}/{j}")
                graph.add((role, URIRef(RG + link), node))
                graph.add((node, RDFS.label, Literal(f"{kind} {j}", lang="en")))
                if kind == "certification":
                    graph.add((node, URIRef(RG + "issuedBy"), URIRef(f"{ID}organization/{j % 2}")))
                    graph.add((URIRef(f"{ID}organization/{j % 2}"), RDFS.label, Literal(f"org {j % 2}", lang="en")))
                    own[role].add(("organisations", f"{ID}organization/{j % 2}"))
                own[role].add((kind, str(node)))
    return graph, iris, own


def nodes_of(comparison: Any, role: str) -> set[tuple[str, str]]:
    found = set()
    for category in comparison.categories:
        for node in category.shared + category.partial:
            if role in node.roles:
                found.add((category.category, node.iri))
        for node in category.unique.get(role, ()):
            found.add((category.category, node.iri))
    return found


def shared_of(comparison: Any) -> set[tuple[str, str]]:
    return {(c.category, n.iri) for c in comparison.categories for n in c.shared}


@SETTINGS
@given(a=role_facts, b=role_facts, name_a=labels, name_b=labels)
def test_compare_is_symmetric_and_partitions_each_roles_nodes(a: Any, b: Any, name_a: str, name_b: str) -> None:
    graph, (ra, rb), own = build([a, b], [name_a, name_b])
    forward, backward = compare_roles(graph, [ra, rb]), compare_roles(graph, [rb, ra])
    assert shared_of(forward) == shared_of(backward)
    for category in forward.categories:
        other = backward.category(category.category)
        assert category.unique[str(ra)] == other.unique[str(ra)]
        assert category.unique[str(rb)] == other.unique[str(rb)]
        # Not comparable exactly where one role links to nothing in the category: no figures then, not 0.
        linkers = {r for n in (*category.shared, *category.partial, *category.matched) for r in n.roles}
        linkers |= {r for r, nodes in category.unique.items() if nodes}
        assert category.comparable == (linkers == {str(ra), str(rb)}) == other.comparable
        if category.comparable:
            assert category.jaccard is not None and 0.0 <= category.jaccard <= 1.0
            assert category.overlap is not None and 0.0 <= category.overlap <= 1.0
        else:
            assert category.jaccard is None and category.overlap is None
    for role in (ra, rb):  # shared plus unique is exactly the role's own nodes
        mine = {(c, n) for c, n in nodes_of(forward, str(role))}
        assert {n for _, n in mine} == {n for _, n in own[role]}
    assert 0.0 <= forward.jaccard <= 1.0
    assert forward.jaccard == backward.jaccard
    same = {n for _, n in own[ra]} == {n for _, n in own[rb]}
    assert (forward.jaccard == 1.0) == (same and bool(own[ra]))


@SETTINGS
@given(a=role_facts, name=labels)
def test_a_role_compared_with_itself_shares_everything(a: Any, name: str) -> None:
    graph, (ra, rb), own = build([a, a], [name, name + " twin"])
    comparison = compare_roles(graph, [ra, rb])
    assert {n for _, n in shared_of(comparison)} == {n for _, n in own[ra]}
    assert all(not nodes for c in comparison.categories for nodes in c.unique.values())
    assert comparison.jaccard == (1.0 if own[ra] else 0.0)


@SETTINGS
@given(a=role_facts, b=role_facts, name_a=labels, name_b=labels)
def test_projection_has_a_node_per_rdf_node_and_an_edge_per_link(a: Any, b: Any, name_a: str, name_b: str) -> None:
    from rolegraph.graph.projection import comparison_graph

    graph, (ra, rb), own = build([a, b], [name_a, name_b])
    comparison = compare_roles(graph, [ra, rb])
    network = comparison_graph(comparison)
    linked = {n for _, n in own[ra] | own[rb]}
    assert set(network.nodes) == linked | {str(ra), str(rb)}
    assert network.number_of_edges() == len(own[ra]) + len(own[rb])


@SETTINGS
@given(a=role_facts, name=labels, fmt=st.sampled_from(["ttl", "nt", "jsonld"]))
def test_export_then_import_is_isomorphic(a: Any, name: str, fmt: str) -> None:
    graph, _, _ = build([a], [name])
    data = serialize(graph, fmt)
    back = Graph().parse(data=data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert isomorphic(back, graph)


@SETTINGS
@given(a=role_facts, name=labels)
def test_schema_org_json_ld_parses_back_to_the_same_facts(a: Any, name: str) -> None:
    from rolegraph.schemaorg import occupation_jsonld

    graph, (ra,), own = build([a], [name])
    back = Graph().parse(data=json.dumps(occupation_jsonld(graph, ra)), format="json-ld")
    schema = "https://schema.org/"
    assert set(back.objects(ra, URIRef(schema + "name"))) == {Literal(name)}
    skills = {str(o) for o in back.objects(ra, URIRef(schema + "skills"))}
    assert skills == {n for k, n in own[ra] if k == "skill"}
    qualifications = {str(o) for o in back.objects(ra, URIRef(schema + "qualifications"))}
    assert qualifications == {n for k, n in own[ra] if k == "certification"}
    assert len(set(back.objects(ra, URIRef(schema + "responsibilities")))) == len(a["hasDuty"])


hostile = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60) | st.sampled_from([
    '" } ; DROP ALL ; #', "} UNION { ?s ?p ?o }", "<http://evil.example/> .", "SERVICE <http://x/> {}", "\\\\",
    "'''", '"""', "# comment\n} SELECT * {", "\u0000", "ROLE", "?role",
])  # fmt: skip


@SETTINGS
@given(text=hostile)
def test_binding_values_are_only_ever_data(text: str) -> None:
    """Bound into any string or role parameter, a value is one literal in a VALUES block: the query still parses, and
    the block, run on its own, gives back exactly the value."""
    import pyoxigraph as ox

    from rolegraph.sparql.engines import from_oxigraph

    empty = ox.Store()
    for name in query_names():
        named = get_query(name)
        for parameter in named.parameters:
            if parameter.type not in ("string", "string list", "role", "role list"):
                continue
            value: Any = [Literal(text)] if parameter.is_list else Literal(text)
            others = {p.name: URIRef(ID + "x") for p in named.parameters if not p.optional and p != parameter}
            try:
                bound = bind(named, {parameter.name: value, **others})
            except QueryParameterError as error:  # a value with a \\u escape is refused, with a reason
                assert "\\u" in text or "\\U" in text, error
                continue
            empty.query(bound.text)  # one well-formed query (this raises SyntaxError otherwise)
            block = f"VALUES ?{parameter.name} {{ {Literal(text).n3()} }}"
            assert bound.text.count(block) == named.text.count(f"#@values ?{parameter.name}"), name
            rows = list(empty.query(f"SELECT * WHERE {{ {block} }}"))
            assert [from_oxigraph(row[0]) for row in rows] == [Literal(text)], (name, block)


@SETTINGS
@given(text=hostile)
def test_any_role_name_gives_a_role_or_a_clear_error(graph: Graph, text: str) -> None:
    import rolegraph

    g = rolegraph.RoleGraph(rolegraph.api.RdflibEngine(graph), graph)
    known = {str(r.iri) for r in g.roles(profiled_only=False)}
    try:
        iri = g.resolve(text)
    except InputError as error:
        assert str(error)  # a message, not a traceback
        return
    assert str(iri) in known


# -- the command line: any argument text is a result or a clear error ---------------------------------------------


def _cli_commands() -> dict[str, Any]:
    """Every command the property test may run, by its words (``import onet``), with its click command. ``serve``
    (which would keep running) and ``push`` (which reaches the network) are left out."""
    from rolegraph.cli import cli

    found: dict[str, Any] = {}
    for name, command in cli.commands.items():
        if name in ("serve", "push"):
            continue
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found.update({f"{name} {sub}": subcommand for sub, subcommand in subcommands.items()})
        else:
            found[name] = command
    return found


CLI_COMMANDS = _cli_commands()


def _safe(token: str) -> bool:
    """No token may name a place outside the test's folders or a network address (outputs are written where told)."""
    return "\x00" not in token and "://" not in token and not token.startswith(("/", "~")) and ".." not in token \
        and token != "-"  # fmt: skip


_CORPUS = Path(__file__).parent / "data" / "bad"
_BAD_FILES = sorted(f"bad/{p.name}" for p in _CORPUS.iterdir())
"""The hostile corpus, named relative to the test's own folder, which holds a copy (commands may write over it)."""
_NAMES = st.sampled_from(
    [
        "Producer",
        "Production Manager",
        "role:producer",
        "27-2012.00",
        "1",
        "0",
        "-1",
        "99999999999999999999",
        "x=y",
        "a=Producer",
        "role=Producer",
        "shared-skills",
        "similar-roles",
        "out.ttl",
        "page.html",
        "store",
        *_BAD_FILES,
    ]
)
_VALUES = st.one_of(_NAMES, _NAMES, _NAMES, st.text(st.characters(blacklist_categories=("Cs",)), max_size=24))


@st.composite
def cli_arguments(draw: Any) -> list[str]:
    """A command with global options, some of its options (with values: a choice, a file, a name, text) and
    positional values, in a random order, sometimes with a random word thrown in."""
    import click

    words = draw(st.sampled_from(sorted(CLI_COMMANDS)))
    command = CLI_COMMANDS[words]
    front: list[str] = []
    if draw(st.integers(0, 3)) == 0:
        front += ["--data", draw(st.sampled_from(_BAD_FILES))]
    if draw(st.integers(0, 4)) == 0:
        front += ["--store", "store"]
    parts: list[list[str]] = []
    for parameter in command.params:
        if isinstance(parameter, click.Option) and draw(st.booleans()):
            option = draw(st.sampled_from([*parameter.opts, *parameter.secondary_opts]))
            if option in ("-h", "--help") or parameter.is_flag:
                parts.append([option])
                continue
            choices = list(getattr(parameter.type, "choices", ()))
            values = st.one_of(*[st.sampled_from(choices)] * 3, _VALUES) if choices else _VALUES
            parts.append([option, draw(values)])
        elif isinstance(parameter, click.Argument):
            many = parameter.nargs == -1
            parts += [
                [draw(_VALUES)] for _ in range(draw(st.integers(0, 3) if many else st.sampled_from([1, 1, 1, 0])))
            ]
    parts = draw(st.permutations(parts)) + [[draw(_VALUES)] for _ in range(draw(st.sampled_from([0, 0, 0, 1])))]
    return [token for token in [*front, *words.split(), *(t for part in parts for t in part)] if _safe(token)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arguments=cli_arguments())
def test_any_command_line_exits_0_or_2_without_a_traceback(
    arguments: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random argument text for every command (options, values, hostile files, text): exit 0 or 2 (3 for validate,
    whose data may not conform), a message and never a traceback. Runs in a folder of its own, with no store but
    the ones it makes there."""
    import shutil

    from click.testing import CliRunner

    from rolegraph.cli import main

    if not (tmp_path / "bad").exists():
        shutil.copytree(_CORPUS, tmp_path / "bad")
    monkeypatch.chdir(tmp_path)  # every relative name, and so every output, is inside the test's folder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("ROLEGRAPH_STORE", raising=False)
    with CliRunner().isolation(input="") as streams:  # (stdout, stderr, ...) as bytes
        try:
            main(arguments)
            code = 0
        except SystemExit as exited:
            code = int(exited.code or 0) if not isinstance(exited.code, str) else 2
    stderr = streams[1].getvalue().decode("utf-8", "replace")
    assert "Traceback" not in stderr and "internal error" not in stderr, (arguments, stderr)
    allowed = {0, 2, 3} if arguments and "validate" in arguments else {0, 2}
    assert code in allowed, (arguments, code, stderr, streams[0].getvalue()[-500:])

"""rolegraph.graph.projection, rolegraph.graph.layout and rolegraph.graph.network: the projection, the layout, the
exports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import URIRef

import rolegraph
from rolegraph.api import RoleGraph
from rolegraph.errors import InputError
from rolegraph.graph import network as network_module
from rolegraph.graph.layout import importance_key, network_layout
from rolegraph.graph.network import comparison_network, neighbourhood_network, whole_network
from rolegraph.graph.projection import comparison_graph, export_graph, neighbourhood
from rolegraph.sparql.engines import QueryEngine
from rolegraph.sparql.results import ResultTable

ID = "https://w3id.org/rolegraph/id/"
PM, PRODUCER = ID + "role/production-manager", ID + "role/producer"


@pytest.fixture(scope="module")
def g() -> RoleGraph:
    return rolegraph.load()


@pytest.fixture(scope="module")
def network(g: RoleGraph) -> nx.MultiGraph:
    return comparison_network(g.engine, [g.resolve("Production Manager"), g.resolve("Producer")])


def test_one_node_per_rdf_node_and_one_edge_per_link(g: RoleGraph, network: nx.MultiGraph) -> None:
    rows = g.query("compare", role=["Production Manager", "Producer"])
    assert set(network.nodes) == {str(r.node) for r in rows} | {PM, PRODUCER}
    links = {(str(r.role), str(r.node), str(r.category)) for r in rows}
    assert network.number_of_edges() == len(links)
    assert {(u, v, k) if (u in (PM, PRODUCER) and v not in (PM, PRODUCER)) or (v == PRODUCER and u == PM) else (v, u, k)
            for u, v, k in network.edges(keys=True)} == links  # fmt: skip


def test_node_attributes(network: nx.MultiGraph) -> None:
    assert network.nodes[PM]["membership"] == "role"
    communication = network.nodes[ID + "skill/communication"]
    assert (communication["membership"], communication["kind"], communication["roles"]) == (
        "all",
        "skill",
        [PM, PRODUCER],
    )
    raise_funds = network.nodes[ID + "duty/raise-funds"]
    assert raise_funds["membership"] == "unique" and raise_funds["citations"] == [
        'Producer: "What is a Producer?" para. 1, line 15'
    ]
    director = network.nodes[ID + "role/director"]
    assert sorted(director["categories"]) == ["also acts as", "collaborators"]
    assert network.number_of_edges(PRODUCER, ID + "role/director") == 2
    pmi = network.nodes[ID + "organization/pmi"]
    assert any("issuer named at" in c for c in pmi["citations"])


def test_layout_is_deterministic_shared_in_the_middle_most_important_first(network: nx.MultiGraph) -> None:
    arrangement = network_layout(network)
    assert arrangement == network_layout(network.copy())
    titles = [c["title"] for c in arrangement["columns"]]
    assert titles == ["Only Production Manager", "Shared by both", "Matched (\u2248 score)", "Only Producer"]
    assert [c["anchor"] for c in arrangement["columns"]] == [PM, None, None, PRODUCER]
    column = {n: cell["column"] for cell in arrangement["cells"] for n in cell["nodes"]}
    assert set(column) == set(network) - {PM, PRODUCER}
    for node, data in network.nodes(data=True):
        if data["membership"] == "all":
            assert column[node] == 1, node
        elif data["membership"] == "unique":
            assert column[node] == (0 if data["roles"] == [PM] else 3), node
    rows = arrangement["rows"]
    assert rows.index("duties") < rows.index("skills") < rows.index("salary")
    assert all(
        network.nodes[n]["categories"][0] == rows[cell["row"]] for cell in arrangement["cells"] for n in cell["nodes"]
    )


def test_the_most_important_items_come_first_and_pairs_sit_side_by_side() -> None:
    a, b = "https://example.org/a", "https://example.org/b"
    graph = nx.MultiGraph(roles=[a, b])
    for role in (a, b):
        graph.add_node(role, label=role[-1], kind="role", membership="role", roles=[role])
    weights = {"x": {a: {"esco": "optional"}}, "y": {a: {"esco": "essential"}}, "z": {a: {"importance": 4.5}},
               "w": {a: {"importance": 2.0}}}  # fmt: skip
    for node, weight in weights.items():
        graph.add_node(node, label=node, kind="skill", membership="unique", roles=[a], categories=["skills"],
                       weights=weight)  # fmt: skip
    for node, role in (("p", a), ("q", b)):
        graph.add_node(node, label=node, kind="skill", membership="matched", roles=[role], categories=["skills"])
    graph.add_edge("q", "p", key="match", score=0.8)
    cells = {cell["column"]: cell["nodes"] for cell in network_layout(graph)["cells"]}
    assert cells[0] == ["y", "x", "z", "w"]  # essential, optional, then by importance
    assert cells[2] == ["p", "q"]  # the left role's node first, on the left
    assert importance_key({"similarity": 0.9}) < importance_key({"similarity": 0.5})


def test_a_neighbourhood_names_other_roles_similar_roles(g: RoleGraph) -> None:
    near = neighbourhood_network(g.engine, g.resolve("Producer"), 1)
    assert near.nodes[PM]["kind"] == "similar role"
    arrangement = network_layout(near)
    assert [c["key"] for c in arrangement["columns"]] == ["similar", "direct", "through"]
    assert arrangement["rows"][0] == "similar roles" and not arrangement["aligned"]
    similar = [n for cell in arrangement["cells"] if cell["column"] == 0 for n in cell["nodes"]]
    assert PM in similar and all(near.nodes[n]["kind"] == "similar role" for n in similar)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_exports_read_back(network: nx.MultiGraph, fmt: str) -> None:
    data = export_graph(network, fmt)
    if fmt == "json":
        back = nx.node_link_graph(json.loads(data), edges="links")
    elif fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(data))
    else:
        back = nx.read_gexf(io.BytesIO(data))
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes[ID + "skill/communication"]["label"] == "Communication"


def test_neighbourhood_and_whole(g: RoleGraph) -> None:
    whole = whole_network(g.engine)
    near = neighbourhood_network(g.engine, g.resolve("Producer"), 1)
    assert set(near) == {PRODUCER} | set(whole.neighbors(PRODUCER))
    assert near.graph["roles"] == [PRODUCER]
    assert set(neighbourhood_network(g.engine, g.resolve("Producer"), 2)) == set(whole)
    with pytest.raises(InputError, match="depth"):
        neighbourhood(whole, PRODUCER, 0)


def _edges(graph: nx.MultiGraph) -> set[tuple[str, str, str]]:
    return {(min(u, v), max(u, v), k) for u, v, k in graph.edges(keys=True)}


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_neighbourhood_found_outward_is_the_cut_of_the_whole_network(g: RoleGraph, depth: int) -> None:
    _assert_cuts(g, depth)


_LINKS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rg: <https://w3id.org/rolegraph/vocab#>
SELECT DISTINCT ?role ?category ?node WHERE {
  VALUES_HERE
  { ?role ?link ?node . ?link rg:comparisonCategory ?category ; rdfs:subPropertyOf rg:roleLink . }
  UNION { ?role rg:recommendedCertification ?c . ?c rg:issuedBy ?node . rg:issuedBy rg:comparisonCategory ?category . }
}"""


def _plain_links(engine: QueryEngine, name: str, terms: set[str]) -> set[tuple[str, str, str]]:
    """(role, category, node) of the links from (``name`` role) or to (``name`` node) ``terms``, one plain query
    per batch: the straightforward way the neighbourhood is checked against."""
    found: set[tuple[str, str, str]] = set()
    ordered = sorted(terms)
    for start in range(0, len(ordered), 500):
        values = f"VALUES ?{name} {{ {' '.join(f'<{x}>' for x in ordered[start : start + 500])} }}"
        answer = engine.execute(_LINKS.replace("VALUES_HERE", values))
        assert isinstance(answer, ResultTable)
        found |= {(str(r), str(c), str(n)) for r, c, n in answer.rows}
    return found


def _plain_neighbourhood(
    engine: QueryEngine, role: str, depth: int
) -> tuple[set[str], set[tuple[str, str, str]], set[str]]:
    """The nodes within ``depth`` links of ``role`` over every profiled role's links, the links between them, and
    the profiled roles."""
    answer = engine.execute("SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/vocab#ProfiledRole> }")
    assert isinstance(answer, ResultTable)
    profiled = {str(r[0]) for r in answer.rows}
    seen, frontier = {role}, {role}
    for _ in range(depth):
        links = _plain_links(engine, "role", frontier & profiled) if frontier & profiled else set()
        links |= {link for link in _plain_links(engine, "node", frontier) if link[0] in profiled}
        frontier = {x for r, _, n in links for x in (r, n)} - seen
        seen |= frontier
    links = _plain_links(engine, "role", seen & profiled)
    return seen, {link for link in links if link[2] in seen}, profiled


def _check_against_plain(engine: QueryEngine, role: str, depth: int) -> None:
    nodes, links, profiled = _plain_neighbourhood(engine, role, depth)
    if len(nodes) == 1:
        with pytest.raises(InputError, match="links to nothing"):
            neighbourhood_network(engine, URIRef(role), depth)
        return
    near = neighbourhood_network(engine, URIRef(role), depth)
    assert set(near) == nodes, (role, depth)
    assert _edges(near) == {(min(r, n), max(r, n), c) for r, c, n in links}, (role, depth)
    for node, data in near.nodes(data=True):
        assert sorted(data["categories"]) == sorted({c for _, c, n in links if n == node}), node
        anchor = node == role or node in profiled
        assert data["roles"] == ([node] if anchor else sorted({r for r, _, n in links if n == node})), node


@pytest.mark.parametrize("side", [True, False])
def test_the_links_between_rim_roles_and_rim_nodes_are_the_same_from_either_side(
    g: RoleGraph, mini_store: Path, monkeypatch: pytest.MonkeyPatch, side: bool
) -> None:
    monkeypatch.setattr(network_module, "_from_nodes", lambda plain, linkers, links: side)
    _assert_cuts(g, 1)
    with rolegraph.open_store(mini_store) as graph:
        for summary in graph.roles():
            _check_against_plain(graph.engine, str(summary.iri), 1)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_on_imported_releases_a_neighbourhood_holds_what_plain_queries_find(mini_store: Path, depth: int) -> None:
    with rolegraph.open_store(mini_store) as graph:
        for summary in graph.roles():
            _check_against_plain(graph.engine, str(summary.iri), depth)


@pytest.mark.parametrize("depth", [1, 2])
def test_on_the_real_releases_a_neighbourhood_holds_what_plain_queries_find(real_store: Path, depth: int) -> None:
    """27-2012.00 is the issue's example (depth 2: about 1,050 nodes and 20,000 links); Producer is the README's."""
    with rolegraph.open_store(real_store) as graph:
        for name in ("27-2012.00", "Producer"):
            _check_against_plain(graph.engine, str(graph.resolve(name)), depth)


def _assert_cuts(g: RoleGraph, depth: int) -> None:
    """Every role's neighbourhood is the part of the network of every role within ``depth`` links of it: the same
    nodes, links, kinds, memberships, categories and citations."""
    whole = whole_network(g.engine)
    for summary in g.roles():
        cut = neighbourhood(whole, str(summary.iri), depth)
        if len(cut) == 1:
            with pytest.raises(InputError, match="links to nothing"):
                neighbourhood_network(g.engine, summary.iri, depth)
            continue
        near = neighbourhood_network(g.engine, summary.iri, depth)
        assert set(near) == set(cut) and _edges(near) == _edges(cut), (summary.label, depth)
        for node, data in near.nodes(data=True):
            if node == str(summary.iri):
                assert data["membership"] == "role"
                continue
            expected = cut.nodes[node]
            if expected["membership"] == "role":  # another role: drawn as a collaborator
                assert (data["membership"], data["kind"]) == ("unique", "similar role")
            else:
                assert (data["membership"], data["kind"]) == (expected["membership"], expected["kind"]), node
            assert sorted(data["citations"]) == sorted(expected["citations"]), node
            assert sorted(data["categories"]) == sorted(expected["categories"]), node
        for u, v, key, data in cut.edges(keys=True, data=True):
            assert sorted(near.edges[u, v, key]["citations"]) == sorted(data["citations"])


def test_past_the_cited_limit_only_the_rims_links_go_uncited(g: RoleGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network_module, "CITED_LIMIT", 1)
    near = neighbourhood_network(g.engine, g.resolve("Producer"), 1)
    assert near.nodes[PM]["kind"] == "similar role"
    for u, v, data in near.edges(data=True):
        if PRODUCER in (u, v) and PM not in (u, v):
            assert data["citations"], (u, v)
        elif PRODUCER not in (u, v):
            assert data["citations"] == [], (u, v)


def test_too_large_a_drawing_is_refused_with_a_way_to_narrow_it(g: RoleGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network_module, "NEIGHBOURHOOD_LIMIT", 3)
    with pytest.raises(InputError, match=r"too many to draw; try --depth 1"):
        neighbourhood_network(g.engine, g.resolve("Producer"), 2)
    monkeypatch.setattr(network_module, "WHOLE_GRAPH_LIMIT", 1)
    with pytest.raises(InputError, match=r"too many to draw whole .*--role ROLE \[--depth N\]"):
        whole_network(g.engine)


def test_projection_of_a_plain_comparison_needs_no_citations(g: RoleGraph) -> None:
    plain = comparison_graph(g.compare("Producer", "Production Manager"))
    assert all(d["citations"] == [] for _, d in plain.nodes(data=True))


def test_graph_command(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "rolegraph", "graph", *args], capture_output=True, text=True)

    done = run("--role", "Producer", "--role", "Production Manager", "--format", "gexf", "-o", str(tmp_path / "c.gexf"))
    assert done.returncode == 0, done.stderr
    assert nx.read_gexf(tmp_path / "c.gexf").number_of_nodes() == 57
    done = run("--role", "Producer", "--depth", "1", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["graph"]["roles"] == [PRODUCER]
    done = run("--html", str(tmp_path / "whole.html"))
    assert done.returncode == 0 and (tmp_path / "whole.html").stat().st_size > 100_000
    refused = run()
    assert refused.returncode == 2 and "say what to write" in refused.stderr


def test_a_neighbourhood_on_an_aligned_store_gives_similar_roles_their_stored_similarity(
    aligned_mini_store: Path,
) -> None:
    with rolegraph.open_store(aligned_mini_store) as graph:
        checked = 0
        for summary in graph.roles():
            stored = {str(r.other): (float(r.score), int(r.rank))
                      for r in graph.query("most-similar-roles", role=str(summary.iri))}  # fmt: skip
            if not stored:
                continue
            try:
                near = neighbourhood_network(graph.engine, summary.iri, 1)
            except InputError:
                continue
            for node, data in near.nodes(data=True):
                if data["kind"] == "similar role" and node in stored:
                    assert (data["similarity"], data["similarity_rank"]) == stored[node]
                    checked += 1
                elif data["kind"] == "similar role":
                    assert "similarity" not in data
        assert checked > 0

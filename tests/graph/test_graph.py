"""rolegraph.graph.projection, rolegraph.graph.layout and rolegraph.graph.network: the projection, the layout, the
exports."""

from __future__ import annotations

import io
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import rolegraph
from rolegraph.api import RoleGraph
from rolegraph.errors import InputError
from rolegraph.graph import network as network_module
from rolegraph.graph.layout import CELL_HEIGHT, role_layout
from rolegraph.graph.network import comparison_network, neighbourhood_network, whole_network
from rolegraph.graph.projection import comparison_graph, export_graph, neighbourhood

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


def test_layout_is_deterministic_and_labels_do_not_collide(network: nx.MultiGraph) -> None:
    positions = role_layout(network)
    assert positions == role_layout(network.copy())
    assert positions[PM][0] < 0 < positions[PRODUCER][0]
    closest = min(math.dist(positions[a], positions[b]) for a, b in itertools.combinations(positions, 2))
    assert closest >= CELL_HEIGHT - 1
    unique_pm = [n for n, d in network.nodes(data=True) if d["membership"] == "unique" and d["roles"] == [PM]]
    assert all(positions[n][0] < positions[PM][0] for n in unique_pm)
    shared = [n for n, d in network.nodes(data=True) if d["membership"] == "all"]
    assert all(positions[PM][0] < positions[n][0] < positions[PRODUCER][0] for n in shared)


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
    whole = whole_network(g.engine)
    for summary in g.roles():
        near = neighbourhood_network(g.engine, summary.iri, depth)
        cut = neighbourhood(whole, str(summary.iri), depth)
        assert set(near) == set(cut) and _edges(near) == _edges(cut), (summary.label, depth)
        for node, data in near.nodes(data=True):
            if node == str(summary.iri):
                assert data["membership"] == "role"
                continue
            expected = cut.nodes[node]
            if expected["membership"] == "role":  # another role: drawn as a collaborator
                assert (data["membership"], data["kind"]) == ("unique", "collaborator")
            else:
                assert (data["membership"], data["kind"]) == (expected["membership"], expected["kind"]), node
            assert sorted(data["citations"]) == sorted(expected["citations"]), node
            assert sorted(data["categories"]) == sorted(expected["categories"]), node
        for u, v, key, data in cut.edges(keys=True, data=True):
            assert sorted(near.edges[u, v, key]["citations"]) == sorted(data["citations"])


def test_past_the_cited_limit_only_the_rims_links_go_uncited(g: RoleGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network_module, "CITED_LIMIT", 1)
    near = neighbourhood_network(g.engine, g.resolve("Producer"), 1)
    assert near.nodes[PM]["kind"] == "collaborator"
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

"""Similar roles across sources (rolegraph/align/similarity.py): weights that matter, mappings that carry across
sources, answer keys never read, the stored ranking read back by the named query on rdflib, Oxigraph and Virtuoso,
and ``similar_roles`` using it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from rolegraph.align.mapping import ALIGNMENT_SOURCE, BROAD_MATCH, CLOSE_MATCH, RELATED_MATCH, Mapping, RoleSimilarity
from rolegraph.align.similarity import (
    METHOD,
    METHOD_VERSION,
    SIMILARITY_METHOD_NODE,
    RoleData,
    facets_literal,
    rank_data,
    rank_roles,
    residual,
    role_mappings,
    similarity_triples,
    source_of,
)
from rolegraph.compare.similarity import _facets, similar_roles
from rolegraph.model.ontology import load_graph
from rolegraph.sparql.engines import OxigraphEngine, RdflibEngine, from_oxigraph, select
from rolegraph.sparql.results import ResultTable
from rolegraph.store.database import RoleStore

from ..sparql.test_engines import normal

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/vocab#"
ONET = ID + "onet/occupation/"
ESCO = "http://data.europa.eu/esco/occupation/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def top_of(sims: list[RoleSimilarity], role: str) -> list[str]:
    return [s.other for s in sorted((s for s in sims if s.role == role), key=lambda s: s.rank)]


def union_graph(store_path: Path) -> Graph:
    """Every triple of a store's default graph (the union of its current sources), as an rdflib graph."""
    with RoleStore.open(store_path) as store:
        engine = store.engine()
        answer = engine.execute("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(answer, Graph)
    return answer


@pytest.fixture(scope="module")
def mini(mini_store: Path) -> Graph:
    return union_graph(mini_store)


def test_every_score_is_explained_by_its_facets_and_ranks_count_from_one(mini: Graph) -> None:
    sims = rank_roles(RdflibEngine(mini), [])
    assert sims
    by_role: dict[str, list[RoleSimilarity]] = {}
    for s in sims:
        by_role.setdefault(s.role, []).append(s)
        assert s.role != s.other
        assert 0 < s.score <= 1
        assert s.facets and sum(f.score for f in s.facets) == pytest.approx(s.score)
    for found in by_role.values():
        assert sorted(s.rank for s in found) == list(range(1, len(found) + 1))
        ordered = sorted(found, key=lambda s: s.rank)
        assert [s.score for s in ordered] == sorted((s.score for s in ordered), reverse=True)


def weighted(holders: dict[str, list[str]], strength: dict[tuple[str, str], float] | None = None) -> RoleData:
    """Roles r0..r9 linked by "skills" to the nodes ``holders`` names (node -> roles holding it)."""
    roles = [f"https://example.org/role/r{i}" for i in range(10)]
    links = [(f"https://example.org/role/{r}", "skills", f"https://example.org/skill/{node}")
             for node, who in holders.items() for r in who]  # fmt: skip
    return RoleData(roles, links=links, strength={(f"https://example.org/role/{r}", f"https://example.org/skill/{n}"): w
                                                  for (r, n), w in (strength or {}).items()})  # fmt: skip


def best(data: RoleData, role: str) -> str:
    ranked = top_of(rank_data(data, [], weights_given={"skills": 1.0}), f"https://example.org/role/{role}")
    return ranked[0].rsplit("/")[-1]


def rows_of(table: ResultTable) -> list[tuple[object, ...]]:
    return [tuple(normal(t) for t in row) for row in table.rows]


def test_a_rare_shared_node_says_more_than_a_common_one() -> None:
    # r0 shares a node 8 roles hold with r1 and a node only r0 and r2 hold; otherwise r1 and r2 are alike (without
    # idf they tie, and r1 comes first by IRI).
    common = ["r0", "r1", *(f"r{i}" for i in range(4, 10))]
    data = weighted({"common": common, "rare": ["r0", "r2"], "x": ["r1", "r3"], "y": ["r2", "r3"]})
    assert best(data, "r0") == "r2"


def test_an_essential_skill_counts_more_than_an_optional_one() -> None:
    # r0 shares skill a with r1 and skill b with r2: a is essential to both, b optional to both (same idf).
    holders = {"a": ["r0", "r1", "r3"], "b": ["r0", "r2", "r4"]}
    essential_a = {("r0", "a"): 1.0, ("r1", "a"): 1.0, ("r0", "b"): 0.5, ("r2", "b"): 0.5,
                   ("r3", "a"): 1.0, ("r4", "b"): 1.0}  # fmt: skip
    assert best(weighted(holders, essential_a), "r0") == "r1"
    essential_b = {("r0", "a"): 0.5, ("r1", "a"): 0.5, ("r0", "b"): 1.0, ("r2", "b"): 1.0,
                   ("r3", "a"): 1.0, ("r4", "b"): 1.0}  # fmt: skip
    assert best(weighted(holders, essential_b), "r0") == "r2"


def test_facet_weights_change_the_ranking() -> None:
    data = weighted({"a": ["r0", "r1"], "b": ["r0", "r2"], "c": ["r0", "r2"]})
    rating = {"r0": 5.0, "r1": 5.0, "r2": 1.0, "r3": 3.0}
    data.profiles = {"skills ratings": [(f"https://example.org/role/{r}", "e", v) for r, v in rating.items()]}
    role = "https://example.org/role/r0"
    by_links = top_of(rank_data(data, [], weights_given={"skills": 1.0, "skills ratings": 0.0}), role)
    by_ratings = top_of(rank_data(data, [], weights_given={"skills": 0.0, "skills ratings": 1.0}), role)
    assert by_links[0].endswith("/r2") and by_ratings[0].endswith("/r1")


def test_mapped_concepts_carry_similarity_across_sources(mini: Graph) -> None:
    engine = RdflibEngine(mini)
    producer = ESCO + "p1"
    plain = rank_roles(engine, [])
    # Hand-made mappings: the ESCO producer's skills to the O*NET elements of the industrial production manager.
    skills = [str(o) for o in mini.objects(URIRef(producer), URIRef(RG + "requiresSkill"))]
    elements = [str(o) for o in mini.objects(URIRef(ONET + "11-3051.00"), URIRef(RG + "requiresSkill"))]
    assert skills and elements
    mappings = [Mapping(s, CLOSE_MATCH, e, 0.9, "test", "1") for s in skills for e in elements[:2]]
    mapped = rank_roles(engine, mappings)

    def matched(sims: list[RoleSimilarity], other: str) -> float:
        found = [s for s in sims if s.role == producer and s.other == other]
        return sum(f.score for s in found for f in s.facets if f.category == "matched concepts")

    assert matched(plain, ONET + "11-3051.00") == 0
    assert matched(mapped, ONET + "11-3051.00") > 0
    before = {s.other: s.score for s in plain if s.role == producer}  # nothing in common without the mappings
    after = {s.other: s.score for s in mapped if s.role == producer}
    assert after[ONET + "11-3051.00"] > before.get(ONET + "11-3051.00", 0.0)
    assert {source_of(o) for o in top_of(mapped, producer)} >= {ESCO.rstrip("/"), ONET.rstrip("/")}


def test_the_answer_keys_are_never_read(mini: Graph) -> None:
    keyless = Graph()
    for triple in mini:
        s, p, o = (str(t) for t in triple)
        if p == RG + "relatedOccupation":
            continue
        if p.startswith(SKOS) and p.endswith("Match") and {s[:26], o[:26]} & {ESCO[:26]} and (ONET in s or ONET in o):
            continue
        keyless.add(triple)
    assert len(keyless) < len(mini)
    assert rank_roles(RdflibEngine(keyless), []) == rank_roles(RdflibEngine(mini), [])


def test_rdflib_and_oxigraph_rank_alike(mini: Graph) -> None:
    assert rank_roles(OxigraphEngine.from_graph(mini), []) == rank_roles(RdflibEngine(mini), [])


def test_role_mappings_say_how_strong() -> None:
    a, b, c, d = ESCO + "a", ESCO + "b", ESCO + "c", ESCO + "d"
    x, y, z = ONET + "x", ONET + "y", ONET + "z"
    sims = [
        RoleSimilarity(a, x, 0.30, 1), RoleSimilarity(a, y, 0.10, 2),  # clear best, but x's own best is b
        RoleSimilarity(b, x, 0.35, 1), RoleSimilarity(x, b, 0.35, 1),  # each other's best
        RoleSimilarity(c, y, 0.30, 1), RoleSimilarity(c, z, 0.29, 2),  # a close call
        RoleSimilarity(d, z, 0.05, 1),  # little in common
    ]  # fmt: skip
    found = {m.subject: m for m in role_mappings(sims, ESCO.rstrip("/"), ONET.rstrip("/"))}
    assert (found[a].object, found[a].predicate) == (x, BROAD_MATCH)
    assert (found[b].object, found[b].predicate) == (x, CLOSE_MATCH)
    assert found[d].predicate == RELATED_MATCH and found[d].confidence < 0.5
    assert found[a].confidence > found[c].confidence  # the same score, a wider margin
    assert all(0 < m.confidence < 1 for m in found.values())
    described = {a, c, d, x, y, z}  # b is known by its title alone
    assert role_mappings(sims, ESCO.rstrip("/"), ONET.rstrip("/"), described)[1].predicate == RELATED_MATCH


def test_a_residual_occupation_is_broader_never_close() -> None:
    a, other = ESCO + "a", ONET + "51-9199.00"  # "Production Workers, All Other"
    assert residual(other) and not residual(ONET + "29-1229.01") and not residual(ONET + "27-2012.00")
    sims = [RoleSimilarity(a, other, 0.9, 1), RoleSimilarity(other, a, 0.9, 1)]
    (found,) = role_mappings(sims, ESCO.rstrip("/"), ONET.rstrip("/"))
    assert found.confidence >= 0.95 and found.predicate == BROAD_MATCH


@pytest.fixture(scope="module")
def aligned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store of the shipped graph with the ranking of its roles stored as the alignment source."""
    path = tmp_path_factory.mktemp("aligned") / "store"
    with RoleStore.open(path, writable=True) as store:
        sims = rank_roles(store.engine(), [])
        store.load_source(ALIGNMENT_SOURCE, "alignment/test", {"title": "alignment", "release": "test"},
                          similarity_triples(sims))  # fmt: skip
    yield path


def test_similar_roles_reads_the_stored_ranking(aligned: Path) -> None:
    producer = URIRef(ID + "role/producer")
    with RoleStore.open(aligned) as store:
        engine = store.engine()
        stored = similar_roles(engine, producer, limit=3)
    sims = rank_roles(RdflibEngine(load_graph()), [])
    assert [s.iri for s in stored] == top_of(sims, str(producer))[:3]
    assert stored[0].method != "jaccard" and stored[0].jaccard is None and stored[0].facets
    assert sum(f.score for f in stored[0].facets) == pytest.approx(stored[0].score, abs=0.003)  # parts to 3 decimals
    fallback = similar_roles(load_graph(), producer)[0]  # no stored ranking: Jaccard, as before
    assert (fallback.label, fallback.shared, fallback.method) == ("Production Manager", 20, "jaccard")
    with RoleStore.open(aligned) as store:
        jaccard = similar_roles(store.engine(), producer, stored=False)[0]
    assert (jaccard.label, jaccard.shared, jaccard.method) == ("Production Manager", 20, "jaccard")


def test_the_named_query_reads_the_same_rows_on_rdflib_and_oxigraph(aligned: Path) -> None:
    with RoleStore.open(aligned) as store:
        oxigraph = store.engine()
        graph = Graph()
        for row in oxigraph.solutions("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
            graph.add(tuple(from_oxigraph(t) for t in row))  # type: ignore[arg-type]
        role = {"role": URIRef(ID + "role/producer")}
        expected = select(oxigraph, "most-similar-roles", role)
    actual = select(RdflibEngine(graph), "most-similar-roles", role)
    assert len(expected) > 0 and actual.variables == expected.variables
    assert rows_of(actual) == rows_of(expected)


def test_the_named_query_on_virtuoso_equals_the_store(aligned: Path, tmp_path: Path) -> None:
    from rolegraph.sparql.remote import SparqlHttpEngine

    from ..virtuoso import start_virtuoso, virtuoso_missing

    if (why := virtuoso_missing()) is not None:
        pytest.skip(str(why))
    server = start_virtuoso(tmp_path / "virtuoso")
    try:
        import os

        env = dict(os.environ, ROLEGRAPH_ENDPOINT_PASSWORD=server.password)
        done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(aligned), "push", "--endpoint",
                               server.update, "--graph-store", server.graph_store, "--user", "dba"],
                              capture_output=True, text=True, env=env, timeout=300, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        engine = SparqlHttpEngine.connect(server.sparql)
        role = {"role": URIRef(ID + "role/producer")}
        with RoleStore.open(aligned) as store:
            expected = select(store.engine(), "most-similar-roles", role)
        actual = select(engine, "most-similar-roles", role)
        assert len(expected) > 0 and actual.variables == expected.variables
        assert rows_of(actual) == rows_of(expected)
    finally:
        server.stop()


def test_the_query_command_lists_the_stored_similar_roles(aligned: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(aligned), "query", "most-similar-roles",
                           "--bind", "role=Producer", "--format", "csv"], capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Production Manager" in done.stdout and "titles" in done.stdout


def test_a_similarity_is_stored_in_five_triples_and_the_method_once(aligned: Path) -> None:
    stored: dict[str, dict[str, list[str]]] = {}
    with RoleStore.open(aligned) as store:
        engine = store.engine()
        for node, predicate, value in engine.solutions(f"SELECT ?s ?p ?o WHERE {{ ?s <{RG}similarityOf> ?r ; ?p ?o }}"):
            stored.setdefault(node.value, {}).setdefault(predicate.value, []).append(value.value)
        node = f"<{SIMILARITY_METHOD_NODE}>"
        query = f"SELECT ?m ?v WHERE {{ {node} <{RG}mappingMethod> ?m ; <{RG}mappingMethodVersion> ?v }}"
        method = [(m.value, v.value) for m, v in engine.solutions(query)]
    assert stored and method == [(METHOD, METHOD_VERSION)]
    five = {RG + name for name in ("similarityOf", "similarTo", "similarityScore", "similarityRank", "facetScores")}
    for values in stored.values():
        assert set(values) == five and all(len(v) == 1 for v in values.values())
        parts = _facets(values[RG + "facetScores"][0])
        named = [p.score for p in parts if p.facet != "other facets"]  # the largest four, then the rest as one
        assert named and named == sorted(named, reverse=True) and len(named) <= 4
        assert sum(p.score for p in parts) == pytest.approx(float(values[RG + "similarityScore"][0]), abs=0.003)


def test_the_stored_form_reads_back_as_the_ranking(aligned: Path) -> None:
    sims = rank_roles(RdflibEngine(load_graph()), [])
    producer = ID + "role/producer"
    with RoleStore.open(aligned) as store:
        rows = select(store.engine(), "most-similar-roles", {"role": URIRef(producer)})
    mine = [s for s in sims if s.role == producer]
    assert [(str(r.other), int(r.rank)) for r in rows] == [(s.other, s.rank) for s in mine]
    assert [str(r.facets) for r in rows] == [facets_literal(s.facets) for s in mine]
    assert {str(r.method) for r in rows} == {METHOD}


def test_the_stored_ranking_conforms_to_the_shapes(aligned: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(aligned), "validate"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr

"""benchmarks/evaluate_similarity.py: its metrics on hand-made rankings, its fast Jaccard against the library's, the
answer keys it must not let in, and the script end to end on the small fixture releases."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from rolegraph.compare.roles import resolve_role
from rolegraph.compare.similarity import similar_roles
from rolegraph.sparql.engines import OxigraphEngine

from .conftest import DATA, REPO

SCRIPT = REPO / "benchmarks" / "evaluate_similarity.py"
KEYS = ["--onet", str(DATA / "onet-mini"), "--esco", str(DATA / "esco-mini"),
        "--crosswalk", str(DATA / "crosswalk-mini.csv")]  # fmt: skip
RG = Namespace("https://w3id.org/rolegraph/vocab#")
EX = Namespace("https://example.org/")


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate_similarity", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def store_without_crosswalk(mini_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("evaluate") / "store"
    shutil.copytree(mini_store, copy)
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(copy), "remove", "crosswalk"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return copy


def test_recall_at_k(evaluation: ModuleType) -> None:
    ranked = ["a", "b", "c", "d"]
    assert evaluation.recall_at_k(ranked, {"b", "d", "x", "y"}, 2) == 0.25  # b of 4
    assert evaluation.recall_at_k(ranked, {"b", "d", "x", "y"}, 10) == 0.5  # a short list: b and d
    assert evaluation.recall_at_k([], {"a"}, 10) == 0.0
    with pytest.raises(ValueError):
        evaluation.recall_at_k(ranked, set(), 10)


def test_hit_at_k(evaluation: ModuleType) -> None:
    assert evaluation.hit_at_k(["a", "b", "c"], {"c", "z"}, 3)
    assert not evaluation.hit_at_k(["a", "b", "c"], {"c", "z"}, 2)
    assert evaluation.hit_at_k(["a", "b"], {"a"}, 1)
    assert not evaluation.hit_at_k([], {"a"}, 5)


def test_same_group_share_counts_empty_places_as_misses(evaluation: ModuleType) -> None:
    group_of = {"a": "1", "b": "1", "c": "2", "d": "1"}
    assert evaluation.same_group_share(["a", "c", "b", "d"], group_of, "1", 4) == 0.75
    assert evaluation.same_group_share(["a", "c", "b", "d"], group_of, "1", 2) == 0.5
    assert evaluation.same_group_share(["a", "b"], group_of, "1", 10) == 0.2  # two of ten places
    assert evaluation.same_group_share(["unknown"], group_of, "1", 1) == 0.0


def test_answer_keys_from_release_files(evaluation: ModuleType) -> None:
    assert evaluation.related_occupations(DATA / "onet-mini") == {"27-2012.00": {"11-3051.00", "99-9999.00"}}
    assert evaluation.rated_occupations(DATA / "onet-mini") == {"27-2012.00", "11-3051.00"}
    # Occupation rows only (not the ISCO group's), once each; a row without a URI is left out.
    assert evaluation.crosswalk_codes(DATA / "crosswalk-mini.csv") == {
        "http://data.europa.eu/esco/occupation/p1": {"27-2012.00"}
    }
    groups = evaluation.isco_groups(DATA / "esco-mini")
    assert groups["http://data.europa.eu/esco/occupation/p1"] == groups["http://data.europa.eu/esco/occupation/p3"]
    assert groups["http://data.europa.eu/esco/occupation/p2"] == "1431"


def test_fast_jaccard_ranks_as_the_library(evaluation: ModuleType, graph: Graph) -> None:
    engine = OxigraphEngine.from_graph(graph)
    jaccard = evaluation.Jaccard(engine)
    roles = sorted(jaccard.facets)
    assert len(jaccard.check(roles)) == len(roles)  # raises on any difference
    producer = str(resolve_role(graph, "Producer"))
    assert producer in roles
    assert jaccard.top(producer, set(roles), 1) == [similar_roles(engine, URIRef(producer), limit=1)[0].iri]


def test_fast_jaccard_ranks_as_the_library_on_a_store(evaluation: ModuleType, mini_store: Path) -> None:
    import rolegraph

    with rolegraph.open_store(mini_store) as store:
        jaccard = evaluation.Jaccard(store.engine)
        roles = sorted(jaccard.facets)
        assert len(roles) >= 6  # the article's, O*NET's and ESCO's
        assert len(jaccard.check(roles)) == len(roles)
        for role in roles:
            expected = [s.iri for s in similar_roles(store.engine, URIRef(role), limit=3)]
            assert jaccard.top(role, set(roles), 3) == expected


def test_fast_jaccard_check_fails_loudly_when_the_orders_differ(evaluation: ModuleType, graph: Graph) -> None:
    jaccard = evaluation.Jaccard(OxigraphEngine.from_graph(graph))
    role = str(resolve_role(graph, "Producer"))
    jaccard.facets = {r: f | {("skills", "https://example.org/shared")} for r, f in jaccard.facets.items()}
    jaccard.holders[("skills", "https://example.org/shared")] = list(jaccard.facets)
    with pytest.raises(evaluation.EvaluationError, match="differs from the library's"):
        jaccard.check([role])


def test_related_occupations_are_not_an_input_to_the_ranking(evaluation: ModuleType, graph: Graph) -> None:
    """O*NET's Related Occupations are the answer key: two occupations listing the same related occupation share
    nothing for similar-roles (rg:relatedOccupation is not a compared role link)."""
    data = Graph()
    data += graph
    for role in (EX.a, EX.b, EX.c):
        data.add((role, RDF.type, RG.Role))
        data.add((role, RDFS.label, EX[role.rsplit("/", 1)[-1]]))
    data.add((EX.a, RG.relatedOccupation, EX.c))
    data.add((EX.b, RG.relatedOccupation, EX.c))
    data.add((EX.a, RG.relatedOccupation, EX.b))
    engine = OxigraphEngine.from_graph(data)
    assert similar_roles(engine, EX.a) == []
    jaccard = evaluation.Jaccard(engine)
    assert jaccard.top(str(EX.a), {str(EX.b), str(EX.c)}, 10) == []
    # Were it a compared link, the script would refuse to run rather than measure it.
    data.add((RG.relatedOccupation, RG.comparisonCategory, EX.related))
    data.add((RG.relatedOccupation, RDFS.subPropertyOf, RG.roleLink))
    with pytest.raises(evaluation.EvaluationError, match="answer key"):
        evaluation.Jaccard(OxigraphEngine.from_graph(data))


def test_refuses_a_store_holding_the_crosswalk(mini_store: Path) -> None:
    done = run("--store", str(mini_store), *KEYS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert "ESCO to O*NET matches" in done.stderr and "remove crosswalk" in done.stderr


def test_end_to_end_on_the_fixture_releases(store_without_crosswalk: Path) -> None:
    done = run("--store", str(store_without_crosswalk), *KEYS)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split("  ")[0]: line.split() for line in done.stdout.splitlines()}
    # 27-2012.00 (rated) lists 11-3051.00, which shares a skill with it, and 99-9999.00, which is no occupation.
    assert rows["figure"][-2:] == ["facet-cosine", "jaccard"]  # over, best, then a column per method
    assert rows["O*NET: recall@10 of Related Occupations (Primary)"][-4:] == ["1", "1.000", "1.000", "1.000"]
    # p1's crosswalk code 27-2012.00 shares no node with it: exact-node Jaccard cannot rank across sources; the
    # titles can ("video and motion picture producer", O*NET's alternate title "Producer").
    assert rows["ESCO -> O*NET: crosswalk code in top 5 (hit@5)"][-4:] == ["1", "1.000", "1.000", "0.000"]
    assert rows["ESCO -> O*NET: crosswalk code at top 1 (hit@1)"][-4:] == ["1", "1.000", "1.000", "0.000"]
    # p1 and p3 (ISCO 2654) share nothing; each shares a skill with p2 (1431) only. Best: one of ten places for each.
    assert rows["ESCO: share of top 10 in the same ISCO-08 unit group"][-4:] == ["3", "0.067", "0.067", "0.000"]
    assert "equals the library's" in done.stdout and "cores" in done.stdout.splitlines()[0]
    assert "0 / 1 / 0" in done.stdout


def test_one_half_of_the_queries(store_without_crosswalk: Path) -> None:
    done = run("--store", str(store_without_crosswalk), *KEYS, "--half", "held-out", "--method", "facet-cosine")
    assert done.returncode == 0, done.stderr
    everything = run("--store", str(store_without_crosswalk), *KEYS, "--method", "facet-cosine")
    over = lambda out: [line.split()[-3] for line in out.splitlines() if line.startswith(("O*NET:", "ESCO"))]  # noqa: E731
    assert "queries: held-out" in done.stdout
    assert all(int(h) <= int(a) for h, a in zip(over(done.stdout), over(everything.stdout), strict=True))
    assert over(done.stdout) != over(everything.stdout)


def test_sample(store_without_crosswalk: Path) -> None:
    done = run("--store", str(store_without_crosswalk), *KEYS, "--sample", "2", "--seed", "3", "--verify", "0",
               "--method", "jaccard")  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("ESCO: share"))
    assert line.split()[-3] == "2"
    assert "equals the library's" not in done.stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--onet", "missing-folder", "no O*NET release folder here; pass --onet DIR"),
        ("--esco", "missing-folder", "no ESCO release folder here; pass --esco DIR"),
        ("--crosswalk", "missing.csv", "no ESCO to O*NET-SOC crosswalk file here; pass --crosswalk FILE"),
        ("--esco", str(DATA / "onet-mini"), "no ESCO occupations_en.csv here"),
        ("--crosswalk", str(DATA / "onet-mini" / "Skills.txt"), "missing column(s) conceptType"),
        ("--store", "missing-store", "no rolegraph store here; pass --store PATH"),
        ("--sample", "0", "--sample must be at least 1"),
    ],
)
def test_bad_input_exits_2(store_without_crosswalk: Path, tmp_path: Path, option: str, value: str,
                           message: str) -> None:  # fmt: skip
    if value.startswith("missing"):
        value = str(tmp_path / value)
    options = {"--store": str(store_without_crosswalk), **dict(zip(KEYS[::2], KEYS[1::2], strict=True)), option: value}
    done = run(*[part for pair in options.items() for part in pair])
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr and done.stdout == ""

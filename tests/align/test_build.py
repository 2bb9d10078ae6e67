"""build.py: a later stage (role similarities, ...) adds its mappings and triples to the one alignment source."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from rolegraph.align.build import STAGES, Stage, align
from rolegraph.align.mapping import ALIGNMENT_SOURCE, RELATED_MATCH, Mapping
from rolegraph.store.database import RoleStore

RG = "https://w3id.org/rolegraph/vocab#"
PRODUCER = "https://w3id.org/rolegraph/id/role/producer"
ONET_PRODUCER = "https://w3id.org/rolegraph/id/onet/occupation/27-2012.00"


def _roles(_manual: set[frozenset[str]]) -> Stage:
    def stage(engine: Any, found: list[Mapping]) -> tuple[list[Mapping], list[tuple[Any, Any, Any]]]:
        assert found  # it sees what the stages before it found
        node = ox.NamedNode("https://w3id.org/rolegraph/id/similarity/test")
        triples = [(node, ox.NamedNode(RG + "similarityOf"), ox.NamedNode(PRODUCER))]
        return [Mapping(PRODUCER, RELATED_MATCH, ONET_PRODUCER, 0.5, "test", "0")], triples

    return stage


def test_a_later_stage_adds_to_the_same_source(mini_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(mini_store, copy)
    (copy / "rolegraph.lock").unlink(missing_ok=True)
    with RoleStore.open(copy, writable=True) as store:
        plain = align(store)
        both = align(store, (*STAGES, _roles))
        assert len(both.mappings) == len(plain.mappings) + 1 and both.by_predicate["relatedMatch"] >= 1
        graph = next(info.graph for info in store.sources() if info.iri == ALIGNMENT_SOURCE)
        assert store.store.query(f"ASK {{ GRAPH <{graph}> {{ ?n <{RG}similarityOf> <{PRODUCER}> }} }}")
        assert store.store.query(f"ASK {{ GRAPH <{graph}> {{ <{PRODUCER}> ?p <{ONET_PRODUCER}> }} }}")
        assert sum(1 for info in store.sources() if info.iri == ALIGNMENT_SOURCE) == 1

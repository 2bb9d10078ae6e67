"""Matched nodes: the SKOS mappings between the nodes of a comparison (read with the ``matched-nodes`` query), and
the pairing of nodes of different roles by their best mappings.

A mapping is read from either end: ``a skos:broadMatch b`` is ``b skos:narrowMatch a`` seen from ``b``. Its score is
the confidence of the alignment's ``rg:Mapping`` record (the highest, when several methods describe it), or 1.0 for a
hand-made link (ontology/links/), which has none. Close, exact, broad and narrow matches count as matched; related
matches are shown but never counted.

>>> links = {("a", "b"): MatchLink("a", "b", "closeMatch", 0.9, "tfidf"),
...          ("b", "a"): MatchLink("b", "a", "closeMatch", 0.9, "tfidf"),
...          ("a", "c"): MatchLink("a", "c", "relatedMatch", 0.95, "tfidf"),
...          ("c", "a"): MatchLink("c", "a", "relatedMatch", 0.95, "tfidf")}
>>> roles = {"a": frozenset({"r1"}), "b": frozenset({"r2"}), "c": frozenset({"r2"})}
>>> [(p.node, p.match, p.relation) for p in pair_nodes(roles, links, ["r1", "r2"])]
[('a', 'b', 'closeMatch')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.terms import iri as light_iri
from ..sparql.engines import QueryEngine, select

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["COUNTED", "HAND_MADE", "MatchLink", "pair_nodes", "read_links"]

COUNTED = frozenset({"exactMatch", "closeMatch", "broadMatch", "narrowMatch"})
"""The SKOS relations that count as matched in overlap figures (skos:relatedMatch is shown, not counted)."""

HAND_MADE = "hand-made"
"""The origin of a mapping that no alignment record describes: a link written by hand (ontology/links/)."""

_INVERSE = {"broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}
_STRENGTH = {"exactMatch": 0, "closeMatch": 1, "broadMatch": 2, "narrowMatch": 2, "relatedMatch": 3}


@dataclass(frozen=True)
class MatchLink:
    """A mapping seen from ``node``: ``node relation match`` (a SKOS relation's local name), its score from 0 to 1
    and its origin (the method that computed it, or :data:`HAND_MADE`)."""

    node: str
    match: str
    relation: str
    score: float
    origin: str

    @property
    def counted(self) -> bool:
        """Whether the relation counts as matched (not a related match)."""
        return self.relation in COUNTED

    def rank(self) -> tuple[bool, float, int, str]:
        """Best first: a counted relation, then the higher score, the stronger relation, the origin."""
        return (not self.counted, -self.score, _STRENGTH.get(self.relation, 9), self.origin)


def read_links(graph: Graph | QueryEngine, nodes: Iterable[str]) -> dict[tuple[str, str], MatchLink]:
    """The best mapping between every two of ``nodes`` (IRIs), from each end: ``found[(a, b)]`` is read from ``a``."""
    wanted = sorted({n for n in nodes if n.startswith(("http://", "https://"))})
    found: dict[tuple[str, str], MatchLink] = {}
    if not wanted:
        return found
    among = set(wanted)
    asserted: set[tuple[str, str, str]] = set()
    recorded: dict[tuple[str, str, str], tuple[float, str]] = {}
    for row in select(graph, "matched-nodes", {"node": [light_iri(n) for n in wanted]}):
        key = (str(row.node), str(row.match), str(row.relation))
        if key[1] not in among:
            continue
        if row.confidence is None:
            asserted.add(key)
            continue
        try:
            score = min(max(float(str(row.confidence)), 0.0), 1.0)
        except ValueError:
            continue
        origin = str(row.method) if row.method is not None else "alignment"
        if key not in recorded or (-score, origin) < (-recorded[key][0], recorded[key][1]):
            recorded[key] = (score, origin)
    for node, match, relation in asserted:
        score, origin = recorded.get((node, match, relation), (1.0, HAND_MADE))
        for link in (MatchLink(node, match, relation, score, origin),
                     _flipped(MatchLink(node, match, relation, score, origin))):  # fmt: skip
            pair = (link.node, link.match)
            if pair not in found or link.rank() < found[pair].rank():
                found[pair] = link
    return found


def pair_nodes(
    roles_of: Mapping[str, frozenset[str]], links: Mapping[tuple[str, str], MatchLink], role_order: Sequence[str]
) -> list[MatchLink]:
    """Pairs of the nodes of ``roles_of`` (one category's, or several categories' that are paired across) joined by
    a mapping, each node in one pair at most, best mappings first (see :meth:`MatchLink.rank`; greedy). Only nodes
    that different roles link to are paired (neither node's roles among the other's), and each pair is read from
    the node of the earlier role in ``role_order``."""
    position = {role: i for i, role in enumerate(role_order)}

    def first_role(node: str) -> int:
        return min(position.get(r, len(position)) for r in roles_of[node])

    candidates = [
        link
        for (a, b), link in links.items()
        if a < b
        and a in roles_of
        and b in roles_of
        and not roles_of[a] <= roles_of[b]
        and not roles_of[b] <= roles_of[a]
    ]
    candidates.sort(key=lambda link: (*link.rank(), link.node, link.match))
    used: set[str] = set()
    pairs = []
    for link in candidates:
        if link.node in used or link.match in used:
            continue
        used.update((link.node, link.match))
        left, right = sorted((link.node, link.match), key=lambda n: (first_role(n), n))
        pairs.append(links.get((left, right)) or _flipped(links[(right, left)]))
    return pairs


def _flipped(link: MatchLink) -> MatchLink:
    return MatchLink(link.match, link.node, _INVERSE.get(link.relation, link.relation), link.score, link.origin)

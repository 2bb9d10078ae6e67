"""The Python API: :func:`load` gives a :class:`RoleGraph`, the graph plus the questions rolegraph answers.

>>> import rolegraph
>>> g = rolegraph.load()
>>> [r.label for r in g.roles()]
['Producer', 'Production Manager']
>>> g.profile("producer").label
'Producer'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from .ontology import load_graph
from .profile import RoleProfile, role_profile
from .queries import run_query
from .roles import RoleSummary, list_roles, resolve_role

__all__ = ["RoleGraph", "load"]


class RoleGraph:
    """rolegraph's data as an rdflib graph (:attr:`rdf`) and the operations over it."""

    def __init__(self, rdf: Graph) -> None:
        self.rdf = rdf

    def roles(self, *, profiled_only: bool = True) -> list[RoleSummary]:
        """The roles, sorted by label: those with a profile, or every role named when ``profiled_only`` is false."""
        return list_roles(self.rdf, profiled_only=profiled_only)

    def resolve(self, name: str) -> URIRef:
        """The IRI of the role ``name`` means (label, alternative label, IRI or local name, any case)."""
        return resolve_role(self.rdf, name)

    def profile(self, name: str) -> RoleProfile:
        """Everything the graph links to the role ``name``, with citations."""
        return role_profile(self.rdf, self.resolve(name))

    def query(self, name: str, bindings: Mapping[str, Identifier] | None = None, /, **params: Identifier) -> Result:
        """Run the named query ``name`` from ``queries/`` with its parameters bound to RDF terms."""
        return run_query(self.rdf, name, {**(bindings or {}), **params})

    def __len__(self) -> int:
        return len(self.rdf)

    def __repr__(self) -> str:
        return f"<RoleGraph: {len(self.rdf)} triples, {len(self.roles())} profiled roles>"


def load(extra: Iterable[str | os.PathLike[str]] = ()) -> RoleGraph:
    """The shipped graph (vocabulary, data, links) plus any ``extra`` Turtle or N-Triples files."""
    return RoleGraph(load_graph(extra))

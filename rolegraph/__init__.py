"""rolegraph: a knowledge graph of job roles that compares them with SPARQL and shows them as a network.

>>> import rolegraph
>>> rolegraph.load().resolve("Production Manager")
rdflib.term.URIRef('https://w3id.org/rolegraph/id/role/production-manager')
"""

from __future__ import annotations

from ._version import __version__
from .api import RoleGraph, load, open_store
from .errors import InputError, RolegraphError

__all__ = ["InputError", "RoleGraph", "RolegraphError", "__version__", "load", "open_store"]

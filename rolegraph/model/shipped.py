"""The shipped graph (vocabulary, data, links) in an in-memory Oxigraph store, read without rdflib: the fast path of
the commands on the built-in graph (see :mod:`rolegraph.model.terms`).

>>> len(load_store()) > 1000
True
"""

from __future__ import annotations

import pyoxigraph as ox

from . import resources

__all__ = ["load_store"]


def load_store() -> ox.Store:
    """The vocabulary plus the shipped data and links in an in-memory Oxigraph store (the same triples as
    :func:`rolegraph.model.ontology.load_graph` gives, read by Oxigraph's own Turtle parser: the shipped files are
    tested to parse the same on both)."""
    store = ox.Store()
    for source in [resources.vocabulary_file(), *resources.data_files()]:
        store.load(source.read_bytes(), format=ox.RdfFormat.TURTLE)
    return store

"""Where rolegraph's shipped files are: the vocabulary, shapes, data, links and queries.

In an installed wheel they live in ``rolegraph/_data/`` (hatchling copies ``ontology/`` and ``queries/`` there);
in a checkout (or an editable install) they are the top-level ``ontology/`` and ``queries/`` folders. This module
is the only code that knows either location.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ResourceMissingError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "data_files",
    "data_files_by_folder",
    "data_root",
    "ontology_dir",
    "queries_dir",
    "shapes_file",
    "vocabulary_file",
]


@cache
def data_root() -> Traversable:
    """The folder that holds ``ontology/`` and ``queries/``."""
    # an installed package on disk: importlib.resources would say the same
    beside = Path(__file__).resolve().parents[1] / "_data"
    if beside.is_dir():
        return beside
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir() and (checkout / "queries").is_dir():
        return checkout
    from importlib.resources import files  # a package not on disk (a zip); imported here: it costs tens of ms

    packaged = files("rolegraph") / "_data"
    if packaged.is_dir():
        return packaged
    raise ResourceMissingError(
        "rolegraph's ontology and query files are missing: neither the installed package's _data folder nor a "
        "checkout's ontology/ and queries/ folders were found. Reinstall rolegraph (pip install --force-reinstall)."
    )


def ontology_dir() -> Traversable:
    """``ontology/``: rolegraph.ttl, shapes.ttl, data/, links/."""
    return data_root() / "ontology"


def queries_dir() -> Traversable:
    """``queries/``: the named SPARQL queries."""
    return data_root() / "queries"


def vocabulary_file() -> Traversable:
    """The vocabulary, ``ontology/rolegraph.ttl``."""
    return ontology_dir() / "rolegraph.ttl"


def shapes_file() -> Traversable:
    """The SHACL shapes, ``ontology/shapes.ttl``."""
    return ontology_dir() / "shapes.ttl"


def data_files_by_folder() -> list[tuple[str, Traversable]]:
    """Every shipped Turtle file of facts with its folder (``data`` or ``links``), as :func:`data_files` orders them."""
    found: list[tuple[str, Traversable]] = []
    for folder in ("data", "links"):
        directory = ontology_dir() / folder
        if directory.is_dir():
            files = sorted((f for f in directory.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)
            found.extend((folder, f) for f in files)
    return found


def data_files() -> list[Traversable]:
    """Every shipped Turtle file of facts: ``ontology/data/*.ttl`` then ``ontology/links/*.ttl``, sorted by name."""
    found: list[Traversable] = []
    for folder in ("data", "links"):
        directory = ontology_dir() / folder
        if directory.is_dir():
            found.extend(sorted((f for f in directory.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name))
    return found

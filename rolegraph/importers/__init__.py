"""Importers that turn public occupational releases (O*NET, ESCO, crosswalks) into triples, and load them into the
store (loading). May import model and store (never sparql directly, compare, graph or serve)."""

from __future__ import annotations

from .report import ImportReport

__all__ = ["ImportReport"]

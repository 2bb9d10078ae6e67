"""Importers that turn public occupational releases (O*NET, ESCO, crosswalks) into triples for the store."""

from __future__ import annotations

from .report import ImportReport

__all__ = ["ImportReport"]

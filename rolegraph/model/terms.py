"""RDF terms without rdflib: light IRIs, literals and blank nodes, and tests that accept them and rdflib's alike.

Importing rdflib costs about 0.1 s, most of the time a command on the built-in graph may take. The commands that
only read rows (``roles``, ``show``, ``compare``, ``resolve``, ``query``) get their answers from Oxigraph as these
terms instead (see :attr:`rolegraph.sparql.engines.OxigraphEngine.light_terms`). They behave as rdflib's do where
rolegraph uses them: ``str()`` is the IRI or the lexical form, literals have ``language``, ``datatype`` and
``toPython()``, every term has ``n3()``, and equality and hashing follow rdflib's (a term equals only a term of its own
kind).

>>> label = Lit("Producer", language="en")
>>> str(label), label.language, label.n3()
('Producer', 'en', '"Producer"@en')
>>> Lit("0.25", datatype=IRI(XSD + "decimal")).toPython()
Decimal('0.25')
>>> is_literal(label), is_iri(label), IRI("http://example.org/a") == "http://example.org/a"
(True, False, False)
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = [
    "IRI",
    "XSD",
    "XSD_STRING",
    "Blank",
    "Lit",
    "iri",
    "is_blank",
    "is_iri",
    "is_literal",
    "is_term",
    "light_term",
    "literal"
]  # fmt: skip

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"

_INVALID_IRI_CHARS = frozenset('<>" {}|\\^`')
"""What rdflib refuses in an IRI it writes (``URIRef.n3``)."""

_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
                               "unsignedShort", "unsignedByte")}  # fmt: skip
_FLOATS = {XSD + "double", XSD + "float"}


class IRI(str):
    """An IRI (as rdflib's ``URIRef``: its text, equal only to an IRI)."""

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def n3(self) -> str:
        """The IRI in SPARQL and Turtle syntax; ValueError for one that cannot be written (as rdflib refuses)."""
        if not _INVALID_IRI_CHARS.isdisjoint(self):  # a set test: binding 240 IRIs took 6 ms with any()
            raise ValueError(f'"{self}" does not look like a valid URI')
        return f"<{self}>"

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class Blank(str):
    """A blank node (as rdflib's ``BNode``: its label)."""

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def n3(self) -> str:
        return f"_:{self}"


class Lit(str):
    """A literal (as rdflib's ``Literal``): its lexical form, ``language`` or ``datatype`` (None for a plain
    string, as rdflib gives xsd:string literals)."""

    language: str | None
    datatype: IRI | None

    def __new__(cls, value: str, language: str | None = None, datatype: str | None = None) -> Lit:
        literal = super().__new__(cls, value)
        literal.language = language or None
        literal.datatype = IRI(datatype) if datatype and not language and datatype != XSD_STRING else None
        return literal

    def __hash__(self) -> int:
        value = str.__hash__(self)
        if self.language:
            value ^= hash(self.language.lower())
        if self.datatype is not None:
            value ^= hash(self.datatype)
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Lit):
            return False
        return (
            self.datatype == other.datatype
            and (self.language or "").lower() == (other.language or "").lower()
            and str.__eq__(self, other)
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def toPython(self) -> Any:  # noqa: N802 - rdflib's name, so that code reads both kinds of literal alike
        """The value as rdflib gives it for the datatypes rolegraph's data uses (int, Decimal, float, bool); the
        literal itself for other datatypes or a lexical form that is not valid."""
        datatype = str(self.datatype) if self.datatype is not None else None
        text = str(self).strip()
        try:
            if datatype in _INTEGERS:
                return int(text)
            if datatype == XSD + "decimal":
                from decimal import Decimal

                if "e" in text.lower() or text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                    return self
                return Decimal(text)
            if datatype in _FLOATS:
                return float(text.replace("INF", "inf"))
        except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
            return self
        if datatype == XSD + "boolean":
            return {"true": True, "1": True, "false": False, "0": False}.get(text, self)
        return self

    def n3(self) -> str:
        """The literal in SPARQL syntax (a double-quoted string, its tag or datatype)."""
        quoted = '"' + str(self).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        quoted += '"'
        if self.language:
            return f"{quoted}@{self.language}"
        if self.datatype is not None:
            return f"{quoted}^^{self.datatype.n3()}"
        return quoted

    def __repr__(self) -> str:
        extra = f", language={self.language!r}" if self.language else ""
        extra += f", datatype={str(self.datatype)!r}" if self.datatype is not None else ""
        return f"Lit({str.__repr__(self)}{extra})"


def iri(text: str) -> Any:
    """A light IRI, typed as any term: it goes where rdflib's are declared (query parameters), reading alike."""
    return IRI(text)


def literal(text: str, *, language: str | None = None, datatype: str | None = None) -> Any:
    """A light literal, typed as any term (see :func:`iri`)."""
    return Lit(text, language=language, datatype=datatype)


def _rdflib_term(term: object, name: str) -> bool:
    module = sys.modules.get("rdflib.term")  # no rdflib term can exist before rdflib is imported
    return module is not None and isinstance(term, getattr(module, name))


def is_iri(term: object) -> bool:
    """An IRI, light or rdflib's."""
    return isinstance(term, IRI) or _rdflib_term(term, "URIRef")


def is_literal(term: object) -> bool:
    """A literal, light or rdflib's."""
    return isinstance(term, Lit) or _rdflib_term(term, "Literal")


def is_blank(term: object) -> bool:
    """A blank node, light or rdflib's."""
    return isinstance(term, Blank) or _rdflib_term(term, "BNode")


def is_term(term: object) -> bool:
    """An RDF term (IRI, literal, blank node), light or rdflib's (``rdflib.term.Identifier``)."""
    return isinstance(term, IRI | Lit | Blank) or _rdflib_term(term, "Identifier")


def light_term(term: Any) -> IRI | Lit | Blank | None:
    """A pyoxigraph term as a light term."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    if isinstance(term, ox.Literal):
        return Lit(term.value, term.language, term.datatype.value)
    raise TypeError(f"unexpected Oxigraph term {term!r}")

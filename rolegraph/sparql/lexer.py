r"""SPARQL 1.1 query text as the engines read it: normalised once (codepoint escapes decoded, line ends made LF,
characters the engines treat differently refused), then cut into the grammar's terminals.

The safety check reads these tokens, and the engines run the normalised text, so the words the check sees are the
words that run. Two places where a plain longest-match lexer would see other tokens than a parser are handled
as the grammar reads them: a keyword directly followed by a colon (``SERVICE:x`` is the keyword SERVICE and the
prefixed name ``:x`` to a parser, not one prefixed name), and ``<`` after an operand inside an expression, which is
the less-than operator, not the start of an IRI (``FILTER(?a<?b#>...)`` has a comment after ``?b``).

>>> [t.text for t in tokens(normalise('SELECT * WHERE { ?s ?p "x" } # note'))]
['SELECT', '*', 'WHERE', '{', '?s', '?p', '"x"', '}']
>>> normalise("ASK { ?s ?p '\\u0041' }\r\n")
"ASK { ?s ?p 'A' }\n"
>>> [t.text for t in tokens("SELECT * WHERE { FILTER(?a<?b#>\n) }")]
['SELECT', '*', 'WHERE', '{', 'FILTER', '(', '?a', '<', '?b', ')', '}']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError

__all__ = ["MAX_NESTING", "LexicalError", "Token", "normalise", "tokens"]

MAX_NESTING = 64
"""The deepest nesting of braces, parentheses and brackets a query may have (real queries stay under 20; the
engines' recursive parsers overflow their stacks on a few thousand)."""


class LexicalError(InputError):
    """The text cannot be read as SPARQL tokens; carries the 1-based line and column."""

    def __init__(self, source: str, text: str, offset: int, detail: str) -> None:
        self.line = text.count("\n", 0, offset) + 1
        self.column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        self.detail = detail
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        self.text_line = text[start : end if end >= 0 else len(text)]
        # Characters that cannot be shown (or encoded) are shown as "?", one for one, so the column stays right.
        shown = _REFUSED.sub(lambda m: "?", self.text_line.expandtabs(1))
        pointer = f"\n  {shown}\n  {' ' * (self.column - 1)}^" if shown.strip() and len(shown) <= 200 else ""
        super().__init__(f"{source}:{self.line}:{self.column}: SPARQL syntax error: {detail}.{pointer}")


@dataclass(frozen=True)
class Token:
    """One terminal of the grammar: its kind, its text and where it starts in the normalised text."""

    kind: str  # word, pname, var, iri, string, number, langtag, bnode, punct
    text: str
    offset: int


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Characters the engines read differently or not at all: C0 controls but tab and line feed, DEL, C1 controls,
# the Unicode line and paragraph separators, byte-order marks and lone surrogates.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def normalise(text: str, source: str = "query") -> str:
    r"""The text both engines read the same way, or :class:`LexicalError`.

    Codepoint escapes (``\uXXXX``, ``\UXXXXXXXX``) are decoded everywhere, as SPARQL says and rdflib does (Oxigraph
    decodes them only inside strings and IRIs); CRLF and CR become LF (a CR ends a comment for one engine and not the
    other); a leading byte-order mark is dropped. Escapes that decode into another escape, and control characters,
    are refused.
    """
    if text.startswith("\ufeff"):
        text = text[1:]

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF:
            raise LexicalError(source, text, match.start(), f"{match.group(0)} is not a Unicode code point")
        return chr(code)

    decoded = _ESCAPE.sub(decode, text)
    again = _ESCAPE.search(decoded)
    if again:
        raise LexicalError(source, decoded, again.start(), "a codepoint escape spells another escape; write the "
                           "character itself")  # fmt: skip
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    bad = _REFUSED.search(decoded)
    if bad:
        raise LexicalError(source, decoded, bad.start(), f"the character U+{ord(bad.group()):04X} is not allowed in a "
                           "query (write it as an escape inside a string, such as \\t, or leave it out)")  # fmt: skip
    return decoded


_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_ECHAR = r"\\[tbnrf\\\"']"

_PATTERNS = [
    ("space", r"[ \t\n]+"),
    ("comment", r"#[^\n]*"),
    ("string", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("string", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("string", f"'(?:[^'\\\\\\n]|{_ECHAR})*'"),
    ("string", f'"(?:[^"\\\\\\n]|{_ECHAR})*"'),
    ("var", f"[?$]{_VARNAME}"),
    ("bnode", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("number", r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<\(|\)>>|<<|>>|\{\||\|\}|[{}()\[\].,;*=<>!+\-/^|?~]"),
]
_LEXER = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_PATTERNS)))
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_OPENERS = {"(": ")", "{": "}", "[": "]"}
# Words after which a parenthesis opens a collection, a path group or a VALUES row, not an expression.
_PATTERN_WORDS = {"WHERE", "OPTIONAL", "MINUS", "GRAPH", "SERVICE", "UNION", "EXISTS", "VALUES", "CONSTRUCT",
                  "SELECT", "ASK", "DESCRIBE", "FROM", "NAMED", "PREFIX", "BASE", "LIMIT", "OFFSET", "ORDER",
                  "GROUP", "DISTINCT", "REDUCED", "SILENT", "NOT", "AS", "UNDEF", "A", "TRUE", "FALSE",
                  "LATERAL"}  # fmt: skip
# A parser reads "SERVICEex:x" as SERVICE and ex:x, a lexer as one prefixed name: prefixed names that begin with
# one of these keywords are refused wherever they are used (declaring such a prefix is harmless).
_GLUED = ("SERVICE", "FROM", "NAMED", "FILTER")


def _operand_end(token: Token | None) -> bool:
    """Whether an expression operand can end with ``token`` (so a following ``<`` is an operator)."""
    if token is None:
        return False
    if token.kind in ("var", "string", "number", "langtag", "pname", "iri", "bnode"):
        return True
    if token.kind == "word":
        return token.text.upper() in ("TRUE", "FALSE")
    return token.text in (")", "]")


def _glued(token: Token, previous: Token | None) -> str | None:
    if token.kind != "pname" or (previous is not None and previous.text.upper() == "PREFIX"):
        return None
    prefix = token.text.split(":", 1)[0].upper()
    return next((keyword for keyword in _GLUED if prefix.startswith(keyword)), None)


def _next(text: str, position: int, in_expression: bool, previous: Token | None, source: str) -> Token:
    if text[position] == "<":
        if in_expression and _operand_end(previous):
            return Token("punct", "<=" if text.startswith("<=", position) else "<", position)
        iri = _IRIREF.match(text, position)
        if iri:
            return Token("iri", iri.group(), position)
    match = _LEXER.match(text, position)
    if match is None:
        character = text[position]
        detail = (
            "a string is not closed on its line, or holds an escape other than \\t \\b \\n \\r \\f \\\\ \\\" \\'"
            if character in "'\""
            else f"unexpected character {character!r}"
        )
        raise LexicalError(source, text, position, detail)
    return Token((match.lastgroup or "").rstrip("0123456789"), match.group(), position)


def tokens(text: str, source: str = "query") -> Iterator[Token]:
    """The terminals of normalised ``text`` (see :func:`normalise`), comments and spaces left out; raises
    :class:`LexicalError` for text that is no SPARQL token, nests deeper than :data:`MAX_NESTING`, or glues a
    keyword to a name."""
    stack: list[tuple[str, bool]] = []  # per open bracket: whether it holds an expression
    previous: Token | None = None
    parens_are_expressions = False  # a SELECT clause, or solution modifiers after GROUP BY, ORDER BY, HAVING
    filter_window = 0  # after FILTER, the next parenthesis (maybe after a function name) opens an expression
    position = 0
    while position < len(text):
        in_expression = bool(stack) and stack[-1][1]
        token = _next(text, position, in_expression, previous, source)
        position += len(token.text)
        if token.kind in ("space", "comment"):
            continue
        keyword = _glued(token, previous)
        if keyword:
            raise LexicalError(source, text, token.offset, f"{token.text!r} glues a name to the keyword {keyword}; "
                               f"put a space after {keyword}, or rename the prefix")  # fmt: skip
        value, upper = token.text, token.text.upper()
        if token.kind == "punct" and value in _OPENERS:
            expression = False
            if value == "(":
                after_word = previous is not None and previous.kind == "word"
                expression = (
                    in_expression
                    or parens_are_expressions
                    or filter_window > 0
                    or (not stack and not (after_word and previous is not None and previous.text.upper() == "VALUES"))
                    or (after_word and previous is not None and previous.text.upper() not in _PATTERN_WORDS)
                )
            stack.append((value, expression))
            if len(stack) > MAX_NESTING:
                raise LexicalError(source, text, token.offset, f"the query nests deeper than {MAX_NESTING} levels")
            if value == "{":
                parens_are_expressions = False
        elif token.kind == "punct" and value in (")", "}", "]"):
            if not stack or _OPENERS[stack[-1][0]] != value:
                raise LexicalError(source, text, token.offset, f"{value!r} closes nothing that is open here")
            stack.pop()
            if value == "}":
                parens_are_expressions = False
        elif token.kind == "word":
            if upper in ("SELECT", "BY", "HAVING"):
                parens_are_expressions = True
            elif upper in ("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"):
                parens_are_expressions = False
        if token.kind == "word" and upper == "FILTER":
            filter_window = 2
        elif filter_window == 2 and token.kind in ("word", "pname", "iri"):
            filter_window = 1
        else:
            filter_window = 0
        previous = token
        yield token
    if stack:
        raise LexicalError(source, text, len(text), f"{stack[-1][0]!r} is never closed")

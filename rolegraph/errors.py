"""The exceptions rolegraph raises: one base class and a few kinds, each with a message fit for a user.

Every error carries what went wrong, where (a file and line when there is one) and what to do. The CLI turns them
into a message on stderr and an exit code; library callers can catch :class:`RolegraphError`.
"""

from __future__ import annotations

__all__ = [
    "DataSyntaxError",
    "EndpointError",
    "InputError",
    "OutputError",
    "QueryError",
    "QueryParameterError",
    "ResourceMissingError",
    "RolegraphError",
    "UnknownQueryError",
    "UnknownRoleError",
]


class RolegraphError(Exception):
    """Base class of every error rolegraph raises on purpose."""

    exit_code = 2


class InputError(RolegraphError):
    """Something the user gave (a file, a name, an option) cannot be used."""


class DataSyntaxError(InputError):
    """An RDF file does not parse. Carries the file, 1-based line and column, and the parser's message."""

    def __init__(
        self,
        path: str,
        line: int | None,
        column: int | None,
        detail: str,
        hint: str = "Fix the syntax at that position and try again.",
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {detail}. {hint}".rstrip())


class ResourceMissingError(RolegraphError):
    """A file that ships with rolegraph (vocabulary, shapes, data, queries) cannot be found."""


class UnknownRoleError(InputError):
    """A role name, label, code or IRI matches no role. Carries close matches to suggest."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        message = f"no role matches {name!r}."
        if suggestions:
            message += " Did you mean: " + "; ".join(suggestions) + "?"
        message += " Run `rolegraph roles` to list every role."
        super().__init__(message)


class UnknownQueryError(InputError):
    """A named query does not exist. Carries the valid names."""

    def __init__(self, name: str, valid: list[str]) -> None:
        self.name = name
        self.valid = valid
        super().__init__(f"no query named {name!r}. Valid names: {', '.join(valid)}.")


class QueryError(InputError):
    """A query the engine refuses or cannot evaluate (a syntax it rejects, an unknown prefix, a bad regular
    expression, a limit too large, ...). The message says what and, when the engine says it, where (line:column)."""


class QueryParameterError(InputError):
    """A query was given a parameter it does not declare, or lacks one it needs."""


class OutputError(RolegraphError):
    """An output file cannot be written. Nothing is left behind at the target path."""


class EndpointError(InputError):
    """A remote SPARQL endpoint cannot be reached, is not a SPARQL endpoint, or refused a request. The message names
    the URL and what was tried."""

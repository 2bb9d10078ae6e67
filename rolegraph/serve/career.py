"""The site's career pages: ``/gap?from=&to=`` (what carries over from one role to another and what is left to
learn, with weights) and ``/moves?from=`` (where a role can lead), over :mod:`rolegraph.compare.moves`."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ..errors import InputError
from .catalog import SOURCES, source_of

if TYPE_CHECKING:
    from ..compare.moves import GapItem, Move
    from .service import SiteContext
    from .workers import JobResult

__all__ = ["gap_page", "moves_page"]

CATEGORY_TITLES = {
    "skills": "Skills",
    "knowledge": "Knowledge",
    "duties": "Duties",
    "work activities": "Work activities",
    "certifications": "Certifications",
}
"""The headings of the gap's categories (a category not named here is shown with its first letter capitalised)."""


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def gap_href(origin: str, destination: str) -> str:
    """The site's address of the gap from role ``origin`` to role ``destination`` (names or IRIs)."""
    return f"/gap?from={_q(origin)}&to={_q(destination)}"


def moves_href(origin: str) -> str:
    """The site's address of the moves from role ``origin`` (a name or an IRI)."""
    return f"/moves?from={_q(origin)}"


def _compare_href(origin: str, destination: str) -> str:
    return f"/compare?role={_q(origin)}&role={_q(destination)}"


def _resolve(site: SiteContext, name: str, rebuild: Any) -> URIRef | JobResult:
    """The role ``name`` names, or the 400 page listing the roles an ambiguous name could mean, each linked to
    ``rebuild(iri)`` (this page again with that role)."""
    from ..compare.roles import AmbiguousRoleError, find_roles
    from .service import page

    try:
        return site.graph.resolve(name)
    except AmbiguousRoleError:
        found = find_roles(site.graph.engine, name)
        choices = sorted({(str(m.iri), m.label) for m in found}, key=lambda c: (c[1].lower(), c[0]))
        shown = [(rebuild(i), label, SOURCES[source_of(i)], i) for i, label in choices]
        return page(f"Which {name!r}?", 400, page="choose", message=f"{name!r} names several roles; pick one:",
                    choices=shown)  # fmt: skip


def _item(item: GapItem) -> dict[str, Any]:
    """A gap item as the pages show it: label, address, weight (0 to 1, for a bar) and its weight in words."""
    from .service import concept_href

    return {"label": item.label, "href": concept_href(item.iri), "weight": item.weight, "text": item.weight_text(),
            "essential": item.essential}  # fmt: skip


def _role_view(site: SiteContext, iri: str, label: str) -> dict[str, str]:
    from .service import role_href

    return {"iri": iri, "label": label, "href": role_href(iri), "badge": SOURCES[source_of(iri)]}


def _given(args: dict[str, Any], name: str) -> str | None:
    values = [v.strip() for v in args.get(name) or [] if v.strip()]
    return values[0] if values else None


def gap_page(site: SiteContext, args: dict[str, Any]) -> JobResult:
    """``/gap?from=A&to=B``: the headline, the bounds (job zone, education, pay) and per category two columns,
    "you have" (carried over) and "to learn" (missing), heaviest for B first."""
    from ..compare.moves import role_gap
    from .service import _error, page

    origin_name, destination_name = _given(args, "from"), _given(args, "to")
    if origin_name is None or destination_name is None:
        return _error(400, "give two roles: /gap?from=A&to=B (names, codes or IRIs).", html=True)
    origin = _resolve(site, origin_name, lambda iri: gap_href(iri, destination_name))
    if not isinstance(origin, URIRef):
        return origin
    destination = _resolve(site, destination_name, lambda iri: gap_href(str(origin), iri))
    if not isinstance(destination, URIRef):
        return destination
    if origin == destination:
        return _error(400, f"{origin_name!r} and {destination_name!r} are one role <{origin}>: give two different "
                      "roles.", html=True)  # fmt: skip
    gap = role_gap(site.graph.engine, origin, destination)
    categories = [
        {"title": CATEGORY_TITLES.get(c.category, c.category.capitalize()), "covered": c.covered,
         "carried": [_item(i) for i in c.carried], "missing": [_item(i) for i in c.missing]}
        for c in gap.categories
        if c.carried or c.missing
    ]  # fmt: skip
    o, d = str(origin), str(destination)
    return page(
        f"{gap.origin.label} \u2192 {gap.destination.label}",
        page="gap",
        origin=_role_view(site, o, gap.origin.label),
        destination=_role_view(site, d, gap.destination.label),
        headline=gap.headline,
        coverage=gap.coverage,
        bounds=[tuple(line.split(": ", 1)) for line in gap.bounds()],
        categories=categories,
        compare_href=_compare_href(o, d),
        back_href=gap_href(d, o),
        moves_href=moves_href(o),
    )


def _move(site: SiteContext, origin: str, move: Move) -> dict[str, Any]:
    iri = move.destination.iri
    return {
        "to": _role_view(site, iri, move.destination.label),
        "transition": move.transition,
        "similarity": move.similarity,
        "coverage": move.coverage,
        "viable": move.viable,
        "desirable": move.desirable,
        "reason": move.reason,
        "carried": [_item(i) for i in move.carried],
        "missing": [_item(i) for i in move.missing],
        "gap_href": gap_href(origin, iri),
        "compare_href": _compare_href(origin, iri),
    }


def moves_page(site: SiteContext, args: dict[str, Any]) -> JobResult:
    """``/moves?from=A[&source=esco|onet|rolegraph]``: the destinations best first with their score, viability and
    reason, top carried-over and missing items, and links to each one's gap and comparison; then those left out."""
    from ..compare.moves import RULE, role_moves
    from .service import _error, page

    origin_name, source = _given(args, "from"), _given(args, "source")
    if origin_name is None:
        return _error(400, "give a role: /moves?from=A (a name, code or IRI).", html=True)
    if source is not None and source not in SOURCES:
        return _error(400, f"source {source[:40]!r} is not one of {', '.join(SOURCES)}.", html=True)
    origin = _resolve(site, origin_name, moves_href)
    if not isinstance(origin, URIRef):
        return origin
    o = str(origin)
    try:
        result = role_moves(site.graph.engine, origin, source=source)
    except InputError as error:  # a role with no skills or knowledge: no move can be judged, which is the answer
        label = site.catalog.by_iri[o].label if o in site.catalog.by_iri else origin_name
        return page(f"Where {label} can lead", page="moves", origin=_role_view(site, o, label), rule=RULE, ranking=None,
                    source=source, sources=SOURCES, moves=[], left_out=[], message=str(error))  # fmt: skip
    return page(
        f"Where {result.origin.label} can lead",
        page="moves",
        origin=_role_view(site, o, result.origin.label),
        rule=result.rule,
        ranking=result.ranking,
        source=source,
        sources=SOURCES,
        moves=[_move(site, o, m) for m in result.moves],
        left_out=[_move(site, o, m) for m in result.left_out],
        message=None,
    )

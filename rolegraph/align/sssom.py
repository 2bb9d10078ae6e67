"""SSSOM TSV (the Simple Standard for Sharing Ontological Mappings): writing mappings with their metadata header, and
reading a file back, checked line by line.

The header is the YAML block SSSOM puts in ``#`` lines; rolegraph writes and reads its simple subset (``key: value``
lines and the ``curie_map`` block of ``prefix: IRI`` lines), without a YAML library.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..model.iris import PREFIX_IRIS
from .mapping import MANUAL, MAPPING_PREDICATES, SEMAPV, Mapping

__all__ = ["COLUMNS", "CURIE_MAP", "REQUIRED", "Labelled", "parse", "write"]

COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
    "confidence", "mapping_tool", "mapping_tool_version", "mapping_date",
)  # fmt: skip
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
"""The columns SSSOM requires of every mapping."""
CURIE_MAP: dict[str, str] = {
    "esco": "http://data.europa.eu/esco/",
    "onet": PREFIX_IRIS["rg"].removesuffix("vocab#") + "id/onet/",
    "skos": PREFIX_IRIS["skos"],
    "semapv": SEMAPV,
    **{prefix: iri for prefix, iri in PREFIX_IRIS.items() if prefix not in {"skos"}},
}
"""The prefixes rolegraph writes (and knows when a file's curie_map leaves one out)."""
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Labelled:
    """A mapping with the labels of its two ends and its date, as one SSSOM row holds it."""

    mapping: Mapping
    subject_label: str = ""
    object_label: str = ""
    date: str = ""


def _curie(iri: str, curie_map: dict[str, str]) -> str:
    best = ""
    for prefix, namespace in curie_map.items():
        if iri.startswith(namespace) and len(namespace) > len(curie_map.get(best, "")):
            local = iri[len(namespace) :]
            if local and all(ch.isalnum() or ch in "-_./" for ch in local):
                best = prefix
    return f"{best}:{iri[len(curie_map[best]) :]}" if best else iri


def write(rows: Iterable[Labelled], mapping_set_id: str, date: str, *, title: str = "") -> str:
    """The SSSOM TSV text of ``rows``: the metadata header, then one line per mapping."""
    curie_map = dict(CURIE_MAP)
    header = ["curie_map:"]
    header += [f"  {prefix}: {iri}" for prefix, iri in sorted(curie_map.items())]
    header += [f"mapping_set_id: {mapping_set_id}", f"license: {LICENSE}", f"mapping_date: {date}"]
    if title:
        header.append(f"mapping_set_title: {title}")
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in header))
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        m = row.mapping
        writer.writerow([
            _curie(m.subject, curie_map), row.subject_label, _curie(m.predicate, curie_map),
            _curie(m.object, curie_map), row.object_label, _curie(m.justification, curie_map),
            f"{m.confidence:.4f}".rstrip("0").rstrip(".") if m.confidence != 1 else "1.0", m.method,
            m.method_version, row.date,
        ])  # fmt: skip
    return out.getvalue()


def _header(lines: Sequence[str], where: str) -> tuple[dict[str, str], dict[str, str], int]:
    """The metadata (``key: value``) and curie_map of the ``#`` lines at the top; and how many lines they take."""
    metadata: dict[str, str] = {}
    curie_map: dict[str, str] = {}
    in_map = False
    count = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.startswith("#"):
            break
        count = number
        text = raw[1:].rstrip("\r\n")
        if not text.strip():
            continue
        if in_map and len(text) - len(text.lstrip()) >= 2:
            key, sep, value = text.strip().partition(":")
            if not sep or not key.strip() or not value.strip():
                raise InputError(f"{where}, line {number}: a curie_map entry must read `prefix: IRI`; it reads "
                                 f"{text.strip()!r}. Nothing was stored.")  # fmt: skip
            curie_map[key.strip()] = value.strip().strip("'\"")
            continue
        key, sep, value = text.strip().partition(":")
        if not sep:
            raise InputError(f"{where}, line {number}: the metadata header must hold `key: value` lines; it reads "
                             f"{text.strip()!r}. Nothing was stored.")  # fmt: skip
        in_map = key.strip() == "curie_map" and not value.strip()
        if not in_map:
            metadata[key.strip()] = value.strip().strip("'\"")
    return metadata, curie_map, count


def _expand(value: str, curie_map: dict[str, str], where: str, number: int, column: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    prefix, sep, local = value.partition(":")
    if not sep or not local:
        raise InputError(f"{where}, line {number}: {column} {value!r} is neither an IRI nor a CURIE "
                         "(prefix:local). Nothing was stored.")  # fmt: skip
    if prefix not in curie_map:
        known = ", ".join(sorted(curie_map))
        raise InputError(f"{where}, line {number}: {column} {value!r} uses the prefix {prefix!r}, which the file's "
                         f"curie_map does not define (known: {known}). Add it to the curie_map; "
                         "nothing was stored.")  # fmt: skip
    return curie_map[prefix] + local


def parse(text: str, where: str) -> tuple[dict[str, str], list[tuple[int, Labelled]]]:
    """The metadata and the mappings (each with its line number) of an SSSOM TSV file's ``text``;
    :class:`InputError` naming the line for a missing column, an unknown prefix, a predicate that is not a SKOS
    mapping relation or a confidence that is not a number from 0 to 1."""
    lines = text.splitlines(keepends=True)
    metadata, declared, skip = _header(lines, where)
    curie_map = {**CURIE_MAP, **declared}
    body = lines[skip:]
    reader = csv.reader(body, delimiter="\t")
    try:
        columns = next(reader)
    except StopIteration:
        raise InputError(f"{where}: no column header after the metadata; an SSSOM file needs one "
                         f"({', '.join(REQUIRED)} at least). Nothing was stored.") from None  # fmt: skip
    columns = [c.strip() for c in columns]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{where}, line {skip + 1}: the column header lacks {', '.join(missing)} (SSSOM requires "
                         f"{', '.join(REQUIRED)}). Nothing was stored.")  # fmt: skip
    rows: list[tuple[int, Labelled]] = []
    for offset, values in enumerate(reader, start=skip + 2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            raise InputError(f"{where}, line {offset}: {len(values)} fields where the header has {len(columns)}. "
                             "Nothing was stored.")  # fmt: skip
        row = dict(zip(columns, values, strict=True))
        for column in REQUIRED:
            if not row[column].strip():
                raise InputError(f"{where}, line {offset}: {column} is empty. Nothing was stored.")
        subject = _expand(row["subject_id"], curie_map, where, offset, "subject_id")
        predicate = _expand(row["predicate_id"], curie_map, where, offset, "predicate_id")
        obj = _expand(row["object_id"], curie_map, where, offset, "object_id")
        justification = _expand(row["mapping_justification"], curie_map, where, offset, "mapping_justification")
        if predicate not in MAPPING_PREDICATES:
            raise InputError(f"{where}, line {offset}: predicate_id {row['predicate_id']!r} is not a SKOS mapping "
                             "relation (skos:closeMatch, broadMatch, narrowMatch, relatedMatch, exactMatch). "
                             "Nothing was stored.")  # fmt: skip
        raw = (row.get("confidence") or "").strip()
        try:
            confidence = float(raw) if raw else (1.0 if justification == MANUAL else 0.0)
        except ValueError:
            confidence = -1.0
        if not 0 <= confidence <= 1:
            raise InputError(f"{where}, line {offset}: confidence {raw!r} is not a number from 0 to 1. "
                             "Nothing was stored.")  # fmt: skip
        mapping = Mapping(subject, predicate, obj, confidence, (row.get("mapping_tool") or "").strip(),
                          (row.get("mapping_tool_version") or "").strip(), justification)  # fmt: skip
        date = (row.get("mapping_date") or metadata.get("mapping_date", "")).strip()
        labels = (row.get("subject_label") or "").strip(), (row.get("object_label") or "").strip()
        rows.append((offset, Labelled(mapping, *labels, date)))
    return metadata, rows

"""Import a crosswalk CSV as SKOS mapping triples, each described by a statement that says which crosswalk asserted
it and whether that crosswalk is official or derived. The layout is recognised from the header.

Layouts, the triples each gives, and whether the crosswalk is official or derived:
- ESCO to O*NET-SOC 2019 with ESCO v1.1.1 URIs (O*NET Resource Center, official): an ESCO occupation
  skos:closeMatch an O*NET-SOC occupation; an ISCO group skos:narrowMatch it.
- Nesta ESCO to O*NET (concept_uri, onet_code, confidence; derived): skos:closeMatch (O*NET-SOC 2010 codes).
- O*NET-SOC 2019 to SOC 2018 (official): .00 codes skos:closeMatch the SOC occupation, others skos:broadMatch it.
- O*NET-SOC 2019 to ISCO-08 via the BLS SOC crosswalks (derived): skos:broadMatch the ISCO group.
- BLS ISCO-08 to SOC 2010 (official): the ISCO group skos:relatedMatch the SOC 2010 occupation.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .onet import CODE, LABEL, RG, A, L, N, Triple, _statement, occupation
from .report import ImportReport
from .tabular import check_regular_file, read_table

__all__ = ["LAYOUTS", "crosswalk_triples", "detect_layout"]

SKOS = "http://www.w3.org/2004/02/skos/core#"
ID = "https://w3id.org/rolegraph/id/"
ISCO = "http://data.europa.eu/esco/isco/C"


@dataclass(frozen=True)
class Layout:
    """A crosswalk layout: the columns that identify it, its name, and whether it is official."""

    key: str
    title: str
    columns: tuple[str, ...]
    official: bool
    rows: Callable[[dict[str, str], ImportReport], Iterator[tuple[str, str, str, str | None]]]


def _esco_onet(row: dict[str, str], report: ImportReport) -> Iterator[tuple[str, str, str, str | None]]:
    uri, code = row["conceptUri (ESCO v1.1.1)"].strip(), row["O*NET-SOC 2019 Code"].strip()
    if not uri or not CODE.match(code):
        report.skip("rows without an ESCO v1.1.1 URI or an O*NET-SOC code")
        return
    match = "closeMatch" if row.get("conceptType", "").strip() == "Occupation" else "narrowMatch"
    yield uri, match, occupation(code).value, row.get("O*NET-SOC 2019 Title")


def _nesta(row: dict[str, str], report: ImportReport) -> Iterator[tuple[str, str, str, str | None]]:
    uri, code = row["concept_uri"].strip(), row["onet_code"].strip()
    if not uri or not CODE.match(code):
        report.skip("rows without an ESCO URI or an O*NET-SOC code")
        return
    yield uri, "closeMatch", occupation(code).value, row.get("onet_occupation")


def _soc_node(version: str, code: str) -> str:
    return f"{ID}soc{version}/{code}"


def _onet_soc(row: dict[str, str], report: ImportReport) -> Iterator[tuple[str, str, str, str | None]]:
    code, soc = row["O*NET-SOC 2019 Code"].strip(), row["2018 SOC Code"].strip()
    if not CODE.match(code) or not soc:
        report.skip("rows without an O*NET-SOC or SOC code")
        return
    yield (
        occupation(code).value,
        "closeMatch" if code.endswith(".00") else "broadMatch",
        _soc_node("2018", soc),
        row.get("2018 SOC Title"),
    )


def _isco_soc(row: dict[str, str], report: ImportReport) -> Iterator[tuple[str, str, str, str | None]]:
    isco, soc = row["ISCO-08 Code"].strip(), row["2010 SOC Code"].strip()
    if not isco.isdigit() or not soc:
        report.skip("rows without an ISCO-08 or SOC code")
        return
    yield ISCO + isco, "relatedMatch", _soc_node("2010", soc), row.get("2010 SOC Title")


def _onet_isco(row: dict[str, str], report: ImportReport) -> Iterator[tuple[str, str, str, str | None]]:
    code, isco = row["O*NET-SOC 2019 Code"].strip(), row["ISCO-08 Code"].strip()
    if not CODE.match(code) or not isco.isdigit():
        report.skip("rows without an O*NET-SOC or ISCO-08 code")
        return
    yield occupation(code).value, "broadMatch", ISCO + isco, None


LAYOUTS = (
    Layout("esco-onet-2019", "ESCO to O*NET-SOC 2019 crosswalk (O*NET Resource Center)",
           ("conceptUri (ESCO v1.1.1)", "O*NET-SOC 2019 Code"), True, _esco_onet),
    Layout("esco-onet-nesta", "Nesta ESCO to O*NET crosswalk (Mapping Career Causeways, Nov 2020)",
           ("concept_uri", "onet_code", "confidence"), False, _nesta),
    Layout("onet-soc-2018", "O*NET-SOC 2019 to SOC 2018 crosswalk",
           ("O*NET-SOC 2019 Code", "2018 SOC Code", "2018 SOC Title"), True, _onet_soc),
    Layout("onet-isco-derived", "O*NET-SOC 2019 to ISCO-08 via the BLS SOC crosswalks (derived)",
           ("O*NET-SOC 2019 Code", "ISCO-08 Code"), False, _onet_isco),
    Layout("isco-soc-2010", "BLS ISCO-08 to SOC 2010 crosswalk", ("ISCO-08 Code", "2010 SOC Code"), True, _isco_soc),
)  # fmt: skip


def detect_layout(path: Path) -> Layout:
    """The layout of the crosswalk at ``path``, from its header; :class:`InputError` naming the known ones."""
    check_regular_file(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = [h.strip() for h in next(csv.reader(handle))]
    except (OSError, StopIteration, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read a CSV header ({error}).") from None
    for layout in LAYOUTS:
        if all(column in header for column in layout.columns):
            return layout
    if "ESCO/ISCO Code" in header and "O*NET-SOC 2019 Code" in header:
        raise InputError(
            f"{path}: this ESCO to O*NET-SOC crosswalk names ESCO occupations by code and title only; import the "
            "version with ESCO v1.1.1 URIs (ESCO_to_ONET-SOC_2019_with_esco_v1.1.1_uris.csv), which links them."
        )
    known = "; ".join(f"{layout.title} ({', '.join(layout.columns)})" for layout in LAYOUTS)
    raise InputError(f"{path}: not a crosswalk rolegraph knows; its header is {header}. Known layouts: {known}.")


def crosswalk_triples(path: Path, layout: Layout, report: ImportReport, *, strict: bool = False) -> Iterator[Triple]:
    """SKOS mapping triples (and statements saying who asserted them) from the crosswalk at ``path``."""
    source = N(f"{ID}source/crosswalk/{layout.key}")
    yield source, A, N("http://www.w3.org/ns/prov#Entity")
    yield source, LABEL, L(layout.title, "en")
    seen: set[str] = set()
    labelled: set[str] = set()
    for _, row in read_table(path, layout.columns, delimiter=",", report=report, strict=strict):
        for subject, match, obj, target_label in layout.rows(row, report):
            key = hashlib.sha1(f"{subject} {match} {obj}".encode()).hexdigest()
            if key in seen:
                report.skip("duplicate mappings")
                continue
            seen.add(key)
            predicate = N(SKOS + match)
            yield N(subject), predicate, N(obj)
            strength = [(N(RG + "matchSource"), L("official" if layout.official else "derived"))]
            yield from _statement(N(subject), predicate, N(obj), source, strength)
            if target_label and obj.startswith(ID + "soc") and obj not in labelled:
                labelled.add(obj)
                yield N(obj), LABEL, L(target_label.strip(), "en")
            report.imported[f"skos:{match} mappings"] += 1

"""Import releases into a store: pick the importer, give it the source's metadata (licence, credit line), and load
its triples as a new release of that source (see :mod:`rolegraph.store` for the atomic switch)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import InputError
from .importers.crosswalk import crosswalk_triples, detect_layout
from .importers.esco import esco_release, esco_triples
from .importers.onet import Triple, onet_release, onet_triples
from .importers.report import ImportReport
from .importers.tabular import check_regular_file
from .store import RoleStore

__all__ = ["ESCO_CREDIT", "ONET_CREDIT", "check_source", "import_crosswalk", "import_esco", "import_onet"]

ID = "https://w3id.org/rolegraph/id/"
ONET_CREDIT = (
    "This product includes information from O*NET {release} Database by the U.S. Department of Labor, Employment "
    "and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license."
)
ESCO_CREDIT = "This service uses the ESCO classification of the European Commission."

Progress = Callable[[str, int], None]


def _folder(path: str | Path) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the folder that holds the release's files.")
    return folder


def _crosswalk_file(path: str | Path) -> Path:
    file = Path(path)
    if not file.exists():
        raise InputError(f"{file}: no such file.")
    check_regular_file(file)
    return file


def check_source(path: str | Path, *, folder: bool, kind: str | None = None, release: str | None = None) -> None:
    """Refuse a release folder (``folder``; of ``kind`` "onet" or "esco", when given, with the files it needs and,
    without a ``release``, a name that agrees with them) or a crosswalk file that cannot be one, before a store is
    opened or made."""
    if not folder:
        _crosswalk_file(path)
        return
    found = _folder(path)
    if kind == "esco":
        from .importers.esco import check_folder

        check_folder(found)
        if release is None:
            esco_release(found)  # a name that contradicts the files is refused now, not after the store is made
    elif kind == "onet":
        from .importers.onet import REQUIRED_FILES

        if missing := [name for name in REQUIRED_FILES if not (found / name).is_file()]:
            raise InputError(f"{found}: not an O*NET database text release: missing {', '.join(missing)}.")


def _import_release(
    store: RoleStore, report: ImportReport, key: str, metadata: dict[str, str], triples: Iterator[Triple]
) -> ImportReport:
    """Load ``triples`` as the new release of source ``key``; the report's summary goes into the registry."""
    try:
        report.triples = store.load_source(f"{ID}source/{key}", key, metadata, _with_summary(triples, report, metadata))
    except ValueError as error:  # pyoxigraph refuses a term made from the row (an identifier with a space, ...)
        raise InputError(
            f"{report.where or key}: {error}: the row holds a value that cannot be part of an IRI or literal. "
            "Fix the row; the store is as it was."
        ) from None
    return report


def import_onet(
    store: RoleStore, folder: str | Path, *, release: str | None = None, strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:  # fmt: skip
    """Import an O*NET database text release; returns what was imported and skipped."""
    path = _folder(folder)
    report = ImportReport("O*NET", release or onet_release(path), progress=progress)
    metadata = {
        "title": f"O*NET {report.release} Database",
        "release": report.release,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "credit": ONET_CREDIT.format(release=report.release),
    }
    return _import_release(store, report, f"onet/{report.release}", metadata, onet_triples(path, report, strict=strict))


def import_esco(
    store: RoleStore, folder: str | Path, *, release: str | None = None, strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:  # fmt: skip
    """Import an ESCO CSV download; returns what was imported and skipped."""
    path = _folder(folder)
    report = ImportReport("ESCO", release or esco_release(path), progress=progress)
    metadata = {
        "title": f"ESCO {report.release} (English)",
        "release": report.release,
        "license": "https://eur-lex.europa.eu/eli/dec/2011/833/oj",
        "credit": ESCO_CREDIT,
    }
    return _import_release(store, report, f"esco/{report.release}", metadata, esco_triples(path, report, strict=strict))


def import_crosswalk(
    store: RoleStore, file: str | Path, *, strict: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import a crosswalk CSV (the layout is recognised from its header); returns what was imported and skipped."""
    path = _crosswalk_file(file)
    layout = detect_layout(path)
    report = ImportReport(layout.title, path.name, progress=progress)
    metadata = {
        "title": layout.title,
        "release": path.name,
        "license": "",
        "credit": f"{layout.title} ({'official' if layout.official else 'derived'}), from {path.name}",
    }
    triples = crosswalk_triples(path, layout, report, strict=strict)
    return _import_release(store, report, f"crosswalk/{layout.key}", metadata, triples)


def _with_summary(triples: Iterator[Triple], report: ImportReport, metadata: dict[str, str]) -> Iterator[Triple]:
    """Pass the triples through; when they are exhausted, put the report's summary into the registry metadata."""
    yield from triples
    metadata["summary"] = report.summary()

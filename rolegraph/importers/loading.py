"""Import releases into a store: pick the importer, give it the source's metadata (licence, credit line), and load
its triples as a new release of that source (see :mod:`rolegraph.store.database` for the atomic switch)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..store.database import SOURCE_BASE, RoleStore, SourceInfo, release_order, source_family
from .crosswalk import crosswalk_triples, detect_layout
from .esco import esco_release, esco_triples
from .onet import Triple, onet_release, onet_triples
from .report import ImportReport
from .tabular import check_regular_file

__all__ = [
    "ESCO_CREDIT",
    "ONET_CREDIT",
    "check_source",
    "find_sources",
    "import_crosswalk",
    "import_esco",
    "import_onet",
]

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
        from .esco import check_folder

        check_folder(found)
        if release is None:
            esco_release(found)  # a name that contradicts the files is refused now, not after the store is made
    elif kind == "onet":
        from .onet import REQUIRED_FILES

        if missing := [name for name in REQUIRED_FILES if not (found / name).is_file()]:
            raise InputError(f"{found}: not an O*NET database text release: missing {', '.join(missing)}.")


def _plan_release(store: RoleStore, key: str, metadata: dict[str, str], keep_older: bool) -> None:
    """Decide what the import of release ``key`` replaces: the source's other releases, all older (a newer one is
    refused unless ``keep_older``, which keeps every other release loaded beside it)."""
    family = source_family(SOURCE_BASE + key)
    others = [info for info in store.sources() if info.family == family and info.key != key]
    if keep_older or not others:
        return
    newer = [info for info in others if release_order(info.release) > release_order(metadata["release"])]
    if newer:
        names = ", ".join(info.title for info in newer)
        raise InputError(
            f"the store holds {names}, newer than {metadata['title']}: an older release does not replace a newer "
            f"one. To load both, pass --keep-older (queries then cite each release); to replace it, run "
            f'`rolegraph remove "{newer[0].title}"` first. The store is as it was.'
        )
    metadata["replaces"] = " ".join(info.iri for info in others)
    metadata["replaced"] = "; ".join(info.title for info in others)


def _import_release(
    store: RoleStore, report: ImportReport, key: str, metadata: dict[str, str], triples: Iterator[Triple],
    keep_older: bool = False,
) -> ImportReport:  # fmt: skip
    """Load ``triples`` as the new release of source ``key`` (replacing the source's older releases unless
    ``keep_older``); the report's summary goes into the registry."""
    _plan_release(store, key, metadata, keep_older)
    try:
        report.triples = store.load_source(f"{ID}source/{key}", key, metadata, _with_summary(triples, report, metadata))
    except ValueError as error:  # pyoxigraph refuses a term made from the row (an identifier with a space, ...)
        raise InputError(
            f"{report.where or key}: {error}: the row holds a value that cannot be part of an IRI or literal. "
            "Fix the row; the store is as it was."
        ) from None
    report.generated = int(metadata.get("generated", report.triples))
    report.replaced = metadata.get("replaced", "")
    return report


def find_sources(store: RoleStore, name: str) -> list[str]:
    """The loaded sources ``name`` means: a source (``onet``, ``esco``, ``crosswalk``: every release of it), a
    release's key (``onet/29.0``) or title, whole or up to a word (``O*NET 29.0``, ``ESCO v1.1.1``), or a release
    number (``29.0``). :class:`InputError` naming what is loaded when it means none."""
    wanted = " ".join(name.split()).casefold()
    infos = [info for info in store.sources() if info.family != "shipped"]
    shipped = store.sources()[0]
    if wanted in {"shipped", "rolegraph", shipped.title.casefold()}:
        raise InputError("the shipped graph (rolegraph's own vocabulary, data and links) cannot be removed.")
    tests: list[Callable[[SourceInfo], bool]] = [
        lambda info: info.family == wanted,
        lambda info: info.key.casefold() == wanted,
        lambda info: info.title.casefold() == wanted,
        lambda info: info.title.casefold().startswith(wanted + " "),
        lambda info: info.release.casefold() == wanted,
    ]
    for test in tests:
        found = [info.iri for info in infos if test(info)]
        if found:
            return found
    loaded = (
        "; ".join(f'"{info.title}" ({info.family}, {info.key})' for info in infos) or "nothing but the shipped graph"
    )
    raise InputError(f"no loaded source or release is called {name!r}. Loaded: {loaded}.")


def import_onet(
    store: RoleStore, folder: str | Path, *, release: str | None = None, strict: bool = False,
    progress: Progress | None = None, keep_older: bool = False,
) -> ImportReport:  # fmt: skip
    """Import an O*NET database text release (replacing the store's older O*NET releases unless ``keep_older``; a
    newer one loaded is refused unless ``keep_older``); returns what was imported and skipped."""
    path = _folder(folder)
    report = ImportReport("O*NET", release or onet_release(path), progress=progress)
    metadata = {
        "title": f"O*NET {report.release} Database",
        "release": report.release,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "credit": ONET_CREDIT.format(release=report.release),
    }
    triples = onet_triples(path, report, strict=strict)
    return _import_release(store, report, f"onet/{report.release}", metadata, triples, keep_older)


def import_esco(
    store: RoleStore, folder: str | Path, *, release: str | None = None, strict: bool = False,
    progress: Progress | None = None, keep_older: bool = False,
) -> ImportReport:  # fmt: skip
    """Import an ESCO CSV download (replacing older ESCO releases, as :func:`import_onet` does); returns what was
    imported and skipped."""
    path = _folder(folder)
    report = ImportReport("ESCO", release or esco_release(path), progress=progress)
    metadata = {
        "title": f"ESCO {report.release} (English)",
        "release": report.release,
        "license": "https://eur-lex.europa.eu/eli/dec/2011/833/oj",
        "credit": ESCO_CREDIT,
    }
    triples = esco_triples(path, report, strict=strict)
    return _import_release(store, report, f"esco/{report.release}", metadata, triples, keep_older)


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

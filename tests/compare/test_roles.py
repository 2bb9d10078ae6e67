"""rolegraph.compare.roles and rolegraph.compare.nameindex: listing and resolving role names, and what a name that
matches nothing is told (suggestions from the index of names, in memory and in the file beside a store)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import rolegraph
from rolegraph.compare import nameindex
from rolegraph.compare.nameindex import name_index
from rolegraph.compare.roles import (
    AmbiguousRoleError,
    choose_with_others,
    find_roles,
    list_roles,
    resolve_role,
    suggest_roles,
)
from rolegraph.errors import UnknownRoleError
from rolegraph.importers.loading import import_esco, import_onet
from rolegraph.model.ontology import load_graph
from rolegraph.sparql import indexfile
from rolegraph.sparql.engines import OxigraphEngine, QueryEngine, RdflibEngine
from rolegraph.store.database import RoleStore

from ..conftest import DATA

ROLE = "https://w3id.org/rolegraph/id/role/"
ONET = "https://w3id.org/rolegraph/id/onet/occupation/"
PRODUCER = URIRef(ROLE + "producer")
PM = URIRef(ROLE + "production-manager")

# Names that a plain string ratio puts close to "Produser" ("Rodbuster" scores 0.82 in difflib, above "Producers"):
# none of them is a producer.
LOOKALIKES = """
@prefix rg: <https://w3id.org/rolegraph/vocab#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/role/> .
ex:rodbuster a rg:Role ; rdfs:label "Rodbuster"@en ; skos:altLabel "Rod Buster"@en .
ex:reproducer a rg:Role ; rdfs:label "Reproducer"@en .
ex:procurer a rg:Role ; rdfs:label "Procurer"@en .
ex:products a rg:Role ; rdfs:label "products"@en .
ex:music-producer a rg:Role ; rdfs:label "Music Producer"@en .
ex:tv a rg:Role ; rdfs:label "Producer of TV Shows"@en ; skos:notation "99-0001.00" .
"""


def test_profiled_roles_are_the_articles_two(graph: Graph) -> None:
    roles = list_roles(graph, profiled_only=True)
    assert [(r.label, r.duties, r.skills) for r in roles] == [("Producer", 13, 5), ("Production Manager", 9, 5)]


def test_all_roles_include_the_mentioned_ones(graph: Graph) -> None:
    labels = {r.label for r in list_roles(graph)}
    assert {"Director", "Writer", "Executive Producer", "Investor", "Studio executive"} <= labels
    assert all(not r.profiled for r in list_roles(graph) if r.label == "Director")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Producer", PRODUCER),
        ("  production   MANAGER ", PM),
        (str(PM), PM),
        ("production-manager", PM),
        ("role:producer", PRODUCER),
        ("cast member", URIRef(ROLE + "actor")),
    ],
)
def test_resolve_by_label_iri_local_name_and_alt_label(graph: Graph, name: str, expected: URIRef) -> None:
    assert resolve_role(graph, name) == expected


def test_unknown_role_suggests_close_matches(graph: Graph) -> None:
    with pytest.raises(UnknownRoleError) as caught:
        resolve_role(graph, "Production Manger")
    assert caught.value.suggestions[0] == "Production Manager"
    assert "rolegraph roles" in str(caught.value)


def test_unknown_role_with_nothing_close(graph: Graph) -> None:
    with pytest.raises(UnknownRoleError) as caught:
        resolve_role(graph, "zzzz")
    assert caught.value.suggestions == []


TWINS = (
    "@prefix rg: <https://w3id.org/rolegraph/vocab#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    '<https://example.org/other-producer> a rg:Role ; rdfs:label "Producer"@en .\n'
    '<https://example.org/lower-producer> a rg:Role ; rdfs:label "producer"@en ; skos:notation "9.9" .\n'
    '<https://example.org/twin-a> a rg:Role ; rdfs:label "Twin"@en .\n'
    '<https://example.org/twin-b> a rg:Role ; rdfs:label "Twin"@en .\n'
    '<https://example.org/cast> a rg:Role ; rdfs:label "Cast member"@en .\n'
)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    path = tmp_path_factory.mktemp("twins") / "twins.ttl"
    path.write_text(TWINS, encoding="utf-8")
    return load_graph([path])


def test_imported_roles_sharing_a_label_are_ambiguous_with_a_pick_for_each(twins: Graph) -> None:
    with pytest.raises(AmbiguousRoleError) as caught:
        resolve_role(twins, "twin")
    assert {iri for iri, _ in caught.value.candidates} == {URIRef("https://example.org/twin-a"),
                                                           URIRef("https://example.org/twin-b")}  # fmt: skip
    assert caught.value.picks == ["https://example.org/twin-a", "https://example.org/twin-b"]


def test_the_resolution_rule_exact_case_then_the_shipped_graph(twins: Graph) -> None:
    # "Producer": the shipped role and an imported one have it exactly; the shipped one wins.
    resolution = choose_with_others(twins, "Producer", find_roles(twins, "Producer"))
    assert resolution.role.iri == PRODUCER
    assert {m.iri for m in resolution.others} == {URIRef("https://example.org/other-producer"),
                                                  URIRef("https://example.org/lower-producer")}  # fmt: skip
    note = resolution.note()
    assert note is not None and "give 9.9" in note and "https://example.org/other-producer" in note
    # "producer": only one role has it in that exact case, even though it is imported.
    assert resolve_role(twins, "producer") == URIRef("https://example.org/lower-producer")
    # "PRODUCER": no exact case; of the three labels, the shipped role's wins.
    assert resolve_role(twins, "PRODUCER") == PRODUCER
    # A code, and role:NAME, pick one role whatever the labels say.
    assert resolve_role(twins, "9.9") == URIRef("https://example.org/lower-producer")
    picked = choose_with_others(twins, "role:producer", find_roles(twins, "role:producer"))
    assert picked.role.iri == PRODUCER and picked.note() is None
    assert find_roles(twins, "PRODUCER")[0].pick == "role:producer"


def test_a_label_beats_an_alternative_label_of_a_shipped_role(twins: Graph) -> None:
    assert resolve_role(load_graph(), "cast member") == URIRef(ROLE + "actor")  # the Actor's alternative label
    assert resolve_role(twins, "cast member") == URIRef("https://example.org/cast")


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    path = tmp_path_factory.mktemp("lookalikes") / "lookalikes.ttl"
    path.write_text(LOOKALIKES, encoding="utf-8")
    return load_graph([path])


@pytest.fixture(params=["rdflib", "oxigraph"])
def engine(request: pytest.FixtureRequest, lookalikes: Graph) -> QueryEngine:
    if request.param == "rdflib":
        return RdflibEngine(lookalikes)
    return OxigraphEngine.from_graph(lookalikes)


def test_a_typo_suggests_the_role_it_misspells_first(graph: Graph) -> None:
    assert suggest_roles(graph, "Produser")[0] == "Producer"
    assert suggest_roles(graph, "prodcuer")[0] == "Producer"  # two letters swapped
    assert suggest_roles(graph, "Prodution  Manger")[0] == "Production Manager"
    assert suggest_roles(graph, "cast membr") == ["Cast member"]


def test_a_mistyped_iri_or_prefixed_name_suggests_by_its_last_segment(graph: Graph) -> None:
    assert suggest_roles(graph, "role:producr")[0] == "Producer"
    assert suggest_roles(graph, ROLE + "production-manger")[0] == "Production Manager"


def test_nothing_close_suggests_nothing(graph: Graph) -> None:
    for name in ["zzzz", "x", "?", "   ", "qwertyuiop asdfghjkl"]:
        assert suggest_roles(graph, name) == [], name


def test_lookalike_names_are_not_suggested_for_a_typo(engine: QueryEngine) -> None:
    suggestions = suggest_roles(engine, "Produser")
    assert suggestions[:4] == ["Producer", "Music Producer", "Executive Producer", "Producer of TV Shows"]
    # Three edits away ("Rodbuster", "Reproducer", "products") is too far for eight letters; "Procurer" (two) may
    # come only after every producer.
    assert suggestions[4:] in ([], ["Procurer"])
    with pytest.raises(UnknownRoleError) as caught:
        resolve_role(engine, "Produser")
    assert caught.value.suggestions == suggestions
    # They are in the index: each is suggested for its own typo.
    assert suggest_roles(engine, "Rodbustr")[0] == "Rodbuster"
    assert suggest_roles(engine, "Reproducr")[0] == "Reproducer"


def test_a_code_typo_suggests_codes_that_begin_with_it(engine: QueryEngine) -> None:
    assert suggest_roles(engine, "99-0001") == ["99-0001.00"]
    assert suggest_roles(engine, "99-0002.00") == []  # another number is another occupation, not a typo


def test_case_and_spacing_are_ignored_beyond_the_spellings_tried_first(engine: QueryEngine) -> None:
    # None of as typed, lower, title, capitalised or upper case is the stored "Producer of TV Shows".
    (match,) = find_roles(engine, "  PRODUCER of  tv SHOWS ")
    assert (str(match.iri), match.kind, match.matched) == (
        "https://example.org/role/tv",
        "label",
        "Producer of TV Shows",
    )
    assert resolve_role(engine, "producer OF TV shows") == URIRef("https://example.org/role/tv")


def test_the_index_follows_an_rdflib_graph_that_grows(tmp_path: Path) -> None:
    g = load_graph()
    assert suggest_roles(g, "Rodbustr") == []
    extra = tmp_path / "extra.ttl"
    extra.write_text(LOOKALIKES, encoding="utf-8")
    g.parse(extra)
    assert suggest_roles(g, "Rodbustr")[0] == "Rodbuster"


def _store(path: Path, *, esco: bool = False) -> Path:
    with RoleStore.open(path, writable=True) as store:
        import_onet(store, DATA / "onet-mini")
        if esco:
            import_esco(store, DATA / "esco-mini", release="v9")
    return path


def _index_files(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith((nameindex.FILE_PREFIX, "." + nameindex.FILE_PREFIX))
    )


def test_a_store_keeps_its_index_beside_it_and_later_processes_reuse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _store(tmp_path / "store")
    assert _index_files(folder) == []  # built on the first name that needs it, not by the import
    with rolegraph.open_store(folder) as g:
        with pytest.raises(UnknownRoleError) as caught:
            g.resolve("Producers and Directers")
        assert caught.value.suggestions[0] == "Producers and Directors"
        assert g.resolve("producers AND directors") == URIRef(ONET + "27-2012.00")
        index = name_index(g.engine)
        assert index.path is not None and index.path.parent == folder
    (written,) = _index_files(folder)

    def no_scan(engine: object) -> None:
        raise AssertionError("the index was rebuilt instead of opened")

    monkeypatch.setattr(nameindex, "_rows_of", no_scan)
    with rolegraph.open_store(folder) as g:
        assert suggest_roles(g.engine, "Producers and Directers")[0] == "Producers and Directors"
    assert _index_files(folder) == [written]


def test_an_import_gives_the_store_a_new_index(tmp_path: Path) -> None:
    folder = _store(tmp_path / "store")
    with rolegraph.open_store(folder) as g:
        assert "video and motion picture producer" not in suggest_roles(g.engine, "video and motion picture produser")
    (before,) = _index_files(folder)
    _store(folder, esco=True)
    with rolegraph.open_store(folder) as g:
        assert suggest_roles(g.engine, "video and motion picture produser")[0] == "video and motion picture producer"
    (after,) = set(_index_files(folder)) - {before}
    # The earlier index stays for an hour (a server that opened the store before the import still reads it), and
    # goes with the next build after that.
    hours_ago = time.time() - 7200
    os.utime(folder / before, (hours_ago, hours_ago))
    _store(folder)
    with rolegraph.open_store(folder) as g:
        assert suggest_roles(g.engine, "Producers and Directers")[0] == "Producers and Directors"
    assert before not in _index_files(folder)
    assert after in _index_files(folder)


def test_a_damaged_index_file_is_rebuilt(tmp_path: Path) -> None:
    folder = _store(tmp_path / "store")
    with rolegraph.open_store(folder) as g:
        path = name_index(g.engine).path
    assert path is not None
    path.write_bytes(b"not an index at all" * 100)
    with rolegraph.open_store(folder) as g:
        assert suggest_roles(g.engine, "Producers and Directers")[0] == "Producers and Directors"
    assert path.read_bytes().startswith(b"SQLite format 3")


def test_a_store_folder_that_cannot_be_written_keeps_the_index_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _store(tmp_path / "store")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(indexfile.tempfile, "mkstemp", refuse)
    with rolegraph.open_store(folder) as g:
        assert name_index(g.engine).path is None
        assert suggest_roles(g.engine, "Producers and Directers")[0] == "Producers and Directors"
    assert _index_files(folder) == []


def _get(base: str, path: str) -> tuple[int, str]:
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_the_server_answers_a_mistyped_role_with_404_and_suggestions(served: str) -> None:
    status, body = _get(served, "/role/Produser")
    assert status == 404
    assert "Did you mean" in body and ">Producer</a>" in body
    status, body = _get(
        served, "/compare?" + urllib.parse.urlencode([("role", "Production Manager"), ("role", "zzzz")])
    )
    assert status == 404
    assert "No role is called" in body and "zzzz" in body


def test_a_sparql_server_gives_the_stores_answers_to_case_and_typos(served: str, mini_store: Path) -> None:
    def show(store: str, name: str) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", store, "show", name],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    remote = f"sparql+{served}/sparql"
    for name in ["producers AND directors", "Producers and Directers", "zzzz"]:
        here, there = show(str(mini_store), name), show(remote, name)
        assert here == there, name
        assert here[0] == (0 if name == "producers AND directors" else 2), here[2]
    assert "Did you mean: Producers and Directors" in show(remote, "Producers and Directers")[2]


def test_rolegraph_import_leaves_the_index_of_names_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The first unknown name after an import is answered from an index the import built, not one it must build."""
    from rolegraph.cli import main

    store = tmp_path / "store"
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(store), "import", "onet", str(DATA / "onet-mini")])
    assert exited.value.code in (0, None)
    assert "building the index of role names" in capsys.readouterr().err
    built = list(store.glob("rolegraph-names-*.sqlite"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    with rolegraph.open_store(store) as graph, pytest.raises(UnknownRoleError, match="Producer"):
        graph.resolve("Produserr")
    assert [p.stat().st_mtime_ns for p in store.glob("rolegraph-names-*.sqlite")] == [stamp]  # used, not rebuilt

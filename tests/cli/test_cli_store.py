"""The store commands as a user runs them: import, sources, resolve, compare on the store, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import DATA


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rolegraph", "--store", str(store), *args], capture_output=True, text=True
    )


def test_import_then_use_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run(store, "import", "onet", str(DATA / "onet-mini"))
    assert done.returncode == 0, done.stderr
    assert "Imported O*NET 99.9:" in done.stdout and "3  occupations" in done.stdout
    assert "3  skill ratings (IM or LV rows) marked Recommend Suppress = Y" in done.stdout
    assert "reading Occupation Data.txt" in done.stderr
    assert run(store, "import", "esco", str(DATA / "esco-mini"), "--release", "v9").returncode == 0
    assert run(store, "import", "crosswalk", str(DATA / "crosswalk-mini.csv")).returncode == 0
    sources = run(store, "sources").stdout
    assert "O*NET 99.9 Database" in sources and "ESCO v9 (English)" in sources
    assert "credit:  This service uses the ESCO classification of the European Commission." in sources
    resolved = json.loads(run(store, "resolve", "production manager", "--format", "json").stdout)
    assert [(r["source"], r["how"], r["code"]) for r in resolved] == [
        ("rolegraph", "label", ""),
        ("O*NET", "alternative label", "11-3051.00"),
        ("O*NET", "alternative label", "27-2012.00"),
    ]
    compared = run(store, "compare", "27-2012.00", "11-3051.00", "--format", "json")
    assert compared.returncode == 0, compared.stderr
    skills = next(c for c in json.loads(compared.stdout)["categories"] if c["category"] == "skills")
    assert [n["label"] for n in skills["shared"]] == ["Active Listening"]
    noted = run(store, "compare", "Production Manager", "role:producer")
    assert noted.returncode == 0 and "it also names: " in noted.stderr and "give 11-3051.00" in noted.stderr
    # Imported links are cited by their release; the article's by heading and paragraph.
    onet = run(store, "show", "27-2012.00").stdout
    assert "- Plan and coordinate productions.  [O*NET 99.9 Database, Task Statements.txt]" in onet
    esco = run(store, "show", "http://data.europa.eu/esco/occupation/p1").stdout
    assert "[ESCO v9, occupationSkillRelations.csv]" in esco and "[no citation]" not in esco
    article = run(store, "show", "role:producer").stdout
    assert '["Job Duties" para. 2, line 25]' in article and "[no citation]" not in article
    page = tmp_path / "page.html"
    html = run(store, "compare", "27-2012.00", "http://data.europa.eu/esco/occupation/p1", "--html", str(page))
    assert html.returncode == 0, html.stderr
    text = page.read_text(encoding="utf-8")
    assert '"citations":["ESCO v9, occupationSkillRelations.csv (essential)"]' in text
    assert '"citations":["O*NET 99.9 Database, Technology Skills.txt"]' in text
    assert '"citations":["O*NET 99.9 Database, Skills.txt (importance 4.00/5, level 4.50/7)"]' in text


def test_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run(store, "import", "onet", str(tmp_path))
    assert done.returncode == 2
    assert "not an O*NET database text release: missing Occupation Data.txt" in done.stderr
    done = run(store, "import", "esco", str(DATA / "onet-mini"))
    assert done.returncode == 2 and "missing occupations_en.csv" in done.stderr
    assert "Traceback" not in done.stderr
    assert not store.exists()  # a failed import makes no store


def test_esco_folders_are_told_by_their_own_release(tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    v12 = tmp_path / "download"  # no version in the name: the file names tell v1.2
    shutil.copytree(DATA / "esco-mini", v12)
    for name in ("occupationSkillRelations.csv", "broaderRelationsSkillPillar.csv", "skillSkillRelations.csv"):
        (v12 / name).rename(v12 / name.replace(".csv", "_en.csv"))
    (v12 / "skills_en.csv").rename(tmp_path / "skills_en.csv")
    done = run(store, "import", "esco", str(v12))
    assert done.returncode == 2 and "missing skills_en.csv (expected occupations_en.csv, skills_en.csv, " \
        "occupationSkillRelations_en.csv)" in done.stderr  # fmt: skip
    assert not store.exists()
    (tmp_path / "skills_en.csv").rename(v12 / "skills_en.csv")
    done = run(store, "import", "esco", str(v12))
    assert done.returncode == 0, done.stderr
    assert "Imported ESCO v1.2:" in done.stdout
    # A folder named for one release that holds another's files, and one mixing both, are refused.
    named = tmp_path / "esco-v1.1.1"
    shutil.copytree(v12, named)
    done = run(store, "import", "esco", str(named))
    assert done.returncode == 2 and "its name says v1.1.1, but its files are named as in v1.2" in done.stderr
    assert run(store, "import", "esco", str(named), "--release", "v1.2.0").returncode == 0
    shutil.copy(DATA / "esco-mini" / "occupationSkillRelations.csv", named)
    done = run(store, "import", "esco", str(named), "--release", "v1.2.0")
    assert done.returncode == 2 and "mixes files of two ESCO releases: occupationSkillRelations.csv (named as in " \
        "v1.1) and occupationSkillRelations_en.csv, broaderRelationsSkillPillar_en.csv, skillSkillRelations_en.csv " \
        "(named as in v1.2)" in done.stderr  # fmt: skip


def test_strict_import_stops_at_the_bad_row_and_keeps_the_store(tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    assert run(store, "import", "onet", str(DATA / "onet-mini")).returncode == 0
    before = run(store, "sources").stdout
    folder = tmp_path / "onet-bad"
    shutil.copytree(DATA / "onet-mini", folder)
    (folder / "Skills.txt").write_text(
        (DATA / "onet-mini" / "Skills.txt").read_text().replace("\t4.00\t", "\tfour\t", 1)
    )
    done = run(store, "import", "onet", str(folder), "--release", "99.9", "--strict")
    assert done.returncode == 2
    assert "Skills.txt:2, column 'Data Value': 'four' is not a number" in done.stderr
    assert run(store, "sources").stdout.split("imported")[0] == before.split("imported")[0]


def test_sources_without_a_store(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "rolegraph", "sources"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "No store yet" in done.stdout


def test_a_store_that_does_not_exist(tmp_path: Path) -> None:
    done = run(tmp_path / "nothing", "roles")
    assert done.returncode == 2
    assert "no rolegraph store here yet" in done.stderr


def test_two_releases_holding_the_same_facts_give_no_duplicates(tmp_path: Path) -> None:
    """Oxigraph reads a list of graphs as a bag: a fact in two releases kept loaded must still be one row."""
    once, twice = tmp_path / "once", tmp_path / "twice"
    for store, releases in ((once, ["v9"]), (twice, ["v9", "v10"])):
        for release in releases:
            done = run(store, "import", "esco", str(DATA / "esco-mini"), "--release", release, "--keep-older")
            assert done.returncode == 0, done.stderr
    occupation = "http://data.europa.eu/esco/occupation/p1"
    for args in (["show", occupation], ["compare", occupation, "http://data.europa.eu/esco/occupation/p2"],
                 ["query", "shared-skills", "--bind", f"a={occupation}", "--bind",
                  "b=http://data.europa.eu/esco/occupation/p2", "--format", "csv"],
                 ["query", "rank-similar-roles", "--bind", f"role={occupation}", "--format", "csv"],
                 ["roles"]):  # fmt: skip
        single, double = run(once, *args).stdout, run(twice, *args).stdout
        for file in ("occupationSkillRelations.csv", "occupations_en.csv"):  # one citation a line
            double = double.replace(f"ESCO v10, {file}; ESCO v9,", "ESCO v9,")
        assert double.replace("ESCO v10; ESCO v9", "ESCO v9").replace("ESCO v10", "ESCO v9") == single, args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["onet", "no-such-folder"], "no-such-folder: not a folder"),
        (["esco", "/dev/null"], "/dev/null: not a folder"),
        (["crosswalk", "no-such.csv"], "no-such.csv: no such file."),
        (["crosswalk", "/dev/zero"], "/dev/zero: is not a regular file"),
    ],
)
def test_an_import_of_nothing_makes_no_store(tmp_path: Path, args: list[str], message: str) -> None:
    """A mistyped release path is refused before the store is opened: no store appears (commands would then read
    it instead of the built-in graph)."""
    store = tmp_path / "store"
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(store), "import", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert not store.exists()


def test_names_shared_with_an_imported_release_resolve_by_the_rule(tmp_path: Path) -> None:
    store = tmp_path / "store"
    # --store after the command, as before it.
    done = subprocess.run([sys.executable, "-m", "rolegraph", "import", "esco", str(DATA / "esco-mini"), "--release",
                           "v9", "--store", str(store)], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (store / "CURRENT").exists()
    # "Producer": the shipped role (exact case, shipped graph), with a note naming ESCO's "producer" and its code.
    shown = run(store, "show", "Producer")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Producer  <https://w3id.org/rolegraph/id/role/producer>")
    assert "note: 'Producer' means Producer" in shown.stderr and "producer (ESCO, give 2654.1.9)" in shown.stderr
    # "producer": ESCO's label in exactly that case; the note says how to get the shipped one.
    lower = run(store, "show", "producer")
    assert lower.returncode == 0 and lower.stdout.startswith("producer  <http://data.europa.eu/esco/occupation/p3>")
    assert "Producer (rolegraph, give role:producer)" in lower.stderr
    compared = subprocess.run([sys.executable, "-m", "rolegraph", "compare", "Production Manager", "Producer",
                               "--format", "json", "--store", str(store)], capture_output=True, text=True)  # fmt: skip
    assert compared.returncode == 0, compared.stderr
    assert [r["label"] for r in json.loads(compared.stdout)["roles"]] == ["Production Manager", "Producer"]
    resolved = run(store, "resolve", "Producer")
    assert "Commands take 'Producer' to mean Producer <https://w3id.org/rolegraph/id/role/producer>." in resolved.stdout
    # The Python API and the server's pages follow the same rule.
    import rolegraph

    with rolegraph.open_store(store) as g:
        assert g.resolve("Producer") == rolegraph.load().resolve("Producer")
        assert str(g.resolve("producer")) == "http://data.europa.eu/esco/occupation/p3"


def test_open_store_is_a_role_graph_and_a_context_manager(tmp_path: Path) -> None:
    import rolegraph

    assert run(tmp_path / "store", "import", "esco", str(DATA / "esco-mini"), "--release", "v9").returncode == 0
    g = rolegraph.open_store(tmp_path / "store")
    try:
        assert isinstance(g, rolegraph.RoleGraph)
        assert "Producer" in [r.label for r in g.roles()]
    finally:
        g.close()
    with rolegraph.open_store(tmp_path / "store") as h:
        assert h.resolve("2654.1.9") is not None


def test_show_heads_each_kind_of_fact_by_its_name_with_esco_weights(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run(store, "import", "esco", str(DATA / "esco-mini"), "--release", "v9").returncode == 0
    assert run(store, "import", "onet", str(DATA / "onet-mini")).returncode == 0
    esco = run(store, "show", "http://data.europa.eu/esco/occupation/p1").stdout
    headings = [line for line in esco.splitlines() if line and not line.startswith(" ")][1:]
    assert headings == [
        "Produces films.  [ESCO v9, occupations_en.csv]",
        "Alternate titles (2): film producer, movie producer  [ESCO v9, occupations_en.csv]",
        "Skills (2)",
        "Sources: ESCO v9",
    ]
    assert "  - manage budgets  essential  [ESCO v9, occupationSkillRelations.csv]\n" in esco  # one heading, weighted
    assert "  - copyright legislation  optional  [ESCO v9, occupationSkillRelations.csv]\n" in esco
    onet = run(store, "show", "27-2012.00").stdout
    assert "\nKnowledge (1)\n" in onet and "\nTechnology (2)\n" in onet and "rg:" not in onet
    document = json.loads(run(store, "show", "http://data.europa.eu/esco/occupation/p1", "--format", "json").stdout)
    assert list(document["categories"]) == ["Skills"]

"""`rolegraph align` on the small fixtures: the alignment source, hand-made links winning, SSSOM export and import,
bad SSSOM files (exit 2 naming the line, nothing stored), --remove, and an align killed mid-way."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from rolegraph.align.mapping import ALIGNMENT_SOURCE
from rolegraph.store.database import RoleStore

from ..conftest import DATA
from ..test_faults import big_esco, rolegraph, run, snapshot

BUDGET = "https://w3id.org/rolegraph/id/skill/budget-management"
MANAGE_BUDGETS = "http://data.europa.eu/esco/skill/21c5790c-0930-4d74-b3b0-84caf5af12ea"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture
def store(mini_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(mini_store, copy)
    (copy / "rolegraph.lock").unlink(missing_ok=True)
    return copy


def _mappings(path: Path) -> dict[tuple[str, str], str]:
    """The alignment's mappings (subject, object) -> predicate, read from its rg:Mapping records."""
    with RoleStore.open_for_reading(path) as opened:
        graphs = [g for info in opened.sources() if info.iri == ALIGNMENT_SOURCE for g in info.graph.split()]
        if not graphs:
            return {}
        rg = "https://w3id.org/rolegraph/vocab#"
        rows = opened.store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graphs[0]}> {{ ?m <{rg}mappingSubject> ?s ; <{rg}mappingPredicate> ?p ; "
            f"<{rg}mappingObject> ?o }} }}"
        )
        return {(r["s"].value, r["o"].value): r["p"].value for r in rows}  # type: ignore[union-attr]


def test_align_stores_one_source_that_sources_lists_and_remove_drops(store: Path) -> None:
    done = run("--store", str(store), "align")
    assert done.returncode == 0, done.stderr
    assert "mappings" in done.stdout
    mappings = _mappings(store)
    assert mappings, done.stdout
    assert f"{SKOS}exactMatch" not in mappings.values()
    assert (BUDGET, MANAGE_BUDGETS) not in mappings and (MANAGE_BUDGETS, BUDGET) not in mappings  # hand-made wins
    listed = run("--store", str(store), "sources")
    assert "rolegraph alignment" in listed.stdout and "(release tfidf 1 " in listed.stdout
    with RoleStore.open_for_reading(store) as opened:  # each mapping is a plain SKOS triple in the union too
        (subject, obj), predicate = next(iter(mappings.items()))
        assert opened.store.query(f"ASK {{ <{subject}> <{predicate}> <{obj}> }}")
    again = run("--store", str(store), "align")
    assert again.returncode == 0 and _mappings(store) == mappings  # rebuilt as a whole: the same answer
    removed = run("--store", str(store), "align", "--remove")
    assert removed.returncode == 0 and "Removed the alignment" in removed.stdout
    assert _mappings(store) == {} and "rolegraph alignment" not in run("--store", str(store), "sources").stdout


def test_export_lists_hand_made_links_and_import_reads_it_back(store: Path, tmp_path: Path) -> None:
    assert run("--store", str(store), "align").returncode == 0
    out = tmp_path / "all.sssom.tsv"
    done = run("--store", str(store), "align", "export", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# curie_map:" and any(line.startswith("# mapping_set_id: ") for line in lines)
    manual = [line for line in lines if line.startswith("skill:budget-management\t") and "esco:skill/21c5790c" in line]
    assert len(manual) == 1 and "\tskos:closeMatch\t" in manual[0]
    assert "\tsemapv:ManualMappingCuration\t1.0\t" in manual[0]
    computed = [line for line in lines if "semapv:LexicalSimilarityThresholdMatching" in line]
    assert len(computed) == len(_mappings(store))
    header = [line for line in lines if line.startswith("#")]
    reviewed = tmp_path / "reviewed.sssom.tsv"  # the computed ones, as a reviewer would send them back
    reviewed.write_text("\n".join([*header, lines[len(header)], *computed]) + "\n", encoding="utf-8")
    imported = run("--store", str(store), "align", "import", str(reviewed))
    assert imported.returncode == 0, imported.stderr
    assert f"Imported {len(computed):,} mappings" in imported.stdout
    assert "SSSOM mappings reviewed.sssom.tsv" in run("--store", str(store), "sources").stdout
    again = tmp_path / "again.sssom.tsv"
    assert run("--store", str(store), "align", "export", str(again)).returncode == 0
    assert set(computed) <= set(again.read_text(encoding="utf-8").splitlines())  # the round trip keeps each line
    assert run("--store", str(store), "align").returncode == 0
    assert _mappings(store) == {}  # every computed pair is now an imported mapping, and those win
    removed = run("--store", str(store), "remove", "sssom")
    assert removed.returncode == 0 and "SSSOM mappings reviewed.sssom.tsv" in removed.stdout
    assert run("--store", str(store), "align").returncode == 0 and len(_mappings(store)) == len(computed)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("sssom-unknown-prefix.sssom.tsv", "line 6: object_id 'xyz:thing' uses the prefix 'xyz'"),
        ("sssom-missing-column.sssom.tsv", "line 4: the column header lacks predicate_id"),
        ("sssom-unknown-iri.sssom.tsv", "line 6: object_id <http://data.europa.eu/esco/skill/no-such-skill> is in no"),
    ],
)
def test_bad_sssom_files_exit_2_naming_the_line_and_store_nothing(store: Path, name: str, words: str) -> None:
    before = snapshot(store)
    done = run("--store", str(store), "align", "import", str(DATA / "bad-sssom" / name))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert words in done.stderr and "Traceback" not in done.stderr
    assert snapshot(store) == before


def test_an_interrupted_align_leaves_the_previous_alignment_in_force(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("--store", str(store), "import", "onet", str(DATA / "onet-mini")).returncode == 0
    assert run("--store", str(store), "import", "esco", str(DATA / "esco-mini"), "--release", "v9").returncode == 0
    assert run("--store", str(store), "align").returncode == 0
    previous = _mappings(store)
    assert previous
    big = big_esco(tmp_path / "v9.9", occupations=1000, skills=8000, per=20)
    _worded(big / "skills_en.csv")
    assert run("--store", str(store), "import", "esco", str(big)).returncode == 0  # replaces the small ESCO
    before = snapshot(store)
    full = tmp_path / "full"
    shutil.copytree(store, full)
    started = time.monotonic()
    assert run("--store", str(full), "align").returncode == 0
    duration = time.monotonic() - started
    after = snapshot(full)
    assert after != before
    pristine = tmp_path / "pristine"
    shutil.copytree(store, pristine)
    chooser = random.Random(5)
    outcomes = []
    for _ in range(6):
        process = subprocess.Popen(rolegraph("--store", str(store), "align"), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(chooser.uniform(0.05, 0.5) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = snapshot(store)
        assert state in (before, after)
        outcomes.append("before" if state == before else "after")
        if state == before:
            assert _mappings(store) == previous  # the previous alignment is what queries read
        else:  # the run finished before the kill (a machine quieter than when it was timed): start again from before
            shutil.rmtree(store)
            shutil.copytree(pristine, store)
    assert outcomes.count("before") >= 2, (outcomes, duration)  # most kills land mid-way


def _worded(skills: Path) -> None:
    """Give generated skills labels like O*NET's work activities, so that aligning them writes many mappings."""
    verbs, nouns = ["manage", "coordinate", "plan", "review"], ["budgets", "production activities", "schedules"]
    lines = skills.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for number, line in enumerate(lines[1:]):
        parts = line.split(",")
        parts[3] = f"{verbs[number % 4]} {nouns[number // 4 % 3]} for {['film', 'stage', 'radio'][number // 12 % 3]}"
        out.append(",".join(parts))
    skills.write_text("\n".join(out) + "\n", encoding="utf-8")

"""The instrument YAML files shipped with Amity: every file validates, item counts and stages are
as designed, sync creates them and is idempotent, a changed file with answers needs a new version,
and malformed files are refused with the file and the field named."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from amity.assessments.instruments import DIRECTORY, STAGES, InstrumentError, files, parse, sync
from amity.assessments.models import Answer, Assessment, Instrument, InstrumentKind, Response, Side

# key -> (kind, two_sided, fewest items, most items)
EXPECTED = {
    "alliance-health": (InstrumentKind.HEALTH, True, 12, 24),
    "alliance-maturity": (InstrumentKind.ASSESSMENT, True, 18, 22),
    "ecosystem-maturity": (InstrumentKind.ASSESSMENT, False, 14, 18),
    "organizational-readiness": (InstrumentKind.ASSESSMENT, False, 14, 18),
    "alliance-capability": (InstrumentKind.ASSESSMENT, False, 16, 20),
    "best-practices": (InstrumentKind.BENCHMARK, False, 45, 55),
    "strategic-review": (InstrumentKind.ASSESSMENT, False, 12, 12),
}
# The strategic review mirrors StrategicReview, whose ratings run 0-4 (SCORE_HELP); every other
# instrument is answered on 1-5.
SCALES = {"strategic-review": (0, 4)}
PATHS = files()


def test_every_expected_instrument_has_a_file():
    assert {p.stem for p in PATHS} >= set(EXPECTED)
    for path in PATHS:
        assert parse(path)["key"] == path.stem, "the file is named after its key"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_file_parses_and_is_well_formed(path):
    spec = parse(path)
    items = spec["items"]
    texts = [item["text"] for item in items]
    duplicates = [text for text, n in Counter(texts).items() if n > 1]
    assert not duplicates, f"{path.name}: items share a text: {duplicates}"
    assert all(len(text) <= 200 for text in texts)
    lo, hi = SCALES.get(spec["key"], (1, 5))
    assert (spec["scale_min"], spec["scale_max"]) == (lo, hi)
    assert set(spec["scale_labels"]) == {str(n) for n in range(lo, hi + 1)}
    used = {item["dimension"] for item in items}
    assert used == {d["key"] for d in spec["dimensions"]}, "every dimension has items"
    if spec["key"] in EXPECTED:
        kind, two_sided, low, high = EXPECTED[spec["key"]]
        assert (spec["kind"], spec["two_sided"]) == (kind, two_sided)
        assert low <= len(items) <= high, f"{path.name}: {len(items)} items"
    if spec["key"] != "alliance-health":  # the new instruments: plain ratings only
        assert {item["type"] for item in items} == {"scale"}
        assert not any(item["indicator"] for item in items)


def test_best_practices_cover_every_stage():
    spec = parse(DIRECTORY / "best-practices.yaml")
    items = spec["items"]
    assert all(item["stage"] for item in items), "every benchmark item has a stage"
    per_stage = Counter(item["stage"] for item in items)
    assert set(per_stage) == set(STAGES)
    assert all(5 <= n <= 9 for n in per_stage.values()), per_stage
    assert [d["key"] for d in spec["dimensions"]] == list(STAGES)
    assert all(item["dimension"] == item["stage"] for item in items)
    assert 1 <= sum(item["reverse"] for item in items) <= 4
    assert all(item["text"].startswith("We ") for item in items), 'practices read "We ..."'


def test_sync_creates_every_instrument_then_reports_them_unchanged(db):
    Instrument.objects.all().delete()  # migrate already synced them; start from nothing
    labels = {f"{parse(p)['key']} v{parse(p)['version']}" for p in PATHS}
    first = sync()
    assert set(first.created) == labels
    assert (first.updated, first.unchanged) == ([], [])
    for path in PATHS:
        spec = parse(path)
        instrument = Instrument.objects.get(key=spec["key"], version=spec["version"])
        assert instrument.active
        assert instrument.items.count() == len(spec["items"])
        assert instrument.source == f"assessments/instruments/{path.name}"
    second = sync()
    assert set(second.unchanged) == labels
    assert (second.created, second.updated) == ([], [])
    assert str(second) == f"instruments: 0 created, 0 updated, {len(labels)} unchanged"


def test_changed_file_with_answers_needs_a_new_version(db, tmp_path, alliance, manager, home):
    copy = tmp_path / "alliance-health.yaml"
    shutil.copy(DIRECTORY / "alliance-health.yaml", copy)
    sync(directory=tmp_path)
    v1 = Instrument.objects.get(key="alliance-health", version=1)
    assessment = Assessment.objects.create(
        alliance=alliance, instrument=v1, wave="H1 2026", opened_on=date(2026, 1, 5)
    )
    response = Response.objects.create(
        assessment=assessment, respondent=manager, side=Side.OURS, organization=home
    )
    Answer.objects.create(response=response, item=v1.items.get(key="power-use"), value=4)

    original = copy.read_text()
    changed = original.replace("The side with less weight still gets", "The weaker side still gets")
    assert changed != original
    copy.write_text(changed)
    with pytest.raises(InstrumentError, match="new version number") as exc:
        sync(directory=tmp_path)
    assert "alliance-health.yaml" in str(exc.value)
    assert v1.items.get(key="power-value").text.startswith("The side with less weight")  # untouched

    assert original.count("\nversion: 1\n") == 1
    copy.write_text(changed.replace("\nversion: 1\n", "\nversion: 2\n"))
    report = sync(directory=tmp_path)
    assert report.created == ["alliance-health v2"]
    v1.refresh_from_db()
    v2 = Instrument.objects.get(key="alliance-health", version=2)
    assert (v1.active, v2.active) == (False, True)
    assert v2.items.get(key="power-value").text.startswith("The weaker side")
    assert Answer.objects.filter(item__instrument=v1).count() == 1  # old answers keep their items
    assert sync(directory=tmp_path).unchanged == ["alliance-health v2"]


MINIMAL = """\
key: broken
version: 1
name: Broken
scale: {min: 1, max: 5}
dimensions:
  - {key: only, name: Only}
items:
  - key: one
    dimension: only
    text: We do one thing.
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path


def test_minimal_file_is_valid(tmp_path):
    spec = parse(_write(tmp_path, MINIMAL))
    assert [i["key"] for i in spec["items"]] == ["one"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (MINIMAL.replace("dimensions:\n  - {key: only, name: Only}\n", ""), "dimensions"),
        (MINIMAL.replace("    dimension: only\n", ""), "items[0].dimension"),
        (MINIMAL.replace("dimension: only", "dimension: elsewhere"), "items[0].dimension"),
        (MINIMAL + "    stage: someday\n", "items[0].stage"),
        (MINIMAL.replace("version: 1", "version: one"), "version"),
        (MINIMAL + "  - key: one\n    dimension: only\n    text: Again.\n", "items[1].key"),
    ],
    ids=[
        "no-dimensions",
        "item-without-dimension",
        "unknown-dimension",
        "unknown-stage",
        "version",
        "dup-key",
    ],
)
def test_malformed_file_names_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, text)
    with pytest.raises(InstrumentError) as exc:
        parse(path)
    assert str(exc.value).startswith(f"broken.yaml: {field}:")


def test_sync_refuses_a_directory_with_a_malformed_file(db, tmp_path):
    shutil.copy(DIRECTORY / "alliance-health.yaml", tmp_path / "alliance-health.yaml")
    _write(tmp_path, MINIMAL + "    stage: someday\n")
    before = Instrument.objects.count()
    with pytest.raises(InstrumentError, match=r"broken\.yaml: items\[0\]\.stage: must be one of identify"):
        sync(directory=tmp_path)
    assert Instrument.objects.count() == before
    assert not Instrument.objects.filter(key="broken").exists()

"""A history file written before measures (schema version 2, *_mg columns) opens in
today's code: migrated in one step to version 3, every order reading back as it did."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from string import Template
from typing import Any

import pytest

from doseunits.app.site import load_default_catalog, load_template
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.history.records import inputs_json
from doseunits.history.store import SCHEMA_VERSION, HistoryStore

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """A copy: the committed file stays as version 2 wrote it."""
    path = tmp_path / "history.sqlite3"
    shutil.copyfile(DATA / "history-v2.sqlite3", path)
    return path


def columns(path: Path) -> tuple[int, set[str]]:
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        names = {row[1] for row in db.execute("PRAGMA table_info(orders)")}
    return version, names


def test_the_fixture_is_what_version_2_wrote(old_file: Path) -> None:
    version, names = columns(old_file)
    assert version == 2
    assert {"ordered_mg", "administered_mg"} <= names
    assert "unit" not in names


def test_every_order_reads_back_as_version_2_read_it(old_file: Path) -> None:
    expected: list[dict[str, Any]] = json.loads((DATA / "history-v2.json").read_text())
    store = HistoryStore(old_file, store_patient_identifier=False)
    assert store.notice == ""
    entries = sorted(store.search(), key=lambda e: e.id)
    assert len(entries) == len(expected) == 6
    for entry, was in zip(entries, expected, strict=True):
        assert entry.id == was["id"]
        assert entry.created_at == was["created_at"]
        assert entry.date_of_service.isoformat() == was["date_of_service"]
        assert (entry.drug_id, entry.hcpcs) == (was["drug_id"], was["hcpcs"])
        assert (entry.ordered, entry.unit) == (Decimal(was["ordered_mg"]), "mg")
        assert entry.administered == Decimal(was["administered_mg"])
        assert entry.ordered_mg == entry.ordered  # the old name still reads
        assert entry.vials == was["vials"]
        assert list(entry.lines) == was["lines"]
        assert entry.note == was["note"]
        stored = inputs_json(entry.inputs)
        if was["inputs"]["vials"] is not None:  # unopened presentations (count 0) are not
            was["inputs"]["vials"] = [v for v in was["inputs"]["vials"] if v[1]]  # vials
        assert stored == was["inputs"]
    assert entries[2].inputs.weight_based
    assert entries[5].inputs.rounded_from == "725"
    assert store.search(drug="J9317")[0].vials == "4 x 180 mg"
    store.close()
    assert columns(old_file) == (
        SCHEMA_VERSION,
        {"id", "created_at", "date_of_service", "drug_id", "hcpcs", "ordered", "administered",
         "inputs", "vials", "lines", "note", "unit"},
    )  # fmt: skip


def test_a_migrated_file_takes_new_orders_in_their_measure(old_file: Path, tmp_path: Path) -> None:
    catalog = load_default_catalog([DATA / "measures.toml"])
    template: Template = load_template()
    store = HistoryStore(old_file)
    day = dt.date(2026, 11, 28)
    mcg = compute(DoseOrder(catalog.find("fixture-mcg"), day, dose_mg=Decimal(350)))
    units = compute(DoseOrder(catalog.find("fixture-units"), day, dose_mg=Decimal(10500)))
    mcg_id, units_id = store.record(mcg, template), store.record(units, template)
    store.close()
    store = HistoryStore(old_file)  # reopened: already version 3, nothing to migrate
    got = store.get(mcg_id)
    assert got is not None
    assert (got.ordered, got.unit, got.vials) == (Decimal(350), "mcg", "1 x 480 mcg")
    got = store.get(units_id)
    assert got is not None
    assert (got.administered, got.unit) == (Decimal(10500), "units")
    assert got.vials == "1 x 10000 units + 1 x 2000 units"
    assert store.count() == 8
    target = tmp_path / "export.csv"
    assert store.export_csv(target) == 8
    with target.open(encoding="utf-8", newline="") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream)}
    assert (rows["1"]["ordered_mg"], rows["1"]["ordered"], rows["1"]["unit"]) == (
        "1050", "1050", "mg"
    )  # fmt: skip
    assert (rows[str(mcg_id)]["ordered_mg"], rows[str(mcg_id)]["ordered"]) == ("0.35", "350")
    assert (rows[str(units_id)]["ordered_mg"], rows[str(units_id)]["unit"]) == ("", "units")
    store.close()


def test_a_version_1_file_is_migrated_and_cleared_of_prior_auths(old_file: Path) -> None:
    with sqlite3.connect(old_file) as db:
        db.execute("PRAGMA user_version = 1")
    store = HistoryStore(old_file)
    assert len(store.search()) == 6
    store.close()
    assert columns(old_file)[0] == SCHEMA_VERSION

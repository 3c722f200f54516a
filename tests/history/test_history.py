"""The local order history: what is stored (no patient), search, reopen, export, purge,
and a damaged or half-written file that never stops the history from opening."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from string import Template

import pytest

from doseunits.app.folders import data_dir
from doseunits.app.site import load_template
from doseunits.catalog.model import Catalog
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.draft import NoteTexts, OrderDraft
from doseunits.engine.order import DoseOrder, NoteDetails
from doseunits.engine.plan import VialCount
from doseunits.history.store import FILE_NAME, HistoryError, HistoryStore

DAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.UTC)
PATIENT = "Jane Roe MRN 0042"
PRIOR_AUTH = "PA-7788-1234"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


def atezolizumab(catalog: Catalog, dose: str = "1050", day: dt.date = DAY) -> BillingResult:
    drug = catalog.find("atezolizumab")
    details = NoteDetails(
        patient=PATIENT, preparer="AB", diagnosis_codes="C34.90", prior_authorization=PRIOR_AUTH
    )
    return compute(DoseOrder(drug, day, dose_mg=Decimal(dose), details=details))


def file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_in_the_data_folder_with_wal(catalog: Catalog, template: Template) -> None:
    store = HistoryStore(data_dir() / FILE_NAME)
    store.record(atezolizumab(catalog), template)
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.notice == ""
    store.close()


def test_no_patient_identifier_is_stored(
    tmp_path: Path, catalog: Catalog, template: Template
) -> None:
    store = HistoryStore(tmp_path / FILE_NAME)
    order_id = store.record(atezolizumab(catalog), template, now=NOW)
    entry = store.get(order_id)
    assert entry is not None
    assert "Patient" not in entry.note
    assert PRIOR_AUTH not in entry.note  # issued for one patient: it leads to them
    assert "J9022-JW x 15 units" in entry.note
    assert "Diagnosis code(s): C34.90" in entry.note
    assert entry.inputs.note == NoteTexts(preparer="AB", diagnosis_codes="C34.90")
    assert (entry.created_at, entry.hcpcs, entry.vials) == ("2026-11-28T15:30:00Z", "J9022",
                                                           "1 x 1200 mg")  # fmt: skip
    assert entry.lines[1].startswith("J9022-JW x 15 units")
    assert PATIENT.encode() not in file_bytes(store.path)
    assert PRIOR_AUTH.encode() not in file_bytes(store.path)
    assert b"MRN" not in file_bytes(store.path)
    store.close()


def test_a_site_may_store_the_patient(tmp_path: Path, catalog: Catalog, template: Template) -> None:
    store = HistoryStore(tmp_path / FILE_NAME, store_patient_identifier=True)
    entry = store.get(store.record(atezolizumab(catalog), template))
    assert entry is not None
    assert f"Patient: {PATIENT}" in entry.note
    assert PRIOR_AUTH in entry.note
    assert entry.inputs.note.patient == PATIENT
    assert entry.inputs.note.prior_authorization == PRIOR_AUTH
    store.close()


def test_inputs_read_back_with_or_without_a_rounding() -> None:
    from doseunits.history.records import inputs_from_json, inputs_json

    rounded = OrderDraft("sacituzumab-govitecan", DAY.isoformat(), dose="720",
                         rounded_from="725", rounding_percent="10",
                         rounded_from_basis="10 mg/kg x 72.5 kg = 725 mg")  # fmt: skip
    assert inputs_from_json(inputs_json(rounded)) == rounded
    older = inputs_json(rounded)  # a row written before roundings were kept
    del older["rounded_from_mg"], older["rounding_percent"], older["rounded_from_basis"]
    assert inputs_from_json(older).rounded_from == ""
    assert inputs_from_json(older).rounded_from_basis == ""


def test_prior_auths_kept_before_version_2_are_cleared(
    tmp_path: Path, catalog: Catalog, template: Template
) -> None:
    """Files written before the number was left out lose it when opened (file bytes too),
    unless the site keeps patient identifiers."""
    for keep in (False, True):
        path = tmp_path / f"{keep}" / FILE_NAME
        path.parent.mkdir()
        old = HistoryStore(path, store_patient_identifier=True)  # as version 1 kept it
        order_id = old.record(atezolizumab(catalog), template)
        old.close()
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA user_version = 1")
        assert PRIOR_AUTH.encode() in file_bytes(path)
        store = HistoryStore(path, store_patient_identifier=keep)
        entry = store.get(order_id)
        assert entry is not None
        assert (PRIOR_AUTH in entry.note) is keep
        assert bool(entry.inputs.note.prior_authorization) is keep
        assert "Diagnosis code(s): C34.90" in entry.note
        assert (PRIOR_AUTH.encode() in file_bytes(path)) is keep
        store.close()


def test_search_by_date_drug_and_hcpcs(
    tmp_path: Path, catalog: Catalog, template: Template
) -> None:
    store = HistoryStore(tmp_path / FILE_NAME)
    days = [dt.date(2026, 11, d) for d in (1, 15, 28)]
    for day in days:
        store.record(atezolizumab(catalog, day=day), template)
    drug = catalog.find("sacituzumab-govitecan")
    store.record(compute(DoseOrder(drug, days[1], dose_per_kg_mg=Decimal(10),
                                   weight_kg=Decimal("72.5"))), template)  # fmt: skip
    found = store.search()
    assert [(e.date_of_service.day, e.hcpcs) for e in found] == [
        (28, "J9022"), (15, "J9317"), (15, "J9022"), (1, "J9022")
    ]  # fmt: skip
    assert len(store.search(dt.date(2026, 11, 2), dt.date(2026, 11, 27))) == 2
    assert len(store.search(date_from=dt.date(2026, 11, 15))) == 3
    assert len(store.search(date_to=dt.date(2026, 11, 14))) == 1
    assert [e.drug_id for e in store.search(drug="j9317")] == ["sacituzumab-govitecan"]
    assert len(store.search(drug="Atezo")) == 3
    assert len(store.search(drug="J90")) == 3
    assert store.search(drug="%") == []
    assert len(store.search(limit=2)) == 2
    store.close()


def test_reopen_gives_the_inputs_as_typed(
    tmp_path: Path, catalog: Catalog, template: Template
) -> None:
    drug = catalog.find("atezolizumab")
    big, small = drug.presentations
    order = DoseOrder(
        drug, DAY, dose_per_kg_mg=Decimal(15), weight_kg=Decimal("95.0"),
        max_dose_mg=Decimal(1200), administered_mg=Decimal(1000),
        vials=(VialCount(big, 0), VialCount(small, 2)),
    )  # fmt: skip
    store = HistoryStore(tmp_path / FILE_NAME)
    entry = store.get(store.record(compute(order), template))
    assert entry is not None
    inputs = entry.inputs
    assert inputs.weight_based
    assert (inputs.drug, inputs.date) == ("atezolizumab", DAY.isoformat())
    assert (inputs.dose, inputs.dose_per_kg, inputs.weight, inputs.max_dose,
            inputs.administered) == ("", "15", "95", "1200", "1000")  # fmt: skip
    assert inputs.vials == ("50242-0918-01x2",)  # the presentation not opened is no vial
    assert (entry.ordered_mg, entry.administered_mg) == (Decimal(1200), Decimal(1000))
    assert inputs.payer == "medicare-part-b"
    assert store.get(entry.id + 1) is None
    store.close()


def test_export_csv(tmp_path: Path, catalog: Catalog, template: Template) -> None:
    store = HistoryStore(tmp_path / FILE_NAME)
    store.record(atezolizumab(catalog), template)
    store.record(atezolizumab(catalog, "1680"), template)
    target = tmp_path / "export.csv"
    assert store.export_csv(target, drug="J9022") == 2
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["administered_mg"], r["vials"]) for r in rows] == [
        ("1680", "2 x 840 mg"), ("1050", "1 x 1200 mg")
    ]  # fmt: skip
    assert rows[0]["lines"].startswith("J9022-JZ x 168 units")
    assert "DRUG ADMINISTRATION AND WASTE" in rows[1]["note"]
    with pytest.raises(HistoryError, match="can't be written"):
        store.export_csv(tmp_path / "missing" / "export.csv")
    store.close()


def test_retention_purge(tmp_path: Path, catalog: Catalog, template: Template) -> None:
    store = HistoryStore(tmp_path / FILE_NAME)
    for days_ago in (400, 91, 89, 0):
        store.record(atezolizumab(catalog), template, now=NOW - dt.timedelta(days=days_ago))
    assert store.purge(90, now=NOW) == 2
    assert [e.created_at[:10] for e in store.search()] == ["2026-11-28", "2026-08-31"]
    assert store.purge(90, now=NOW) == 0
    with pytest.raises(HistoryError, match="at least 1 day"):
        store.purge(0)
    store.close()


def damaged_history(tmp_path: Path, catalog: Catalog, template: Template) -> Path:
    path = tmp_path / FILE_NAME
    store = HistoryStore(path)
    for dose in range(1000, 1100):
        store.record(atezolizumab(catalog, str(dose)), template)
    store.close()
    return path


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header only"])
def test_a_damaged_file_is_moved_aside(
    tmp_path: Path, catalog: Catalog, template: Template, damage: str
) -> None:
    path = damaged_history(tmp_path, catalog, template)
    data = path.read_bytes()
    damaged = {
        "garbage": os.urandom(len(data)),
        "truncated": data[: len(data) // 3],
        "header only": data[:100],
    }[damage]
    path.write_bytes(damaged)
    store = HistoryStore(path)  # never fails because of the damage
    assert "The order history file was damaged" in store.notice
    assert "a new, empty history was started" in store.notice
    assert store.count() == 0
    store.record(atezolizumab(catalog), template)
    assert store.count() == 1
    store.close()
    [aside] = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert aside.name.startswith(f"{FILE_NAME}.damaged-")
    assert aside.name in store.notice
    assert aside.read_bytes() == damaged
    again = HistoryStore(path)
    assert (again.notice, again.count()) == ("", 1)
    again.close()


def test_a_foreign_file_and_its_wal_go_aside_together(tmp_path: Path) -> None:
    """The WAL holds a table that is not an order history (damage too); what it held stays
    with the file moved aside and never reaches the new one."""
    path = tmp_path / FILE_NAME
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    db.execute("INSERT INTO orders VALUES (1)")
    db.commit()
    wal = Path(f"{path}-wal").read_bytes()
    db.close()
    path.write_bytes(b"not a database at all" * 100)
    Path(f"{path}-wal").write_bytes(wal)
    store = HistoryStore(path)
    assert store.notice
    assert store.count() == 0  # nothing of the old WAL came into the new file
    store.close()
    [aside] = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert sqlite3.connect(aside).execute("SELECT id FROM orders").fetchall() == [(1,)]


def test_what_is_not_damage_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).mkdir()
    with pytest.raises(HistoryError, match="can't be opened"):
        HistoryStore(tmp_path / FILE_NAME)
    newer = tmp_path / "newer.sqlite3"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(HistoryError, match="written by a newer DoseUnits"):
        HistoryStore(newer)
    assert newer.exists()  # not moved aside: it is not damaged


WRITER = """
import datetime as dt, sys
from decimal import Decimal
from pathlib import Path
from doseunits.engine.billing import compute
from doseunits.app.site import load_default_catalog
from doseunits.history.store import HistoryStore
from doseunits.engine.order import DoseOrder
from doseunits.app.site import load_template
drug = load_default_catalog().find("atezolizumab")
template = load_template()
store = HistoryStore(Path(sys.argv[1]))
dose = 0
while True:
    dose = dose % 1680 + 1
    result = compute(DoseOrder(drug, dt.date(2026, 11, 28), dose_mg=Decimal(dose)))
    print(store.record(result, template), flush=True)  # printed once committed
"""


def test_killed_while_writing_loses_nothing_committed(tmp_path: Path, template: Template) -> None:
    path = tmp_path / FILE_NAME
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    committed = []
    try:
        for line in child.stdout:
            committed.append(int(line))
            if len(committed) >= 60:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)  # in the middle of the next write
        committed += [int(line) for line in child.stdout]
        child.stdout.close()
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert len(committed) >= 60
    store = HistoryStore(path)
    assert store.notice == ""
    stored = {entry.id for entry in store.search(limit=None)}
    assert set(committed) <= stored
    assert max(stored) <= max(committed) + 1  # at most the one being written, if committed
    quick = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
    assert quick == "ok"
    store.close()

"""The window with drugs in other measures (tests/data/measures.toml as a site catalog):
labels, typed amounts with units, the vial table and picture, results and the note."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from doseunits.engine.draft import OrderDraft
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, line_rows, message, open_window, units

MEASURES = Path(__file__).resolve().parents[1] / "data" / "measures.toml"


def _site_catalog() -> None:
    folder = Path(os.environ["DOSEUNITS_CONFIG_DIR"]) / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MEASURES, folder / "measures.toml")


def _caption(window: MainWindow, name: str) -> str:
    return window.order_form.captions[name].text()


def test_a_mcg_drug_is_typed_and_shown_in_mcg(qtbot: QtBot) -> None:
    _site_catalog()
    window = open_window(qtbot, "fixture-mcg")
    form = window.order_form
    assert [_caption(window, n) for n in ("dose", "dose_per_kg", "max_dose", "administered")] == [
        "&Dose (mcg)", "Dose per &kg (mcg/kg)", "Ma&x dose (mcg)", "Ad&ministered (mcg)"
    ]  # fmt: skip
    assert form.inputs["dose"].accessibleName() == "Ordered dose in mcg"
    assert "billing unit 1 mcg" in window.drug_box.info.text()
    syringe = window.vials.table.item(1, 0)
    assert syringe is not None
    assert syringe.text() == "480 mcg / 0.8 mL, SDV"
    qtbot.keyClicks(field(window, "dose"), "0.35 mg")  # exactly 350 mcg
    assert units(window) == [("", "350"), ("JW", "130")]
    assert window.results.headings[1].text() == "mcg"
    assert window.results.amounts[(1, 1)].text() == "350"
    assert "350 mcg administered, 130 mcg discarded" in window.picture.accessibleDescription()
    assert "Administered: 350 mcg (0.583 mL)" in window.results.snippet.toPlainText()
    field(window, "dose").setText("5 units")
    assert message(window, "dose") == (
        "Error: The dose (mcg) is in units, but this drug is measured in mcg (got 5 units)."
    )
    assert line_rows(window) == []
    window.close()


def test_a_units_drug_and_back_to_mg(qtbot: QtBot) -> None:
    _site_catalog()
    window = open_window(qtbot, "fixture-units")
    window.order_form.per_kg.setChecked(True)
    qtbot.keyClicks(field(window, "dose_per_kg"), "150")
    qtbot.keyClicks(field(window, "weight"), "70")
    assert _caption(window, "dose_per_kg") == "Dose per &kg (units/kg)"
    assert units(window) == [("", "11"), ("JW", "1")]
    note = window.results.snippet.toPlainText()
    assert "Ordered dose: 150 units/kg x 70 kg = 10500 units" in note
    assert "(billing unit 1000 units)" in note
    assert window.results.headings[1].text() == "units"
    window.drug_selector.select("atezolizumab")
    assert _caption(window, "dose") == "&Dose (mg)"
    window.order_form.flat.setChecked(True)
    qtbot.keyClicks(field(window, "dose"), "1050")
    assert units(window) == [("", "105"), ("JW", "15")]
    assert window.results.headings[1].text() == "mg"
    window.close()


def test_an_order_kept_in_another_measure_reopens_converted(qtbot: QtBot) -> None:
    """A site that moved a drug from mg to mcg: its kept orders open in mcg, exactly."""
    _site_catalog()
    window = open_window(qtbot, "atezolizumab")
    kept = OrderDraft(drug="fixture-mcg", date="2026-11-28", dose="0.35")
    reopened, caution = window.order_history.reopen(kept, "", unit="mg")
    assert (reopened, caution) == (True, "")
    assert field(window, "dose").text() == "0.35 mg"
    assert units(window) == [("", "350"), ("JW", "130")]
    window.close()

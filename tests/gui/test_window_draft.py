"""The window reads and fills the order as typed (draft(), load_draft()), and finds the
input and the message line of every field an error can name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from doseunits.engine.billing import BillingResult
from doseunits.engine.draft import NoteTexts, OrderDraft, VialLot
from doseunits.engine.order import DoseOrder
from doseunits.errors import InputError, InputField, OrderField
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, open_window, units


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    window.order_form.date.setDate(QDate(2026, 11, 28))
    yield window
    window.close()


def test_every_field_an_error_names_has_its_input_and_message(window: MainWindow) -> None:
    assert set(window.field_widgets) == set(get_args(OrderField))
    for name, (widget, message) in window.field_widgets.items():
        assert window.isAncestorOf(widget), name
        assert window.isAncestorOf(message), name
        assert window.field_input(name) is widget


@pytest.mark.parametrize("name", get_args(OrderField))
def test_an_error_is_shown_at_its_field_only(window: MainWindow, name: OrderField) -> None:
    def refuse(order: DoseOrder) -> BillingResult:
        raise InputError("Made up for the test.", name)

    window.engine = refuse
    field(window, "dose").setText("1050")
    shown = window.field_widgets[name][1]
    assert shown.isVisible()
    assert shown.text() == "Error: Made up for the test."
    others = {m for _, m in window.field_widgets.values()} - {shown}
    assert not [m.objectName() for m in (*others, window.export_message) if m.isVisible()]
    assert units(window) == []


@pytest.mark.parametrize("name", ["", "scan"])
def test_an_error_about_no_field_of_the_order_is_not_put_on_the_drug(
    window: MainWindow, name: InputField
) -> None:
    def refuse(order: DoseOrder) -> BillingResult:
        raise InputError("Made up for the test.", name)

    window.engine = refuse
    field(window, "dose").setText("1050")
    assert window.export_message.isVisible()
    assert not window.drug_message.isVisible()


def test_the_draft_is_what_the_widgets_hold(window: MainWindow) -> None:
    form = window.order_form
    field(window, "dose").setText("1050")
    field(window, "weight").setText("80")  # the flat dose type leaves it out
    window.vials.lot_inputs[0].setText("AB12")
    window.note_form.inputs["witness"].setText("CD")
    window.billing.acquired_340b.setChecked(True)
    draft = window.draft()
    assert draft == OrderDraft(
        "atezolizumab", "2026-11-28", dose="1050", lots=(VialLot("50242-0917-01", "AB12"),),
        payer="medicare-part-b", acquired_340b=True,
        note=NoteTexts(witness="CD"),
    )  # fmt: skip
    form.per_kg.setChecked(True)
    assert (window.draft().dose, window.draft().weight) == ("", "80")


DRAFTS = [
    OrderDraft(
        "atezolizumab", "2026-11-01", dose_per_kg="15", weight="95", max_dose="1200",
        administered="1100", vials=("50242-0917-01x1", "50242-0918-01x1"),
        lots=(VialLot("50242-0918-01", "L1", "2027-01-31"),), payer="medicaid",
        acquired_340b=True,
        note=NoteTexts(preparer="AB", witness="CD", waste_reason="rest of SDV",
                       diagnosis_codes="C34.90", prior_authorization="PA-1", patient="J R",
                       site="Main", biomarker_on_file="PD-L1 SP142"),
    ),
    OrderDraft("nivolumab", "2026-11-28", dose="480", vials=(), payer="medicare-part-b",
               note=NoteTexts(biomarker_on_file="yes")),
    OrderDraft("atezolizumab", "2026-11-28", dose="1050", payer="medicare-part-b"),
]  # fmt: skip


@pytest.mark.parametrize("draft", DRAFTS, ids=["per-kg", "no-vials", "plan"])
def test_a_draft_loaded_reads_back_the_same(window: MainWindow, draft: OrderDraft) -> None:
    """(The window always has a payer: a draft naming none keeps the one selected.)"""
    window.drug_selector.select("sacituzumab-govitecan")
    field(window, "dose").setText("700")
    window.load_draft(draft)
    assert window.draft() == draft
    assert window.vials.edited is (draft.vials is not None)


def test_a_loaded_draft_is_computed(window: MainWindow) -> None:
    window.load_draft(DRAFTS[0])
    assert window.result is not None
    assert window.result.order.payer.id == "medicaid"
    assert window.result.ordered_mg == 1200
    assert window.drug_message.text() == ""
    window.load_draft(DRAFTS[1])  # opened vials, none of them: an error at the vials
    assert window.vials.message.isVisible()
    assert "No vials are opened" in window.vials.message.text()


def test_loading_a_drug_the_catalog_lacks_changes_nothing(window: MainWindow) -> None:
    field(window, "dose").setText("1050")
    with pytest.raises(InputError) as caught:
        window.load_draft(OrderDraft("no-such-drug", "2026-11-28", dose="5"))
    assert caught.value.field == "drug"
    assert field(window, "dose").text() == "1050"
    assert units(window) == [("", "105"), ("JW", "15")]

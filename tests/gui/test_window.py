"""The real window, driven by its object names under pytest-qt (offscreen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from doseunits.catalog.ndc import Ndc
from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, line_rows, message, open_window, type_text, units


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    yield window
    window.close()


def type_dose(qtbot: QtBot, window: MainWindow, text: str) -> None:
    dose = field(window, "dose")
    dose.clear()
    qtbot.keyClicks(dose, text)


def test_atezolizumab_1050_mg_gives_105_and_jw_15(qtbot: QtBot, window: MainWindow) -> None:
    type_dose(qtbot, window, "1050")
    assert line_rows(window) == [
        ["J9022", "", "105", "50242-0917-01", "17.5 ML", "N450242091701 ML17.5"],
        ["J9022", "JW", "15", "50242-0917-01", "2.5 ML", "N450242091701 ML2.5"],
    ]
    snippet = window.results.snippet.toPlainText()
    assert "J9022-JW x 15 units" in snippet
    assert window.results.snippet.isReadOnly()
    assert QFontInfo(window.results.snippet.font()).fixedPitch()  # the note lines up
    assert window.results.warnings.toPlainText() == "No warnings."
    assert "1050 mg administered, 150 mg discarded" in window.picture.accessibleDescription()


def test_the_vial_picture_draws_the_vials_and_says_when_there_are_none(
    qtbot: QtBot, window: MainWindow
) -> None:
    picture = window.picture
    assert picture.empty_label.isVisible()
    assert picture.empty_label.text() == "No vials: the order is incomplete."
    empty = picture.grab().toImage()
    type_dose(qtbot, window, "1050")
    assert not picture.empty_label.isVisible()
    drawn = picture.grab().toImage()
    assert drawn != empty  # the vial, the legend and the summary are painted
    assert picture._summary_lines() == ["1 x 1200 mg: 1050 mg given, 150 mg discarded"]
    field(window, "dose").clear()
    assert picture.empty_label.isVisible()
    assert picture.vials == []


def test_the_picture_tells_vials_alike_once(window: MainWindow) -> None:
    from conftest import fixture_drug

    first, second = fixture_drug("10", ["100", "100"]).presentations  # two NDCs, one strength
    ten, none = Decimal(100), Decimal(0)
    window.picture.vials = [(first, ten, none), (second, ten, none), (first, ten, none)]
    assert window.picture._summary_lines() == ["3 x 100 mg: all given"]


def test_enter_in_the_drug_field_before_typing_keeps_the_drug(
    qtbot: QtBot, window: MainWindow
) -> None:
    line = window.drug_selector.lineEdit()
    assert line is not None
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert window.drug_selector.current_drug() is not None
    assert "J9022" in window.drug_box.info.text()


def test_every_keystroke_recomputes(qtbot: QtBot, window: MainWindow) -> None:
    type_dose(qtbot, window, "84")
    assert units(window) == [("", "9"), ("JW", "75")]  # 84 mg from the 840 mg vial
    qtbot.keyClicks(field(window, "dose"), "0")
    assert units(window) == [("JZ", "84")]


def test_drug_picker_finds_j9317_and_explains_j9022(qtbot: QtBot, window: MainWindow) -> None:
    selector = window.drug_selector
    assert "J9022" in window.drug_box.info.text()
    assert "J9317 is sacituzumab" in window.drug_box.note.text()
    assert window.drug_box.note.isVisible()
    line = selector.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, "J9317")
    assert [d.id for d in selector.matching("J9317")] == ["sacituzumab-govitecan"]
    qtbot.keyClick(line, Qt.Key.Key_Return)
    drug = selector.current_drug()
    assert drug is not None
    assert drug.id == "sacituzumab-govitecan"
    assert "2.5 mg" in window.drug_box.info.text()
    assert not window.drug_box.note.isVisible()


def test_drug_picker_by_ndc_and_unknown_text(qtbot: QtBot, window: MainWindow) -> None:
    line = window.drug_selector.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, "00003-3734")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.id == "nivolumab"
    line.selectAll()
    qtbot.keyClicks(line, "aspirin")
    assert "No drug matches 'aspirin'" in window.drug_message.text()
    assert line_rows(window) == []


def test_unverified_facts_are_marked(window: MainWindow) -> None:
    window.drug_selector.select("trastuzumab")
    assert "unverified" in window.drug_box.info.text()
    assert window.vials.unverified_note.isVisible()


def test_counts_follow_the_plan_until_edited(qtbot: QtBot, window: MainWindow) -> None:
    big = Ndc.parse("50242-0917-01")
    small = Ndc.parse("50242-0918-01")
    type_dose(qtbot, window, "1680")
    spins = window.vials._spins
    assert [s.value() for s in spins] == [0, 2]
    window.vials.set_count(big, 2)  # as the pharmacist types
    window.vials.set_count(small, 0)
    assert window.vials.edited
    assert units(window) == [("", "168"), ("JW", "72")]
    assert "least-waste plan for 1680 mg is 2 x 840 mg" in window.vials.message.text()
    assert "least-waste" in window.results.warnings.toPlainText()
    type_dose(qtbot, window, "1700")  # typed counts stay
    assert [s.value() for s in spins] == [2, 0]
    qtbot.mouseClick(window.findChild(QPushButton, "leastWasteButton"), Qt.MouseButton.LeftButton)
    assert [s.value() for s in spins] == [1, 1]
    assert not window.vials.message.isVisible()


def test_vials_that_do_not_cover_show_an_error_and_no_lines(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_dose(qtbot, window, "1050")
    window.vials.set_count(Ndc.parse("50242-0917-01"), 0)
    window.vials.set_count(Ndc.parse("50242-0918-01"), 1)
    assert "less than the 1050 mg administered" in window.vials.message.text()
    assert line_rows(window) == []
    assert window.results.snippet.toPlainText() == ""
    assert not window.copy_button.isEnabled()


@pytest.mark.parametrize(
    ("text", "words"),
    [("abc", "must be a number"), ("0", "more than 0"), ("-5", "more than 0"),
     ("1e9", "at most 100000"), ("1,050", "must be a number")],
)  # fmt: skip
def test_bad_dose_is_marked_at_the_field(
    qtbot: QtBot, window: MainWindow, text: str, words: str
) -> None:
    type_dose(qtbot, window, "1050")
    assert line_rows(window)
    type_dose(qtbot, window, text)
    assert words in message(window, "dose")
    assert line_rows(window) == []  # nothing stale


def test_weight_based_sacituzumab(qtbot: QtBot, window: MainWindow) -> None:
    window.drug_selector.select("sacituzumab-govitecan")
    window.order_form.per_kg.setChecked(True)
    assert not field(window, "dose").isEnabled()
    qtbot.keyClicks(field(window, "dose_per_kg"), "10")
    assert "needs the patient's weight" in message(window, "weight")
    qtbot.keyClicks(field(window, "weight"), "72.5")
    assert units(window) == [("", "290"), ("JW", "70")]
    assert [s.value() for s in window.vials._spins] == [5]


def test_administered_less_than_ordered(qtbot: QtBot, window: MainWindow) -> None:
    type_dose(qtbot, window, "1200")
    qtbot.keyClicks(field(window, "administered"), "900")
    assert units(window) == [("", "90"), ("JW", "30")]
    assert "not given counts as discarded" in message(window, "administered")


def test_date_before_2023_has_no_jz(qtbot: QtBot, window: MainWindow) -> None:
    type_dose(qtbot, window, "1680")
    assert units(window) == [("JZ", "168")]
    window.order_form.date.setDate(QDate(2022, 12, 31))
    assert units(window) == [("", "168")]
    assert "before 2023-01-01" in window.results.steps.text()


def test_lot_and_expiry_reach_the_note_and_expired_vials_warn(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_dose(qtbot, window, "1050")
    lot, expiry = window.vials.lot_inputs[0], window.vials.expiry_inputs[0]
    assert (lot.accessibleName(), expiry.placeholderText()) == (
        "Lot of 1200 mg / 20 mL single-dose vial, NDC 50242-0917-01",
        "YYYY-MM-DD",
    )
    type_text(lot, "B1234")
    type_text(expiry, "2027-06-30")
    assert "lot B1234, exp 2027-06-30" in window.results.snippet.toPlainText()
    expiry.setText("2020-01-31")
    assert "expired on 2020-01-31" in window.vials.message.text()
    expiry.setText("soon")
    assert "YYYY-MM-DD" in window.vials.message.text()
    assert line_rows(window) == []


def test_an_expiry_being_typed_is_no_error_until_it_is_left(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_dose(qtbot, window, "1050")
    expiry = window.vials.expiry_inputs[0]
    window.activateWindow()
    expiry.setFocus()
    qtbot.waitUntil(expiry.hasFocus)
    type_text(expiry, "2027-0")  # half a date: the lines stay, no error yet
    assert line_rows(window)
    assert not window.vials.message.isVisible()
    field(window, "dose").setFocus()  # left half-typed: now it is an error
    qtbot.waitUntil(lambda: "YYYY-MM-DD" in window.vials.message.text())
    assert line_rows(window) == []
    expiry.setFocus()
    qtbot.waitUntil(expiry.hasFocus)
    type_text(expiry, "6-30")
    assert "exp 2027-06-30" in window.results.snippet.toPlainText()


def test_the_vial_picture_grows_with_the_font(window: MainWindow) -> None:
    picture = window.picture
    before = picture.height()
    font = picture.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    picture.setFont(font)
    assert picture.height() == picture.fontMetrics().height() * 9 > before


def test_copy_puts_the_note_on_the_clipboard(qtbot: QtBot, window: MainWindow) -> None:
    type_dose(qtbot, window, "1050")
    qtbot.mouseClick(window.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QApplication.clipboard()
    assert clipboard.text() == window.results.snippet.toPlainText()


def test_save_writes_the_file_and_reports_a_denied_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    type_dose(qtbot, window, "1050")
    target = tmp_path / "note.txt"
    window.note_actions.ask_save_path = lambda: target
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.read_text(encoding="utf-8") == window.results.snippet.toPlainText()
    window.note_actions.ask_save_path = lambda: tmp_path / "missing-folder" / "note.txt"
    qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert "was not saved" in window.export_message.text()
    assert "J9022-JW" in window.results.snippet.toPlainText()  # nothing lost
    assert list(tmp_path.glob(".note.txt*")) == []  # no temporary left behind


def test_print_to_pdf_contains_the_claim_lines(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from doseunits.gui.actions.export import pdf_printer

    type_dose(qtbot, window, "1050")
    pdf = tmp_path / "note.pdf"
    window.note_actions.ask_printer = lambda: pdf_printer(pdf)
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)

    def pdf_text(path: Path) -> str:  # pypdf reads the fixed font's spaces as tabs
        return " ".join("".join(p.extract_text() for p in PdfReader(path).pages).split())

    text = pdf_text(pdf)
    assert "J9022-JW x 15 units" in text
    assert "N450242091701 ML17.5" in text
    other = tmp_path / "other.pdf"
    window.note_actions.ask_pdf_path = lambda: other
    window.note_actions.save_pdf()
    assert "J9022 x 105 units" in pdf_text(other)


def test_new_order_clears_the_order_but_keeps_the_preparer(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.note_form.inputs["preparer"].setText("AB")
    window.note_form.inputs["patient"].setText("MRN 123")
    type_dose(qtbot, window, "1050")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert field(window, "dose").text() == ""
    assert line_rows(window) == []
    assert window.note_form.inputs["patient"].text() == ""
    assert window.note_form.inputs["preparer"].text() == "AB"


def test_menu_shortcuts(window: MainWindow) -> None:
    shortcuts = {
        action.text(): action.shortcut().toString()
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if not action.isSeparator()
    }
    assert shortcuts["&New order"] == "Ctrl+N"
    assert shortcuts["&Save note as text…"] == "Ctrl+S"
    assert shortcuts["&Print note…"] == "Ctrl+P"
    assert shortcuts["Save note as P&DF…"] == "Ctrl+Shift+P"
    assert shortcuts["&Copy note"] == "Ctrl+Shift+C"
    assert shortcuts["Order &history…"] == "Ctrl+H"
    assert shortcuts["&Quit"] == "Ctrl+Q"


def test_an_unexpected_error_is_logged_shown_once_and_survived(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    real = window.engine

    def broken(order: object) -> object:
        raise ZeroDivisionError("simulated bug")

    window.engine = broken  # type: ignore[assignment]
    type_dose(qtbot, window, "1050")
    qtbot.keyClicks(field(window, "dose"), "0")
    assert window.unexpected_errors == 5  # one per keystroke
    boxes = window.findChildren(QMessageBox, "unexpectedErrorBox")
    assert len(boxes) == 1  # shown once
    assert "simulated bug" in boxes[0].text()
    assert line_rows(window) == []
    log = (tmp_path / "data" / "doseunits.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: simulated bug" in log
    window.engine = real
    type_dose(qtbot, window, "1050")
    assert units(window) == [("", "105"), ("JW", "15")]


def test_settings_keep_site_and_preparer_but_no_patient(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.note_form.inputs["site"].setText("Infusion Center A")
    window.note_form.inputs["preparer"].setText("RPh AB")
    window.note_form.inputs["patient"].setText("Jane Doe MRN 998877")
    window.close()
    stored = (tmp_path / "config" / "settings.ini").read_text(encoding="utf-8")
    assert "Infusion Center A" in stored
    assert "998877" not in stored
    again = build_main_window()
    qtbot.addWidget(again)
    assert again.note_form.inputs["preparer"].text() == "RPh AB"
    assert again.note_form.inputs["patient"].text() == ""


def test_help_catalog_and_about(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog, QTableWidget

    from doseunits.gui.dialogs.info import VERIFIED_COLUMN

    window.show_catalog()
    dialog = window.findChild(QDialog, "catalogDialog")
    assert dialog is not None
    table = dialog.findChild(QTableWidget, "catalogTable")
    assert table is not None
    count = sum(len(d.presentations) for d in window.catalog.drugs)
    assert table.rowCount() == count
    texts = {table.item(r, VERIFIED_COLUMN).text() for r in range(count)}  # type: ignore[union-attr]
    assert {"yes", "NDC unverified", "code unverified"} <= texts
    window.show_about()
    about = window.findChild(QMessageBox, "aboutBox")
    assert about is not None
    assert "Claims Processing Manual" in about.text()
    assert "2026-11-28" in about.text()
    about.close()
    dialog.close()


def test_every_input_has_an_accessible_name(window: MainWindow) -> None:
    inputs = [
        *window.order_form.inputs.values(),
        *window.note_form.inputs.values(),
        window.order_form.date,
        window.drug_selector,
        window.vials.table,
    ]
    for widget in inputs:
        assert widget.accessibleName(), widget.objectName()
        assert widget.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_default_date_is_today(window: MainWindow) -> None:
    assert window.order_form.date_of_service() == dt.date.today()

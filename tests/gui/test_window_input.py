"""Arbitrary text typed into every input: never an exception, always a message at the field."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow
from gui_helpers import line_rows, type_text

NUMBER_FIELDS = ("dose", "dose_per_kg", "weight", "max_dose", "administered")
typed = st.text(
    # Keyboard text: assigned characters of the Basic Multilingual Plane (a line edit
    # drops unassigned ones, so they could never reach the field).
    st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), max_codepoint=0xFFFF)
    | st.sampled_from("0123456789.-eE,+ "),
    max_size=12,
)


@pytest.fixture(scope="module")
def window() -> Iterator[MainWindow]:
    window = build_main_window()
    window.show()
    window.drug_selector.select("atezolizumab")
    yield window
    window.close()
    window.deleteLater()


def test_the_module_window_keeps_to_the_test_folders(
    window: MainWindow, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """It is made before each test's own folders, and it saves what was typed on closing
    (once, fuzzed initials landed in the user's real settings.ini): its file is private."""
    assert window.settings.user_file.startswith(str(tmp_path_factory.getbasetemp()))


def is_valid_number(text: str, field: str) -> bool:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return False
    limit = 500 if field == "weight" else 100_000
    return number.is_finite() and 0 < number <= limit


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(NUMBER_FIELDS), text=typed)
def test_any_text_in_a_number_field(
    qtbot: QtBot, window: MainWindow, field: str, text: str
) -> None:
    form = window.order_form
    per_kg = field in ("dose_per_kg", "weight", "max_dose")
    (form.per_kg if per_kg else form.flat).setChecked(True)  # radios: check the other one
    for name, edit in form.inputs.items():
        edit.setText({"dose": "1050", "dose_per_kg": "10", "weight": "80"}.get(name, ""))
    edit = form.inputs[field]
    edit.clear()
    type_text(edit, text)
    window.scan_catcher.flush()  # a "]" is held back as a possible scan until the keys stop
    assert window.unexpected_errors == 0
    shown = form.messages[field]
    if text.strip() and not is_valid_number(text, field):
        assert shown.isVisible()
        assert shown.kind == "error"
        assert shown.text()
        assert line_rows(window) == []
    if shown.kind != "error":
        assert not any(m.kind == "error" for m in form.messages.values()) or line_rows(window) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=typed)
def test_any_text_in_the_note_fields_and_the_drug_picker(
    qtbot: QtBot, window: MainWindow, text: str
) -> None:
    window.order_form.flat.setChecked(True)
    for name, edit in window.order_form.inputs.items():  # whatever the other test left
        edit.setText("1050" if name == "dose" else "")
    for edit in window.note_form.inputs.values():
        edit.clear()
        type_text(edit, text)
        window.scan_catcher.flush()
    assert window.unexpected_errors == 0
    assert len(line_rows(window)) == 2  # note text never breaks the lines
    line = window.drug_selector.lineEdit()
    assert isinstance(line, QLineEdit)
    line.selectAll()
    type_text(line, text)
    window.scan_catcher.flush()
    assert window.unexpected_errors == 0
    if window.drug_selector.current_drug() is None and text.strip():
        assert window.drug_message.isVisible()
    window.drug_selector.select("atezolizumab")

"""Issue 16 in the window: the site's 340B entity type, the JZ policy, powders in UN, the
second NDC, and the less-given warning agreeing with the lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from doseunits.app.folders import config_dir
from doseunits.catalog.ndc import Ndc
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, line_rows, message, open_window, units


def window_at(qtbot: QtBot, site_settings: str = "") -> MainWindow:
    if site_settings:
        path = config_dir() / "site-settings.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(site_settings, encoding="utf-8")
    return open_window(qtbot)


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = window_at(qtbot)
    yield window
    window.close()


def payer_message(window: MainWindow) -> str:
    label = window.billing.message
    return label.text() if label.isVisible() else ""


def test_a_dsh_site_bills_jg_and_the_date_decides(qtbot: QtBot) -> None:
    window = window_at(qtbot, '[billing]\nentity_340b = "dsh"\n')
    qtbot.keyClicks(field(window, "dose"), "1050")
    window.billing.acquired_340b.setChecked(True)
    assert units(window) == [("JG", "105"), ("JW JG", "15")]
    assert payer_message(window) == ""
    window.order_form.date.setDate(QDate(2017, 12, 31))  # before JG and TB existed
    assert units(window) == [("", "105"), ("JW", "15")]
    assert "JG and TB exist from 2018-01-01" in payer_message(window)
    window.close()


def test_a_critical_access_hospital_marks_340b_from_2024(qtbot: QtBot) -> None:
    window = window_at(qtbot, '[billing]\nentity_340b = "critical-access"\n')
    qtbot.keyClicks(field(window, "dose"), "1680")
    window.billing.acquired_340b.setChecked(True)
    window.order_form.date.setDate(QDate(2023, 12, 31))
    assert units(window) == [("JZ", "168")]
    assert "from 2024-01-01" in payer_message(window)
    window.order_form.date.setDate(QDate(2024, 1, 1))
    assert units(window) == [("JZ TB", "168")]
    window.close()


def test_no_entity_set_keeps_tb_and_asks_for_it(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(field(window, "dose"), "1050")
    window.billing.acquired_340b.setChecked(True)
    assert units(window) == [("TB", "105"), ("JW TB", "15")]
    assert "entity_340b in site-settings.toml" in payer_message(window)


def test_commercial_template_takes_jz(qtbot: QtBot, window: MainWindow) -> None:
    """The commercial template's JZ policy is optional: JZ where nothing was discarded."""
    qtbot.keyClicks(field(window, "dose"), "1680")
    window.billing.select_payer("commercial")
    assert units(window) == [("JZ", "168")]
    window.billing.select_payer("commercial-no-waste")  # not used
    assert units(window) == [("", "168")]


def test_trodelvy_lines_are_in_un(qtbot: QtBot, window: MainWindow) -> None:
    window.drug_selector.select("sacituzumab-govitecan")
    qtbot.keyClicks(field(window, "dose"), "725")
    rows = [row[3:6] for row in line_rows(window)]
    assert rows == [
        ["55135-0132-01", "4.028 UN", "N455135013201 UN4.028"],
        ["55135-0132-01", "0.972 UN", "N455135013201 UN0.972"],
    ]


def test_two_ndcs_on_one_line_say_where_the_second_goes(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(field(window, "dose"), "2040")
    window.vials.set_count(Ndc.parse("50242-0917-01"), 1)
    window.vials.set_count(Ndc.parse("50242-0918-01"), 1)
    assert units(window) == [("JZ", "204")]
    assert "item 19 of the CMS-1500 or the 837P NTE segment" in window.results.steps.text()
    assert "in item 19 or the 837P NTE segment: NDC 50242-0918-01" in (
        window.results.snippet.toPlainText()
    )


def test_less_given_from_a_smaller_vial_is_worded_as_billed(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClicks(field(window, "dose"), "1200")
    window.vials.set_count(Ndc.parse("50242-0917-01"), 0)
    window.vials.set_count(Ndc.parse("50242-0918-01"), 1)
    qtbot.keyClicks(field(window, "administered"), "800")
    assert units(window) == [("", "80"), ("JW", "4")]
    told = message(window, "administered")
    assert "40 mg is left in the opened single-dose vials and counts as discarded" in told
    assert "400 mg not given" not in told
    assert "Discarded: 40 mg" in window.results.snippet.toPlainText()

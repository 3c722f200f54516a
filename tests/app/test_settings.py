"""The settings schema, its one QSettings adapter, and who may set what (user or site),
on real INI and TOML files in the test's own config folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from doseunits.app.folders import site_settings_file, user_settings_file
from doseunits.app.settings import (
    BILLING_PAYER,
    HISTORY_ENABLED,
    NOTE_PREPARER,
    NOTE_SITE,
    RETENTION_DAYS,
    ROUNDING_PERCENT,
    SCHEMA,
    SETTINGS,
    STORE_PATIENT_IDENTIFIER,
    WINDOW_GEOMETRY,
    Setting,
    SiteSettings,
    read_site_settings,
)
from doseunits.errors import CatalogError
from doseunits.gui.actions.settings_store import SettingsStore
from doseunits.gui.dialogs.history_dialog import HistoryDialog
from doseunits.payers.model import DEFAULT_PAYER
from gui_helpers import open_window

NO_SITE = SiteSettings(Path("none.toml"), {})
LOGGER = "doseunits.app.settings"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_has_one_setting_a_default_and_a_scope() -> None:
    assert len(SCHEMA) == len(SETTINGS) == 9
    for setting in SETTINGS:
        assert setting.scope in ("user", "site")
        assert setting.read(None, "x") == setting.default
        assert setting.about
    # A patient identifier is stored only if the site says so; nothing is on by default.
    assert (STORE_PATIENT_IDENTIFIER.scope, STORE_PATIENT_IDENTIFIER.default) == ("site", False)
    assert (HISTORY_ENABLED.scope, HISTORY_ENABLED.default) == ("user", False)
    assert BILLING_PAYER.default == DEFAULT_PAYER


@pytest.mark.parametrize(
    ("setting", "raw", "value"),
    [
        (HISTORY_ENABLED, "true", True), (HISTORY_ENABLED, " Yes ", True),
        (HISTORY_ENABLED, "0", False), (HISTORY_ENABLED, True, True),
        (RETENTION_DAYS, "30", 30), (RETENTION_DAYS, 365, 365), (RETENTION_DAYS, "0", 0),
        (ROUNDING_PERCENT, "25", 25), (NOTE_SITE, "Infusion Center A", "Infusion Center A"),
        (NOTE_SITE, ["Infusion Center A", " West"], "Infusion Center A,  West"),
        (WINDOW_GEOMETRY, b"\x01\xd9", b"\x01\xd9"),
    ],
)  # fmt: skip
def test_stored_values_are_read_typed(setting: Setting[Any], raw: object, value: object) -> None:
    assert setting.read(raw, "settings.ini") == value


@pytest.mark.parametrize(
    ("setting", "raw", "why"),
    [
        (HISTORY_ENABLED, "maybe", "not true or false"), (HISTORY_ENABLED, 1, "not true"),
        (RETENTION_DAYS, "-5", "not from 0 to 36500"), (RETENTION_DAYS, "ten", "whole number"),
        (RETENTION_DAYS, True, "whole number"), (ROUNDING_PERCENT, "40", "not from 0 to 25"),
        (ROUNDING_PERCENT, "10.5", "whole number"), (NOTE_PREPARER, 7, "not a text"),
        (WINDOW_GEOMETRY, "garbage", "not Qt's bytes"),
    ],
)  # fmt: skip
def test_a_bad_stored_value_is_logged_and_the_default_used(
    caplog: pytest.LogCaptureFixture, setting: Setting[Any], raw: object, why: str
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        value = setting.read(raw, "/cfg/settings.ini")
    assert value == setting.default
    (record,) = caplog.records
    assert record.getMessage().startswith(f"/cfg/settings.ini: the setting {setting.key} = ")
    assert why in record.getMessage()


def test_the_adapter_reads_a_hand_edited_ini_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "settings.ini",
        "[history]\nenabled=maybe\nretention_days=90\nstore_patient_identifier=yes\n"
        "[policy]\nrounding_percent=abc\n[note]\nsite=Infusion Center A, West\n"
        "preparer=RPh AB\n[billing]\npayer=medicaid\n[window]\ngeometry=garbage\n",
    )
    store = SettingsStore(path, NO_SITE)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = {setting.key: store.get(setting) for setting in SETTINGS}
    assert got == {
        "window/geometry": b"", "note/site": "Infusion Center A, West",
        "note/preparer": "RPh AB", "billing/payer": "medicaid", "policy/rounding_percent": 0,
        "history/enabled": False, "history/store_patient_identifier": True,
        "history/retention_days": 90, "billing/entity_340b": "",
    }  # fmt: skip
    logged = sorted(record.getMessage().split(" = ")[0] for record in caplog.records)
    keys = ("history/enabled", "policy/rounding_percent", "window/geometry")
    assert logged == [f"{path}: the setting {key}" for key in keys]


def test_what_is_set_is_written_to_the_file_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    store = SettingsStore(path, NO_SITE)
    assert store.set(HISTORY_ENABLED, True)
    assert store.set(RETENTION_DAYS, 30)
    assert store.set(NOTE_SITE, "Infusion Center A, West")
    assert store.set(WINDOW_GEOMETRY, b"\x00\x01\xff")
    store.sync()
    text = path.read_text(encoding="utf-8")
    assert "enabled=true" in text
    assert "retention_days=30" in text
    again = SettingsStore(path, NO_SITE)  # a new session reads the file
    assert again.get(HISTORY_ENABLED) is True
    assert again.get(RETENTION_DAYS) == 30
    assert again.get(NOTE_SITE) == "Infusion Center A, West"
    assert again.get(WINDOW_GEOMETRY) == b"\x00\x01\xff"


def test_a_value_out_of_its_range_is_never_written(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.ini", NO_SITE)
    with pytest.raises(ValueError, match="not from 0 to 25"):
        store.set(ROUNDING_PERCENT, 26)
    store.sync()
    assert not (tmp_path / "settings.ini").exists()


SITE_FILE = """
[history]
store_patient_identifier = true
retention_days = 365

[policy]
rounding_percent = 10
"""


def test_the_site_file_fixes_its_settings_over_the_users(tmp_path: Path) -> None:
    site = read_site_settings(write(tmp_path / "site-settings.toml", SITE_FILE))
    user = write(tmp_path / "settings.ini",
                 "[history]\nstore_patient_identifier=false\nretention_days=7\n"
                 "[policy]\nrounding_percent=20\n")  # fmt: skip
    store = SettingsStore(user, site)
    assert store.get(STORE_PATIENT_IDENTIFIER) is True
    assert store.get(RETENTION_DAYS) == 365
    assert store.get(ROUNDING_PERCENT) == 10
    assert store.fixed_by_site(RETENTION_DAYS)
    assert not store.fixed_by_site(HISTORY_ENABLED)
    assert not store.set(RETENTION_DAYS, 30)  # refused: the user's file keeps its own
    assert store.set(HISTORY_ENABLED, True)
    store.sync()
    own = SettingsStore(user, NO_SITE)  # the user's file alone, as it now is
    assert (own.get(RETENTION_DAYS), own.get(STORE_PATIENT_IDENTIFIER)) == (7, False)
    assert own.get(HISTORY_ENABLED) is True


def test_what_the_site_file_leaves_out_is_the_users(tmp_path: Path) -> None:
    site = read_site_settings(
        write(tmp_path / "site-settings.toml", "[policy]\nrounding_percent = 5\n")
    )
    user = write(tmp_path / "settings.ini", "[history]\nretention_days=7\n")
    store = SettingsStore(user, site)
    assert store.get(RETENTION_DAYS) == 7
    assert store.set(RETENTION_DAYS, 8)
    assert store.get(RETENTION_DAYS) == 8
    assert read_site_settings(tmp_path / "absent.toml").values == {}


def test_bad_entries_in_the_site_file_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "site-settings.toml",
        '[history]\nstore_patient_identifer = true\nenabled = true\nretention_days = "a year"\n'
        "[policy]\nrounding_percent = 10.0\n",
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        site = read_site_settings(path)
    # A bad value still fixes its setting, at the default: users don't get to pick it.
    assert site.values == {"history/retention_days": 0, "policy/rounding_percent": 0}
    messages = [record.getMessage() for record in caplog.records]
    assert f"{path}: history/store_patient_identifer is not a DoseUnits setting" in messages[0]
    assert f"{path}: history/enabled is each user's own setting" in messages[1]
    assert "history/retention_days = 'a year' can't be used (not a whole number)" in messages[2]
    assert "policy/rounding_percent = Decimal('10.0') can't be used" in messages[3]


def test_a_site_file_that_is_not_toml_is_one_sentence_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "site-settings.toml", "[history\nretention_days = 1\n")
    with pytest.raises(
        CatalogError, match=r"^Site settings file .*site-settings.toml is not valid"
    ):
        read_site_settings(path)


def test_the_window_starts_on_a_hand_edited_settings_file(qtbot: QtBot) -> None:
    write(user_settings_file(),
          "[policy]\nrounding_percent=40\n[billing]\npayer=no-such-payer\n[history]\n"
          "enabled=maybe\n[window]\ngeometry=garbage\n[note]\npreparer=RPh AB\n")  # fmt: skip
    window = open_window(qtbot)
    assert window.billing.rounding.value() == 0
    assert window.billing.rounding.isEnabled()
    assert window.billing.current_payer().id == DEFAULT_PAYER
    assert not window.order_history.keep_action.isChecked()
    assert (window.width(), window.height()) == (1240, 760)
    assert window.note_form.inputs["preparer"].text() == "RPh AB"
    window.close()


def test_a_policy_the_site_fixes_is_shown_locked_and_not_saved(qtbot: QtBot) -> None:
    write(site_settings_file(), SITE_FILE)
    write(user_settings_file(), "[policy]\nrounding_percent=20\n")
    window = open_window(qtbot)
    assert window.billing.rounding.value() == 10
    assert not window.billing.rounding.isEnabled()
    assert "site's settings file" in window.billing.rounding.toolTip()
    window.order_form.date.setDate(QDate(2026, 11, 28))
    window.drug_selector.select("sacituzumab-govitecan")
    window.order_form.inputs["dose"].setText("725")
    assert window.rounding_banner.isVisible()  # the site's 10% is the policy in force
    window.order_history.keep_action.setChecked(True)
    store = window.order_history.store()
    assert store is not None
    assert store.store_patient_identifier  # the site's choice, over the user's file
    window.order_history.show_dialog()
    dialog = window.findChild(QDialog, "historyDialog")
    assert isinstance(dialog, HistoryDialog)
    assert (dialog.retention.value(), dialog.retention.isEnabled()) == (365, False)
    dialog.close()
    window.order_history.close()
    window.close()
    assert "rounding_percent=20" in user_settings_file().read_text(encoding="utf-8")

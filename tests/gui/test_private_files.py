"""The window's files on disk (issue 17): the log, settings.ini, a saved note and PDF are
owner-only in owner-only folders whatever the umask, never written through a link; a data
folder that can't be made, or a site file that can't be used, opens the window anyway
and says so once."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from doseunits.app.folders import config_dir, data_dir
from doseunits.app.settings import NOTE_PREPARER
from doseunits.gui import build_main_window
from doseunits.gui.app import log
from doseunits.gui.main_window import MainWindow
from gui_helpers import open_window

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and links")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def start_box(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "startProblemsBox") is not None)
    box = window.findChild(QMessageBox, "startProblemsBox")
    assert isinstance(box, QMessageBox)
    return box


@posix
def test_the_log_and_the_data_folder_are_owner_only(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    log.warning("Patient Jane Roe: a line that must stay private")
    path = data_dir() / "doseunits.log"
    assert "Jane Roe" in path.read_text(encoding="utf-8")
    assert mode(path) == 0o600
    assert mode(data_dir()) == 0o700
    window.close()


@posix
def test_a_log_link_is_not_followed(qtbot: QtBot, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    data_dir().mkdir(parents=True)
    (data_dir() / "doseunits.log").symlink_to(victim)
    window = open_window(qtbot)
    log.warning("a line")
    assert victim.read_text() == "keep"
    box = start_box(qtbot, window)
    assert "is a link" in box.text()
    box.close()
    window.close()


@posix
def test_settings_ini_and_its_folder_are_owner_only(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOSEUNITS_CONFIG_DIR")  # the user's own folder (XDG_CONFIG_HOME)
    window = open_window(qtbot)
    window.settings.set(NOTE_PREPARER, "AB")
    window.settings.sync()
    path = config_dir() / "settings.ini"
    assert "AB" in path.read_text(encoding="utf-8")
    assert mode(path) == 0o600
    assert mode(config_dir()) == 0o700
    window.close()


@posix
def test_a_settings_link_is_replaced_not_written_through(qtbot: QtBot, tmp_path: Path) -> None:
    victim = tmp_path / "dotfiles-settings.ini"
    victim.write_text("[note]\npreparer=ZZ\n")
    config_dir().mkdir(parents=True)
    link = config_dir() / "settings.ini"
    link.symlink_to(victim)
    window = open_window(qtbot)
    assert window.settings.get(NOTE_PREPARER) == "ZZ"  # what it held is kept
    window.settings.set(NOTE_PREPARER, "AB")
    window.settings.sync()
    assert victim.read_text() == "[note]\npreparer=ZZ\n"
    assert not link.is_symlink()
    assert "AB" in link.read_text(encoding="utf-8")
    assert mode(link) == 0o600
    window.close()


@posix
def test_a_saved_pdf_is_owner_only_and_replaces_a_link(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot)
    window.order_form.inputs["dose"].setText("1050")
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"someone else's")
    link = tmp_path / "note.pdf"
    link.symlink_to(victim)
    window.note_actions.ask_pdf_path = lambda: link
    window.note_actions.save_pdf()
    assert victim.read_bytes() == b"someone else's"
    assert not link.is_symlink()
    assert link.read_bytes().startswith(b"%PDF")
    assert mode(link) == 0o600
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "made-elsewhere.pdf")
    window.note_actions.ask_pdf_path = lambda: dangling
    window.note_actions.save_pdf()
    assert not (tmp_path / "made-elsewhere.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    window.close()


@posix
def test_a_saved_text_note_replaces_a_link(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot)
    window.order_form.inputs["dose"].setText("1050")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "note.txt"
    link.symlink_to(victim)
    window.note_actions.ask_save_path = lambda: link
    window.note_actions.save()
    assert victim.read_text() == "keep"
    assert "J9022" in link.read_text(encoding="utf-8")
    assert mode(link) == 0o600
    window.close()


def test_a_data_folder_that_cant_be_made_opens_the_window_without_history(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DOSEUNITS_DATA_DIR", str(blocker / "data"))
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    box = start_box(qtbot, window)
    assert "history and the log are not available" in box.text()
    assert str(blocker / "data") in box.text()
    window.order_history.keep_action.setChecked(True)
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    window.note_actions.copy()  # finished: not recorded, and no second message
    assert window.findChildren(QMessageBox, "startProblemsBox") == [box]
    logging.getLogger("doseunits").warning("nowhere to go, and no crash")
    box.close()
    window.close()


DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"
BROKEN_SITE_FILES = [
    ("catalog/site.toml", "[[drug]]\nid = \n"),
    ("catalog/site.toml", 'drug = ["x"]\n'),
    ("catalog/site.toml", DEEP),
    ("payers/site.toml", 'payer = ["x"]\n'),
    ("payers/site.toml", "[[payer]]\nid = 5\n"),
    ("site-settings.toml", DEEP),
    ("note.txt", b"\xff\xfe not UTF-8"),
    ("catalog/fifo.toml", None),  # a FIFO: it would block the start for ever
]


@pytest.mark.parametrize(("name", "content"), BROKEN_SITE_FILES)
def test_a_broken_site_file_opens_the_window_with_a_message(
    qtbot: QtBot, name: str, content: str | bytes | None
) -> None:
    path = config_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        if os.name != "posix":
            pytest.skip("FIFOs are POSIX")
        os.mkfifo(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    box = start_box(qtbot, window)
    text = box.text()
    box.close()
    assert str(path) in text
    assert "shipped catalog" in text
    assert "Traceback" not in text
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    assert window.result is not None
    window.close()


@posix
def test_settings_written_by_qt_itself_are_owner_only(qtbot: QtBot) -> None:
    """QSettings also writes on its own (from the event loop, or when it is deleted)."""
    from doseunits.app.settings import SiteSettings
    from doseunits.gui.actions.settings_store import SettingsStore

    path = config_dir() / "settings.ini"
    store = SettingsStore(path, SiteSettings(path, {}))
    store.set(NOTE_PREPARER, "CD")
    del store
    import gc

    gc.collect()
    assert "CD" in path.read_text(encoding="utf-8")
    assert mode(path) == 0o600

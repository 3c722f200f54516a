"""settings.ini links placed after start (issue 17): every write of the window's settings
is checked first, so a link put in place while the window runs is replaced, never written
through (QSettings' QSaveFile writes a link's target)."""

from __future__ import annotations

import gc
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from doseunits.app.folders import config_dir
from doseunits.app.settings import NOTE_PREPARER, NOTE_SITE, SiteSettings
from doseunits.gui.actions.settings_store import SettingsStore

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX links")
VICTIM_TEXT = "[note]\npreparer=ZZ\n"


def started(tmp_path: Path) -> tuple[SettingsStore, Path, Path]:
    """A store as the window has it after start, and a victim file elsewhere."""
    path = config_dir() / "settings.ini"
    store = SettingsStore(path, SiteSettings(path, {}))
    store.set(NOTE_PREPARER, "AB")
    victim = tmp_path / "victim.ini"
    victim.write_text(VICTIM_TEXT, encoding="utf-8")
    return store, path, victim


def swap_in_link(path: Path, victim: Path) -> None:
    link = path.with_name("settings.ini.swap")
    link.symlink_to(victim)
    os.replace(link, path)


@posix_only
def test_a_link_placed_after_start_is_replaced_on_the_next_write(tmp_path: Path) -> None:
    store, path, victim = started(tmp_path)
    swap_in_link(path, victim)
    store.set(NOTE_SITE, "CD")
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT
    assert not path.is_symlink()
    text = path.read_text(encoding="utf-8")
    assert "CD" in text
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600


@posix_only
def test_nothing_is_left_for_qsettings_to_write_on_its_own(tmp_path: Path) -> None:
    """QSettings writes pending values from the event loop or when deleted, unchecked:
    ``set`` writes them at once, so a link placed afterwards is never written through."""
    store, path, victim = started(tmp_path)
    store.set(NOTE_SITE, "CD")
    swap_in_link(path, victim)
    del store
    gc.collect()
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT


@posix_only
def test_a_link_placed_before_an_explicit_sync_is_replaced(tmp_path: Path) -> None:
    store, path, victim = started(tmp_path)
    swap_in_link(path, victim)
    store.sync()
    assert victim.read_text(encoding="utf-8") == VICTIM_TEXT
    assert not path.is_symlink()
    assert store.get(NOTE_PREPARER) == "ZZ"  # what the link pointed to is kept, as at start


class _SwappingSettings:
    """The store's QSettings, with a link swapped in at the moment it writes."""

    def __init__(self, real: Any, path: Path, victim: Path) -> None:
        self.real, self.path, self.victim = real, path, victim

    def sync(self) -> None:
        swap_in_link(self.path, self.victim)
        self.real.sync()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@posix_only
def test_a_link_swapped_in_during_the_write_is_found_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The one gap QSettings leaves (between the check and QSaveFile's open): the file is
    checked again after the write, the link replaced and the event logged as an error."""
    store, path, victim = started(tmp_path)
    store.user = _SwappingSettings(store.user, path, victim)  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR):
        store.sync()
    assert not path.is_symlink()
    assert "was swapped for a link while it was written" in caplog.text

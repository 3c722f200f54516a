"""The one door between QSettings and the settings schema (app/settings.py).

Everything the window remembers is read and written here, as typed values: a setting
the site's file fixes comes from there and is never written to the user's file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from doseunits import files
from doseunits.app.folders import config_dir_is_shared
from doseunits.app.settings import Setting, SiteSettings

log = logging.getLogger(__name__)
#: Far more than the window's few settings; a larger settings.ini is not read.
SETTINGS_LIMIT = 1 << 20

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeVar

    T = TypeVar("T")


class SettingsStore:
    def __init__(self, user_file: Path, site: SiteSettings) -> None:
        self.path = user_file
        private_settings_folder(user_file)
        self._private = False
        self.user = QSettings(str(user_file), QSettings.Format.IniFormat)
        self.site = site

    @property
    def user_file(self) -> str:
        return self.user.fileName()

    def fixed_by_site(self, setting: Setting[Any]) -> bool:
        return self.site.fixes(setting)

    def get(self, setting: Setting[T]) -> T:
        if self.site.fixes(setting):
            return self.site.value(setting)
        raw = self.user.value(setting.key)
        if isinstance(raw, QByteArray):
            raw = bytes(raw.data())
        return setting.read(raw, self.user_file)

    def set(self, setting: Setting[T], value: T) -> bool:
        """Write ``value`` to the user's file; False (nothing written) when the site fixes
        the setting. A value of the wrong type or range is a bug: ValueError."""
        if self.site.fixes(setting):
            return False
        checked = setting.parse(value)
        if not self._private:  # made 0600 before Qt writes it (QSaveFile keeps the mode)
            with contextlib.suppress(OSError):
                files.create_private(self.path)
            self._private = True
        stored = QByteArray(checked) if isinstance(checked, bytes) else checked
        self.user.setValue(setting.key, stored)
        self.sync()  # now, checked: QSettings' own later write would not be (issue 17)
        return True

    def sync(self) -> None:
        """Write what was set to the file now (QSettings would, later), owner-only, and
        never through a link: QSettings' QSaveFile writes a link's target, so a link put
        in place since start is replaced by a file first, as at start. After the write the
        file is checked again; a link found then (swapped in during the write) is logged
        and replaced. ``set`` calls it, so nothing is left for QSettings to write alone."""
        if os.path.islink(self.path):
            log.warning("%s became a link after start; it is replaced, not written through.",
                        self.path)  # fmt: skip
            private_settings_folder(self.path)
        self.user.sync()
        if os.path.islink(self.path):
            log.error("%s was swapped for a link while it was written; replaced.", self.path)
            private_settings_folder(self.path)
        with contextlib.suppress(OSError):  # QSaveFile keeps the mode; this is the check
            files.make_private(self.path)


def private_settings_folder(path: Path) -> None:
    """Before QSettings reads ``path``: its folder made (0700 when DoseUnits makes it; a
    folder IT shared keeps its mode), an existing file made 0600, and never a link (Qt
    would write through one): a link is replaced by a file holding what it pointed to.
    A folder that can't be made leaves QSettings to work in memory (logged)."""
    try:
        files.private_folder(path.parent, tighten=not config_dir_is_shared())
        if os.path.islink(path):
            try:
                kept = files.read_limited(path, SETTINGS_LIMIT)
            except OSError:
                kept = b""
            files.write_bytes(path, kept)  # replaces the link itself, atomically
            log.warning("%s was a link; it is now a file of its own (0600).", path)
        files.make_private(path)
    except OSError as error:
        log.warning("The settings file %s can't be kept private: %s", path, files.why(error))

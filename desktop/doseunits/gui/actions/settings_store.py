"""The one door between QSettings and the settings schema (app/settings.py).

Everything the window remembers is read and written here, as typed values: a setting
the site's file fixes comes from there and is never written to the user's file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from doseunits.app.settings import Setting, SiteSettings

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeVar

    T = TypeVar("T")


class SettingsStore:
    def __init__(self, user_file: Path, site: SiteSettings) -> None:
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
        stored = QByteArray(checked) if isinstance(checked, bytes) else checked
        self.user.setValue(setting.key, stored)
        return True

    def sync(self) -> None:
        """Write what was set to the file now (QSettings would, later)."""
        self.user.sync()

"""Every setting DoseUnits keeps: its key, type, default, and who may set it.

Two files hold them, both in the config folder (app/folders.py):

- ``settings.ini``, the user's: QSettings' INI format, written by the window through its
  one adapter (gui/actions/settings_store.py). It was there before the site file, so an
  old install's file keeps working as it is.
- ``site-settings.toml``, the site's: written by IT beside the site's ``catalog/``,
  ``payers/`` and ``note.txt``, never by DoseUnits. TOML like those files, so it is read
  here without Qt (the command line has none), and a file that isn't TOML stops the
  start with one sentence naming it, as a broken catalog file does. Its tables and keys
  are the INI file's sections and keys::

      [history]
      store_patient_identifier = false
      retention_days = 365

A ``user`` setting comes from the user's file only: a site file naming it is logged and
ignored. A ``site`` setting that the site's file sets is fixed: the user's file can't
override it and the window shows its input disabled. One the site's file leaves out is
read from the user's file, where sites kept such settings before the site file existed.

A stored value that can't be used (a hand edit: ``maybe`` for a flag, 40 for a percent
from 0 to 25) is logged and the setting takes its default: never a crash, never a guess.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from doseunits.payers.model import DEFAULT_PAYER, ENTITIES_340B
from doseunits.tomlfile import read_toml

log = logging.getLogger(__name__)

T = TypeVar("T")
Scope = Literal["user", "site"]

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


class Setting(Generic[T]):
    """One setting. Plain classes, not dataclasses: the window starts with them, and a
    dataclass's generated methods cost ~4 million instructions each class at start."""

    __slots__ = ("about", "default", "key", "scope")

    def __init__(self, key: str, default: T, scope: Scope, about: str) -> None:
        self.key = key  # "section/name", as QSettings spells it
        self.default = default
        self.scope = scope
        self.about = about

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r})"

    def parse(self, raw: object) -> T:
        """The value stored as ``raw`` (an INI file's text, or a TOML value); raises
        ValueError saying what is wrong with it."""
        raise NotImplementedError

    def read(self, raw: object, where: str) -> T:
        """``raw`` from the file ``where`` as a value: the default when it is missing or
        can't be used (logged)."""
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as error:
            log.warning(
                "%s: the setting %s = %r can't be used (%s); using its default, %r.",
                where, self.key, raw, error, self.default,
            )  # fmt: skip
            return self.default


class Flag(Setting[bool]):
    __slots__ = ()

    def parse(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str):
            text = raw.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        raise ValueError("not true or false")


class Number(Setting[int]):
    __slots__ = ("maximum", "minimum")

    def __init__(
        self, key: str, default: int, scope: Scope, about: str, minimum: int, maximum: int
    ) -> None:
        super().__init__(key, default, scope, about)
        self.minimum = minimum
        self.maximum = maximum

    def parse(self, raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("not a whole number")
        try:
            number = int(raw.strip()) if isinstance(raw, str) else raw
        except ValueError:
            raise ValueError("not a whole number") from None
        if not self.minimum <= number <= self.maximum:
            raise ValueError(f"not from {self.minimum} to {self.maximum}")
        return number


class Text(Setting[str]):
    __slots__ = ()

    def parse(self, raw: object) -> str:
        if isinstance(raw, str):
            return raw
        # QSettings reads an unquoted "A, B" typed into the INI file as a list.
        if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
            return ", ".join(raw)
        raise ValueError("not a text")


class Choice(Setting[str]):
    """One of a fixed set of words ("" for not set)."""

    __slots__ = ("choices",)

    def __init__(
        self, key: str, default: str, scope: Scope, about: str, choices: tuple[str, ...]
    ) -> None:
        super().__init__(key, default, scope, about)
        self.choices = choices

    def parse(self, raw: object) -> str:
        if isinstance(raw, str) and raw.strip().lower() in (*self.choices, ""):
            return raw.strip().lower()
        raise ValueError(f"not one of {', '.join(self.choices)}")


class Blob(Setting[bytes]):
    """Bytes only Qt reads (the window's geometry)."""

    __slots__ = ()

    def parse(self, raw: object) -> bytes:
        if isinstance(raw, bytes):
            return raw
        raise ValueError("not Qt's bytes")


WINDOW_GEOMETRY = Blob("window/geometry", b"", "user", "where the window was, and its size")
NOTE_SITE = Text("note/site", "", "user", "the note's Site line")
NOTE_PREPARER = Text("note/preparer", "", "user", "the preparer's initials for the note")
BILLING_PAYER = Text("billing/payer", DEFAULT_PAYER, "user", "the payer profile last picked")
ROUNDING_PERCENT = Number(
    "policy/rounding_percent", 0, "site",
    "the dose-rounding threshold in percent (0: off; HOPA's example policy is 10)", 0, 25,
)  # fmt: skip
HISTORY_ENABLED = Flag("history/enabled", False, "user", "keep the local order history")
STORE_PATIENT_IDENTIFIER = Flag(
    "history/store_patient_identifier", False, "site",
    "keep the patient line and prior authorization in the order history",
)  # fmt: skip
#: docs/billing-rules.md §3.9: which of JG and TB the Medicare profiles put on 340B-acquired
#: drug. Set once by the site (Site.load reads it from the site's file only); "" not set.
ENTITY_340B = Choice(
    "billing/entity_340b", "", "site",
    "the site's 340B covered entity type, for the Medicare 340B modifier (JG or TB)",
    tuple(ENTITIES_340B),
)  # fmt: skip
RETENTION_DAYS = Number(
    "history/retention_days", 0, "site",
    "purge orders older than this many days from the history (0: keep them all)", 0, 36500,
)  # fmt: skip

SETTINGS: tuple[Setting[Any], ...] = (
    WINDOW_GEOMETRY, NOTE_SITE, NOTE_PREPARER, BILLING_PAYER, ROUNDING_PERCENT,
    HISTORY_ENABLED, STORE_PATIENT_IDENTIFIER, RETENTION_DAYS, ENTITY_340B,
)  # fmt: skip
SCHEMA: Mapping[str, Setting[Any]] = {setting.key: setting for setting in SETTINGS}


class SiteSettings:
    """The site-scoped settings that the site's file fixes, each as its typed value."""

    __slots__ = ("path", "values")

    def __init__(self, path: Path, values: Mapping[str, object]) -> None:
        self.path = path
        self.values = values

    def fixes(self, setting: Setting[Any]) -> bool:
        return setting.scope == "site" and setting.key in self.values

    def value(self, setting: Setting[T]) -> T:
        """What the site fixed ``setting`` to (call ``fixes`` first)."""
        value: T = self.values[setting.key]  # type: ignore[assignment]  # parsed by it
        return value


def read_site_settings(path: Path) -> SiteSettings:
    """The site's settings file; none is no setting fixed. A file that isn't TOML raises
    CatalogError naming it; a bad value or key in it is logged (see the module's doc)."""
    if not path.exists():  # a pipe or a device is there: refused by read_toml, not skipped
        return SiteSettings(path, {})
    values: dict[str, object] = {}
    for key, raw in _flattened(read_toml(path, "Site settings")).items():
        setting = SCHEMA.get(key)
        if setting is None:
            log.warning("%s: %s is not a DoseUnits setting (a typo?); ignored.", path, key)
        elif setting.scope != "site":
            log.warning("%s: %s is each user's own setting; the site's is ignored.", path, key)
        else:  # a bad value still fixes the setting, at its default: the site meant to
            values[key] = setting.read(raw, str(path))  # set it, not to leave it to users
    return SiteSettings(path, values)


def _flattened(tables: Mapping[str, object]) -> dict[str, object]:
    """``{"history": {"retention_days": 30}}`` as ``{"history/retention_days": 30}``.

    Tables deeper than a setting's ``section/name`` are not descended into (a table of
    5,000 levels would exhaust the stack): they are one unknown key, logged."""
    flat: dict[str, object] = {}
    pending: list[tuple[str, Mapping[str, object]]] = [("", tables)]
    while pending:
        prefix, table = pending.pop(0)
        for name, value in table.items():
            key = f"{prefix}{name}"
            if isinstance(value, dict) and key.count("/") < 2:
                pending.append((f"{key}/", value))
            else:
                flat[key] = value
    return flat

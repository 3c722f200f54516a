"""What the window remembers (QSettings): site, preparer, geometry, payer, rounding policy.

Never anything about a patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

if TYPE_CHECKING:
    from doseunits.gui.main_window import MainWindow

REMEMBERED_NOTE_FIELDS = ("site", "preparer")


def restore_settings(window: MainWindow) -> None:
    settings = window.settings
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(1240, 760)
    for field in REMEMBERED_NOTE_FIELDS:
        value = settings.value(f"note/{field}", "")
        window.note_form.inputs[field].setText(str(value or ""))
    window.billing.select_payer(str(settings.value("billing/payer", "") or ""))
    try:
        percent = int(str(settings.value("policy/rounding_percent", 0) or 0))
    except ValueError:  # a hand-edited settings file
        percent = 0
    window.billing.rounding.setValue(percent)


def save_settings(window: MainWindow) -> None:
    settings = window.settings
    settings.setValue("window/geometry", window.saveGeometry())
    for field in REMEMBERED_NOTE_FIELDS:
        settings.setValue(f"note/{field}", window.note_form.inputs[field].text())
    settings.setValue("billing/payer", window.billing.current_payer().id)
    settings.setValue("policy/rounding_percent", window.billing.rounding.value())
    settings.sync()

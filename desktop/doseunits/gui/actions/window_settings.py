"""What the window remembers (app/settings.py): site, preparer, geometry, payer, rounding
policy. Never anything about a patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

from doseunits.app.settings import (
    BILLING_PAYER,
    NOTE_PREPARER,
    NOTE_SITE,
    ROUNDING_PERCENT,
    WINDOW_GEOMETRY,
)

if TYPE_CHECKING:
    from doseunits.gui.main_window import MainWindow

#: The note's fields the window remembers (widgets/note_details.py REMEMBERED).
NOTE_SETTINGS = {"site": NOTE_SITE, "preparer": NOTE_PREPARER}


def restore_settings(window: MainWindow) -> None:
    settings = window.settings
    geometry = settings.get(WINDOW_GEOMETRY)
    if not (geometry and window.restoreGeometry(QByteArray(geometry))):
        window.resize(1240, 760)
    fit_to_screen(window)
    window.note_form.restore({field: settings.get(s) for field, s in NOTE_SETTINGS.items()})
    window.billing.select_payer(settings.get(BILLING_PAYER))
    window.billing.set_policy(
        settings.get(ROUNDING_PERCENT), fixed_by_site=settings.fixed_by_site(ROUNDING_PERCENT)
    )


def fit_to_screen(window: MainWindow) -> None:
    """No larger than the screen's free area (a small or scaled screen, or a size saved
    on a larger one): every control stays reachable, the window arranges itself."""
    free = window.screen().availableGeometry()
    width, height = min(window.width(), free.width()), min(window.height(), free.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
        window.move(free.topLeft())


def save_settings(window: MainWindow) -> None:
    settings = window.settings
    settings.set(WINDOW_GEOMETRY, bytes(window.saveGeometry().data()))
    remembered = window.note_form.remembered()
    for field, setting in NOTE_SETTINGS.items():
        settings.set(setting, remembered[field])
    settings.set(BILLING_PAYER, window.billing.current_payer().id)
    settings.set(ROUNDING_PERCENT, window.billing.policy())  # not written when the site's
    settings.sync()

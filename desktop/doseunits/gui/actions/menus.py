"""The window's menus; every routine action also has a button or a shortcut."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from doseunits.gui.qt_fast import set_property

if TYPE_CHECKING:
    from collections.abc import Callable

    from doseunits.gui.actions.note_actions import NoteActions
    from doseunits.gui.actions.order_history import OrderHistory
    from doseunits.gui.main_window import MainWindow


def build_menus(window: MainWindow, notes: NoteActions, history: OrderHistory) -> None:
    """The window's menus, its own actions and those of its note and order history."""
    file_menu = window.menuBar().addMenu("&File")
    _action(file_menu, "&New order", "Ctrl+N", window.new_order)
    _action(file_menu, "&Save note as text…", "Ctrl+S", notes.save)
    _action(file_menu, "&Print note…", "Ctrl+P", notes.print_note)
    _action(file_menu, "Save note as P&DF…", "Ctrl+Shift+P", notes.save_pdf)
    file_menu.addSeparator()
    # Order history and claim audit; their dialogs load on first use.
    file_menu.addAction(history.keep_action)
    _action(file_menu, "Order &history…", "Ctrl+H", history.show_dialog)

    def audit_claims() -> None:
        from PySide6.QtCore import Qt

        from doseunits.gui.dialogs.audit_dialog import AuditDialog

        dialog = AuditDialog(
            window.catalog,
            window.site.payers,
            window,
            limits=window.site.payment_limits,
            open_claim=window.load_draft,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    _action(file_menu, "&Audit claims…", None, audit_claims)
    _action(file_menu, "&Update drug catalog…", None, window.update_catalog)
    file_menu.addSeparator()
    # Qt's standard Quit keys: Ctrl+Q, none on Windows (a slip there would close an order).
    _action(file_menu, "&Quit", None if sys.platform == "win32" else "Ctrl+Q", window.close)
    edit_menu = window.menuBar().addMenu("&Edit")
    _action(edit_menu, "&Copy note", "Ctrl+Shift+C", notes.copy)
    help_menu = window.menuBar().addMenu("&Help")
    _action(help_menu, "&Catalog", None, window.show_catalog)
    _action(help_menu, "&About DoseUnits", None, window.show_about)


def _action(
    menu: QMenu, text: str, shortcut: str | None,
    slot: Callable[[], object],
) -> QAction:  # fmt: skip
    # By keyword and by property name: QAction(str, parent) builds PySide6's QIcon type,
    # QKeySequence its own, and setShortcut's overloads Qt's namespace of enums (see
    # gui/qt_fast.py). The meta-object turns "Ctrl+N" into the key sequence.
    action = QAction(text=text, parent=menu)
    if shortcut is not None:
        set_property(action, "shortcut", shortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action

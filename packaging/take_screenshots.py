"""Drive the real window to representative orders and save PNG screenshots: five at
1280x800, and on small screens (1024x768; 1280x800 at 150%) two orders on each tab; and
File > Update drug catalog... after importing the committed CMS files (resources/cms/).

Run through packaging/screenshots, which starts Xvfb (and openbox for the dialog, so it
has its title bar); this file only drives Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication

from doseunits.gui import build_main_window
from doseunits.gui.dialogs.catalog_update_dialog import CatalogUpdateDialog
from doseunits.gui.main_window import MainWindow

#: A day the shipped CMS files cover (2025 Q4, resources/cms/), so the amounts show the
#: allowed dollars, and the screenshots are the same whatever day they are taken.
DATE_OF_SERVICE = QDate(2025, 11, 14)
#: The committed CMS files the catalog-update screenshot imports (into the temporary
#: data folder packaging/screenshots gives it).
CROSSWALK = Path("resources/cms/2025-10-asp-ndc-hcpcs-crosswalk.csv")
PAYMENT_LIMITS = Path("resources/cms/2025-10-asp-pricing-file.csv")


def settle(app: QApplication) -> None:
    for _ in range(20):
        app.processEvents()


def atezolizumab(window: MainWindow) -> None:
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    window.note_form.inputs["preparer"].setText("RPh AB")
    window.note_form.inputs["witness"].setText("RPh CD")
    window.note_form.inputs["waste_reason"].setText("Remainder of single-dose vial")


def sacituzumab(window: MainWindow) -> None:
    window.drug_selector.select("sacituzumab-govitecan")
    window.order_form.per_kg.setChecked(True)
    window.order_form.inputs["dose_per_kg"].setText("10")
    window.order_form.inputs["weight"].setText("72.5")


def jz_case(window: MainWindow) -> None:
    window.drug_selector.select("nivolumab")
    window.order_form.inputs["dose"].setText("480")


def station(window: MainWindow) -> None:
    """A scanned vial, a 340B Medicaid claim, and the site's rounding suggestion."""
    window.billing.select_payer("medicaid")
    window.billing.acquired_340b.setChecked(True)
    window.billing.rounding.setValue(10)
    window.handle_scan("]d2010035024291701817270630102B1234\x1d21SN0042")
    window.order_form.inputs["dose"].setText("1150")
    show_vials(window)  # the scanned vial's row, its lot and expiry


def show_vials(window: MainWindow) -> None:
    """Scroll the order to the vial table (below the fold at 1280x800)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settle(app)
    window.form_pane.ensureWidgetVisible(window.vials, 0, 0)


def unconfirmed(window: MainWindow) -> None:
    """An NDC from CMS's crosswalk whose container no source gives (Zaltrap J9400):
    its row's Check label, and the waste shown pending the label."""
    window.drug_selector.select(window.catalog.search("00024-5840-01")[0].id)  # j9400
    window.order_form.per_kg.setChecked(True)
    window.order_form.inputs["dose_per_kg"].setText("4")
    window.order_form.inputs["weight"].setText("72.5")
    show_vials(window)  # its rows' Check label


ORDERS: dict[str, Callable[[MainWindow], None]] = {
    "atezolizumab-1050mg": atezolizumab,
    "sacituzumab-10mg-per-kg": sacituzumab,
    "nivolumab-480mg-jz": jz_case,
    "station-scan-medicaid-340b-rounding": station,
    "zaltrap-unconfirmed-check-label": unconfirmed,
}
#: On a small or scaled screen (the window in two tabs), the orders shown on each tab.
SMALL_ORDERS = ("atezolizumab-1050mg", "sacituzumab-10mg-per-kg")


def catalog_update(window: MainWindow, app: QApplication, folder: Path) -> int:
    """File > Update drug catalog... once the committed crosswalk and payment limit file
    are imported: the dialog, with its title bar, as the window manager frames it."""
    window.update_catalog()
    dialog = window.findChild(CatalogUpdateDialog, "catalogUpdateDialog")
    assert dialog is not None
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    dialog.inputs["payment_limits"].setText(str(PAYMENT_LIMITS))
    dialog.start()
    dialog.wait(300)
    if dialog.result_done is None:
        print(f"the import did not finish: {dialog.status.text()}", file=sys.stderr)
        return 1
    settle(app)
    frame = dialog.frameGeometry()
    pixmap = dialog.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    return save(pixmap, folder / "catalog-update-imported.png")


def save(pixmap: QPixmap, path: Path) -> int:
    if not pixmap.save(str(path)):
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0


def main(folder: Path, screen_name: str) -> int:
    """``screen_name`` "": the full screen shots (1280x800); "catalog-update": File >
    Update drug catalog...; else, e.g. "1024x768", the small-screen set, each order on
    the Order tab and on the Results tab."""
    folder.mkdir(parents=True, exist_ok=True)
    window = build_main_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = window.screen()
    free = screen.availableGeometry()
    window.move(0, 0)
    if screen_name and screen_name != "catalog-update":  # the whole (small) screen
        window.resize(free.width(), free.height())
    else:
        window.resize(1280, 800)
    window.show()
    if screen_name == "catalog-update":
        settle(app)
        status = catalog_update(window, app, folder)
        window.close()
        return status
    shots: list[tuple[str, str, int]] = []  # (file name, order, tab)
    if not screen_name:
        shots = [(name, name, 0) for name in ORDERS]
    else:
        for name in SMALL_ORDERS:
            shots.append((f"{screen_name}-{name}-order", name, 0))
            shots.append((f"{screen_name}-{name}-results", name, 1))
    for file_name, order, tab in shots:
        window.new_order()
        window.billing.select_payer("medicare-part-b")
        window.billing.rounding.setValue(0)
        window.order_form.date.setDate(DATE_OF_SERVICE)
        ORDERS[order](window)
        settle(app)
        if window.narrow:
            window.tabs.setCurrentIndex(tab)
        settle(app)
        geometry = screen.geometry()
        pixmap = screen.grabWindow(0, 0, 0, geometry.width(), geometry.height())
        if save(pixmap, folder / f"{file_name}.png"):
            return 1
    window.close()
    return 0


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("resources/screenshots")
    sys.exit(main(folder, sys.argv[2] if len(sys.argv) > 2 else ""))

"""Drive the real window to representative orders and save PNG screenshots: four at
1280x800, and on small screens (1024x768; 1280x800 at 150%) two orders on each tab.

Run through packaging/screenshots, which starts Xvfb; this file only drives Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow


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


ORDERS: dict[str, Callable[[MainWindow], None]] = {
    "atezolizumab-1050mg": atezolizumab,
    "sacituzumab-10mg-per-kg": sacituzumab,
    "nivolumab-480mg-jz": jz_case,
    "station-scan-medicaid-340b-rounding": station,
}
#: On a small or scaled screen (the window in two tabs), the orders shown on each tab.
SMALL_ORDERS = ("atezolizumab-1050mg", "sacituzumab-10mg-per-kg")


def main(folder: Path, screen_name: str) -> int:
    """``screen_name`` "": the full screen shots (1280x800); else, e.g. "1024x768", the
    small-screen set, each order on the Order tab and on the Results tab."""
    folder.mkdir(parents=True, exist_ok=True)
    window = build_main_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = window.screen()
    free = screen.availableGeometry()
    window.move(0, 0)
    if screen_name:  # the whole (small) screen, as a user there would have it
        window.resize(free.width(), free.height())
    else:
        window.resize(1280, 800)
    window.show()
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
        ORDERS[order](window)
        settle(app)
        if window.narrow:
            window.tabs.setCurrentIndex(tab)
        settle(app)
        path = folder / f"{file_name}.png"
        geometry = screen.geometry()
        pixmap = screen.grabWindow(0, 0, 0, geometry.width(), geometry.height())
        if not pixmap.save(str(path)):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(path)
    window.close()
    return 0


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("resources/screenshots")
    sys.exit(main(folder, sys.argv[2] if len(sys.argv) > 2 else ""))

"""``doseunits --self-test``: real work through every part, for a fresh install or bundle.

Loads the site (catalog, payers, note template, settings: shipped and the site's own)
once, runs the engine over known orders with it, and opens and closes the main window
on it on the offscreen platform. Prints ``self-test passed`` and
returns 0, or names the first failure and returns 1.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal

from doseunits.app.site import Site
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.outputs.note import render_note

# (drug, dose mg, expected (modifiers, units) per line): docs/billing-rules.md §3's examples.
KNOWN_ORDERS = (
    ("atezolizumab", "1050", [((), 105), (("JW",), 15)]),
    ("atezolizumab", "1680", [(("JZ",), 168)]),
    ("sacituzumab-govitecan", "725", [((), 290), (("JW",), 70)]),
    ("nivolumab", "480", [(("JZ",), 480)]),
)


def run_self_test(with_window: bool = True) -> int:
    try:
        site = Site.load()
        _check_engine(site)
        if with_window:
            _check_window(site)
    except Exception as error:  # the self-test reports any failure as one line
        print(f"self-test failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print("self-test passed")
    return 0


def _check_engine(site: Site) -> None:
    for drug_id, dose, expected in KNOWN_ORDERS:
        drug = site.catalog.find(drug_id)
        order = DoseOrder(drug, dt.date(2026, 1, 2), dose_mg=Decimal(dose))
        result = compute(order)
        got = [(line.modifiers, line.units) for line in result.lines]
        if got != expected:
            raise AssertionError(f"{drug_id} {dose} mg gave {got}, expected {expected}")
        note = render_note(result, site.template)
        if result.drug.hcpcs not in note:
            raise AssertionError(f"the note for {drug_id} does not name {result.drug.hcpcs}")


#: What Qt says on an offscreen platform or a C locale; nothing to do with the app.
EXPECTED_QT_MESSAGES = (
    "This plugin does not support",
    "Detected locale",
    "Qt depends on a UTF-8 locale",
    "If this causes problems",
    "for more information",
)


def _check_window(site: Site) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    from doseunits.gui.app import smoke_test_window

    serious: list[str] = []

    def listen(kind: QtMsgType, _context: object, message: str) -> None:
        if message.startswith(EXPECTED_QT_MESSAGES):
            return
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            serious.append(message)
        elif kind == QtMsgType.QtWarningMsg:
            print(f"self-test: Qt warned: {message}", file=sys.stderr)

    previous = qInstallMessageHandler(listen)
    try:
        smoke_test_window(site)
    finally:
        qInstallMessageHandler(previous)
    if serious:
        raise AssertionError(f"Qt reported: {'; '.join(serious)}")

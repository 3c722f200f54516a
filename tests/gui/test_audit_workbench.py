"""The audit as a workbench: its rows in a table (filter, search, sort, open one in the
order form), the summary per drug and quarter with its chart, and the exports."""

from __future__ import annotations

import csv
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from doseunits.app.site import Site
from doseunits.audit.auditor import AuditCounts
from doseunits.gui import build_main_window
from doseunits.gui.dialogs.audit_dialog import AuditDialog
from doseunits.gui.main_window import MainWindow

HEADER = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"
CLAIMS = [
    "2025-11-15,atezolizumab,1050,1200x1,105,,15",  # ok
    "2025-11-20,atezolizumab,1680,840x2,168,JZ,0",  # ok
    "2025-12-01,atezolizumab,1050,1200x1,105,JZ,0",  # mismatch
    "2025-10-05,nivolumab,480,240x2,480,JZ PO,0",  # ok
    "2025-10-06,nivolumab,200,240x1,200,,40",  # mismatch: beyond least waste
    "2025-12-10,bevacizumab,150,100x2,15,,5",  # ok, 25% JW share
    "2025-11-15,no-such-drug,200,100x2,20,,0",  # error
]


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def dialog(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> AuditDialog:
    site: Site = window.site
    dialog = AuditDialog(
        site.catalog, site.payers, window, limits=site.payment_limits, open_claim=window.load_draft
    )
    qtbot.addWidget(dialog)
    dialog.show()
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "\n" + "\n".join(CLAIMS) + "\n", encoding="utf-8")
    dialog.input_path.setText(str(source))
    dialog.output_path.setText(str(tmp_path / "report.csv"))
    with qtbot.waitSignal(dialog.auditFinished, timeout=20_000):
        dialog.start()
    return dialog


def shown(dialog: AuditDialog, column: str) -> list[str]:
    model = dialog.claims.model
    number = model.header.index(column)
    return [model.index(row, number).data() for row in range(model.rowCount())]


def test_the_table_opens_on_the_problems_and_filters_searches_and_sorts(
    dialog: AuditDialog,
) -> None:
    claims = dialog.claims
    assert claims.status.currentText() == "mismatch or error"  # the biller's work first
    assert shown(dialog, "status") == ["mismatch", "mismatch", "error"]
    assert claims.count.text() == "3 of 7 rows"
    claims.status.setCurrentText("ok")
    assert shown(dialog, "status") == ["ok"] * 4
    claims.status.setCurrentText("error")
    assert shown(dialog, "drug") == ["no-such-drug"]
    claims.status.setCurrentText("all")
    claims.search.setText("2025-10")
    assert shown(dialog, "drug") == ["nivolumab", "nivolumab"]
    claims.search.setText("LEAST-WASTE")  # the reasons are searched too
    assert shown(dialog, "date_of_service") == ["2025-10-06"]
    claims.search.clear()
    billed = dialog.claims.model.header.index("billed_units")
    claims.view.sortByColumn(billed, Qt.SortOrder.DescendingOrder)
    assert shown(dialog, "billed_units") == ["480", "200", "168", "105", "105", "20", "15"]
    claims.status.setCurrentText("mismatch")  # the sort holds through a filter
    assert shown(dialog, "billed_units") == ["200", "105"]


def test_each_rows_reason_is_shown_in_full(dialog: AuditDialog) -> None:
    claims = dialog.claims
    claims.status.setCurrentText("mismatch")
    claims.view.setCurrentIndex(claims.model.index(1, 0))
    reason = claims.reason.text()
    assert reason.startswith("mismatch: 40 JW units are waste beyond the least-waste vials")
    assert reason.endswith("(if more was ordered than given, add ordered)")


def test_double_click_opens_the_claim_as_doseunits_would_bill_it(
    qtbot: QtBot, dialog: AuditDialog, window: MainWindow
) -> None:
    claims = dialog.claims
    claims.status.setCurrentText("mismatch")
    view = claims.view
    index = claims.model.index(0, 1)
    assert claims.model.row_at(0)["date_of_service"] == "2025-12-01"
    qtbot.waitExposed(dialog)
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    result = window.result
    assert result is not None
    assert result.drug.id == "atezolizumab"
    assert result.order.date_of_service.isoformat() == "2025-12-01"
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 105), (("JW",), 15)]
    assert window.results.amounts[(2, 4)].text() == "$1,370.10"


def test_a_row_that_cant_be_opened_says_so(dialog: AuditDialog) -> None:
    dialog.claims.status.setCurrentText("error")
    dialog.open_row(dialog.claims.model.row_at(0))
    assert dialog.summary.text().startswith("This row can't be opened: No drug 'no-such-drug'")


def test_the_summary_tab_and_its_chart(dialog: AuditDialog, tmp_path: Path) -> None:
    table = dialog.summary_table
    rows = [[table.model().index(r, c).data() for c in range(table.columnCount())]
            for r in range(table.rowCount())]  # fmt: skip
    assert [row[:10] for row in rows] == [
        ["J9022", "Atezolizumab (Tecentriq)", "2025 Q4", "3", "378", "15", "2", "3.8%",
         "$34,526.52", "$1,370.10"],
        ["J9035", "Bevacizumab (Avastin)", "2025 Q4", "1", "15", "5", "0", "25.0% !",
         "$1,098.02", "$366.01"],
        ["J9299", "Nivolumab (Opdivo)", "2025 Q4", "2", "680", "40", "1", "5.6%",
         "$22,415.52", "$1,318.56"],
    ]  # fmt: skip
    assert [bar[:2] for bar in dialog.chart.bars] == [
        ("J9022 Atezolizumab (Tecentriq)", 15 * dialog_price("91.340")),
        ("J9299 Nivolumab (Opdivo)", 40 * dialog_price("32.964")),
        ("J9035 Bevacizumab (Avastin)", 5 * dialog_price("73.201")),
    ]
    assert [bar[2] for bar in dialog.chart.bars] == [False, False, True]
    dialog.tabs.setCurrentIndex(1)
    dialog.resize(1000, 700)
    image = dialog.chart.grab()
    shot = tmp_path / "chart.png"
    assert image.save(str(shot))
    # The bars are drawn: the flagged drug's red and the others' blue are on the picture.
    picture = image.toImage()
    colours = {picture.pixelColor(x, y).name() for x in range(0, picture.width(), 3)
               for y in range(0, picture.height(), 3)}  # fmt: skip
    assert {"#3b6ea8", "#c0392b"} <= colours


def dialog_price(text: str) -> Decimal:
    return Decimal(text)


def test_the_summary_exports_as_csv_and_one_page_pdf(dialog: AuditDialog, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = {".csv": tmp_path / "summary.csv", ".pdf": tmp_path / "summary.pdf"}
    dialog.ask_summary_path = target.__getitem__
    dialog.export_csv.click()
    assert dialog.summary.text() == f"Summary written to {target['.csv']}."
    with target[".csv"].open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["hcpcs"], r["jw_usd"], r["above_10_percent"]) for r in rows] == [
        ("J9022", "1370.10", "no"), ("J9035", "366.01", "yes"), ("J9299", "1318.56", "no"),
    ]  # fmt: skip
    dialog.export_pdf.click()
    reader = PdfReader(target[".pdf"])
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())  # pypdf gives tabs for spaces
    for expected in ("DoseUnits audit summary: claims.csv", "2025 Q4", "$34,526.52",
                     "$1,370.10", "25.0% !", "$366.01", "42 CFR 414.940",
                     "JW (discarded) dollars by drug"):  # fmt: skip
        assert expected in text, expected


def test_a_million_rows_keep_the_window_responsive_and_cancel_within_a_second(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    source = folder / "million.csv"
    with source.open("w", encoding="utf-8") as stream:
        stream.write(HEADER + "\n")
        block = "\n".join(CLAIMS[:6]) + "\n"
        for _ in range(1_000_000 // 6 + 1):
            stream.write(block)
    site = window.site
    dialog = AuditDialog(site.catalog, site.payers, window, limits=site.payment_limits)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.input_path.setText(str(source))
    dialog.output_path.setText(str(folder / "report.csv"))
    # The window gets a turn between every two chunks: a zero-time timer, which runs only
    # when the event loop does, ticks between each two progress beats. (Measured on this
    # machine: a beat every 0.1-0.3 s and Cancel taking effect well within a second; not
    # asserted in seconds, the machine is shared.)
    from PySide6.QtCore import QTimer

    ticks = [0]
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    ticker.start()
    beats: list[int] = []
    dialog.progressed.connect(lambda _rows: beats.append(ticks[0]))
    dialog.start()
    assert dialog.progress.maximum() >= 1_000_000
    qtbot.waitUntil(lambda: len(beats) >= 20, timeout=120_000)
    assert all(b > a for a, b in itertools.pairwise(beats))  # the loop ran between chunks
    with qtbot.waitSignal(dialog.cancelled, timeout=10_000):
        dialog.cancel_button.click()
    ticker.stop()
    assert not dialog.running
    assert sorted(p.name for p in folder.iterdir()) == ["million.csv"]
    dialog.close()


def test_a_finished_audit_counts_as_before(dialog: AuditDialog) -> None:
    assert dialog.counts == AuditCounts(7, 4, 2, 1, finished=True)

"""Engine speed. In the normal run each body runs once as a test; timed with:

    .venv/bin/python -m pytest tests/test_benchmarks.py --benchmark-enable

docs/PERFORMANCE.md reports the medians; no test here asserts a time (machines are shared).
"""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

from PySide6.QtCore import Qt
from pytest_benchmark.fixture import BenchmarkFixture
from pytestqt.qtbot import QtBot

from claims_helpers import claims_csv
from conftest import TODAY
from doseunits.app.site import load_default_payers, load_template
from doseunits.audit.auditor import AuditCounts, Auditor, audit_rows, open_report
from doseunits.catalog.model import Catalog
from doseunits.engine import plan as plan_module
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount
from doseunits.gui import build_main_window
from doseunits.outputs.note import render_note


def test_bench_one_calc(benchmark: BenchmarkFixture, catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    order = DoseOrder(
        drug, TODAY, dose_mg=Decimal(1050), vials=(VialCount(drug.presentations[0], 1),)
    )
    result = benchmark(compute, order)
    assert result.jw_units == 15


def test_bench_one_calc_plan_not_remembered(benchmark: BenchmarkFixture, catalog: Catalog) -> None:
    """The same, with the least-waste comparison worked out afresh each round."""
    drug = catalog.find("atezolizumab")
    order = DoseOrder(
        drug, TODAY, dose_mg=Decimal(1050), vials=(VialCount(drug.presentations[0], 1),)
    )
    forget = plan_module._least_waste_plan.cache_clear
    result = benchmark.pedantic(compute, (order,), setup=forget, rounds=2000, warmup_rounds=10)
    assert result.jw_units == 15


def test_bench_one_calc_with_the_note(benchmark: BenchmarkFixture, catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    order = DoseOrder(drug, TODAY, dose_mg=Decimal(1050))
    template = load_template()
    note = benchmark(lambda: render_note(compute(order), template))
    assert "J9022-JW x 15 units" in note


def test_bench_least_waste_plan_100000_mg(benchmark: BenchmarkFixture, catalog: Catalog) -> None:
    nivolumab = catalog.find("nivolumab")
    assert len(nivolumab.presentations) == 4
    not_remembered = plan_module._least_waste_plan.__wrapped__
    plan = benchmark(not_remembered, nivolumab.presentations, Decimal(100_000))
    assert plan.labeled_mg == 100_000


def test_bench_keystroke_to_lines_and_note(benchmark: BenchmarkFixture, qtbot: QtBot) -> None:
    """One key typed into doseInput until the lines table and the note are updated."""
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    window.drug_selector.select("atezolizumab")
    dose = window.order_form.inputs["dose"]
    qtbot.keyClicks(dose, "105")
    keys = itertools.cycle([Qt.Key.Key_0, Qt.Key.Key_Backspace])  # 1050, 105, 1050, ...

    def keystroke() -> None:
        qtbot.keyClick(dose, next(keys))

    benchmark(keystroke)
    assert window.results.lines.rowCount() == 2
    assert "J9022" in window.results.snippet.toPlainText()
    window.close()


def test_bench_audit_20000_rows(benchmark: BenchmarkFixture, catalog: Catalog) -> None:
    """The batch claim audit, 20,000 varied rows through csv in memory (target >= 50,000/s).

    A fresh Auditor each round, so its caches start cold as in a real run.
    """
    rows = 20_000
    text = claims_csv(rows)

    def audit() -> AuditCounts:
        reader, writer = open_report(io.StringIO(text), io.StringIO())
        return audit_rows(reader, writer, Auditor(catalog, load_default_payers))

    counts = benchmark.pedantic(audit, rounds=7, warmup_rounds=1)
    assert counts.rows == rows
    assert counts.ok > rows * 0.8
    assert counts.mismatch > 0
    assert counts.error > 0
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["rows_per_second"] = round(rows / stats.stats.median)


def test_bench_audit_20000_rows_with_the_summary(
    benchmark: BenchmarkFixture, catalog: Catalog
) -> None:
    """The same audit, tallying the summary per drug and quarter and pricing it at the
    end (target >= 100,000 rows/s; compare with the benchmark above in the same run)."""
    from doseunits.app.site import load_payment_limits
    from doseunits.audit.summary import AuditSummary

    rows = 20_000
    text = claims_csv(rows)
    limits = load_payment_limits()

    def audit() -> int:
        reader, writer = open_report(io.StringIO(text), io.StringIO())
        auditor = Auditor(catalog, load_default_payers)
        auditor.summary = AuditSummary(limits)
        counts = audit_rows(reader, writer, auditor)
        summary = auditor.summary.rows()
        assert sum(row.claims for row in summary) + auditor.summary.unsummarised == counts.rows
        return counts.rows

    assert benchmark.pedantic(audit, rounds=7, warmup_rounds=1) == rows
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["rows_per_second"] = round(rows / stats.stats.median)

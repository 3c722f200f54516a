"""The window's dollars: the administered and discarded amounts at the payment limit."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from doseunits.app.folders import config_dir
from doseunits.engine.draft import OrderDraft
from gui_helpers import open_window

SITE_MEDICARE = (
    '[[payer]]\nid = "medicare-part-b"\nname = "Medicare Part B (site)"\n'
    "jw_billable = false\njz_required = true\nline_per_ndc = false\nndc_required = false\n"
    'modifier_340b = "TB"\nsource = "site contract"\n'
)


def test_the_amounts_show_the_allowed_dollars_and_where_they_come_from(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    window.load_draft(OrderDraft("atezolizumab", "2025-11-15", dose="1050"))
    amounts = window.results.amounts
    assert window.results.headings[4].text() == "allowed"
    assert amounts[(1, 4)].text() == "$9,590.70"
    assert amounts[(2, 4)].text() == "$1,370.10"
    assert window.results.pricing.text() == (
        "Priced at the Medicare Part B payment limit $91.340 per unit, 2025-10-01 to "
        "2025-12-31 (2025-10-asp-pricing-file.csv)"
    )
    assert window.allowed is not None
    assert window.allowed.administered is not None
    window.load_draft(OrderDraft("atezolizumab", "2026-01-02", dose="1050"))
    assert (amounts[(1, 4)].text(), amounts[(2, 4)].text()) == ("withheld", "withheld")
    assert window.results.pricing.text().startswith(
        "Dollars withheld: no payment limit file covers 2026-01-02"
    )
    window.order_form.inputs["dose"].clear()
    assert amounts[(1, 4)].text() == "-"
    assert window.results.pricing.text() == ""


def test_the_window_uses_the_sites_override_of_medicare_part_b(qtbot: QtBot) -> None:
    folder = config_dir() / "payers"
    folder.mkdir(parents=True)
    (folder / "medicare.toml").write_text(SITE_MEDICARE, encoding="utf-8")
    window = open_window(qtbot)
    window.load_draft(OrderDraft("atezolizumab", "2025-11-15", dose="1050"))
    assert window.result is not None
    assert window.result.order.payer.name == "Medicare Part B (site)"
    assert [line.kind for line in window.result.lines] == ["administered"]

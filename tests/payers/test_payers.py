"""Payer profiles change the lines, never the arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import TODAY, fixture_drug
from doseunits.app.site import load_default_payers
from doseunits.catalog.model import Catalog
from doseunits.engine.billing import BillingResult, apportion, compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount
from doseunits.errors import CatalogError, InputError
from doseunits.payers.files import load_payers
from doseunits.payers.model import MEDICARE_RULES, Payer

PAYERS = load_default_payers()


def lines(result: BillingResult) -> list[tuple[tuple[str, ...], int, list[str]]]:
    return [(ln.modifiers, ln.units, [str(q.ndc) for q in ln.ndcs]) for ln in result.lines]


def test_shipped_profiles() -> None:
    ids = {p.id for p in PAYERS.payers}
    assert {"medicare-part-b", "medicaid", "commercial", "commercial-no-waste"} <= ids
    assert PAYERS.find("Medicare Part B") is PAYERS.find("medicare-part-b")
    with pytest.raises(InputError, match="No payer profile 'aetna'"):
        PAYERS.find("aetna")


# The engine's worked examples under every profile: units never change.
EXAMPLES: list[tuple[str, list[str], list[int], str, int, int]] = [
    ("1", ["100"], [1], "95", 95, 5),
    ("100", ["100"], [1], "70", 1, 0),
    ("10", ["10"], [1], "7", 1, 0),
    ("10", ["100"], [4], "400", 40, 0),
    ("10", ["100"], [4], "305", 31, 9),
]


@pytest.mark.parametrize("payer", PAYERS.payers, ids=lambda p: p.id)
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_profile_on_the_worked_examples(
    payer: Payer, example: tuple[str, list[str], list[int], str, int, int]
) -> None:
    unit, strengths, counts, dose, admin, jw = example
    drug = fixture_drug(unit, strengths)
    vials = tuple(VialCount(p, n) for p, n in zip(drug.presentations, counts, strict=True))
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(dose), vials=vials, payer=payer))
    assert (result.admin_units, result.jw_units) == (admin, jw)  # the arithmetic
    modifiers = [ln.modifiers for ln in result.lines]
    assert modifiers[0] == (("JZ",) if not jw and payer.jz_policy != "not-used" else ())
    assert (("JW",) in modifiers) == bool(jw and payer.jw_billable)
    assert sum(ln.units for ln in result.lines if ln.kind == "administered") == admin


def test_no_waste_payer_documents_but_does_not_bill(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(1050),
                               payer=PAYERS.find("commercial-no-waste")))  # fmt: skip
    assert lines(result) == [((), 105, ["50242-0917-01"])]
    assert result.jw_units == 15
    assert any("documented in the note but get no JW line" in s for s in result.steps)


def test_340b_adds_tb_to_both_lines(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(1050), acquired_340b=True))
    assert [ln.modifiers for ln in result.lines] == [("TB",), ("JW", "TB")]
    jz = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(1680), acquired_340b=True))
    assert [ln.modifiers for ln in jz.lines] == [("JZ", "TB")]


def test_medicaid_splits_lines_per_ndc_keeping_the_totals(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    vials = tuple(VialCount(p, 1) for p in drug.presentations)
    medicaid = PAYERS.find("medicaid")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(2000), vials=vials, payer=medicaid))
    assert lines(result) == [
        ((), 120, ["50242-0917-01"]),  # 20 mL of 33.333: 120.0 of 200 units
        ((), 80, ["50242-0918-01"]),
        (("JW",), 4, ["50242-0918-01"]),
    ]
    medicare = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(2000), vials=vials))
    assert sum(ln.units for ln in result.lines) == sum(ln.units for ln in medicare.lines)


def test_medicaid_tiny_share_gets_a_line_of_its_own(catalog: Catalog) -> None:
    """0.5 mg from the 40 mg vial is one unit on its own NDC's line; the 240 mg vials'
    NDC bills the 960 mg they supplied, not 961."""
    drug = catalog.find("nivolumab")
    by_mg = {p.strength_mg: p for p in drug.presentations}
    vials = (VialCount(by_mg[Decimal(240)], 4), VialCount(by_mg[Decimal(40)], 1))
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal("960.5"), vials=vials,
                               payer=PAYERS.find("medicaid")))  # fmt: skip
    assert lines(result) == [
        ((), 960, ["00003-3734-13"]),
        ((), 1, ["00003-3772-11"]),
        (("JW",), 39, ["00003-3772-11"]),
    ]
    assert not any("one line per NDC" in w.text for w in result.warnings)


def test_medicaid_bevacizumab_403_mg_bills_each_ndc_what_it_supplied(catalog: Catalog) -> None:
    drug = catalog.find("bevacizumab")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(403), payer=PAYERS.find("medicaid")))
    administered = [(ln.units, [str(q.ndc) for q in ln.ndcs]) for ln in result.lines
                    if not ln.modifiers]  # fmt: skip
    assert administered == [(40, ["50242-0061-01"]), (1, ["50242-0060-01"])]


def test_fewer_units_than_ndcs_share_a_line_and_say_so() -> None:
    drug = fixture_drug("100", ["10", "20"])  # 25 mg from both vials is one 100 mg unit
    vials = tuple(VialCount(p, 1) for p in drug.presentations)
    medicaid = PAYERS.find("medicaid")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(25), vials=vials, administered_mg=None,
                               payer=medicaid))  # fmt: skip
    administered = [ln for ln in result.lines if "JW" not in ln.modifiers]
    assert [ln.units for ln in administered] == [1]
    assert len(administered[0].ndcs) == 2
    (told,) = [w.text for w in result.warnings if "one line per NDC" in w.text]
    assert "Check the payer's rule" in told


def test_a_payer_requiring_ndcs_is_told_of_an_unverified_one(catalog: Catalog) -> None:
    """``ndc_required``: an unverified NDC on a Medicaid claim is a likely denial."""
    drug = catalog.find("rituximab")  # its NDCs come from one secondary source (unverified)
    medicaid = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(700), payer=PAYERS.find("medicaid")))
    medicare = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(700)))
    (told,) = [w.text for w in medicaid.warnings if w.field == "drug"]
    assert "Unverified catalog facts: NDC" in told
    assert "This payer needs each line's NDC" in told
    assert not any("needs each line's NDC" in w.text for w in medicare.warnings)
    # Its code unverified, its NDCs verified: the unverified-facts warning, without the NDC.
    subq = catalog.find("rituximab-hyaluronidase")
    payer = PAYERS.find("medicaid")
    code_only = compute(DoseOrder(subq, TODAY, dose_mg=Decimal(1400), payer=payer))
    (told,) = [w.text for w in code_only.warnings if w.field == "drug"]
    assert "Unverified catalog facts" in told
    assert "NDC" not in told


def test_apportion_is_exact() -> None:
    assert apportion(200, [Decimal(20), Decimal("13.333")]) == [120, 80]
    assert apportion(5, [Decimal(1), Decimal(1), Decimal(1)]) == [2, 2, 1]
    assert apportion(1, [Decimal(99), Decimal(1)]) == [1, 0]
    assert apportion(41, [Decimal(16), Decimal("0.12")], at_least=1) == [40, 1]
    assert apportion(1, [Decimal(99), Decimal(1)], at_least=1) == [1, 0]  # can't: one unit
    assert apportion(3, [Decimal(10), Decimal(0), Decimal("0.1")], at_least=1) == [2, 0, 1]
    # Too few units for every NDC: the bigger share gets its own line first.
    assert apportion(2, [Decimal(100), Decimal("0.1"), Decimal(5)], at_least=1) == [1, 0, 1]


def test_payer_is_named_in_the_note(catalog: Catalog) -> None:
    from doseunits.app.site import load_template
    from doseunits.outputs.note import render_note

    result = compute(DoseOrder(catalog.find("atezolizumab"), TODAY, dose_mg=Decimal(1050),
                               payer=PAYERS.find("medicaid"), acquired_340b=True))  # fmt: skip
    assert "Payer profile: Medicaid (NDC lines required) (340B-acquired)" in render_note(
        result, load_template()
    )


def test_site_payer_file_overrides_and_bad_files_are_named(tmp_path: Path) -> None:
    site = tmp_path / "config" / "payers"
    site.mkdir(parents=True)
    (site / "ours.toml").write_text(
        '[[payer]]\nid = "commercial"\nname = "Acme Health"\njw_billable = false\n'
        "jz_required = true\nline_per_ndc = false\nndc_required = true\n"
        'modifier_340b = "UD"\nsource = "contract 2026"\n',
        encoding="utf-8",
    )
    payers = load_default_payers()
    assert payers.find("commercial").name == "Acme Health"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (site / "ours.toml").read_text(encoding="utf-8")
        .replace('"commercial"', '"x"').replace("jw_billable = false", 'jw_billable = "yes"'),
        encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(CatalogError, match=r"bad.toml, payer 'x', key 'jw_billable': must be"):
        load_payers([bad])


def test_default_order_uses_medicare_rules(catalog: Catalog) -> None:
    result = compute(DoseOrder(catalog.find("atezolizumab"), dt.date(2026, 1, 5),
                               dose_mg=Decimal(1050)))  # fmt: skip
    assert result.order.payer == MEDICARE_RULES


def test_a_powder_on_a_payer_requiring_ndcs_is_told_to_check_the_ndc_unit(
    catalog: Catalog,
) -> None:
    """Trodelvy is a lyophilized powder: its NDC quantity here is mL after reconstitution,
    and many payers want powders in UN. Said where the NDC matters (Medicaid), not for
    Medicare Part B, and never for a solution."""
    trodelvy = catalog.find("sacituzumab-govitecan")
    medicaid = PAYERS.find("medicaid")
    told = compute(DoseOrder(trodelvy, TODAY, dose_mg=Decimal(730), payer=medicaid)).warnings
    (text,) = [w.text for w in told if "UN (vials)" in w.text]
    assert text.startswith("NDC 55135-0132-01 is a powder")
    medicare = compute(DoseOrder(trodelvy, TODAY, dose_mg=Decimal(730))).warnings
    assert not [w for w in medicare if "UN (vials)" in w.text]
    solution = compute(DoseOrder(catalog.find("atezolizumab"), TODAY, dose_mg=Decimal(1050),
                                 payer=medicaid)).warnings  # fmt: skip
    assert not [w for w in solution if "UN (vials)" in w.text]


def test_settings_where_jw_and_jz_do_not_apply(catalog: Catalog) -> None:
    """docs/billing-rules.md §3.8 (RHC, FQHC, inpatient): no JW line and no JZ, the waste
    still in the note; the audit expects the same."""
    from doseunits.app.site import load_template
    from doseunits.audit.auditor import Auditor
    from doseunits.outputs.note import render_note

    exempt = PAYERS.find("medicare-jw-jz-not-applicable")
    atezolizumab = catalog.find("atezolizumab")
    result = compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(1050), payer=exempt))
    assert [(ln.modifiers, ln.units) for ln in result.lines] == [((), 105)]
    assert "Discarded: 150 mg" in render_note(result, load_template())
    nothing_wasted = compute(DoseOrder(catalog.find("nivolumab"), TODAY, dose_mg=Decimal(480),
                                       payer=exempt))  # fmt: skip
    assert [(ln.modifiers, ln.units) for ln in nothing_wasted.lines] == [((), 480)]
    auditor = Auditor(catalog, PAYERS)
    row = auditor.audit("2026-11-28", "atezolizumab", "1050", "1200x1", "105", "", "0",
                        "medicare-jw-jz-not-applicable")  # fmt: skip
    assert row == ("105", "", "0", "ok", "")

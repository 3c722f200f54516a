"""Issue 16's profile rules (JZ policies, powders in UN, KP/KQ, the second NDC on a
Medicare line, radiopharmaceuticals) and the note agreeing with its lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import TODAY, fixture_drug
from doseunits.app.site import load_default_payers, load_template
from doseunits.audit.auditor import REQUIRED_COLUMNS, Auditor, audit_rows, open_report
from doseunits.catalog.model import Catalog
from doseunits.engine.billing import SECOND_NDC, BillingResult, compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount
from doseunits.errors import CatalogError
from doseunits.outputs.note import render_note
from doseunits.payers.files import load_payers
from doseunits.payers.model import JZ_POLICIES, MEDICARE_RULES, PayerList

PAYERS = load_default_payers()
PROFILE = (
    '[[payer]]\nid = "acme"\nname = "Acme Health"\njw_billable = true\n{jz}\n'
    'line_per_ndc = false\nndc_required = false\nmodifier_340b = "by-entity"\n'
    'source = "contract 2026"\n'
)


def lines(result: BillingResult) -> list[tuple[tuple[str, ...], int, list[str]]]:
    return [(ln.modifiers, ln.units, [q.n4 for q in ln.ndcs]) for ln in result.lines]


def profile(tmp_path: Path, jz: str) -> Path:
    path = tmp_path / "acme.toml"
    path.write_text(PROFILE.format(jz=jz), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("jz", "policy"),
    [('jz_policy = "required"', "required"), ('jz_policy = "optional"', "optional"),
     ('jz_policy = "not-used"', "not-used"), ("jz_required = true", "required"),
     ("jz_required = false", "not-used")],
)  # fmt: skip
def test_jz_policy_is_read_and_the_older_flag_still_is(
    tmp_path: Path, jz: str, policy: str
) -> None:
    assert load_payers([profile(tmp_path, jz)]).find("acme").jz_policy == policy


@pytest.mark.parametrize(
    ("jz", "message"),
    [('jz_policy = "sometimes"', "key 'jz_policy': must be \"required\", \"optional\""),
     ('jz_policy = "optional"\njz_required = true', "not both"),
     ("", "key 'jz_policy': missing")],
)  # fmt: skip
def test_a_bad_jz_policy_is_named(tmp_path: Path, jz: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        load_payers([profile(tmp_path, jz)])


def test_the_three_jz_policies_in_the_engine_and_the_audit(catalog: Catalog) -> None:
    """Issue 14: required, optional, not used. A JZ on an optional contract is ok, and so
    is a line without it; the shipped commercial template is optional."""
    assert PAYERS.find("commercial").jz_policy == "optional"
    nivolumab = catalog.find("nivolumab")
    payers = PayerList(tuple(dataclasses.replace(MEDICARE_RULES, id=p, name=p, jz_policy=p)
                             for p in JZ_POLICIES))  # fmt: skip
    for payer in payers.payers:
        result = compute(DoseOrder(nivolumab, TODAY, dose_mg=Decimal(480), payer=payer))
        want = () if payer.jz_policy == "not-used" else ("JZ",)
        assert [ln.modifiers for ln in result.lines] == [want], payer.id
    header = ",".join((*REQUIRED_COLUMNS, "payer"))
    rows = [f"2026-11-28,J9299,480,240x2,480,{jz},0,{p}" for p in JZ_POLICIES for jz in ("JZ", "")]
    reader, writer = open_report(
        io.StringIO("\n".join((header, *rows)) + "\n"), out := io.StringIO()
    )
    audit_rows(reader, writer, Auditor(catalog, payers))
    report = [line.rsplit(",", 2)[-2:] for line in out.getvalue().splitlines()[1:]]
    assert report == [
        ["ok", ""], ["mismatch", "JZ missing: nothing billable was discarded"],  # required
        ["ok", ""], ["ok", ""],  # optional: with or without
        ["mismatch", "JZ billed but not-used does not use JZ"], ["ok", ""],  # not used
    ]  # fmt: skip
    # The shipped commercial template, by name as an audit row gives it.
    row = Auditor(catalog, PAYERS).audit("2026-11-28", "J9299", "480", "240x2", "480", "JZ",
                                         "0", "commercial")  # fmt: skip
    assert row[3:] == ("ok", "")


def test_trodelvy_in_un_each_line_its_share_of_the_vials(catalog: Catalog) -> None:
    """725 mg from five 180 mg vials: 290 units with 4.028 UN, JW 70 with 0.972 UN, the
    5 vials opened; with powder_unit = "ML" the same lines in mL after reconstitution."""
    trodelvy = catalog.find("sacituzumab-govitecan")
    result = compute(DoseOrder(trodelvy, TODAY, dose_mg=Decimal(725)))
    assert lines(result) == [
        ((), 290, ["N455135013201 UN4.028"]), (("JW",), 70, ["N455135013201 UN0.972"]),
    ]  # fmt: skip
    assert sum(q.quantity for ln in result.lines for q in ln.ndcs) == 5
    assert any("NDC 55135-0132-01 is a powder: its NDC quantity is in UN" in s
               for s in result.steps)  # fmt: skip
    assert "NDC 55135-0132-01 4.028 UN (vials) (N455135013201 UN4.028)" in render_note(
        result, load_template()
    )
    in_ml = dataclasses.replace(MEDICARE_RULES, powder_unit="ML")
    ml = compute(DoseOrder(trodelvy, TODAY, dose_mg=Decimal(725), payer=in_ml))
    assert lines(ml) == [
        ((), 290, ["N455135013201 ML72.5"]),
        (("JW",), 70, ["N455135013201 ML17.5"]),
    ]
    # A solution stays in mL whatever the profile says about powders.
    atezolizumab = compute(DoseOrder(catalog.find("atezolizumab"), TODAY, dose_mg=Decimal(1050)))
    assert lines(atezolizumab)[0][2] == ["N450242091701 ML17.5"]


def test_ameriHealths_trastuzumab_example_a_whole_powder_vial_is_1_un() -> None:
    """AmeriHealth Caritas PA: J9355 (10 mg), a 440 mg vial is 44 units, NDC quantity
    44 / 44 = 1, "Each", reported as UN."""
    drug = fixture_drug("10", ["440"])
    powder = dataclasses.replace(drug.presentations[0], powder=True)
    drug = dataclasses.replace(drug, presentations=(powder,))
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(440)))
    assert lines(result) == [(("JZ",), 44, ["N499999000101 UN1"])]


def test_medicaid_shares_units_by_the_drug_not_by_the_vial_count() -> None:
    """Two powders, 420 mg and 150 mg (one vial each, 1 UN each): 570 mg is 57 units,
    shared 42 and 15 as the drug is, not 29 and 28 as the UN would be."""
    drug = fixture_drug("10", ["420", "150"])
    powders = tuple(dataclasses.replace(p, powder=True) for p in drug.presentations)
    drug = dataclasses.replace(drug, presentations=powders)
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(570), payer=PAYERS.find("medicaid")))
    assert lines(result) == [
        (("JZ",), 42, ["N499999000101 UN1"]), (("JZ",), 15, ["N499999000201 UN1"]),
    ]  # fmt: skip


def test_medicaid_powder_warning_names_the_unsourced_split(catalog: Catalog) -> None:
    trodelvy = catalog.find("sacituzumab-govitecan")
    result = compute(
        DoseOrder(trodelvy, TODAY, dose_mg=Decimal(725), payer=PAYERS.find("medicaid"))
    )
    (told,) = [w.text for w in result.warnings if "UN (vials)" in w.text]
    assert "no payer source says how UN splits between the administered and JW lines" in told


def test_kp_kq_on_medicaid_lines_of_two_ndcs(catalog: Catalog) -> None:
    """West Virginia: KP on the first NDC line of a code, KQ on the others; the JW lines
    the same; the 340B modifier last."""
    atezolizumab = catalog.find("atezolizumab")
    wv = dataclasses.replace(PAYERS.find("medicaid"), kp_kq=True)
    vials = tuple(VialCount(p, 1) for p in atezolizumab.presentations)  # 1200 + 840 mg
    result = compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(1900), vials=vials,
                               payer=wv, acquired_340b=True))  # fmt: skip
    # 1900 mg: 1200 mg from the first NDC, 700 mg from the second; its 140 mg left is JW
    # 14 on one NDC alone, so that line takes neither KP nor KQ.
    assert [(ln.modifiers, ln.units, [str(q.ndc) for q in ln.ndcs]) for ln in result.lines] == [
        (("KP", "UD"), 120, ["50242-0917-01"]), (("KQ", "UD"), 70, ["50242-0918-01"]),
        (("JW", "UD"), 14, ["50242-0918-01"]),
    ]  # fmt: skip
    assert "(KP on a code's first NDC line, KQ on the others)" in " ".join(result.steps)
    # Both NDCs leave something (60 mg from a 100 mg and a 50 mg vial): the JW lines too.
    drug = fixture_drug("10", ["100", "50"])
    both = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(60), payer=wv,
                             vials=tuple(VialCount(p, 1) for p in drug.presentations)))  # fmt: skip
    assert [(ln.modifiers, ln.units) for ln in both.lines] == [
        ((), 6), (("JW", "KP"), 4), (("JW", "KQ"), 5),
    ]  # fmt: skip
    # Off in the shipped profile; one NDC gets neither.
    plain = compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(1900), vials=vials,
                              payer=PAYERS.find("medicaid")))  # fmt: skip
    assert not {"KP", "KQ"} & {m for ln in plain.lines for m in ln.modifiers}
    one = compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(1050), payer=wv))
    assert [ln.modifiers for ln in one.lines] == [(), ("JW",)]


def test_two_ndcs_on_one_medicare_line_say_where_the_second_goes(catalog: Catalog) -> None:
    """Palmetto GBA, "Reporting the NDC": one line; the second NDC in item 19 / the 837P
    NTE segment; two lines would be denied as a duplicate."""
    atezolizumab = catalog.find("atezolizumab")
    vials = tuple(VialCount(p, 1) for p in atezolizumab.presentations)
    result = compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(2040), vials=vials))
    assert [(ln.modifiers, ln.units, len(ln.ndcs)) for ln in result.lines] == [(("JZ",), 204, 2)]
    assert SECOND_NDC in result.steps
    assert "duplicate" in SECOND_NDC
    assert "item 19" in SECOND_NDC
    assert "NTE" in SECOND_NDC
    note = render_note(result, load_template())
    assert (
        "- J9022-JZ x 204 units; NDC 50242-0917-01 20 mL (N450242091701 ML20); in item 19 or "
        "the 837P NTE segment: NDC 50242-0918-01 14 mL (N450242091801 ML14)"
    ) in note
    # One NDC: nothing said.
    assert SECOND_NDC not in compute(DoseOrder(atezolizumab, TODAY, dose_mg=Decimal(1050))).steps


def test_radiopharmaceuticals_keep_jw_jz(catalog: Catalog) -> None:
    """ACR, 2023-09-28: left out of the refund, not out of JW/JZ."""
    note = PAYERS.find("medicare-jw-jz-not-applicable").note
    assert "Not for separately payable single-dose radiopharmaceuticals" in note
    assert "ACR, 2023-09-28" in note


def test_less_given_than_the_vials_hold_the_note_agrees_with_its_lines(
    catalog: Catalog,
) -> None:
    """Ordered 1200 mg, given 800 mg from one 840 mg vial: JW 4, "Discarded: 40 mg", and a
    warning saying so, not that the 400 mg not given is discarded."""
    atezolizumab = catalog.find("atezolizumab")
    vial = VialCount(atezolizumab.presentations[1], 1)  # 840 mg
    result = compute(DoseOrder(atezolizumab, dt.date(2026, 3, 1), dose_mg=Decimal(1200),
                               administered_mg=Decimal(800), vials=(vial,)))  # fmt: skip
    assert [(ln.modifiers, ln.units) for ln in result.lines] == [((), 80), (("JW",), 4)]
    (told,) = [w.text for w in result.warnings if w.field == "administered"]
    assert told == (
        "Administered 800 mg of the 1200 mg ordered: 40 mg is left in the opened single-dose "
        "vials and counts as discarded; the other 360 mg ordered was never in the opened "
        "vials; document why less was given in the chart."
    )
    note = render_note(result, load_template())
    assert "Discarded: 40 mg" in note
    assert "400 mg not given" not in note
    # Multi-dose: what is left is kept, and said to be.
    multi = fixture_drug("10", ["420"], "multi-dose")
    kept = compute(DoseOrder(multi, TODAY, dose_mg=Decimal(400), administered_mg=Decimal(300),
                             vials=(VialCount(multi.presentations[0], 1),)))  # fmt: skip
    (told,) = [w.text for w in kept.warnings if w.field == "administered"]
    assert "0 mg is left in the opened single-dose vials" in told
    assert "120 mg stays in the multi-dose vials, kept for later doses" in told

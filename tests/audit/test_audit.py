"""The batch claim audit: `doseunits audit IN.csv -o OUT.csv` and its core API."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import math
import os
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import fixture_drug
from doseunits.app.site import load_default_payers
from doseunits.audit.auditor import (
    ADDED_COLUMNS,
    CHECK_EVERY,
    REQUIRED_COLUMNS,
    AuditCounts,
    AuditError,
    Auditor,
    audit_rows,
    open_report,
)
from doseunits.audit.job import audit_file, count_rows
from doseunits.catalog.model import Catalog
from doseunits.cli.main import main
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import LabeledAmounts
from doseunits.engine.vialspec import parse_vial
from doseunits.payers.model import JZ_POLICIES, MEDICARE_RULES, PayerList

HEADER = "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,billed_jw_units"
ATEZO_OK = "2026-11-28,atezolizumab,1050,1200x1,105,,15"

# (row, status, reason or a part of it, expected units, modifier, JW units)
ROWS = [
    (ATEZO_OK, "ok", "", "105", "", "15"),
    ("2026-11-28,atezolizumab,1050,1200x1,105,,0", "mismatch",
     "JW line missing: 15 units discarded not billed", "105", "", "15"),
    ("2026-11-28,atezolizumab,1680,840x2,168,JZ,0", "ok", "", "168", "JZ", "0"),
    ("2026-11-28,J9022,1680,840x2,168,,0", "mismatch",
     "JZ missing: nothing billable was discarded", "168", "JZ", "0"),
    ("2022-12-31,atezolizumab,1680,840x2,168,JZ,0", "mismatch",
     "JZ billed for a date of service before 2023-01-01, when JZ did not exist yet",
     "168", "", "0"),
    ("2022-12-31,atezolizumab,1680,840x2,168,,", "ok", "", "168", "", "0"),
    # JZ was optional from 2023-01-01 and required from 2023-07-01 (docs/billing-rules.md §3.5).
    ("2023-06-30,atezolizumab,1680,840x2,168,,0", "ok", "", "168", "JZ", "0"),
    ("2023-01-01,atezolizumab,1680,840x2,168,JZ,0", "ok", "", "168", "JZ", "0"),
    ("2023-07-01,atezolizumab,1680,840x2,168,,0", "mismatch",
     "JZ missing: nothing billable was discarded", "168", "JZ", "0"),
    ("2026-11-28,atezolizumab,1050,1200x1,105,JZ,0", "mismatch",
     "JZ billed but 15 units were discarded (bill a JW line)", "105", "", "15"),
    ("2026-11-28,atezolizumab,1050,1200x1,105,JZ,15", "mismatch",
     "JZ billed with a JW line; 15 units were discarded: drop JZ", "105", "", "15"),
    ("2026-11-28,atezolizumab,1050,1200x1,100,,15", "mismatch",
     "administered units billed 100, expected 105", "105", "", "15"),
    ("2026-11-28,atezolizumab,1050,1200x1,105,,25", "mismatch",
     "units exceed the labeled amount of the opened vials; JW units billed 25, expected 15",
     "105", "", "15"),
    ("2026-11-28,atezolizumab,1680,840x2,168,,4", "mismatch",
     "units exceed the labeled amount of the opened vials; JW line billed for 4 units but "
     "nothing billable was discarded; JZ missing: nothing billable was discarded",
     "168", "JZ", "0"),
    # 840 + 1200 mg opened for 1050 mg: 99 units discarded, 84 beyond the least-waste plan.
    ("2026-11-28,atezolizumab,1050,840x1;1200x1,105,,99", "mismatch",
     "84 JW units are waste beyond the least-waste vials for 1050 mg (1200 mg labeled "
     "single-dose); payers may deny them (if more was ordered than given, add ordered_mg)",
     "105", "", "99"),
    # docs/billing-rules.md §3.7 (CGS): 300 mg is three 100 mg vials, not one 400 mg vial.
    ("2026-03-01,bevacizumab,300,400x1,30,,10", "mismatch",
     "10 JW units are waste beyond the least-waste vials for 300 mg (300 mg labeled "
     "single-dose)", "30", "", "10"),
    ("2026-03-01,bevacizumab,300,100x3,30,JZ,0", "ok", "", "30", "JZ", "0"),
    ("2026-11-28, atezolizumab ,1050.0,1200 x 1,105.0,jz ,", "mismatch",
     "JZ billed but 15 units were discarded (bill a JW line)", "105", "", "15"),
    # Errors: the row is reported, the run goes on.
    ("2026-11-28,pembrolizumab,200,100x2,20,,0", "error", "No drug 'pembrolizumab' in the catalog",
     "", "", ""),
    ("2026-11-28,atezolizumab,abc,1200x1,105,,15", "error",
     "administered_mg must be a number like 1050 (got 'abc')", "", "", ""),
    ("2026-11-28,atezolizumab,-5,1200x1,105,,15", "error", "administered_mg must be above 0", "",
     "", ""),
    ("2026-02-30,atezolizumab,1050,1200x1,105,,15", "error",
     "date_of_service must be a real date written YYYY-MM-DD (got '2026-02-30')", "", "", ""),
    ("11/28/2026,atezolizumab,1050,1200x1,105,,15", "error", "YYYY-MM-DD", "", "", ""),
    ("2026-11-28,atezolizumab,1050,840x1,105,,15", "error",
     "the opened vials hold 840 mg, less than the 1050 mg administered", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200y1,105,,15", "error",
     "Vial '1200y1' is not STRENGTH[xCOUNT] or NDC[xCOUNT]", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1000x1,105,,15", "error",
     "Atezolizumab (Tecentriq) has no 1000 mg vial", "", "", ""),
    ("2026-11-28,atezolizumab,1050,,105,,15", "error", "vials is empty", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200x1,105.5,,15", "error",
     "billed_units must be a whole number (got '105.5')", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200x1,,,15", "error", "billed_units is empty", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200x1,105,,-1", "error", "billed_jw_units can't be negative",
     "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200x1,105,JW,15", "error",
     "billed_modifier must be empty or JZ (got 'JW')", "", "", ""),
    ("2026-11-28,atezolizumab,1050,1200x1", "error",
     "the row has fewer fields than the header; check its commas", "", "", ""),
]  # fmt: skip


def auditor_of(catalog: Catalog) -> Auditor:
    return Auditor(catalog, load_default_payers)


def run(text: str, catalog: Catalog | Auditor) -> tuple[AuditCounts, list[dict[str, str]]]:
    out = io.StringIO()
    reader, writer = open_report(io.StringIO(text), out)
    auditor = catalog if isinstance(catalog, Auditor) else auditor_of(catalog)
    counts = audit_rows(reader, writer, auditor)
    return counts, list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(("row", "status", "reason", "units", "modifier", "jw"), ROWS)
def test_each_row(
    catalog: Catalog, row: str, status: str, reason: str, units: str, modifier: str, jw: str
) -> None:
    _, [report] = run(f"{HEADER}\n{row}\n", catalog)
    got = (report["status"], report["expected_units"], report["expected_modifier"],
           report["expected_jw_units"])  # fmt: skip
    assert got == (status, units, modifier, jw), report["reason"]
    assert reason in report["reason"] if reason else report["reason"] == ""


def test_a_file_of_good_wrong_and_malformed_rows(catalog: Catalog) -> None:
    text = HEADER + ",claim_id\n" + "".join(f"{row},c{n}\n" for n, (row, *_) in enumerate(ROWS))
    counts, report = run(text, catalog)
    statuses = [status for _, status, *_ in ROWS]
    assert counts == AuditCounts(len(ROWS), statuses.count("ok"), statuses.count("mismatch"),
                                 statuses.count("error"), finished=True)  # fmt: skip
    assert [r["status"] for r in report] == statuses
    assert list(report[0]) == [*HEADER.split(","), "claim_id", *ADDED_COLUMNS]
    assert report[0]["claim_id"] == "c0"  # extra columns are repeated
    padded = next(n for n, (row, *_) in enumerate(ROWS) if row.startswith("2026-11-28, atez"))
    assert report[padded]["drug"] == " atezolizumab "  # input repeated as it was


def test_expected_values_are_the_engines(catalog: Catalog) -> None:
    """The lean path agrees with billing.compute over many doses, vials and dates, and
    under a payer of each kind (JW paid or not, JZ asked for or not)."""
    drugs = [catalog.find(d) for d in ("atezolizumab", "sacituzumab-govitecan", "nivolumab")]
    payers = [
        dataclasses.replace(MEDICARE_RULES, id=f"p{n}", name=f"Payer {n}", jw_billable=jw,
                            jz_policy=jz)
        for n, (jw, jz) in enumerate(itertools.product((True, False), JZ_POLICIES))
    ]  # fmt: skip
    lines = [f"{HEADER},payer"]
    expected = []
    wasteful: list[bool] = []
    doses = ("0.5", "7", "84", "179.9", "181", "725", "840", "1050", "1199.99", "1680")
    dates = (dt.date(2022, 12, 31), dt.date(2026, 11, 28))
    for drug, dose, day, payer in itertools.product(drugs, doses, dates, payers):
        for vial in drug.presentations:
            count = math.ceil(Decimal(dose) / vial.strength_mg)
            spec = f"{vial.strength_mg}x{count}"
            result = compute(DoseOrder(drug, day, dose_mg=Decimal(dose),
                                       vials=(parse_vial(spec, drug),), payer=payer))  # fmt: skip
            jz = "JZ" if result.jz else ""
            jw = result.jw_billed_units
            assert jw == sum(line.units for line in result.lines if "JW" in line.modifiers)
            lines.append(f"{day},{drug.hcpcs},{dose},{spec},{result.admin_units},{jz},{jw},"
                         f"{payer.id}")  # fmt: skip
            expected.append((str(result.admin_units), jz, str(jw)))
            wasteful.append(any("least-waste plan" in w.text for w in result.warnings))
    auditor = Auditor(catalog, PayerList(tuple(payers)))
    counts, report = run("\n".join(lines) + "\n", auditor)
    assert counts.rows == len(expected) > 400
    for row, warned in zip(report, wasteful, strict=True):  # rule 7 only, and only where
        if row["status"] != "ok":  # the engine warns of waste beyond the plan too
            assert "beyond the least-waste vials" in row["reason"], row
            assert warned, row
    assert 0 < counts.mismatch < counts.ok
    assert {("JZ" in row[1], row[2] != "0") for row in expected} == {
        (True, False),
        (False, True),
        (False, False),
    }  # JZ alone, JW alone, neither
    got = [(r["expected_units"], r["expected_modifier"], r["expected_jw_units"]) for r in report]
    assert got == expected


def test_multi_dose_vials_carry_neither_jw_nor_jz() -> None:
    drug = fixture_drug("10", ["420"], container="multi-dose")
    catalog = Catalog((drug,))
    text = f"{HEADER}\n2026-11-28,fixture,300,420x1,30,JZ,0\n2026-11-28,fixture,300,420x1,30,,0\n"
    _, report = run(text, catalog)
    assert [(r["status"], r["expected_modifier"], r["reason"]) for r in report] == [
        ("mismatch", "", "JZ billed on multi-dose vials, which carry neither JW nor JZ"),
        ("ok", "", ""),
    ]


def test_payer_profiles(catalog: Catalog) -> None:
    text = (
        f"{HEADER},payer\n"
        f"{ATEZO_OK},medicare-part-b\n"
        f"{ATEZO_OK},commercial-no-waste\n"
        "2026-11-28,atezolizumab,1050,1200x1,105,,0,commercial-no-waste\n"
        "2026-11-28,atezolizumab,1680,840x2,168,,0,Commercial\n"
        f"{ATEZO_OK},Acme Health\n"
        f"{ATEZO_OK},\n"
    )
    _, report = run(text, catalog)
    assert [(r["payer"], r["status"], r["expected_jw_units"], r["reason"]) for r in report] == [
        ("medicare-part-b", "ok", "15", ""),
        ("commercial-no-waste", "mismatch", "0",
         "JW line billed but Commercial (discarded drug not billable) does not pay for "
         "discarded drug"),
        ("commercial-no-waste", "ok", "0", ""),
        ("Commercial", "ok", "0", ""),  # JZ not required by this contract template
        ("Acme Health", "error", "", "No payer profile 'Acme Health'; known profiles: commercial, "
         "commercial-no-waste, medicaid, medicare-part-b, medicare-jw-jz-not-applicable"),
        ("", "ok", "15", ""),
    ]  # fmt: skip


def test_progress_and_stop_then_go_on(catalog: Catalog) -> None:
    rows = CHECK_EVERY * 3 + 5
    text = HEADER + "\n" + f"{ATEZO_OK}\n" * rows
    out = io.StringIO()
    reader, writer = open_report(io.StringIO(text), out)
    seen: list[int] = []
    counts = audit_rows(reader, writer, auditor_of(catalog), progress=lambda c: seen.append(c.rows),
                        should_stop=lambda: True)  # fmt: skip
    assert (counts.rows, counts.finished, seen) == (CHECK_EVERY, False, [CHECK_EVERY])
    counts = audit_rows(reader, writer, auditor_of(catalog), progress=lambda c: seen.append(c.rows),
                        counts=counts)  # fmt: skip
    assert (counts.rows, counts.ok, counts.finished) == (rows, rows, True)
    assert seen[-1] == rows
    assert out.getvalue().count("\n") == rows + 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty; it needs a header row with date_of_service, drug"),
        ("a,b\n1,2\n", "has none of the audit's columns; its header needs date_of_service"),
        (HEADER.replace(",billed_jw_units", "") + "\n", "lacks the column billed_jw_units;"),
        (HEADER.replace("drug,", "") + "\n", "lacks the column drug;"),
    ],
)
def test_bad_header_is_one_sentence(catalog: Catalog, text: str, message: str) -> None:
    with pytest.raises(AuditError, match=message) as raised:
        open_report(io.StringIO(text), io.StringIO(), "IN.csv")
    assert str(raised.value).startswith("IN.csv ")
    assert str(raised.value).count(". ") == 0


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "claims.csv"
    source.write_text("\ufeff" + HEADER + "\n" + "\n".join(r for r, *_ in ROWS[:4]) + "\n",
                      encoding="utf-8")  # fmt: skip
    target = tmp_path / "report.csv"
    assert main(["audit", str(source), "-o", str(target)]) == 1  # two rows are mismatches
    out, err = capsys.readouterr()
    assert out == f"4 rows: 2 ok, 2 mismatch, 0 error; report written to {target}\n"
    assert err == ""
    with target.open(encoding="utf-8", newline="") as stream:
        assert [r["status"] for r in csv.DictReader(stream)] == ["ok", "mismatch", "ok", "mismatch"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "report.csv"]


def test_the_report_never_replaces_a_folder_or_a_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report is moved into place when complete: over /dev/null that would replace
    the device itself (as root), so anything but a regular file is refused."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "\n" + ATEZO_OK + "\n", encoding="utf-8")
    for target in (tmp_path, Path(os.devnull)):
        assert main(["audit", str(source), "-o", str(target)]) == 2
        assert "is not a regular file" in capsys.readouterr().err
    assert Path(os.devnull).is_char_device()


def test_a_clean_batch_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0 only when every row is ok: a script can tell a clean batch from one to look at."""
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "\n" + f"{ATEZO_OK}\n" * 3, encoding="utf-8")
    assert main(["audit", str(source), "-o", str(tmp_path / "report.csv")]) == 0
    assert capsys.readouterr().out.startswith("3 rows: 3 ok, 0 mismatch, 0 error;")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "The input {source} can't be read (no such file or directory)."),
        (b"a,b\n1,2\n", "{source} has none of the audit's columns"),
        (b"date_of_service,drug\n\xff\xfe,x\n",
         "{source} is not UTF-8 text; save it as CSV UTF-8."),
        ((HEADER + "\n" + (ATEZO_OK + "\n") * 1000).encode() + b"2026-11-28,\xff\n",
         "The input is not UTF-8 text after line "),
    ],
)  # fmt: skip
def test_command_line_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_bytes(content)
    target = tmp_path / "out.csv"
    assert main(["audit", str(source), "-o", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("doseunits: " + message.format(source=source)), err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "in.csv"] == []


def test_command_line_refuses_to_overwrite_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\n" + ATEZO_OK + "\n", encoding="utf-8")
    assert main(["audit", str(source), "-o", str(source)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8") == HEADER + "\n" + ATEZO_OK + "\n"


def test_a_stopped_file_audit_leaves_no_report(tmp_path: Path, catalog: Catalog) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\n" + f"{ATEZO_OK}\n" * (CHECK_EVERY * 2), encoding="utf-8")
    target = tmp_path / "out.csv"
    counts = audit_file(source, target, auditor_of(catalog), should_stop=lambda: True)
    assert (counts.rows, counts.finished) == (CHECK_EVERY, False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert count_rows(source) == CHECK_EVERY * 2


def test_rows_are_read_as_dict_reader_reads_them(catalog: Catalog) -> None:
    """Blank lines skipped, extra fields dropped, an unreadable line an error row."""
    huge = "x" * (csv.field_size_limit() + 1)
    text = f"{HEADER}\n\n{ATEZO_OK},extra\n{ATEZO_OK[:11]}{huge}\n{ATEZO_OK}\n"
    counts, report = run(text, catalog)
    assert (counts.rows, counts.ok, counts.error) == (3, 2, 1)
    assert [r["status"] for r in report] == ["ok", "error", "ok"]
    assert "could not be read as CSV (field larger than field limit" in report[1]["reason"]
    assert None not in report[0]


def test_340b_modifiers_beside_jz_are_accepted(catalog: Catalog) -> None:
    row = "2026-11-28,J9022,1680,840x2,168,JZ TB,0"
    header = ",".join(REQUIRED_COLUMNS)
    reader, writer = open_report(io.StringIO(f"{header}\n{row}\n"), io.StringIO())
    counts = audit_rows(reader, writer, auditor_of(catalog))
    assert (counts.ok, counts.error) == (1, 0)


def test_hostile_cells_become_error_rows(tmp_path: Path) -> None:
    header = (
        "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,billed_jw_units"
    )
    rows = [
        "2026-11-28,atezolizumab,1050,1200x1,1e999999,,15",
        "2026-11-28,atezolizumab,1050,1200x1,105,,1e5000",
        "2026-11-28,atezolizumab,1050,1200x" + "1" * 5000 + ",105,,15",
        "2026-11-28,atezolizumab,1050,1200x1,105,,15",
    ]
    source = tmp_path / "in.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    report = tmp_path / "out.csv"
    assert main(["audit", str(source), "-o", str(report)]) == 1  # error rows
    with report.open(encoding="utf-8", newline="") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    assert statuses == ["error", "error", "error", "ok"]


def test_the_audits_least_labeled_amount_is_the_least_waste_plans(catalog: Catalog) -> None:
    """The audit's table of labeled amounts agrees with the least-waste search."""
    from doseunits.engine.plan import least_waste_plan

    auditor = auditor_of(catalog)
    site = fixture_drug("2.5", ["7.5", "20", "45.5"])  # decimal strengths, gcd 0.5
    for drug in (*catalog.drugs, site):
        for tenths in range(1, 30_000, 97):
            dose = Decimal(tenths) / 10
            want = least_waste_plan(drug.presentations, dose).labeled_mg
            assert auditor.least_single_dose_mg(drug, dose) == want, (drug.id, dose)
    multi = fixture_drug("10", ["420"], container="multi-dose")
    assert auditor.least_single_dose_mg(multi, Decimal(300)) == 0  # its rest is kept
    huge = LabeledAmounts([Decimal("100.01"), Decimal(40)])  # steps of 0.01 mg
    assert huge.least_at_least(Decimal(100_000)) is None  # past the table's cap
    assert huge.least_at_least(Decimal(80)) == 80


def test_less_given_than_ordered_is_checked_against_the_ordered_dose(catalog: Catalog) -> None:
    """calc --dose 1200 --administered 800 opens one 1200 mg vial and bills 80 + JW 40: with
    its ordered_mg the audit agrees; without it, the row says what to add."""
    drug = catalog.find("atezolizumab")
    result = compute(DoseOrder(drug, dt.date(2026, 3, 1), dose_mg=Decimal(1200),
                               administered_mg=Decimal(800)))  # fmt: skip
    assert [(ln.modifiers, ln.units) for ln in result.lines] == [((), 80), (("JW",), 40)]
    text = (f"{HEADER},ordered_mg\n2026-03-01,atezolizumab,800,1200x1,80,,40,1200\n"
            "2026-03-01,atezolizumab,800,1200x1,80,,40,\n"
            "2026-03-01,atezolizumab,800,1200x1,80,,40,700\n")  # fmt: skip
    _, report = run(text, catalog)
    assert [(r["status"], r["reason"]) for r in report] == [
        ("ok", ""),
        ("mismatch", "36 JW units are waste beyond the least-waste vials for 800 mg (840 mg "
         "labeled single-dose); payers may deny them (if more was ordered than given, add "
         "ordered_mg)"),
        ("error", "ordered_mg (700 mg) is less than administered_mg (800 mg)"),
    ]  # fmt: skip


def test_mixed_containers_still_get_the_least_waste_check() -> None:
    """Single-dose 150 mg and multi-dose 420 mg: 300 mg from three 150 mg vials leaves 15 JW
    units the least-waste vials (two 150 mg) would not, as the window warns."""
    drug = fixture_drug("10", ["150"])
    multi = fixture_drug("10", ["420"], "multi-dose").presentations[0]
    mixed = Catalog((dataclasses.replace(drug, presentations=(*drug.presentations, multi)),))
    _, report = run(f"{HEADER}\n2026-11-28,fixture,300,150x3,30,,15\n"
                    "2026-11-28,fixture,300,420x1,30,,0\n", mixed)  # fmt: skip
    assert [r["status"] for r in report] == ["mismatch", "ok"]
    assert report[0]["reason"].startswith("15 JW units are waste beyond the least-waste vials")

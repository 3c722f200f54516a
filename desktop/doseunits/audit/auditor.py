"""The batch claim audit: billed units and JW/JZ checked against the rules, row by row.

Each input row is one billed drug (administered line and, when billed, its JW line).
The report repeats the row and adds what the rules of docs/billing-rules.md §3 expect, a status
(``ok``, ``mismatch``, ``error``) and a reason a biller can act on. A bad row becomes an
``error`` row; the run never stops on one. Rows are streamed: memory does not grow with
the file. The lean path reuses ``doseunits.engine.rules`` directly (``billing.compute`` is
too slow for a month of claims) and remembers parsed drugs, vials and dates by their text.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol

from doseunits.audit.row_fields import (
    SHORT_ROW,
    RowError,
    billed_modifiers,
    claim_amount,
    claim_date,
    reason_of,
    unit_count,
)
from doseunits.catalog.model import Catalog, Drug
from doseunits.csvwrite import CsvWriter
from doseunits.engine import rules
from doseunits.engine.plan import (
    LabeledAmounts,
    PlanTooLarge,
    VialPlan,
    least_waste_plan,
    plans_single,
)
from doseunits.engine.vialspec import parse_vial
from doseunits.errors import DoseUnitsError
from doseunits.payers.model import (
    BY_ENTITY,
    DEFAULT_PAYER,
    ENTITIES_340B,
    JG_TB_CREATED,
    MEDICARE_RULES,
    Payer,
    PayerList,
)
from doseunits.quantities import MG

if TYPE_CHECKING:
    from doseunits.audit.summary import AuditSummary
    from doseunits.engine.draft import OrderDraft

REQUIRED_COLUMNS = (
    "date_of_service", "drug", "administered", "vials",
    "billed_units", "billed_modifier", "billed_jw_units",
)  # fmt: skip
#: ``ordered``: the dose the vials were opened for, when less was given (the least-waste
#: check then uses it; it defaults to ``administered``).
OPTIONAL_COLUMNS = ("payer", "ordered")
#: Amounts are in each drug's own measure (mg, mcg, units) or say their unit ("0.48 mg").
#: Files from when every drug was in mg name the columns so: read as mg.
MG_COLUMNS = {"administered": "administered_mg", "ordered": "ordered_mg"}
ADDED_COLUMNS = ("expected_units", "expected_modifier", "expected_jw_units", "status", "reason")
OK, MISMATCH, ERROR = "ok", "mismatch", "error"
#: ``should_stop`` is asked, and ``progress`` told, every this many rows.
CHECK_EVERY = 256
_CACHE = 4096


class AuditError(DoseUnitsError):
    """The input or output file can't be used at all (not one bad row: those are reported)."""


class RowWriter(Protocol):
    """What ``csv.writer`` returns (its type is private to the csv module)."""

    def writerow(self, row: Any, /) -> Any: ...


class Expected(NamedTuple):
    """What the rules (and the row's payer profile) say the claim should carry."""

    units: int
    modifier: str  # "JZ" or ""
    jw_units: int  # billed on a JW line: 0 when the payer does not pay for waste
    discarded_units: int  # rule 2, whether or not the payer pays for them
    single_dose: bool  # a single-dose container was opened
    payer: str = ""  # the payer profile's name, when the row names one
    jz_optional: bool = False  # the payer takes a line with or without JZ


@dataclass
class AuditCounts:
    """Rows done so far by status; ``finished`` once the input is read to its end."""

    rows: int = 0
    ok: int = 0
    mismatch: int = 0
    error: int = 0
    finished: bool = False

    def summary(self) -> str:
        return f"{self.rows} rows: {self.ok} ok, {self.mismatch} mismatch, {self.error} error"


# Mismatch reasons by kind, as the summary counts them (docs/billing-rules.md §8).
OVER_LABELED = "units over the labeled amount"
ADMIN_UNITS = "administered units"
JZ_UNEXPECTED = "JZ where it does not belong"
JW_MISSING = "JW line missing"
JW_UNITS = "JW units"
JW_NOT_PAID = "JW line the payer does not pay"
JW_NO_WASTE = "JW line without waste"
JZ_MISSING = "JZ missing"
BEYOND_LEAST_WASTE = "waste beyond the least-waste vials"
UNKNOWN_MODIFIER = "modifier DoseUnits does not know"
WRONG_340B = "340B modifier"
CONTAINER_UNCONFIRMED = "container not confirmed"
#: What the audit can still check on a row whose container is not confirmed (§3.6a).
_CHECKED_UNCONFIRMED = frozenset({OVER_LABELED, ADMIN_UNITS})


class _Opened(NamedTuple):
    labeled_mg: Decimal
    single_dose_mg: Decimal
    unconfirmed: tuple[str, ...] = ()  # NDCs opened whose container is not confirmed


class Auditor:
    """Audits one row at a time against one catalog, remembering what it parsed."""

    def __init__(
        self,
        catalog: Catalog,
        payers: PayerList | Callable[[], PayerList],
        entity_340b: str | None = None,
    ) -> None:
        self.catalog = catalog
        # The site's profiles, or how to load them: then on the first row naming a payer.
        self._payers = payers
        # The site's 340B entity type: the one its payers were loaded for, unless given.
        if entity_340b is None:
            entity_340b = payers.entity_340b if isinstance(payers, PayerList) else ""
        self.entity_340b = entity_340b
        # Per auditor (a catalog can change between runs); bounded, so memory stays flat.
        self.drug = functools.lru_cache(maxsize=256)(self._drug)
        self.opened = functools.lru_cache(maxsize=_CACHE)(self._opened)
        self._labeled_amounts: dict[Drug, LabeledAmounts | None] = {}  # by catalog entry
        self.payer = functools.lru_cache(maxsize=256)(self._payer)
        #: Told of every row when set (``audit/summary.py``); the audit's only extra work.
        self.summary: AuditSummary | None = None
        self._default: Payer | bool | None = False  # False: not looked up yet
        self._payer_modifiers: frozenset[str] | None = None

    def default_payer(self) -> Payer | None:
        """The profile for rows naming no payer: the site's ``medicare-part-b`` when it
        bills other than the rules as written (a site override), else None (the rules)."""
        if self._default is False:
            found = self.payer(DEFAULT_PAYER)
            rules_say = Expected(1, "JZ", 1, 1, True)
            default = None
            if (
                isinstance(found, Payer)
                and apply_payer(found, rules_say)._replace(payer="") != rules_say
            ):
                default = found
            self._default = default
        return self._default if isinstance(self._default, Payer) else None

    def unknown_modifiers(self, words: tuple[str, ...]) -> list[str]:
        """Of modifiers no list of row_fields knows, those no payer profile names either
        (as its 340B modifier)."""
        if self._payer_modifiers is None:
            try:
                if not isinstance(self._payers, PayerList):
                    self._payers = self._payers()
                self._payer_modifiers = frozenset(
                    p.modifier_340b.upper() for p in self._payers.payers if p.modifier_340b
                )
            except DoseUnitsError:
                self._payer_modifiers = frozenset()
        return [word for word in words if word not in self._payer_modifiers]

    def _payer(self, text: str) -> Payer | str:
        try:
            if not isinstance(self._payers, PayerList):
                self._payers = self._payers()
            return self._payers.find(text)
        except DoseUnitsError as error:
            return reason_of(error)

    def _drug(self, text: str) -> Drug | str:
        if not text.strip():
            return "drug is empty; give a catalog id or a HCPCS code"
        try:
            return self.catalog.find(text)
        except DoseUnitsError as error:
            return reason_of(error)

    def _opened(self, drug: Drug, text: str) -> _Opened | str:
        specs = [spec for spec in text.split(";") if spec.strip()]
        if not specs:
            return "vials is empty; list the opened vials like 1200x1 or 840x2;1200x1"
        try:
            plan = VialPlan.of(parse_vial(spec, drug, self.catalog) for spec in specs)
        except DoseUnitsError as error:
            return reason_of(error)
        unconfirmed = tuple(
            str(v.presentation.ndc) for v in plan.vials if not v.presentation.container_confirmed
        )
        return _Opened(plan.labeled_mg, plan.single_dose_mg, unconfirmed)

    def least_single_dose_mg(self, drug: Drug, dose_mg: Decimal) -> Decimal | None:
        """The single-dose labeled amount of the least-waste vials for ``dose_mg``
        (docs/billing-rules.md §3.7), as ``billing.compute`` compares (an unconfirmed vial
        counted as single-dose, §3.6a); None when it can't be worked out quickly (then the
        check is left out, as the window says for such doses)."""
        if drug not in self._labeled_amounts:
            single = all(plans_single(p) for p in drug.presentations)
            strengths = [p.strength_mg for p in drug.presentations]
            self._labeled_amounts[drug] = LabeledAmounts(strengths) if single else None
        amounts = self._labeled_amounts[drug]
        least = amounts.least_at_least(dose_mg) if amounts else None
        if least is not None:
            return least
        try:  # multi-dose vials among them, or a table too large: the engine's search
            plan = least_waste_plan(drug.presentations, dose_mg)
        except PlanTooLarge:
            return None
        return plan.may_discard_mg

    def audit(
        self,
        date_text: str | None,
        drug_text: str | None,
        administered_text: str | None,
        vials_text: str | None,
        units_text: str | None,
        modifier_text: str | None,
        jw_text: str | None,
        payer_text: str | None = "",
        ordered_text: str | None = "",
        *,
        administered_in_mg: bool = False,
        ordered_in_mg: bool = False,
    ) -> tuple[str, str, str, str, str]:
        """(expected_units, expected_modifier, expected_jw_units, status, reason) of one row.

        ``*_in_mg``: that amount comes from administered_mg or ordered_mg, so is in mg."""
        drug: Drug | str | None = None
        date: dt.date | str | None = None
        try:
            if vials_text is None or jw_text is None or modifier_text is None:
                raise RowError(SHORT_ROW)  # the columns at the end are missing
            drug = self.drug(drug_text or "")
            if isinstance(drug, str):
                raise RowError(drug)
            date = claim_date(date_text or "")
            if isinstance(date, str):
                raise RowError(date)
            # In the drug's measure from here on (named *_mg as the engine's amounts are).
            measure = drug.measure
            given = "administered_mg" if administered_in_mg else "administered"
            asked = "ordered_mg" if ordered_in_mg else "ordered"
            administered_mg = claim_amount(
                administered_text or "",
                measure,
                given,
                written_in=MG if administered_in_mg else None,
            )
            ordered_mg = administered_mg
            ordered_given = bool(ordered_text and ordered_text.strip())
            if ordered_given:
                ordered_mg = claim_amount(
                    ordered_text or "",
                    measure,
                    asked,
                    "dose ordered",
                    MG if ordered_in_mg else None,
                )
                if ordered_mg < administered_mg:
                    raise RowError(
                        f"{asked} ({drug.amount(ordered_mg)}) is less than {given} "
                        f"({drug.amount(administered_mg)})"
                    )
            opened = self.opened(drug, vials_text)
            if isinstance(opened, str):
                raise RowError(opened)
            if opened.labeled_mg < administered_mg:
                raise RowError(
                    f"the opened vials hold {drug.amount(opened.labeled_mg)}, less than the "
                    f"{drug.amount(administered_mg)} administered"
                )
            billed_units = unit_count(units_text, "billed_units", empty_is_zero=False)
            billed_jw = unit_count(jw_text, "billed_jw_units", empty_is_zero=True)
            billed_modifier, unknown = billed_modifiers(modifier_text)
            unit = drug.billing_unit_mg
            admin_units = rules.administered_units(administered_mg, unit)
            single = opened.single_dose_mg
            jw_units = rules.discarded_units(single, admin_units, unit) if single else 0
            jz = rules.jz_applies(date, jw_units, single > 0)
            expected = Expected(admin_units, "JZ" if jz else "", jw_units, jw_units, single > 0)
            payer = MEDICARE_RULES
            if payer_text and payer_text.strip():
                named = self.payer(payer_text.strip())
                if isinstance(named, str):
                    raise RowError(named)
                payer = named
                expected = apply_payer(payer, expected)
            elif self._default is not None:  # a site's override of medicare-part-b
                default = self.default_payer()
                if default is not None:
                    expected = apply_payer(default, expected)
        except RowError as error:
            return self._error(drug, date, str(error))
        except (ArithmeticError, ValueError) as error:  # the run never stops on one row
            return self._error(drug, date, f"the row could not be checked ({error})")
        problems = _problems(
            expected, billed_units, billed_modifier, billed_jw, unit, opened.labeled_mg, date
        )
        if opened.unconfirmed:  # docs/billing-rules.md §3.6a: JW/JZ wait for the label
            problems = [p for p in problems if p[0] in _CHECKED_UNCONFIRMED]
            problems.append((CONTAINER_UNCONFIRMED, _unconfirmed_reason(opened.unconfirmed)))
        if modifier_text.strip() not in ("", "JZ"):  # the usual rows: nothing more to split
            problems.extend(
                (WRONG_340B, text) for text in self.problems_340b(modifier_text, payer, date)
            )
        least = self.least_single_dose_mg(drug, ordered_mg) if billed_jw and not problems else None
        if least is not None:  # rule 7, once the rest is right
            beyond = billed_jw - rules.discarded_units(least, admin_units, unit)
            if beyond > 0:
                said = " ordered" if ordered_given else ""
                hint = "" if ordered_given else f" (if more was ordered than given, add {asked})"
                problems.append((
                    BEYOND_LEAST_WASTE,
                    f"{beyond} JW units are waste beyond the least-waste vials for "
                    f"{drug.amount(ordered_mg)}{said} ({drug.amount(least)} labeled "
                    f"single-dose); payers may deny them{hint}",
                ))  # fmt: skip
        if unknown:  # passed through, checked last: the rest is judged without them
            strangers = self.unknown_modifiers(unknown)
            if strangers:
                listed = ", ".join(strangers)
                problems.append((
                    UNKNOWN_MODIFIER,
                    f"modifier {listed} is not one DoseUnits knows; check it "
                    "(the units and JW/JZ were checked without it)",
                ))  # fmt: skip
        summary = self.summary
        if summary is not None:
            summary.add(drug.hcpcs, drug.name, date, billed_units, billed_jw, bool(billed_modifier))
            if problems:
                summary.mismatch(drug.hcpcs, date, [kind for kind, _ in problems])
        if opened.unconfirmed:  # JW and JZ are not known: no expected modifier or JW units
            return str(expected.units), "", "", MISMATCH, "; ".join(t for _, t in problems)
        if problems:
            return (
                str(expected.units),
                expected.modifier,
                str(expected.jw_units),
                MISMATCH,
                "; ".join(text for _, text in problems),
            )
        return str(expected.units), expected.modifier, str(expected.jw_units), OK, ""

    def _error(
        self, drug: Drug | str | None, date: dt.date | str | None, reason: str
    ) -> tuple[str, str, str, str, str]:
        if self.summary is not None:
            known = isinstance(drug, Drug) and isinstance(date, dt.date)
            self.summary.error(
                drug.hcpcs if isinstance(drug, Drug) and known else None,
                drug.name if isinstance(drug, Drug) else "",
                date if isinstance(date, dt.date) and known else None,
            )
        return "", "", "", ERROR, reason

    def problems_340b(self, modifier_text: str, payer: Payer, date: dt.date) -> list[str]:
        """A 340B modifier billed that the payer's profile, the site's entity type and the
        date of service do not give (docs/billing-rules.md §3.9). Without one the row is
        not checked: the audit can't know how the drug was bought."""
        words = modifier_text.replace(",", " ").upper().split()
        billed = [word for word in words if word in MODIFIERS_340B]
        if not billed:
            return []
        if payer.modifier_340b != BY_ENTITY:
            wrong = [word for word in billed if word != payer.modifier_340b]
            return [
                f"340B modifier {word} billed; {payer.name}'s 340B modifier is "
                f"{payer.modifier_340b}"
                for word in wrong
            ]
        if date < JG_TB_CREATED:
            return [
                f"340B modifier {word} billed for a date of service before "
                f"{JG_TB_CREATED.isoformat()}, when JG and TB did not exist yet"
                for word in billed
            ]
        entity = ENTITIES_340B.get(self.entity_340b)
        if entity is None:  # the site's type is not set: JG and TB both pass
            return [f"340B modifier {w} billed; Medicare's are JG and TB" for w in billed
                    if w not in ("JG", "TB")]  # fmt: skip
        # Before the entity had to mark them (2024 for some), marking them was allowed.
        return [
            f"340B modifier {word} billed; {entity.label} marks 340B-acquired drugs with "
            f"{entity.modifier}"
            for word in billed
            if word != entity.modifier
        ]


#: Modifiers that say a drug was bought under 340B (Medicare JG, TB; Medicaid's usual UD).
MODIFIERS_340B = frozenset({"JG", "TB", "UD"})


def apply_payer(payer: Payer, medicare: Expected) -> Expected:
    """The expectation under ``payer``'s profile, from the rules' (as ``billing.compute``):
    no JW line when the payer does not pay for waste, no JZ when it does not use it, and a
    line without JZ as good as one with it when its JZ policy is optional.
    """
    return medicare._replace(
        modifier="JZ" if payer.uses_jz(medicare.modifier == "JZ") else "",
        jw_units=payer.jw_line_units(medicare.jw_units),
        payer=payer.name,
        jz_optional=payer.jz_optional,
    )


def _problems(
    expected: Expected,
    units: int,
    modifier: str,
    jw: int,
    unit_mg: Decimal,
    labeled_mg: Decimal,
    date: dt.date,
) -> list[tuple[str, str]]:
    """(kind, reason) a biller can act on, most costly first; empty when the claim matches."""
    problems: list[tuple[str, str]] = []
    want_jw = expected.jw_units
    discarded = expected.discarded_units
    if units + jw > expected.units + want_jw and (units + jw) * unit_mg > labeled_mg:
        problems.append((OVER_LABELED, "units exceed the labeled amount of the opened vials"))
    if units != expected.units:
        problems.append(
            (ADMIN_UNITS, f"administered units billed {units}, expected {expected.units}")
        )
    if modifier == "JZ" and not expected.modifier:
        problems.append((JZ_UNEXPECTED, _unexpected_jz(expected, jw, date)))
    elif want_jw and not jw:
        problems.append((JW_MISSING, f"JW line missing: {want_jw} units discarded not billed"))
    elif jw != want_jw:
        if want_jw:
            problems.append((JW_UNITS, f"JW units billed {jw}, expected {want_jw}"))
        elif discarded:
            problems.append((
                JW_NOT_PAID,
                f"JW line billed but {expected.payer} does not pay for discarded drug",
            ))  # fmt: skip
        else:
            problems.append((
                JW_NO_WASTE,
                f"JW line billed for {jw} units but nothing billable was discarded",
            ))  # fmt: skip
    # Optional before 2023-07-01, and under a payer whose JZ policy is optional.
    if (
        expected.modifier
        and not modifier
        and date >= rules.JZ_REQUIRED
        and not expected.jz_optional
    ):
        problems.append((JZ_MISSING, "JZ missing: nothing billable was discarded"))
    return problems


def _unconfirmed_reason(ndcs: tuple[str, ...]) -> str:
    listed = ", ".join(ndcs)
    return (
        f"container of NDC {listed} not confirmed: JW/JZ can't be checked until the label is "
        "(single-dose: JW/JZ apply; multi-dose: neither); record it with 'doseunits catalog "
        "confirm'"
    )


def _unexpected_jz(expected: Expected, jw: int, date: dt.date) -> str:
    """Why JZ does not belong on this administered line."""
    discarded = expected.discarded_units
    if discarded and jw:
        return f"JZ billed with a JW line; {discarded} units were discarded: drop JZ"
    if discarded and expected.jw_units:
        return f"JZ billed but {discarded} units were discarded (bill a JW line)"
    if discarded:
        return f"JZ billed but {discarded} units were discarded: drop JZ"
    if not expected.single_dose:
        return "JZ billed on multi-dose vials, which carry neither JW nor JZ"
    if date < rules.JZ_EFFECTIVE:
        return (
            f"JZ billed for a date of service before {rules.JZ_EFFECTIVE.isoformat()}, "
            "when JZ did not exist yet"
        )
    return f"JZ billed but {expected.payer or 'the payer'} does not use JZ"


# Streams ----------------------------------------------------------------------------
def open_report(
    source: IO[str], target: IO[str], name: str = "the input"
) -> tuple[csv.DictReader[str], RowWriter]:
    """Check the header of ``source`` and write the report's header to ``target``."""
    reader = csv.DictReader(source)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise AuditError(f"{name} is not a readable CSV file ({error}).") from None
    except UnicodeDecodeError:
        raise AuditError(f"{name} is not UTF-8 text; save it as CSV UTF-8.") from None
    if not header:
        raise AuditError(f"{name} is empty; it needs a header row with {_columns()}.")
    stripped = [name_.strip() for name_ in header]
    reader.fieldnames = stripped
    missing = [
        column
        for column in REQUIRED_COLUMNS
        if column not in stripped and MG_COLUMNS.get(column) not in stripped
    ]
    if len(missing) == len(REQUIRED_COLUMNS):
        raise AuditError(f"{name} has none of the audit's columns; its header needs {_columns()}.")
    if missing:
        listed = ", ".join(missing)
        plural = "s" if len(missing) > 1 else ""
        raise AuditError(
            f"{name} lacks the column{plural} {listed}; the header needs {_columns()}."
        )
    writer = CsvWriter(target)  # RFC 4180, formula cells neutralised (doseunits/csvwrite.py)
    writer.writerow([*stripped, *ADDED_COLUMNS])
    return reader, writer


def audit_rows(
    reader: csv.DictReader[str],
    writer: RowWriter,
    auditor: Auditor,
    progress: Callable[[AuditCounts], object] | None = None,
    should_stop: Callable[[], bool] | None = None,
    counts: AuditCounts | None = None,
) -> AuditCounts:
    """Audit rows until the reader ends or ``should_stop()`` says so; returns the counts.

    ``progress`` and ``should_stop`` are called every CHECK_EVERY rows. Call again with the
    same reader and ``counts`` to go on after a stop (the window audits in chunks). Rows
    are read as DictReader reads them (blank lines skipped, short rows padded, extra
    fields dropped), but from its underlying csv reader: a dict per row costs a fifth of
    the time of a row.
    """
    counts = counts if counts is not None else AuditCounts()
    fields = reader.fieldnames or ()
    width = len(fields)
    index = {name: number for number, name in enumerate(fields)}  # a repeated name: the last
    # A column of the mg days (administered_mg, ordered_mg) is read as mg, unless the
    # file also has the column in the drug's measure.
    in_mg = {}
    for column, older in MG_COLUMNS.items():
        in_mg[column] = column not in index and older in index
        if in_mg[column]:
            index[column] = index[older]
    # Without an ordered column, an mg file's reasons name the one it would add.
    in_mg["ordered"] = in_mg["ordered"] or ("ordered" not in index and in_mg["administered"])
    spare = width  # an optional column the file lacks reads this cell, added while read
    lacking = any(column not in index for column in OPTIONAL_COLUMNS)
    inputs: Callable[[list[Any]], tuple[str | None, ...]] = itemgetter(
        *(index[column] for column in REQUIRED_COLUMNS),
        *(index.get(column, spare) for column in OPTIONAL_COLUMNS),
    )
    padding: list[Any] = [None] * width
    lines = reader.reader
    audit = auditor.audit
    if any(in_mg.values()):
        audit = functools.partial(
            auditor.audit,
            administered_in_mg=in_mg["administered"],
            ordered_in_mg=in_mg["ordered"],
        )
    write = writer.writerow
    tally = {OK: 0, MISMATCH: 0, ERROR: 0}
    pending = 0
    while True:
        try:
            for row in lines:  # the hot loop: no per-row objects beyond csv's own list
                if len(row) != width:
                    if not row:
                        continue
                    row = (row + padding)[:width]
                if lacking:
                    row.append("")
                    result = audit(*inputs(row))
                    row.pop()
                else:
                    result = audit(*inputs(row))
                row.extend(result)
                write(row)
                tally[result[3]] += 1
                pending += 1
                if pending == CHECK_EVERY:
                    pending = 0
                    _add(counts, tally)
                    if progress is not None:
                        progress(counts)
                    if should_stop is not None and should_stop():
                        return counts
            break
        except csv.Error as error:  # one line csv can't read: an error row, then go on
            reason = f"line {lines.line_num} could not be read as CSV ({error})"
            write([*padding, "", "", "", ERROR, reason])
            tally[ERROR] += 1
        except UnicodeDecodeError:
            _add(counts, tally)
            raise AuditError(
                f"The input is not UTF-8 text after line {lines.line_num}; save it as CSV UTF-8."
            ) from None
    _add(counts, tally)
    counts.finished = True
    if progress is not None:
        progress(counts)
    return counts


def _add(counts: AuditCounts, tally: dict[str, int]) -> None:
    """Move the rows tallied since the last call into ``counts``."""
    counts.ok += tally[OK]
    counts.mismatch += tally[MISMATCH]
    counts.error += tally[ERROR]
    counts.rows += tally[OK] + tally[MISMATCH] + tally[ERROR]
    tally[OK] = tally[MISMATCH] = tally[ERROR] = 0


def _columns() -> str:
    return ", ".join(REQUIRED_COLUMNS) + " (payer and ordered optional; amounts in the drug's unit)"


def claim_draft(row: Mapping[str, str]) -> OrderDraft:
    """A report (or claims) row as the order DoseUnits would bill: its drug, date, dose
    (``ordered``, else what was given), what was given when less, the opened vials and
    its payer. The older ``*_mg`` columns are read as mg."""
    from doseunits.engine.draft import OrderDraft

    def amount(column: str) -> str:
        text = (row.get(column) or "").strip()
        if text:
            return text
        older = (row.get(MG_COLUMNS[column]) or "").strip()
        return f"{older} mg" if older else ""

    administered, ordered = amount("administered"), amount("ordered")
    vials = tuple(spec.strip() for spec in (row.get("vials") or "").split(";") if spec.strip())
    return OrderDraft(
        drug=(row.get("drug") or "").strip(),
        date=(row.get("date_of_service") or "").strip(),
        dose=ordered or administered,
        administered=administered if ordered and ordered != administered else "",
        vials=vials or None,
        payer=(row.get("payer") or "").strip(),
    )

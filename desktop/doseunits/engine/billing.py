"""From an order and its opened vials to claim lines: units, JW/JZ, NDC quantities.

``compute`` is the one entry point; every number it returns is a Decimal or an int,
and ``steps`` explains each in words a biller can check by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from doseunits.catalog.model import Drug, Presentation
from doseunits.catalog.ndc import Ndc, n4_string
from doseunits.engine import rules
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import (
    PlanTooLarge,
    VialCount,
    VialPlan,
    least_waste_plan,
    plans_single,
)
from doseunits.errors import InputError, OrderField
from doseunits.payers.model import BY_ENTITY
from doseunits.quantities import MAX_DOSE_MG, fmt, fmt_places, positive

MAX_WEIGHT_KG = Decimal(500)
#: docs/billing-rules.md §4: one drug from two NDCs on one Medicare line (Palmetto GBA,
#: "Reporting the NDC"); the steps and the note say it.
SECOND_NDC = (
    "Two NDCs on one line: the first NDC goes with the line (CMS-1500 box 24A shaded area, "
    "837P loop 2410); the second goes in item 19 of the CMS-1500 or the 837P NTE segment. "
    "Do not split the drug into two lines: the second is denied as a duplicate."
)
ZERO = Decimal(0)


class NdcQuantity(NamedTuple):
    """One NDC on a claim line with its quantity (mL of that product on this line, or UN
    for a powder) and the amount of the drug that is (what a per-NDC split shares by)."""

    ndc: Ndc
    quantity: Decimal
    unit: str = "ML"
    amount: Decimal | None = None

    @property
    def quantity_text(self) -> str:
        return fmt_places(self.quantity, 3)

    @property
    def n4(self) -> str:
        return n4_string(self.ndc, self.unit, self.quantity)


class ClaimLine(NamedTuple):
    """One HCPCS line: the administered line, or the discarded (JW) line."""

    kind: Literal["administered", "discarded"]
    hcpcs: str
    modifiers: tuple[str, ...]
    units: int
    ndcs: tuple[NdcQuantity, ...]


class VialUse(NamedTuple):
    """How one presentation's opened vials were used."""

    presentation: Presentation
    count: int  # type: ignore[assignment]  # shadows tuple.count, never called
    administered_mg: Decimal
    left_mg: Decimal  # discarded for single-dose; kept in the vial for multi-dose

    @property
    def administered_ml(self) -> Decimal | None:
        """None where the presentation's volume is not confirmed."""
        return self.presentation.ml_for(self.administered_mg)

    @property
    def left_ml(self) -> Decimal | None:
        return self.presentation.ml_for(self.left_mg)

    def per_vial(self) -> list[tuple[Decimal, Decimal]]:
        """(administered, left) amount of each vial: drawn one vial after the other."""
        split = []
        remaining = self.administered_mg
        for _ in range(self.count):
            taken = min(remaining, self.presentation.strength_mg)
            remaining -= taken
            split.append((taken, self.presentation.strength_mg - taken))
        return split


class Warning(NamedTuple):
    """Something a biller should act on; ``field`` is the input that caused it."""

    text: str
    field: OrderField


@dataclass(frozen=True)
class BillingResult:
    order: DoseOrder
    ordered_mg: Decimal
    dose_basis: str
    administered_mg: Decimal
    plan: VialPlan
    plan_proposed: bool  # True when the engine chose the vials (least-waste plan)
    least_waste: VialPlan
    uses: tuple[VialUse, ...]
    single_dose_mg: Decimal  # labeled amount of the opened single-dose vials
    admin_units: int
    jw_units: int
    jz: bool
    lines: tuple[ClaimLine, ...]
    warnings: tuple[Warning, ...]

    @property
    def drug(self) -> Drug:
        return self.order.drug

    @property
    def jw_billed_units(self) -> int:
        """Units on the JW line: the discarded units, unless the payer does not pay for waste."""
        return self.order.payer.jw_line_units(self.jw_units)

    @property
    def draw_ml(self) -> Decimal | None:
        """Volume to draw from the vials for the ordered dose (as far as they hold it);
        None where a vial's volume is not confirmed."""
        prepared = _allocate(self.plan, min(self.ordered_mg, self.labeled_mg))
        return _total_ml(u.administered_ml for u in prepared)

    @property
    def unconfirmed(self) -> tuple[Presentation, ...]:
        """Opened presentations whose container is not confirmed: no JW, no JZ (§3.6a)."""
        return tuple(
            v.presentation for v in self.plan.vials if not v.presentation.container_confirmed
        )

    @property
    def steps(self) -> tuple[str, ...]:
        """The arithmetic in words, built on demand (it is not needed to bill)."""
        unit = self.drug.billing_unit_mg
        u = self.drug.measure.symbol
        opened = "(least-waste plan)" if self.plan_proposed else "opened"
        steps = [
            f"Ordered dose: {self.dose_basis}.",
            f"Vials {opened}: {self.plan.describe()} = {fmt(self.labeled_mg)} {u} labeled.",
            f"Administered units: {fmt(self.administered_mg)} {u} / {fmt(unit)} {u} = "
            f"{fmt(self.administered_mg / unit)}, rounded up to {self.admin_units}.",
        ]
        if self.unconfirmed:
            ndcs = ", ".join(str(p.ndc) for p in self.unconfirmed)
            steps.append(
                f"Container of NDC {ndcs} not confirmed: the administered line only, with "
                "no JW line and no JZ modifier, until the label is checked."
            )
            steps.append(f"Pending the label: {self.pending_text()}.")
            return tuple(steps)
        if not self.single_dose_mg:
            steps.append("Multi-dose containers only: no JW line and no JZ modifier.")
            return tuple(steps)
        steps.append(
            f"Discarded units: ({fmt(self.single_dose_mg)} {u} single-dose labeled - "
            f"{self.admin_units} x {fmt(unit)} {u} already billed) / {fmt(unit)} {u}, "
            f"rounded down, = {self.jw_units}."
        )
        payer = self.order.payer
        if payer.jw_line_units(self.jw_units):
            steps.append(f"JW line: {self.jw_units} units discarded, on its own line.")
        elif self.jw_units:
            steps.append(
                f"{payer.name} does not pay for discarded drug: the {self.jw_units} units "
                "are documented in the note but get no JW line."
            )
        elif self.jz:
            steps.append("Nothing billable discarded: JZ on the administered line.")
        elif self.order.date_of_service < rules.JZ_EFFECTIVE:
            steps.append(
                "Nothing billable discarded; no JZ because the date of service "
                f"{self.order.date_of_service.isoformat()} is before "
                f"{rules.JZ_EFFECTIVE.isoformat()}."
            )
        else:
            steps.append(f"Nothing billable discarded; {payer.name} does not require JZ.")
        steps.extend(self._line_steps())
        return tuple(steps)

    def _line_steps(self) -> list[str]:
        """How the lines are laid out: 340B, NDC lines, the second NDC, powders in UN."""
        payer = self.order.payer
        steps = []
        if self.order.acquired_340b:
            modifier, why = _modifier_340b(self.order)
            steps.append(f"340B-acquired drug: {modifier} on every line." if modifier
                         else f"340B-acquired drug: {why}.")  # fmt: skip
        if payer.line_per_ndc:
            kp_kq = " (KP on a code's first NDC line, KQ on the others)" if payer.kp_kq else ""
            steps.append(f"{payer.name}: one claim line per NDC{kp_kq}.")
        elif any(len(line.ndcs) > 1 for line in self.lines):
            steps.append(SECOND_NDC)
        powders = sorted({str(q.ndc) for line in self.lines for q in line.ndcs if q.unit == "UN"})
        if powders:
            steps.append(
                f"NDC {', '.join(powders)} is a powder: its NDC quantity is in UN (vials), "
                "each line its share of the vials opened."
            )
        return steps

    @property
    def labeled_mg(self) -> Decimal:
        return self.plan.labeled_mg

    @property
    def discarded_mg(self) -> Decimal:
        return sum((u.left_mg for u in self.uses if u.presentation.single_dose), ZERO)

    @property
    def kept_mg(self) -> Decimal:
        """Left in multi-dose vials: kept for later doses, not waste."""
        return sum((u.left_mg for u in self.uses if u.presentation.container == "multi-dose"), ZERO)

    @property
    def pending_mg(self) -> Decimal:
        """Left in the opened vials whose container is not confirmed: discarded if their
        label says single-dose, kept if multi-dose (docs/billing-rules.md §3.6a)."""
        return sum((u.left_mg for u in self.uses if not u.presentation.container_confirmed), ZERO)

    @property
    def pending_ml(self) -> Decimal | None:
        return _total_ml(u.left_ml for u in self.uses if not u.presentation.container_confirmed)

    @property
    def pending_discarded_units(self) -> int:
        """The discarded units (rule 3.2) if the unconfirmed vials' labels say single-dose;
        0 when every container is confirmed."""
        if not self.unconfirmed:
            return 0
        unit = self.drug.billing_unit_mg
        return rules.discarded_units(self.plan.may_discard_mg, self.admin_units, unit)

    @property
    def pending_jw_units(self) -> int:
        """The JW line's units if the unconfirmed vials are single-dose (the payer's say)."""
        return self.order.payer.jw_line_units(self.pending_discarded_units)

    @property
    def pending_jz(self) -> bool:
        """Whether the administered line takes JZ if the unconfirmed vials are single-dose."""
        if not self.unconfirmed:
            return False
        applies = rules.jz_applies(self.order.date_of_service, self.pending_discarded_units, True)
        return self.order.payer.uses_jz(applies)

    def pending_text(self) -> str:
        """What the label decides, in words: "if single-dose, 15 units discarded (JW line);
        if multi-dose, neither JW nor JZ and the 150 mg left is kept"."""
        units = self.pending_discarded_units
        if self.pending_jw_units:
            single = f"{units} units discarded (JW line)"
        elif units:
            single = f"{units} units discarded, not billable for {self.order.payer.name}"
        elif self.pending_jz:
            single = "nothing billable discarded (JZ on the administered line)"
        else:
            single = "nothing billable discarded, no JZ"
        left = self.drug.amount(self.pending_mg)
        multi = f"the {left} left is kept" if self.pending_mg else "nothing is left"
        return f"if single-dose, {single}; if multi-dose, neither JW nor JZ and {multi}"

    @property
    def administered_ml(self) -> Decimal | None:
        return _total_ml(u.administered_ml for u in self.uses)

    @property
    def discarded_ml(self) -> Decimal | None:
        return _total_ml(u.left_ml for u in self.uses if u.presentation.single_dose)


def _total_ml(volumes: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when a volume is not known (never a partial sum)."""
    total = ZERO
    for volume in volumes:
        if volume is None:
            return None
        total += volume
    return total


def ordered_dose(order: DoseOrder) -> tuple[Decimal, str]:
    """The ordered dose in the drug's measure and how it was reached (flat, or per kg x kg
    with a cap): "10 mg/kg x 72.5 kg = 725 mg", "5 mcg/kg x 96 kg = 480 mcg"."""
    u = order.drug.measure.symbol
    if order.dose_mg is not None and order.dose_per_kg_mg is not None:
        raise InputError(f"Give either a dose in {u} or a dose in {u}/kg, not both.", "dose")
    cap = None
    if order.max_dose_mg is not None:
        cap = positive(order.max_dose_mg, f"The maximum dose ({u})", "max_dose")
    if order.dose_per_kg_mg is not None:
        per_kg = positive(order.dose_per_kg_mg, f"The dose per kg ({u}/kg)", "dose_per_kg")
        if order.weight_kg is None:
            raise InputError(f"A dose in {u}/kg needs the patient's weight in kg.", "weight")
        weight = positive(order.weight_kg, "The weight (kg)", "weight", MAX_WEIGHT_KG)
        dose = per_kg * weight
        basis = f"{fmt(per_kg)} {u}/kg x {fmt(weight)} kg = {fmt(dose)} {u}"
    elif order.dose_mg is not None:
        dose = positive(order.dose_mg, f"The dose ({u})", "dose")
        basis = f"{fmt(dose)} {u} flat dose"
    else:
        raise InputError(f"Type the ordered dose in {u}, or a dose in {u}/kg and a weight.", "dose")
    if cap is not None and dose > cap:
        dose = cap
        basis += f", capped at the maximum dose of {fmt(cap)} {u}"
    if dose > MAX_DOSE_MG:
        raise InputError(
            f"The ordered dose ({fmt(dose)} {u}) is above the {fmt(MAX_DOSE_MG)} {u} "
            "DoseUnits computes; check the order.",
            "dose_per_kg" if order.dose_per_kg_mg is not None else "dose",
        )
    return dose, basis


def compute(order: DoseOrder) -> BillingResult:
    """Apply docs/billing-rules.md §3 rules 1-7 to one order."""
    drug = order.drug
    unit = drug.billing_unit_mg
    ordered_mg, basis = ordered_dose(order)
    administered_mg = _administered(order, ordered_mg)
    warnings: list[Warning] = []

    if order.vials is None:
        plan = least = least_waste_plan(drug.presentations, ordered_mg)
    else:
        plan = _checked_vials(drug, order.vials, administered_mg)
        try:
            least = least_waste_plan(drug.presentations, ordered_mg)
        except PlanTooLarge:  # the vials are given: bill them, say what was not compared
            least = plan
            warnings.append(Warning("The least-waste comparison could not be worked out "
                                    "for these vial strengths; check the waste by hand.",
                                    "vials"))  # fmt: skip
        warnings.extend(_vial_warnings(plan, least, ordered_mg, administered_mg, drug))

    admin_units = rules.administered_units(administered_mg, unit)
    single_dose_mg = plan.single_dose_mg
    jw_units = rules.discarded_units(single_dose_mg, admin_units, unit) if single_dose_mg else 0
    jz = order.payer.uses_jz(rules.jz_applies(order.date_of_service, jw_units, single_dose_mg > 0))
    unconfirmed = [v.presentation for v in plan.vials if not v.presentation.container_confirmed]
    if unconfirmed:  # docs/billing-rules.md §3.6a: the administered line only, until the label
        jw_units, jz = 0, False
        warnings.append(Warning(_unconfirmed_warning(unconfirmed), "vials"))
    no_volume = [v.presentation for v in plan.vials if v.presentation.volume_ml is None]
    if no_volume:
        warnings.append(Warning(_no_volume_warning(no_volume), "vials"))
    if order.date_of_service < rules.JW_REQUIRED and jw_units:
        warnings.append(
            Warning(
                "The JW modifier was required from 2017-01-01; check the payer's rule for "
                "this earlier date of service.",
                "date",
            )
        )
    warnings.extend(_expiry_warnings(order, plan))
    unverified = _unverified(drug, plan)
    if unverified:
        text = (
            f"Unverified catalog facts: {unverified}; check them against the label or "
            "the payer before billing."
        )
        if order.payer.ndc_required and any(not v.presentation.verified for v in plan.vials):
            # Medicaid pays for the drug by its NDC (rebates): a wrong one is a denial.
            text += (
                " This payer needs each line's NDC: compare an unverified one with its "
                "vial's carton first."
            )
        warnings.append(Warning(text, "drug"))
    powders = [v.presentation for v in plan.vials if v.presentation.powder]
    if powders and order.payer.ndc_required:
        warnings.append(Warning(_powder_unit_warning(powders, order.payer.powder_unit), "vials"))
    uses = _allocate(plan, administered_mg)
    warnings[:0] = _administered_warnings(ordered_mg, administered_mg, plan, uses, drug)
    modifier_340b, why_340b = _modifier_340b(order)
    if why_340b:
        warnings.append(Warning(f"340B-acquired drug: {why_340b}.", "payer"))
    lines = _claim_lines(order, uses, admin_units, jw_units, jz, modifier_340b)
    shared = [line for line in lines if len(line.ndcs) > 1]
    if order.payer.line_per_ndc and shared:
        ndcs = ", ".join(str(q.ndc) for q in shared[0].ndcs[1:])
        warnings.append(
            Warning(
                f"{order.payer.name} wants one line per NDC, but a line has fewer units "
                f"than NDCs: NDC {ndcs} is listed on the line of NDC "
                f"{shared[0].ndcs[0].ndc}. Check the payer's rule.",
                "vials",
            )
        )
    return BillingResult(
        order=order,
        ordered_mg=ordered_mg,
        dose_basis=basis,
        administered_mg=administered_mg,
        plan=plan,
        plan_proposed=order.vials is None,
        least_waste=least,
        uses=uses,
        single_dose_mg=single_dose_mg,
        admin_units=admin_units,
        jw_units=jw_units,
        jz=jz,
        lines=lines,
        warnings=tuple(warnings),
    )


def _administered(order: DoseOrder, ordered_mg: Decimal) -> Decimal:
    if order.administered_mg is None:
        return ordered_mg
    u = order.drug.measure.symbol
    what = f"The administered amount ({u})"
    administered_mg = positive(order.administered_mg, what, "administered")
    if administered_mg > ordered_mg:
        raise InputError(
            f"The administered amount ({fmt(administered_mg)} {u}) is more than the "
            f"ordered dose ({fmt(ordered_mg)} {u}); check both.",
            "administered",
        )
    return administered_mg


def _administered_warnings(
    ordered_mg: Decimal,
    administered_mg: Decimal,
    plan: VialPlan,
    uses: tuple[VialUse, ...],
    drug: Drug,
) -> list[Warning]:
    """Less given than ordered: what became of the rest, in the words the lines bill
    (docs/billing-rules.md §3.2): only what is left in the opened single-dose vials is
    discarded; a multi-dose vial keeps its rest; what the vials never held is neither."""
    if administered_mg == ordered_mg:
        return []
    amount = drug.amount
    given = f"Administered {amount(administered_mg)} of the {amount(ordered_mg)} ordered"
    discarded = sum((u.left_mg for u in uses if u.presentation.single_dose), ZERO)
    pending = sum((u.left_mg for u in uses if not u.presentation.container_confirmed), ZERO)
    kept = sum((u.left_mg for u in uses if u.presentation.container == "multi-dose"), ZERO)
    not_given = ordered_mg - administered_mg
    if plan.labeled_mg >= ordered_mg and not kept and not pending:  # all in single-dose vials
        return [Warning(f"{given}: the {amount(not_given)} not given counts as discarded; "
                        "document why in the chart.", "administered")]  # fmt: skip
    parts = []
    if discarded or not pending:
        parts.append(
            f"{amount(discarded)} is left in the opened single-dose vials and counts as discarded"
        )
    if pending:
        parts.append(
            f"{amount(pending)} is left in vials whose container is not confirmed: discarded "
            "if the label says single-dose, kept if multi-dose"
        )
    if kept:
        parts.append(f"{amount(kept)} stays in the multi-dose vials, kept for later doses")
    if plan.labeled_mg < ordered_mg:
        parts.append(
            f"the other {amount(ordered_mg - plan.labeled_mg)} ordered was never in the opened "
            "vials"
        )
    return [Warning(f"{given}: {'; '.join(parts)}; document why less was given in the chart.",
                    "administered")]  # fmt: skip


def _modifier_340b(order: DoseOrder) -> tuple[str, str]:
    """(the 340B modifier for every line, why there is none or why it was assumed); ("", "")
    for a drug not 340B-acquired (docs/billing-rules.md §3.9)."""
    if not order.acquired_340b:
        return "", ""
    named = order.payer.modifier_340b
    if named != BY_ENTITY:  # the profile names its own (Medicaid UD, a site's override)
        return named, ""
    return rules.medicare_340b_modifier(order.entity_340b, order.date_of_service)


def _checked_vials(drug: Drug, vials: Iterable[VialCount], administered_mg: Decimal) -> VialPlan:
    for vial in vials:
        if vial.presentation not in drug.presentations:
            raise InputError(
                f"NDC {vial.presentation.ndc} is not a presentation of {drug.name}.", "vials"
            )
        if vial.count < 0:
            raise InputError("A vial count can't be negative.", "vials")
    plan = VialPlan.of(vials)
    if not plan.vials:
        raise InputError("No vials are opened; give at least one vial.", "vials")
    if plan.labeled_mg < administered_mg:
        raise InputError(_overfill_message(drug, plan, administered_mg), "vials")
    return plan


def _overfill_message(drug: Drug, plan: VialPlan, administered_mg: Decimal) -> str:
    """More given than the opened vials are labeled to hold: add vials, or, if the rest
    came from overfill, what may be billed (overfill never is, docs/billing-rules.md §3.2)
    and how to record it."""
    labeled = drug.amount(plan.labeled_mg)
    units = rules.administered_units(plan.labeled_mg, drug.billing_unit_mg)
    jz = " with JZ" if all(v.presentation.single_dose for v in plan.vials) else ""
    return (
        f"The opened vials hold {labeled}, less than the {drug.amount(administered_mg)} "
        f"administered; add vials. If the extra {drug.amount(administered_mg - plan.labeled_mg)} "
        f"came from the vials' overfill, it can't be billed: enter {labeled} (the labeled "
        f"amount, {units} units{jz}) as administered and note the overfill in the chart."
    )


def _vial_warnings(
    plan: VialPlan, least: VialPlan, ordered_mg: Decimal, administered_mg: Decimal, drug: Drug
) -> list[Warning]:
    amount = drug.amount
    if plan.labeled_mg < ordered_mg:
        text = (
            f"The opened vials hold {amount(plan.labeled_mg)}, less than the "
            f"{amount(ordered_mg)} ordered; they cover only the {amount(administered_mg)} "
            "administered."
        )
    elif (extra := plan.discarded_mg(ordered_mg) - least.discarded_mg(ordered_mg)) > 0:
        text = (
            f"These vials hold {amount(plan.labeled_mg)}; the least-waste plan for "
            f"{amount(ordered_mg)} is {least.describe()} ({amount(least.labeled_mg)}). "
            f"Payers may deny the extra {amount(extra)} of waste."
        )
    else:
        return []
    return [Warning(text, "vials")]


def _allocate(plan: VialPlan, amount: Decimal) -> tuple[VialUse, ...]:
    """Draw ``amount`` from single-dose vials first (their rest is waste), largest first.

    Multi-dose vials are drawn last because what stays in them is kept, not wasted; an
    unconfirmed vial comes between (``_draw_order``).
    """
    uses = []
    remaining = amount
    for vial in sorted(plan.vials, key=_draw_order):
        taken = min(remaining, vial.labeled_mg)
        remaining -= taken
        uses.append(VialUse(vial.presentation, vial.count, taken, vial.labeled_mg - taken))
    return tuple(uses)


def _draw_order(vial: VialCount) -> int:
    """Single-dose vials first, then unconfirmed ones (planned as single-dose, §3.6a: if
    they are, drawing them before a multi-dose vial wastes least), multi-dose last."""
    return 0 if vial.presentation.single_dose else 1 if plans_single(vial.presentation) else 2


def _claim_lines(
    order: DoseOrder,
    uses: tuple[VialUse, ...],
    admin_units: int,
    jw_units: int,
    jz: bool,
    modifier_340b: str,
) -> tuple[ClaimLine, ...]:
    """One line per HCPCS and modifier (units summed), each NDC with its own quantity;
    the payer decides JW, JZ, KP/KQ, the 340B modifier's place and whether each NDC gets
    a line of its own.
    """
    payer = order.payer
    extra = (modifier_340b,) if modifier_340b else ()
    hcpcs = order.drug.hcpcs
    unit = payer.powder_unit
    administered = _ndc_quantities(
        _quantity(u.presentation, u.administered_mg, unit, u.count) for u in uses
    )
    lines = [ClaimLine("administered", hcpcs, ("JZ",) if jz else (), admin_units,
                       administered)]  # fmt: skip
    if payer.jw_line_units(jw_units):
        discarded = _ndc_quantities(  # without a volume the JW line's mL can't be given
            _quantity(u.presentation, u.left_mg, unit) for u in uses if u.presentation.single_dose
        )
        lines.append(ClaimLine("discarded", hcpcs, ("JW",), jw_units, discarded))
    if payer.line_per_ndc:
        lines = [split for line in lines for split in _per_ndc(line, payer.kp_kq)]
    return tuple(line._replace(modifiers=line.modifiers + extra) for line in lines)


def _per_ndc(line: ClaimLine, kp_kq: bool = False) -> list[ClaimLine]:
    """A line for each NDC, the units shared in proportion to its amount of the drug (for
    solutions of one concentration, its mL; largest remainder), so the lines add up to
    exactly the units of the whole line; an NDC whose share is under one unit still gets
    a line of one, taken from the line furthest over its share. ``kp_kq``: KP on the
    first of them, KQ on the others (West Virginia Medicaid, docs/billing-rules.md §4).
    """
    if len(line.ndcs) < 2:
        return [line]
    if kp_kq:
        split = _per_ndc(line)
        if len(split) < 2:
            return split
        return [s._replace(modifiers=(*s.modifiers, "KP" if i == 0 else "KQ"))
                for i, s in enumerate(split)]  # fmt: skip
    weights = [q.amount if q.amount is not None else q.quantity for q in line.ndcs]
    shares = apportion(line.units, weights, at_least=1)
    split = [line._replace(units=n, ndcs=(q,)) for n, q in zip(shares, line.ndcs, strict=True)]
    kept = [s for s in split if s.units]
    for orphan in (s for s in split if not s.units):  # fewer units than NDCs: list it too
        biggest = max(kept, key=lambda s: s.units)
        kept[kept.index(biggest)] = biggest._replace(ndcs=biggest.ndcs + orphan.ndcs)
    return kept


def apportion(total: int, weights: list[Decimal], at_least: int = 0) -> list[int]:
    """Whole numbers proportional to ``weights`` that add up to ``total`` (Hamilton).

    With ``at_least=1`` every positive weight gets one, as far as ``total`` allows, each
    taken from the share that is furthest over its exact quota.
    """
    whole = sum(weights, ZERO)
    quotas = [total * w / whole for w in weights]
    shares = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for index in order[: total - sum(shares)]:
        shares[index] += 1
    short = [i for i, w in enumerate(weights) if w > 0 and shares[i] < at_least]
    for index in sorted(short, key=lambda i: (-quotas[i], i)):  # the biggest shares first
        givers = [i for i in range(len(shares)) if shares[i] > at_least]
        if not givers:
            break
        giver = max(givers, key=lambda i: (shares[i] - quotas[i], -i))
        shares[giver] -= 1
        shares[index] += 1
    return shares


def _quantity(
    presentation: Presentation, amount: Decimal, powder_unit: str, opened: int = 0
) -> tuple[Ndc, Decimal, str, Decimal] | None:
    """One NDC's quantity for an amount: mL of a solution; a powder in the payer's unit,
    UN being the amount's share of the vials (725 mg of 180 mg vials: 4.028 UN), so that a
    line's UN and its JW line's add up to the vials opened (§4). Without a confirmed
    volume, the ``opened`` vials in UN (counted, not made up), or nothing. The amount of
    drug goes with it: a per-NDC split shares units by it."""
    if presentation.powder and powder_unit == "UN":
        return presentation.ndc, amount / presentation.strength_mg, "UN", amount
    ml = presentation.ml_for(amount)
    if ml is not None:
        return presentation.ndc, ml, "ML", amount
    if opened:
        return presentation.ndc, Decimal(opened) if amount else ZERO, "UN", amount
    return None


def _ndc_quantities(
    quantities: Iterable[tuple[Ndc, Decimal, str, Decimal] | None],
) -> tuple[NdcQuantity, ...]:
    totals: dict[tuple[Ndc, str], tuple[Decimal, Decimal]] = {}
    for item in quantities:
        if item is not None and item[1] > 0:
            ndc, quantity, unit, amount = item
            before, drug = totals.get((ndc, unit), (ZERO, ZERO))
            totals[ndc, unit] = (before + quantity, drug + amount)
    return tuple(
        NdcQuantity(ndc, quantity, unit, amount)
        for (ndc, unit), (quantity, amount) in totals.items()
    )


def _unconfirmed_warning(presentations: list[Presentation]) -> str:
    ndcs = ", ".join(str(p.ndc) for p in presentations)
    return (
        f"NDC {ndcs}: single-dose or multi-dose is not confirmed, so only the administered "
        "line is billed, with neither JW nor JZ. The claim is not ready until the label is "
        "checked (single-dose: JW/JZ apply; multi-dose: neither); record what it says (the "
        "vial row's Check label, or 'doseunits catalog confirm')."
    )


def _no_volume_warning(presentations: list[Presentation]) -> str:
    ndcs = ", ".join(str(p.ndc) for p in presentations)
    return (
        f"NDC {ndcs}: no confirmed volume, so the NDC quantity can't be given in mL; it is "
        "given in UN (vials opened). Check the label's volume and the payer's NDC unit "
        "before the claim."
    )


def _expiry_warnings(order: DoseOrder, plan: VialPlan) -> list[Warning]:
    expired = []
    for vial in plan.vials:
        details = order.details.vials.get(vial.presentation.ndc)
        if details and details.expiry and details.expiry < order.date_of_service:
            expired.append(
                Warning(
                    f"The vial NDC {vial.presentation.ndc} (lot {details.lot or 'unknown'}) "
                    f"expired on {details.expiry.isoformat()}, before the date of service.",
                    "vials",
                )
            )
    return expired


def _powder_unit_warning(powders: list[Presentation], unit: str) -> str:
    ndcs = ", ".join(str(p.ndc) for p in powders)
    if unit == "UN":
        return (
            f"NDC {ndcs} is a powder: its NDC quantity is in UN (vials), each line its share "
            "of the vials opened; no payer source says how UN splits between the "
            "administered and JW lines, so check this payer's rule before the claim."
        )
    return (
        f"NDC {ndcs} is a powder: its NDC quantity is given here in mL after reconstitution, "
        "but many payers want powders in UN (vials). Check this payer's NDC unit of "
        "measure before the claim."
    )


def _unverified(drug: Drug, plan: VialPlan) -> str:
    facts = [] if drug.verified else [f"{drug.hcpcs} code and descriptor"]
    facts += [f"NDC {v.presentation.ndc}" for v in plan.vials if not v.presentation.verified]
    return ", ".join(facts)

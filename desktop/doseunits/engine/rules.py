"""The Medicare Part B rules of docs/billing-rules.md §3, one small function each."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from doseunits.payers.model import ENTITIES_340B, ENTITY_340B_SETTING, JG_TB_CREATED

#: JZ modifier effective date (CMS JW/JZ FAQ); no JZ before it.
JZ_EFFECTIVE = dt.date(2023, 1, 1)
#: JZ required from this date (CMS JW/JZ FAQ); between the two it was optional.
JZ_REQUIRED = dt.date(2023, 7, 1)
#: JW modifier required from this date (Claims Processing Manual ch. 17 §40).
JW_REQUIRED = dt.date(2017, 1, 1)


def administered_units(administered_mg: Decimal, unit_mg: Decimal) -> int:
    """Rule 1: the administered amount in billing units, rounded up."""
    return math.ceil(administered_mg / unit_mg)


def discarded_units(single_dose_labeled_mg: Decimal, admin_units: int, unit_mg: Decimal) -> int:
    """Rule 2: what the administered line does not already count, rounded down."""
    return max(0, math.floor((single_dose_labeled_mg - admin_units * unit_mg) / unit_mg))


def jz_applies(date_of_service: dt.date, jw_units: int, single_dose_opened: bool) -> bool:
    """Rule 4 and 5: nothing billable discarded from a single-dose container, from 2023."""
    return single_dose_opened and jw_units == 0 and date_of_service >= JZ_EFFECTIVE


# docs/billing-rules.md §3.9: the table of entity types and dates is in payers/model.py
# (the settings' schema lists its keys at start, before the engine is loaded).
def medicare_340b_modifier(entity: str, date_of_service: dt.date) -> tuple[str, str]:
    """(modifier, why) for a 340B-acquired drug on a Medicare Part B line: JG or TB by the
    entity's type from the date it must mark them, or "" with the reason there is none.
    ``entity`` "" (not set): TB, as before the setting, and ``why`` says to set it."""
    if date_of_service < JG_TB_CREATED:
        return "", (
            f"no 340B modifier: JG and TB exist from {JG_TB_CREATED.isoformat()} (CY 2018 "
            "OPPS final rule)"
        )
    known = ENTITIES_340B.get(entity)
    if known is None:
        return "TB", (
            f"the site's 340B entity type is not set ({ENTITY_340B_SETTING}), so TB is "
            "assumed; disproportionate share hospitals, rural referral centres, non-rural sole "
            "community hospitals and grantees use JG"
        )
    if date_of_service < known.since:
        return "", (
            f"no 340B modifier: {known.label} marks 340B-acquired drugs on Medicare Part B "
            f"claims from {known.since.isoformat()}"
        )
    return known.modifier, ""

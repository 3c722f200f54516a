"""The Medicare Part B rules of docs/billing-rules.md §3, one small function each."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

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

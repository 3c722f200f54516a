"""The command line's commands: ``calc``, ``scan``, ``audit``, ``catalog`` and ``--self-test``.

Bad input exits with status 2 and one sentence on stderr, never a traceback; so does a
full disk, a folder that can't be written or a full output (a closed one, ``| head``,
exits 2 quietly). ``audit``
exits 1 when a row of the report is not ``ok`` (like ``diff``: a script can tell a clean
batch from one that needs a biller). A bug exits 3, also with one sentence, so that 1
never means a crash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from doseunits import __version__, files
from doseunits.app.folders import site_catalog_files
from doseunits.app.site import load_default_catalog
from doseunits.catalog.model import Catalog
from doseunits.errors import DoseUnitsError, InputError, OrderField
from doseunits.quantities import MG

if TYPE_CHECKING:  # the draft's module loads with calc, not with every command
    from doseunits.engine.draft import OrderDraft

EXIT_BAD_INPUT = 2
EXIT_AUDIT_FOUND = 1  # the audit ran, and some rows are a mismatch or an error
EXIT_BUG = 3


class UsageError(DoseUnitsError):
    """argparse's complaint, re-raised so it is printed as one sentence."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="doseunits",
        description="HCPCS billable units, JW/JZ lines and the chart note for single-dose vials. "
        "Without a command it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"DoseUnits {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check the engine, catalog, templates and window"
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    calc = commands.add_parser("calc", help="billable units and claim lines for one order")
    calc.add_argument("--drug", required=True, help="catalog id, HCPCS code or NDC")
    # Amounts are in the drug's own measure (mg, mcg or units), or say their unit: 480mcg.
    calc.add_argument(
        "--dose", metavar="AMOUNT", help="ordered flat dose in the drug's unit (1050, or 480mcg)"
    )
    calc.add_argument("--dose-per-kg", metavar="AMOUNT", help="ordered dose per kg (mg/kg)")
    calc.add_argument("--weight", metavar="KG", help="patient weight in kg (with --dose-per-kg)")
    calc.add_argument("--max-dose", metavar="AMOUNT", help="cap for a weight-based dose")
    calc.add_argument(
        "--administered", metavar="AMOUNT", help="amount given, when less than ordered"
    )
    calc.add_argument(
        "--vial", action="append", default=[], metavar="SPEC",
        help="opened vials: STRENGTH[xCOUNT] (in the drug's unit) or NDC[xCOUNT], repeatable; "
        "none means the least-waste plan",
    )  # fmt: skip
    calc.add_argument("--date", metavar="YYYY-MM-DD", help="date of service (default: today)")
    calc.add_argument(
        "--catalog", action="append", default=[], type=Path, metavar="FILE",
        help="a site catalog file that adds drugs or overrides them by id",
    )  # fmt: skip
    calc.add_argument("--template", type=Path, metavar="FILE", help="a site note template")
    calc.add_argument(
        "--payer", metavar="NAME", help="payer profile id or name (default: medicare-part-b)"
    )
    calc.add_argument(
        "--340b", dest="acquired_340b", action="store_true",
        help="340B-acquired drug: the payer's 340B modifier (Medicare: JG or TB by the "
        "site's 340B entity type; Medicaid: UD) on every line",
    )  # fmt: skip
    calc.add_argument(
        "--round-within", metavar="PCT",
        help="site rounding policy: suggest the nearest whole-vial dose within PCT percent "
        "(shown, never applied)",
    )  # fmt: skip
    calc.add_argument("--json", action="store_true", help="print one JSON object")
    for flag, what in (
        ("--preparer", "who prepared the dose"),
        ("--witness", "who witnessed the waste"),
        ("--waste-reason", "why drug was discarded"),
        ("--diagnosis", "diagnosis code(s) for the note"),
        ("--prior-auth", "prior-authorization number"),
        ("--biomarker", "biomarker result on file, e.g. 'PD-L1 on file'"),
    ):
        calc.add_argument(flag, default="", help=what)
    scan = commands.add_parser("scan", help="read a vial's GS1 barcode: NDC, lot, expiry")
    scan.add_argument("string", help="the scanned text (GS separator as \\x1d or a real ASCII 29)")
    scan.add_argument("--catalog", action="append", default=[], type=Path, metavar="FILE")
    scan.add_argument("--json", action="store_true", help="print one JSON object")
    audit = commands.add_parser(
        "audit", help="check billed units and JW/JZ in a claims CSV",
        epilog="Exit status: 0 when every row is ok, 1 when any row is a mismatch or an "
        "error (the report says which and why), 2 when the audit can't run (a file that "
        "can't be read or written, a full disk), 3 on a bug.",
    )  # fmt: skip
    audit.add_argument("input", type=Path, metavar="IN.csv", help="claims to check, one a row")
    audit.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT.csv",
        help="the report: each row with what the rules expect, a status and a reason",
    )  # fmt: skip
    audit.add_argument(
        "--catalog", action="append", default=[], type=Path, metavar="FILE",
        help="a site catalog file that adds drugs or overrides them by id",
    )  # fmt: skip
    audit.add_argument(
        "--summary", type=Path, metavar="SUMMARY.csv",
        help="also write the summary per drug and quarter: units, JW share, dollars, mismatches",
    )  # fmt: skip
    audit.add_argument(
        "--summary-pdf", type=Path, metavar="FILE",
        help="also write the summary and a chart of JW dollars by drug as a one-page PDF",
    )  # fmt: skip
    _catalog_parser(commands)
    return parser


def _catalog_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    catalog = commands.add_parser(
        "catalog", help="import CMS's files, look drugs up, confirm labels"
    )
    actions = catalog.add_subparsers(dest="catalog_command", parser_class=_Parser, required=True)
    imp = actions.add_parser(
        "import", help="build the site's catalog from CMS's quarterly crosswalk",
        epilog="Writes one snapshot into the user's site-catalog folder (--site: the "
        "system-wide one), atomically; the one it replaces is kept for one --rollback.",
    )  # fmt: skip
    imp.add_argument(
        "--crosswalk", type=Path, metavar="FILE", help="CMS ASP NDC-HCPCS crosswalk CSV"
    )
    imp.add_argument(
        "--payment-limits", type=Path, metavar="FILE",
        help="CMS Part B payment limit CSV, stored where pricing reads it (one a quarter)",
    )  # fmt: skip
    imp.add_argument(
        "--fda-ndc", type=Path, metavar="ZIP_OR_DIR",
        help="FDA NDC Directory (ndctext.zip, or its folder): containers and volumes",
    )  # fmt: skip
    imp.add_argument("--site", action="store_true", help="the system-wide site folder (IT)")
    imp.add_argument(
        "--report", type=Path, metavar="FILE", help="skipped rows and disagreements as CSV"
    )
    imp.add_argument(
        "--rollback", action="store_true", help="put the import before the last one back"
    )
    check = actions.add_parser(
        "check", help="read and check every drug of the catalog files, before rollout",
        epilog="Without FILE: every catalog file this station bills from (shipped, system "
        "site, user); --site: the system-wide site folder's files only.",
    )  # fmt: skip
    check.add_argument("files", nargs="*", type=Path, metavar="FILE", help="catalog files")
    check.add_argument("--site", action="store_true", help="the system-wide site folder (IT)")
    show = actions.add_parser("show", help="every drug and presentation matching QUERY")
    show.add_argument("query", metavar="QUERY", help="brand, generic name, HCPCS code or NDC")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    confirm = actions.add_parser("confirm", help="record what a vial's label says")
    confirm.add_argument("ndc", metavar="NDC")
    confirm.add_argument("--container", required=True, choices=("single-dose", "multi-dose"))
    confirm.add_argument("--by", required=True, metavar="INITIALS", help="who read the label")
    confirm.add_argument("--site", action="store_true", help="the system-wide site folder (IT)")


def run(argv: Sequence[str]) -> int:
    code: int | None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help, --version: printed; its output checked below
            code = done.code if isinstance(done.code, int) else 0
        else:
            code = _command(args)
        if code is None:
            from doseunits.gui.startup import start

            return start()
        if sys.stdout is not None:
            sys.stdout.flush()  # a full or closed output is found here, not at exit
        return code
    except BrokenPipeError:  # the reader left (| head): nothing to say, nowhere to say it
        _quiet_stdout()
        return EXIT_BAD_INPUT
    except DoseUnitsError as error:
        print(f"doseunits: {_sentence(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # a full disk or output, a folder that can't be written
        _quiet_stdout()
        sentence = (
            files.cannot_use(error, "")
            if error.filename
            else f"the output can't be written ({files.why(error)})."
        )
        print(f"doseunits: {_sentence(sentence)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # not the input's fault: say so, and not as a traceback
        what = f"unexpected error, a bug to report: {type(error).__name__}: {error}"
        print(f"doseunits: {_sentence(what)}", file=sys.stderr)
        return EXIT_BUG


def _command(args: argparse.Namespace) -> int | None:
    """The command's exit status; None: no command, the window opens."""
    if args.self_test:
        from doseunits.cli.selftest import run_self_test

        return run_self_test()
    if args.command == "calc":
        return _calc(args)
    if args.command == "scan":
        return _scan(args)
    if args.command == "audit":
        return _audit(args)
    if args.command == "catalog":
        from doseunits.cli.catalog_commands import run_catalog

        return run_catalog(args)
    return None


def _quiet_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it would
    fail again when Python exits, with a message and status 120 (Python's own advice
    for a broken pipe)."""
    if sys.stdout is None:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no descriptor (a test's captured output)
        pass


def _calc(args: argparse.Namespace) -> int:
    # Imported here: the window's start-up does not need the command line's output code.
    from doseunits.app.site import Site
    from doseunits.engine.billing import compute
    from doseunits.engine.draft import build_order, rounding_threshold
    from doseunits.outputs.allowed import allowed_amounts
    from doseunits.outputs.note import render_note
    from doseunits.outputs.result_text import as_dict, as_text

    site = Site.load(args.catalog, args.template)
    catalog = site.catalog
    order = build_order(draft_of_args(args), catalog, site.payers, CALC_LABELS)
    drug = order.drug
    result = compute(order)
    allowed = allowed_amounts(result, site.payment_limits())
    snippet = render_note(result, site.template, allowed)
    suggestion = None
    if args.round_within is not None:
        from doseunits.engine.rounding import suggest_rounding

        percent = rounding_threshold(args.round_within, "The rounding threshold (--round-within)")
        suggestion = suggest_rounding(drug, result.ordered_mg, percent)
    if args.json:
        import json

        output = as_dict(result, snippet, allowed)
        output["rounding_suggestion"] = (
            {
                "rounded": {"amount": str(suggestion.rounded_mg), "unit": suggestion.unit},
                **({"rounded_mg": str(suggestion.rounded_mg)} if drug.measure == MG else {}),
                "text": suggestion.describe(),
            }
            if suggestion else None
        )  # fmt: skip
        print(json.dumps(output, indent=2))
    else:
        print(as_text(result, snippet, allowed), end="")
        if suggestion:
            print(f"\nDose rounding\n  {suggestion.describe()}")
    return 0


def _scan(args: argparse.Namespace) -> int:
    from doseunits.scan import GROUP_SEPARATOR, parse_scan

    catalog = load_catalog(args.catalog)
    # A shell can't easily hold ASCII 29, so the two-character text \x1d stands for it.
    text = args.string.replace("\\x1d", GROUP_SEPARATOR)
    scan = parse_scan(text, catalog)
    fields = {
        "gtin": scan.gtin,
        "ndc": str(scan.ndc) if scan.ndc else None,
        "drug": scan.drug.id if scan.drug else None,
        "lot": scan.lot or None,
        "expiry": scan.expiry.isoformat() if scan.expiry else None,
        "serial": scan.serial or None,
        "expired": scan.expired_on(dt.date.today()),
    }
    if args.json:
        import json

        print(json.dumps(fields, indent=2))
        return 0
    for key, value in fields.items():
        print(f"{key:<8}{'' if value is None else value}")
    if scan.ndc is None:
        where = f"NDC {scan.ndc10}" if scan.ndc10 else "this GTIN (not an NDC)"
        print(f"note    {where} is not in the catalog")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from doseunits.app.site import Site
    from doseunits.audit.auditor import Auditor
    from doseunits.audit.job import audit_file

    site = Site.load(args.catalog)
    # Read whole before the first row: a snapshot that can't be used is one sentence and
    # exit 2 here, not the same error on every row (each reading the file again).
    site.catalog.load()
    auditor = Auditor(site.catalog, site.payers)  # the site's payer files apply here too
    summary = None
    if args.summary or args.summary_pdf:
        from doseunits.audit.summary import AuditSummary

        summary = AuditSummary(site.payment_limits())
    counts = audit_file(args.input, args.output, auditor, summary=summary)
    written = [f"report written to {args.output}"]
    if summary is not None:
        rows = summary.rows()
        if args.summary:
            from doseunits.audit.job import save_summary_csv

            save_summary_csv(rows, args.summary)
            written.append(f"summary to {args.summary}")
        if args.summary_pdf:
            from doseunits.gui.summary_report import save_summary_pdf

            save_summary_pdf(rows, args.summary_pdf, args.input.name)
            written.append(f"summary PDF to {args.summary_pdf}")
    print(f"{counts.summary()}; {', '.join(written)}")
    return EXIT_AUDIT_FOUND if counts.mismatch or counts.error else 0


def load_catalog(extra: Sequence[Path] = ()) -> Catalog:
    """The catalog alone, for ``scan``: a vial's barcode needs neither payers nor note."""
    return load_default_catalog([*site_catalog_files(), *extra])


#: Errors name the flag that was given.
CALC_LABELS: dict[OrderField, str] = {
    "dose": "The dose (--dose, mg)",
    "dose_per_kg": "The dose per kg (--dose-per-kg)",
    "weight": "The weight (--weight, kg)",
    "max_dose": "The maximum dose (--max-dose, mg)",
    "administered": "The administered amount",
}


def draft_of_args(args: argparse.Namespace) -> OrderDraft:
    """calc's flags as an order typed (the engine's order is made from it by build_order)."""
    from doseunits.engine.draft import NoteTexts, OrderDraft

    def given(text: str | None, name: OrderField) -> str:
        """An amount flag; given empty it is an error, not the amount left out (an empty
        --administered must not bill the whole dose)."""
        if text is not None and not text.strip():
            raise InputError(f"{CALC_LABELS[name]} is empty; type a number.", name)
        return text or ""

    return OrderDraft(
        drug=args.drug,
        date=args.date or dt.date.today().isoformat(),
        dose=given(args.dose, "dose"),
        dose_per_kg=given(args.dose_per_kg, "dose_per_kg"),
        weight=given(args.weight, "weight"),
        max_dose=given(args.max_dose, "max_dose"),
        administered=given(args.administered, "administered"),
        vials=tuple(args.vial) if args.vial else None,
        payer=args.payer or "",
        acquired_340b=args.acquired_340b,
        note=NoteTexts(
            preparer=args.preparer,
            witness=args.witness,
            waste_reason=args.waste_reason,
            diagnosis_codes=args.diagnosis,
            prior_authorization=args.prior_auth,
            biomarker_on_file=args.biomarker,
        ),
    )


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "!", "?")) else message + "."

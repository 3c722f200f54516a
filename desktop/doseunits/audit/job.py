"""The claim audit on files: ``doseunits audit IN.csv -o OUT.csv`` and File > Audit claims.

The report is written beside its target and moved into place only when the whole input
was audited, so a cancelled or failed run never leaves half a report.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from doseunits import files
from doseunits.audit.auditor import (
    ADDED_COLUMNS,
    AuditCounts,
    AuditError,
    Auditor,
    RowWriter,
    audit_rows,
    open_report,
)
from doseunits.audit.summary import AuditSummary, SummaryRow, write_summary_csv


class AuditJob:
    """One audit from a CSV file to a report file, in one go or in steps (the window).

    The report is written beside its target and moved into place only when the whole
    input was audited, so a cancelled or failed run leaves no half report. Use it as a
    context manager; leaving it early removes the unfinished report.
    """

    def __init__(
        self,
        source: Path,
        target: Path,
        auditor: Auditor,
        summary: AuditSummary | None = None,
        keep: Callable[[list[str]], object] | None = None,
    ) -> None:
        """``summary``: tallied as the rows are audited (the auditor is told of each);
        ``keep``: given each report row as written (the window's table)."""
        self.source = source
        self.target = target
        self.summary = summary
        auditor.summary = summary
        if _same_file(source, target):
            raise AuditError(f"The report {target} would overwrite the input; choose another.")
        if target.exists() and not target.is_file():  # the report replaces what is there
            raise AuditError(
                f"The report {target} is not a regular file (a folder or a device); "
                "name a new file or an old report."
            )
        self.counts = AuditCounts()
        self._auditor = auditor
        try:  # a regular file only: a pipe or /dev/zero would never end
            self._in = io.TextIOWrapper(
                files.open_regular(source), encoding="utf-8-sig", newline=""
            )
        except OSError as error:
            raise AuditError(f"The input {source} can't be read ({_why(error)}).") from None
        try:  # exclusive, 0600, never through a link; a killed run's .part removed first
            self._report = files.AtomicFile(target)
        except OSError as error:
            self._in.close()
            raise AuditError(f"The report {target} can't be written ({_why(error)}).") from None
        self._temporary = self._report.path
        self._out = self._report.stream
        try:
            self._reader, self._writer = open_report(self._in, self._out, str(source))
        except BaseException:
            self.discard()
            raise
        self.header = [*(self._reader.fieldnames or ()), *ADDED_COLUMNS]
        if keep is not None:
            self._writer = _Keeping(self._writer, keep)

    def run(
        self,
        progress: Callable[[AuditCounts], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> AuditCounts:
        """Audit to the end (or until ``should_stop``); the report is in place if finished."""
        try:
            audit_rows(
                self._reader, self._writer, self._auditor, progress, should_stop, self.counts
            )
        except OSError as error:
            self.discard()  # a full disk: the half report goes now, not at exit
            raise AuditError(
                f"The report {self.target} can't be written ({_why(error)})."
            ) from None
        if self.counts.finished:
            self._commit()
        return self.counts

    def step(self, seconds: float) -> AuditCounts:
        """Audit for about ``seconds``; the window calls it from a timer until finished."""
        deadline = time.perf_counter() + seconds
        return self.run(should_stop=lambda: time.perf_counter() >= deadline)

    def _commit(self) -> None:
        self._in.close()
        try:
            self._report.commit()
        except OSError as error:
            raise AuditError(
                f"The report {self.target} can't be written ({_why(error)})."
            ) from None

    def discard(self) -> None:
        """Stop here: close the files and remove the unfinished report."""
        self._in.close()
        self._report.discard()

    def __enter__(self) -> AuditJob:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.counts.finished or kind is not None:
            self.discard()


class _Keeping:
    """A report writer that also hands each row on."""

    def __init__(self, writer: RowWriter, keep: Callable[[list[str]], object]) -> None:
        self._write = writer.writerow
        self._keep = keep

    def writerow(self, row: list[str]) -> None:
        self._write(row)
        self._keep(row)


def audit_file(
    source: Path,
    target: Path,
    auditor: Auditor,
    progress: Callable[[AuditCounts], object] | None = None,
    should_stop: Callable[[], bool] | None = None,
    summary: AuditSummary | None = None,
) -> AuditCounts:
    """``doseunits audit IN.csv -o OUT.csv``: the counts; the report is written if finished."""
    with AuditJob(source, target, auditor, summary) as job:
        return job.run(progress, should_stop)


def save_summary_csv(rows: list[SummaryRow], target: Path) -> None:
    """The summary per drug and quarter as CSV (``--summary``, the dialog's export)."""
    try:
        with target.open("w", encoding="utf-8", newline="") as stream:
            write_summary_csv(rows, stream)
    except OSError as error:
        raise AuditError(f"The summary {target} can't be written ({_why(error)}).") from None


def count_rows(path: Path) -> int:
    """Rows after the header, counted by line ends (for a progress bar; quoted line breaks
    make it an overestimate, never an error)."""
    lines = 0
    last = b"\n"
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0
    return max(0, lines + (last != b"\n") - 1)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _why(error: OSError) -> str:
    return files.why(error)

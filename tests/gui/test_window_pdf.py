"""Save note as PDF: QPdfWriter (no print service), into a temporary file that is
checked before it replaces the target; a failure is a message, never a finished order."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from doseunits.gui.main_window import MainWindow
from gui_helpers import field, open_window


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    field(window, "dose").setText("1050")
    yield window
    window.close()


def pdf_text(path: Path) -> str:  # pypdf reads the fixed font's spaces as tabs
    return " ".join("".join(p.extract_text() for p in PdfReader(path).pages).split())


def save_pdf(qtbot: QtBot, window: MainWindow, target: Path) -> bool:
    """Save as PDF to ``target``; whether the order was finished (noteSent)."""
    window.note_actions.ask_pdf_path = lambda: target
    sent: list[bool] = []
    window.note_actions.noteSent.connect(lambda: sent.append(True))
    window.note_actions.save_pdf()
    return bool(sent)


def test_save_as_pdf_writes_a_whole_pdf_in_place_of_the_old_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "note.pdf"
    target.write_bytes(b"an older note")
    assert save_pdf(qtbot, window, target)
    text = pdf_text(target)
    assert "J9022 x 105 units" in text
    assert "J9022-JW x 15 units" in text
    metadata = PdfReader(target).metadata
    assert metadata is not None
    assert metadata.title == "DoseUnits note: Atezolizumab (Tecentriq)"
    assert sorted(p.name for p in out.iterdir()) == ["note.pdf"]  # no temporary left
    assert "saved as PDF" in window.statusBar().currentMessage()


@pytest.mark.parametrize("where", ["missing-folder/note.pdf", "a-file/note.pdf"])
def test_a_folder_that_refuses_it_is_a_message_and_no_finished_order(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / where
    assert not save_pdf(qtbot, window, target)  # the history records nothing
    assert "was not saved as PDF" in window.export_message.text()
    assert window.export_message.isVisible()
    assert "saved as PDF" not in window.statusBar().currentMessage()
    assert "J9022-JW" in window.results.snippet.toPlainText()  # nothing lost


def test_a_full_disk_keeps_the_old_pdf_whole(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "note.pdf"
    target.write_bytes(b"%PDF- the older note, whole")
    # A full disk, for this process: no file may grow past 2000 bytes (a note's PDF is
    # ~20 kB); writes beyond fail with EFBIG instead of a signal.
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, hard))
    try:
        finished = save_pdf(qtbot, window, target)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert not finished
    assert target.read_bytes() == b"%PDF- the older note, whole"  # not truncated
    assert "was not saved as PDF" in window.export_message.text()
    assert sorted(p.name for p in out.iterdir()) == ["note.pdf"]


PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from doseunits.gui import build_main_window
    window = build_main_window()
    window.show()
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    window.note_actions.ask_pdf_path = lambda: Path(sys.argv[1])
    window.note_actions.save_pdf()
    print("printsupport" if "PySide6.QtPrintSupport" in sys.modules else "no printsupport")
    window.close()
    """
)


def run_probe(tmp_path: Path, *prefix: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [*prefix, sys.executable, "-c", PROBE, str(tmp_path / "probe.pdf")],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip


def test_the_pdf_path_does_not_load_qt_print_support(tmp_path: Path) -> None:
    done = run_probe(tmp_path)
    assert done.stdout.split("\n")[-2:] == ["no printsupport", ""]
    assert "J9022 x 105 units" in pdf_text(tmp_path / "probe.pdf")


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_pdf_path_opens_no_connection_to_a_print_service(tmp_path: Path) -> None:
    """QPrinter opened four connections to CUPS (port 631) to write a PDF file."""
    trace = tmp_path / "connect.trace"
    run_probe(tmp_path, "strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace))
    calls = [line for line in trace.read_text().splitlines() if "connect(" in line]
    printing = [c for c in calls if "htons(631)" in c or "cups" in c]
    assert printing == []
    assert (tmp_path / "probe.pdf").stat().st_size > 1000

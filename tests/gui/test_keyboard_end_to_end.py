"""Three orders from a cold start with the keyboard alone, on a real X server.

Xvfb, a small window manager (openbox: it gives the window focus as a desktop does) and
xdotool, which types as a keyboard does. The app runs as the user starts it
(``python -m doseunits``); each note is saved through File > Save note as text and its
file is read back. At 1280x800, 1024x768 and 1280x800 at 150% (QT_SCALE_FACTOR=1.5).
CI installs the three (.ci/run); without them the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TOOLS = ("Xvfb", "xdotool", "openbox")
needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="needs Xvfb, xdotool and openbox (Debian: xvfb xdotool openbox)",
)

SCREENS = {
    "1280x800": ("1280x800", None),
    "1024x768": ("1024x768", None),
    "1280x800 at 150%": ("1280x800", "1.5"),
}
WINDOW = "DoseUnits: billable units and drug waste"
SCREEN_SHOT = (  # the whole screen, to see what went wrong
    "import sys; from PySide6.QtGui import QGuiApplication; a = QGuiApplication([]); "
    "a.primaryScreen().grabWindow(0).save(sys.argv[1])"
)


class Display:
    """Xvfb with openbox; ``xdotool(...)`` runs on it."""

    def __init__(self, size: str) -> None:
        read, write = os.pipe()
        self.server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten",
             "tcp", "-dpi", "96"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(write)
        with os.fdopen(read) as stream:
            number = stream.readline().strip()
        assert number, "Xvfb did not start"
        self.name = f":{number}"
        self.env = {**os.environ, "DISPLAY": self.name}
        self.env.pop("QT_QPA_PLATFORM", None)
        self.manager = subprocess.Popen(
            ["openbox", "--sm-disable"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def xdotool(self, *args: str, timeout: float = 20) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True,
            timeout=timeout, check=True,
        )  # fmt: skip
        return done.stdout

    def wait_window(self, name: str) -> str:
        """The id of the visible window whose title has ``name``, once it is there."""
        return self.xdotool("search", "--sync", "--onlyvisible", "--name", name).split()[0]

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "25", text)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "40", *keys)

    def close(self) -> None:
        for process in (self.manager, self.server):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(params=list(SCREENS))
def station(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Display, Path]]:
    size, scale = SCREENS[request.param]
    display = Display(size)
    env = {**display.env, "QT_QPA_PLATFORM": "xcb"}
    env["DOSEUNITS_CONFIG_DIR"] = str(tmp_path / "config")  # a first start
    env["DOSEUNITS_DATA_DIR"] = str(tmp_path / "data")
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "doseunits"], env=env, stdout=log, stderr=log)
    try:
        yield display, tmp_path
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
        log.close()
        display.close()


def save_note(display: Display, path: Path) -> str:
    """Ctrl+S, the file's whole path typed into the dialog, Enter; the saved note."""
    display.key("ctrl+s")
    try:
        display.wait_window("Save note")
    except subprocess.TimeoutExpired:
        shot = path.with_suffix(".png")
        subprocess.run(
            [sys.executable, "-c", SCREEN_SHOT, str(shot)],
            env={**display.env, "QT_QPA_PLATFORM": "xcb"}, timeout=30, check=False,
        )  # fmt: skip
        raise AssertionError(f"no save dialog; the screen is in {shot}") from None
    display.key("ctrl+a")
    display.type(str(path))
    display.key("Return")
    deadline = time.monotonic() + 20
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert path.exists(), f"{path} was not saved"
    time.sleep(0.3)  # the dialog gone, the window has the focus again
    return path.read_text(encoding="utf-8")


@needs_tools
def test_three_orders_from_a_cold_start_with_the_keyboard_alone(
    station: tuple[Display, Path],
) -> None:
    display, folder = station
    window = display.wait_window(WINDOW)
    geometry = display.xdotool("getwindowgeometry", window)
    width, height = (int(n) for n in geometry.split("Geometry: ")[1].split()[0].split("x"))
    screen = display.xdotool("getdisplaygeometry").split()
    assert width <= int(screen[0])  # the whole window on the screen, in device pixels
    assert height <= int(screen[1])
    # As a desktop gives a new window the focus (openbox may have come up after it).
    display.xdotool("windowactivate", "--sync", window)
    time.sleep(0.5)  # the first frame, then the keys

    # Focus starts in the drug picker. "atezo" matches one drug; Enter goes to the dose.
    display.type("atezo")
    display.key("Return")
    display.type("1050")
    atezolizumab = save_note(display, folder / "atezolizumab.txt")

    # Ctrl+N: a new order, back in the drug picker. Alt+B: weight-based; Tab: dose per kg.
    display.key("ctrl+n")
    display.type("sacituzumab")
    display.key("Return", "alt+b", "Tab")
    display.type("10")
    display.key("Tab")
    display.type("72.5")
    sacituzumab = save_note(display, folder / "sacituzumab.txt")

    display.key("ctrl+n")
    display.type("nivo")
    display.key("Tab", "alt+d")  # Tab takes the match as well as Enter does
    display.type("480")
    nivolumab = save_note(display, folder / "nivolumab.txt")
    display.key("ctrl+q")

    assert "DRUG ADMINISTRATION AND WASTE - Atezolizumab (Tecentriq)" in atezolizumab
    assert "Ordered dose: 1050 mg flat dose" in atezolizumab
    assert "- J9022 x 105 units; NDC 50242-0917-01 17.5 mL (N450242091701 ML17.5)" in (atezolizumab)
    assert "- J9022-JW x 15 units; NDC 50242-0917-01 2.5 mL (N450242091701 ML2.5)" in (atezolizumab)
    assert "Ordered dose: 10 mg/kg x 72.5 kg = 725 mg" in sacituzumab
    assert "- J9317 x 290 units;" in sacituzumab
    assert "- J9317-JW x 70 units;" in sacituzumab
    assert "Ordered dose: 480 mg flat dose" in nivolumab
    assert "- J9299-JZ x 480 units;" in nivolumab
    assert "JW" not in nivolumab.split("Claim lines:")[1]

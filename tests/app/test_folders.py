"""The user's and the site's folders (app/folders.py): on Linux worked out without
platformdirs (start-up), and the same as platformdirs' answer in every case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from doseunits.app import folders

KINDS = ("user_config_dir", "user_data_dir", "site_config_dir")
VARIABLES = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CONFIG_DIRS")

SETTINGS = [
    pytest.param({}, id="nothing-set"),
    pytest.param(
        {"XDG_CONFIG_HOME": "/srv/conf", "XDG_DATA_HOME": "/srv/data/", "XDG_CONFIG_DIRS": "/o"},
        id="absolute",
    ),
    pytest.param(
        {"XDG_CONFIG_HOME": "conf", "XDG_DATA_HOME": "", "XDG_CONFIG_DIRS": ""},
        id="relative-or-empty",
    ),
    pytest.param({"XDG_CONFIG_DIRS": "relative:/etc/first:/etc/second"}, id="site-list"),
    pytest.param({"XDG_CONFIG_HOME": "/a:/b", "XDG_DATA_HOME": "/c:d"}, id="colon-in-home"),
    pytest.param({"HOME": "/home/pharmacist/"}, id="home-with-slash"),
    pytest.param({"HOME": "/"}, id="home-root"),
    pytest.param({"HOME": "relative-home"}, id="relative-home"),
    pytest.param({"HOME": ""}, id="empty-home"),
]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_folder_is_platformdirs_answer(
    kind: str, setting: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", "/home/pharmacist")
    for variable, value in setting.items():
        monkeypatch.setenv(variable, value)
    expected = Path(getattr(platformdirs, kind)(folders.APP_NAME, False))
    assert folders._platform_folder(kind) == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux path; elsewhere platformdirs")
def test_a_linux_start_does_not_load_platformdirs(tmp_path: Path) -> None:
    """Without DoseUnits' own overrides, as a user starts it: the folders, and no
    platformdirs (6.6 M instructions of start-up)."""
    ours = ("DOSEUNITS_", "XDG_")  # as a user starts it, not as the tests' folders are set
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env["HOME"] = str(tmp_path)
    code = (
        "import sys\n"
        "from doseunits.app import folders\n"
        "print(folders.config_dir(), folders.data_dir(), folders.system_site_dir())\n"
        "print('platformdirs' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    shown, loaded = done.stdout.splitlines()
    assert shown.split()[0] == str(tmp_path / ".config" / "DoseUnits")
    assert loaded == "False"

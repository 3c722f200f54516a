"""Hostile site files (issue 17): only regular files are read, up to a size limit, and
every wrong shape is one sentence naming the file and key: exit 2 on the command line
(never 3, never a traceback, never a hang), a message at start in the window
(tests/gui/test_private_files.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doseunits.app.folders import config_dir
from doseunits.errors import CatalogError
from doseunits.tomlfile import read_toml

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices")
CALC = ["calc", "--drug", "atezolizumab", "--dose", "1050"]


def doseunits(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys\nfrom doseunits.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def one_sentence_exit_2(done: subprocess.CompletedProcess[str], *names: str) -> str:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("doseunits: ")
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "a bug" not in done.stderr
    for name in names:
        assert name in done.stderr
    return done.stderr


def special(kind: str, tmp_path: Path) -> Path:
    if kind == "fifo":
        path = tmp_path / "site.toml"
        os.mkfifo(path)  # nothing ever writes to it: reading it would block for ever
        return path
    if kind == "folder":
        path = tmp_path / "folder.toml"
        path.mkdir()
        return path
    return Path(kind)


@posix
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom", "folder"])
@pytest.mark.parametrize("flag", ["--catalog", "--template"])
def test_a_pipe_a_device_or_a_folder_is_refused_at_once(
    tmp_path: Path, kind: str, flag: str
) -> None:
    path = special(kind, tmp_path)
    text = one_sentence_exit_2(doseunits(*CALC, flag, str(path)), str(path))
    assert "not a regular file" in text


@posix
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
@pytest.mark.parametrize("where", ["payers/site.toml", "site-settings.toml"])
def test_a_site_folder_file_that_is_a_pipe_or_a_device_is_refused(
    kind: str, where: str, tmp_path: Path
) -> None:
    target = config_dir() / where
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(kind)
    one_sentence_exit_2(doseunits(*CALC), str(target), "not a regular file")


def test_a_file_past_the_size_limit_is_one_sentence(tmp_path: Path) -> None:
    catalog = tmp_path / "huge.toml"
    with catalog.open("wb") as stream:
        stream.truncate((64 << 20) + 1)  # sparse: made at once
    one_sentence_exit_2(doseunits(*CALC, "--catalog", str(catalog)), str(catalog), "64 MB")
    template = tmp_path / "note.txt"
    template.write_text("x" * ((1 << 20) + 1), encoding="utf-8")
    one_sentence_exit_2(doseunits(*CALC, "--template", str(template)), str(template), "1 MB")


def test_read_toml_takes_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "payers.toml"
    path.write_text('a = "' + "x" * 2000 + '"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"Payer file .* can't be read \(it is larger than 1 KB"):
        read_toml(path, "Payer", limit=1024)


DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TABLES = "[" + ".".join(["a"] * 5000) + "]\n"
CATALOG_SHAPES = [
    (DEEP, "nested too deeply"),
    ('drug = ["x"]\n', "drug #1: is not a [[drug]] table"),
    ('drug = "x"\n', "has no [[drug]] tables"),
    ("drug = [1, 2]\n", "drug #1: is not a [[drug]] table"),
    ("[drug]\nid = 'x'\n", "has no [[drug]] tables"),
    ('[[drug]]\nid = "x"\npresentation = ["x"]\n', "key 'hcpcs'"),
    (
        '[[drug]]\nid = "x"\nhcpcs = "J9022"\nverified = true\nsource = "s"\n'
        'billing_unit = "10 mg"\npresentation = ["x"]\n',
        "entry 1 is not a table",
    ),
    ('[[drug]]\nid = "x"\nhcpcs = "J9022"\npresentation = "x"\n', "key 'presentation'"),
    ("[[drug]]\nid = 5\n", "drug #1"),
    (DEEP_TABLES, "has no [[drug]] tables"),
]


@pytest.mark.parametrize(("text", "says"), CATALOG_SHAPES)
def test_a_catalog_of_the_wrong_shape_is_one_sentence(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    one_sentence_exit_2(doseunits(*CALC, "--catalog", str(path)), str(path), says)


PAYER_SHAPES = [
    (DEEP, "nested too deeply"),
    ('payer = ["x"]\n', "payer #1: is not a [[payer]] table"),
    ('payer = "x"\n', "has no [[payer]] tables"),
    ("[payer]\nid = 'x'\n", "has no [[payer]] tables"),
    ("[[payer]]\nid = 5\n", "payer #1, key 'id'"),
    ('[[payer]]\nid = "p"\nname = []\n', "payer 'p', key 'name'"),
    (DEEP_TABLES, "has no [[payer]] tables"),
]


@pytest.mark.parametrize(("text", "says"), PAYER_SHAPES)
def test_a_payer_file_of_the_wrong_shape_is_one_sentence(text: str, says: str) -> None:
    path = config_dir() / "payers" / "site.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    one_sentence_exit_2(doseunits(*CALC), str(path), says)


@pytest.mark.parametrize("text", [DEEP, DEEP_TABLES, "history = [1, {a = 2}]\n"])
def test_site_settings_of_the_wrong_shape_never_crash(text: str) -> None:
    path = config_dir() / "site-settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    done = doseunits(*CALC)
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    assert "a bug" not in done.stderr
    if done.returncode == 2:
        one_sentence_exit_2(done, str(path))


@posix
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
def test_a_site_template_that_is_not_a_file_is_refused(kind: str, tmp_path: Path) -> None:
    target = config_dir() / "note.txt"
    target.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to(kind)
    one_sentence_exit_2(doseunits(*CALC), str(target), "not a regular file")

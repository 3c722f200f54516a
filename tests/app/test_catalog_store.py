"""The site catalog folder's files (issue 17): the imported snapshot and the label
confirmations go through files.py, so neither is written through a link, a killed
import's temporary file is cleaned, and both stay 0644 (drug facts every user of the site
reads, not patient data) whatever the umask. On the real October 2025 crosswalk."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from doseunits.app.catalog_store import now, record_confirmation
from doseunits.app.folders import catalog_folder
from doseunits.catalog.confirm import HEADER, confirmation
from doseunits.cli.main import main

CROSSWALK = (
    Path(__file__).resolve().parents[2] / "resources" / "cms"
    / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
)  # fmt: skip
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and links")
CONFIRM = ("catalog", "confirm", "00006-3026-02", "--container", "single-dose", "--by", "AB")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def tight_umask() -> Iterator[None]:
    old = os.umask(0o077)
    yield
    os.umask(old)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@posix_only
def test_confirmations_are_appended_0644_with_one_header(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, *CONFIRM)[0] == 0
    assert run(capsys, *CONFIRM[:4], "multi-dose", "--by", "CD")[0] == 0
    path = catalog_folder() / "label-confirmations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(HEADER)
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["00006-3026-02", "single-dose", "AB"], ["00006-3026-02", "multi-dose", "CD"],
    ]  # fmt: skip
    assert mode(path) == 0o644


@posix_only
@pytest.mark.parametrize("dangling", [False, True])
def test_a_confirmations_link_is_refused_in_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dangling: bool
) -> None:
    victim = tmp_path / "victim.csv"  # another site's confirmations, say: read, not written
    kept = ",".join(HEADER) + "\n"
    if not dangling:
        victim.write_text(kept, encoding="utf-8")
    folder = catalog_folder()
    folder.mkdir(parents=True)
    (folder / "label-confirmations.csv").symlink_to(victim)
    code, out, err = run(capsys, *CONFIRM)
    assert code == 2
    assert err.startswith("doseunits: ")
    assert "is a link; DoseUnits won't write through one" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err + out
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text(encoding="utf-8") == kept


@posix_only
def test_a_link_swapped_in_after_the_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """O_NOFOLLOW, not the check, is what keeps the target safe."""
    from doseunits import files

    victim = tmp_path / "victim.csv"
    victim.write_text("someone else's file\n", encoding="utf-8")
    folder = tmp_path / "catalog"
    folder.mkdir()
    real_check = files.refuse_link

    def then_swap(path: Path, what: str = "it") -> None:
        real_check(path, what)
        path.symlink_to(victim)

    monkeypatch.setattr(files, "refuse_link", then_swap)
    item = confirmation("00006-3026-02", "single-dose", "AB", now())
    with pytest.raises(OSError, match="symbolic links"):
        record_confirmation(item, folder)
    assert victim.read_text(encoding="utf-8") == "someone else's file\n"


@posix_only
def test_the_snapshot_replaces_a_link_and_a_killed_imports_leftover(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK))[::2] == (0, "")
    folder = catalog_folder()
    snapshot = folder / "cms-import.json"
    victim = tmp_path / "victim.json"  # a valid snapshot elsewhere, linked in
    os.replace(snapshot, victim)
    before = victim.read_bytes()
    snapshot.symlink_to(victim)
    leftover = folder / ".cms-import.json.0123456789ab.part"  # as a killed import leaves it
    leftover.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK))
    assert (code, err) == (0, "")
    assert victim.read_bytes() == before
    assert not snapshot.is_symlink()
    assert snapshot.read_bytes() == before  # the same import, now a file of its own
    assert mode(snapshot) == 0o644
    assert not leftover.exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        "cms-import.json", "cms-import.json.previous",
    ]  # fmt: skip
    assert (folder / "cms-import.json.previous").is_symlink()  # the link itself, kept aside

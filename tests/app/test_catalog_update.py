"""The import and the label confirmation the command line and the window share
(app/catalog_update.py), on the real October 2025 files."""

from __future__ import annotations

from pathlib import Path

import pytest

from doseunits.app.catalog_update import (
    IMPORT_STAGES,
    confirm_label,
    import_catalog,
    reloaded,
    with_catalog,
)
from doseunits.app.folders import CONFIRMATIONS, catalog_folder
from doseunits.app.site import Site, load_site_catalog
from doseunits.catalog.importers.base import ImportFileError
from doseunits.catalog.ndc import Ndc
from doseunits.errors import InputError

CMS = Path(__file__).resolve().parents[2] / "resources" / "cms"
CROSSWALK = CMS / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
LIMITS = CMS / "2025-10-asp-pricing-file.csv"
KEYTRUDA_100 = "00006-3026-02"  # imported from the crosswalk: container unconfirmed


def test_an_import_goes_stage_by_stage_and_says_what_it_wrote() -> None:
    seen: list[tuple[int, int, str]] = []
    folder = catalog_folder()
    done = import_catalog(CROSSWALK, folder, LIMITS, progress=lambda *a: seen.append(a))
    assert done is not None
    total = len(IMPORT_STAGES)
    assert seen == [(i, total, s) for i, s in enumerate(IMPORT_STAGES)] + [(total, total, "Done")]
    assert done.snapshot == folder / "cms-import.json"
    assert done.snapshot.is_file()
    assert not done.replaced
    lines = done.summary_lines()
    assert lines[0] == "CMS crosswalk in force 2025-10-01 to 2025-12-31: 8245 rows."
    assert lines[1].startswith(f"Imported: {done.codes} codes, {done.built.ndcs} NDCs")
    assert any(line.startswith("Skipped, ") for line in lines)
    assert any(line.startswith("Disagreements: ") for line in lines)
    assert lines[-2].startswith("Payment limits: ")
    assert lines[-1] == f"Written: {done.snapshot}."
    again = import_catalog(CROSSWALK, folder)
    assert again is not None
    assert again.replaced
    assert again.summary_lines()[-1].endswith("the one it replaced is kept for --rollback.")


@pytest.mark.parametrize("stage", range(len(IMPORT_STAGES)))
def test_a_cancelled_import_leaves_the_folder_as_it_was(stage: int) -> None:
    folder = catalog_folder()
    first = import_catalog(CROSSWALK, folder)
    assert first is not None
    before = first.snapshot.read_bytes()
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > stage

    assert import_catalog(CROSSWALK, folder, LIMITS, cancelled=cancelled) is None
    assert first.snapshot.read_bytes() == before
    assert not (folder / "cms-import.json.previous").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["cms-import.json"]  # no temporary


def test_a_file_that_is_not_a_crosswalk_writes_nothing(tmp_path: Path) -> None:
    folder = catalog_folder()
    with pytest.raises(ImportFileError):
        import_catalog(LIMITS, folder)
    with pytest.raises(ImportFileError, match="does not exist"):
        import_catalog(tmp_path / "none.csv", folder)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_reloaded_site_bills_from_the_new_import() -> None:
    site = Site.load()
    done = import_catalog(CROSSWALK, catalog_folder())
    assert done is not None
    fresh = reloaded(site)
    assert fresh.catalog.loaded
    assert fresh.catalog.find("J9271").origin == str(done.snapshot)
    assert (fresh.payers, fresh.template, fresh.data_dir) == (
        site.payers,
        site.template,
        site.data_dir,
    )


def test_a_label_confirmation_is_recorded_and_applied_at_once() -> None:
    site = Site.load()
    catalog, item, path = confirm_label(
        site.catalog, KEYTRUDA_100, "single-dose", "AB", catalog_folder()
    )
    assert path == catalog_folder() / CONFIRMATIONS
    assert (
        path.read_text(encoding="utf-8").splitlines()[1].startswith("00006-3026-02,single-dose,AB,")
    )
    found = catalog.lookup_ndc(Ndc.parse(KEYTRUDA_100))
    assert found is not None
    assert found[1].container == "single-dose"
    assert found[1].container_source == item.source
    assert with_catalog(site, catalog).catalog is catalog
    # the next start reads it from the file
    again = load_site_catalog().lookup_ndc(Ndc.parse(KEYTRUDA_100))
    assert again is not None
    assert again[1].container == "single-dose"


def test_a_confirmation_is_refused_for_an_unknown_ndc_or_bad_initials() -> None:
    catalog = Site.load().catalog
    with pytest.raises(InputError, match="not in the catalog"):
        confirm_label(catalog, "12345-6789-01", "single-dose", "AB", catalog_folder())
    with pytest.raises(InputError, match="initials"):
        confirm_label(catalog, KEYTRUDA_100, "single-dose", "A,B", catalog_folder())
    assert not (catalog_folder() / CONFIRMATIONS).exists()


def test_the_summary_counts_the_containers_the_label_records_gave() -> None:
    done = import_catalog(CROSSWALK, catalog_folder())
    assert done is not None
    labeled = len(done.built.labels_used)
    assert labeled >= 50  # Keytruda's NDCs among them: not "unconfirmed until checked"
    line = done.summary_lines()[1]
    assert line == (
        f"Imported: {done.codes} codes, {done.built.ndcs} NDCs ({labeled} NDCs' containers "
        "from the shipped label records, the others unconfirmed until a label is checked; "
        "hand-checked drugs keep their own facts)."
    )
    found = load_site_catalog().lookup_ndc(Ndc.parse(KEYTRUDA_100))
    assert found is not None
    assert found[1].container == "single-dose"  # what the summary now says it is


def test_a_payment_limit_folder_that_cant_be_written_leaves_the_old_import(
    tmp_path: Path,
) -> None:
    folder = catalog_folder()
    first = import_catalog(CROSSWALK, folder)
    assert first is not None
    before = first.snapshot.read_bytes()
    blocked = tmp_path / "payment-limits"
    blocked.write_text("a file, not a folder\n", encoding="utf-8")
    with pytest.raises(FileExistsError):  # mkdir of a folder where a file is
        import_catalog(CROSSWALK, folder, LIMITS, limits_folder=blocked)
    assert first.snapshot.read_bytes() == before  # the snapshot did not move
    assert not (folder / "cms-import.json.previous").exists()
    assert blocked.read_text(encoding="utf-8") == "a file, not a folder\n"

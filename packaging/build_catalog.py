"""Build the shipped catalog from CMS's files in resources/cms/ (run from the checkout):

    .venv/bin/python packaging/build_catalog.py

Writes resources/catalog/cms-2025-10.json: every mass- or unit-dosed HCPCS Level II code
of the October 2025 crosswalk (CPT codes and other dosages left out), each NDC with the
crosswalk's line as its source, containers "unconfirmed" and no volume where no label was
checked; the hand-checked drugs of resources/catalog/*.toml win. Containers confirmed from
labels (resources/catalog/labels/containers.toml, each with its source) are given to the
imported NDCs they name; a label that disagrees with a hand-checked container stops the
build. Prints the summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from doseunits.app.catalog_store import write_snapshot  # noqa: E402
from doseunits.catalog.build import build_from_crosswalk  # noqa: E402
from doseunits.catalog.files import load_catalog  # noqa: E402
from doseunits.catalog.importers.files import read_crosswalk  # noqa: E402
from doseunits.catalog.labels import read_label_containers  # noqa: E402
from doseunits.errors import CatalogError  # noqa: E402

CROSSWALK = ROOT / "resources" / "cms" / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
OUTPUT = ROOT / "resources" / "catalog" / "cms-2025-10.json"
LABELS = ROOT / "resources" / "catalog" / "labels" / "containers.toml"


def main() -> int:
    hand_checked = load_catalog(sorted((ROOT / "resources" / "catalog").glob("*.toml")))
    try:
        labels = read_label_containers(LABELS)
        built = build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked.drugs, labels)
    except CatalogError as error:
        print(f"build_catalog: {error}", file=sys.stderr)
        return 2
    catalog = write_snapshot(built, OUTPUT, keep_previous=False)
    print(f"{OUTPUT}: {built.source}")
    print(f"  {len(catalog.drugs)} codes, {built.ndcs} NDCs")
    for reason, count in built.report.skipped_by_reason().items():
        print(f"  crosswalk rows skipped, {reason}: {count}")
    for skipped_reason in sorted({s.reason for s in built.left_out}):
        count = sum(1 for s in built.left_out if s.reason == skipped_reason)
        print(f"  entries left out, {skipped_reason}: {count}")
    used = built.labels_used
    print(f"  containers from labels: {len(used)} NDCs of {len({x.hcpcs for x in used})} codes")
    for label, reason in built.labels_unused:
        print(f"  label not used, {reason}: {label.ndc} ({label.hcpcs})")
    for code, ndc, checked, cms in built.disagreements:
        print(f"  {code} {ndc}: hand-checked {checked}, crosswalk {cms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

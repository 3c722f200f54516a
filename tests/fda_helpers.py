"""FDA NDC Directory fixtures: package.txt rows for real NDCs, and ndctext.zip around them.

Each row's NDCPACKAGECODE, PACKAGEDESCRIPTION and STARTMARKETINGDATE are copied from
openFDA's NDC record for it (https://api.fda.gov/drug/ndc.json?search=packaging.package_ndc:
"<code>", read 2026-12-02), in package.txt's layout (FDA, "NDC Package File Definitions").
PRODUCTID is FDA's internal key, not a drug fact: it is written as PRODUCTNDC + "_fixture".
Every one of these NDCs is in the committed October 2025 CMS crosswalk.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HEADER = (
    "PRODUCTID\tPRODUCTNDC\tNDCPACKAGECODE\tPACKAGEDESCRIPTION\tSTARTMARKETINGDATE\t"
    "ENDMARKETINGDATE\tNDC_EXCLUDE_FLAG\tSAMPLE_PACKAGE"
)
# (PRODUCTNDC, NDCPACKAGECODE, PACKAGEDESCRIPTION, STARTMARKETINGDATE), from openFDA.
PACKAGES = [
    ("50242-917", "50242-917-01",
     "1 VIAL, SINGLE-USE in 1 CARTON (50242-917-01)  / 20 mL in 1 VIAL, SINGLE-USE",
     "20160518"),  # Tecentriq 1200 mg (hand-checked in resources/catalog)
    ("50242-933", "50242-933-01",
     "1 VIAL, SINGLE-DOSE in 1 BOX (50242-933-01)  / 15 mL in 1 VIAL, SINGLE-DOSE",
     "20240912"),  # Tecentriq Hybreza, J9024
    ("0006-3026", "0006-3026-02",
     "1 VIAL in 1 CARTON (0006-3026-02)  / 4 mL in 1 VIAL (0006-3026-01)", "20150115"),
    ("0006-3026", "0006-3026-04",
     "2 VIAL in 1 CARTON (0006-3026-04)  / 4 mL in 1 VIAL (0006-3026-01)", "20190801"),
    ("61703-339", "61703-339-22",
     "1 VIAL, MULTI-DOSE in 1 CARTON (61703-339-22)  / 15 mL in 1 VIAL, MULTI-DOSE",
     "20041014"),  # carboplatin, Hospira (Pfizer in the crosswalk)
    ("16729-295", "16729-295-12",
     "1 VIAL, MULTI-DOSE in 1 CARTON (16729-295-12)  / 60 mL in 1 VIAL, MULTI-DOSE",
     "20171003"),  # carboplatin, Accord
    ("63323-172", "63323-172-60",
     "1 VIAL in 1 BOX (63323-172-60)  / 60 mL in 1 VIAL", "20091211"),  # carboplatin
    ("61703-309", "61703-309-06",
     "1 VIAL, SINGLE-DOSE in 1 CARTON (61703-309-06)  / 1 mL in 1 VIAL, SINGLE-DOSE",
     "19960101"),  # vincristine, J9370
]  # fmt: skip


def package_txt(rows: list[tuple[str, str, str, str]] = PACKAGES, newline: str = "\r\n") -> str:
    lines = [HEADER] + [
        f"{product}_fixture\t{product}\t{code}\t{description}\t{start}\t\tN\tN"
        for product, code, description, start in rows
    ]
    return newline.join(lines) + newline


def ndctext_zip(path: Path, text: str, when: tuple[int, ...] = (2026, 11, 30, 6, 0, 0)) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("package.txt", date_time=when)  # type: ignore[arg-type]
        archive.writestr(info, text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        archive.writestr("product.txt", "PRODUCTID\tPRODUCTNDC\r\n")
    return path


def synthetic_directory(path: Path, packages: int) -> Path:
    """An ndctext.zip of ``packages`` made-up packages in FDA's layout, for the benchmark
    only: its codes are numbered, not real NDCs (labelers 90000 up, 5-3-2), and its
    descriptions take the shapes of the real ones above in turn (one level, two, three)."""
    shapes = [
        "1 VIAL, SINGLE-DOSE in 1 CARTON ({code})  > 20 mL in 1 VIAL, SINGLE-DOSE",
        "2 VIAL in 1 CARTON ({code})  > 4 mL in 1 VIAL",
        "1 VIAL, MULTI-DOSE in 1 CARTON ({code})  > 15 mL in 1 VIAL, MULTI-DOSE",
        "25 CARTON in 1 CASE ({code})  > 1 VIAL, MULTI-DOSE in 1 CARTON  > 10 mL in 1 VIAL, "
        "MULTI-DOSE",
        "1 VIAL in 1 CARTON ({code})  > 1 INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION in 1 VIAL",
        "10 mL in 1 VIAL, SINGLE-DOSE ({code})",
    ]
    lines = [HEADER]
    for n in range(packages):
        labeler, product, package = 90000 + n // 100_000, (n // 100) % 1000, n % 100
        code = f"{labeler}-{product:03d}-{package:02d}"
        description = shapes[n % len(shapes)].format(code=code)
        lines.append(f"{labeler}-{product:03d}_x\t{labeler}-{product:03d}\t{code}\t"
                     f"{description}\t20200101\t\tN\tN")  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("package.txt", "\r\n".join(lines) + "\r\n")
    return path

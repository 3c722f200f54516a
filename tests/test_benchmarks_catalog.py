"""Catalog speed: loading a large site catalog, importing CMS's files. Run once each as
tests; timed with:

    .venv/bin/python -m pytest tests/test_benchmarks_catalog.py --benchmark-enable

No test here asserts a time (machines are shared); the figures go in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from test_catalog_large import synthetic_catalog
from test_cms_import import CROSSWALK, PAYMENT_LIMITS

from doseunits.catalog.files import load_catalog
from doseunits.catalog.importers.files import read_crosswalk, read_payment_limits


@pytest.fixture(scope="module")
def ten_thousand_drugs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_catalog(tmp_path_factory.mktemp("catalog") / "site.toml", 10_000)


def test_bench_load_a_10000_drug_catalog(
    benchmark: BenchmarkFixture, ten_thousand_drugs: Path
) -> None:
    catalog = benchmark.pedantic(load_catalog, ([ten_thousand_drugs],), rounds=3)
    assert len(catalog.drugs) == 10_000
    assert sum(len(d.presentations) for d in catalog.drugs) == 20_000


def test_bench_import_the_real_crosswalk_and_payment_limits(benchmark: BenchmarkFixture) -> None:
    """CMS's October 2025 files from disk to records (the issue's target: at most 2 s)."""

    def import_both() -> tuple[int, int]:
        return len(read_crosswalk(CROSSWALK).records), len(
            read_payment_limits(PAYMENT_LIMITS).records
        )

    assert benchmark.pedantic(import_both, rounds=5) == (6101, 977)

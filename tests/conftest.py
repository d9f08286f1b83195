from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE_XLSX = ROOT / "sample_exports" / "contoso-alerts-2026-11.xlsx"
SAMPLE_CSV = ROOT / "sample_exports" / "contoso-alerts-2026-11.csv"
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "tests" / "data"


def reference_blocks() -> list[str]:
    """The 59 real alert texts. The shared reference is the source; a copy sits in tests/data for
    machines without ../shared."""
    for path in (SHARED / "reference" / "alert_texts.txt", DATA / "alert_texts.txt"):
        if path.exists():
            return path.read_text(encoding="utf-8").split("\n---\n")
    raise FileNotFoundError("alert_texts.txt")


def expected_blocks() -> list[dict]:
    return tomllib.loads((DATA / "alert_texts_expected.toml").read_text(encoding="utf-8"))["block"]


@pytest.fixture(scope="session")
def catalogue():
    from analyzer.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """One CLI run on the sample Excel export, shared by the tests that read its outputs."""
    from click.testing import CliRunner

    from analyzer.cli import cli

    out = tmp_path_factory.mktemp("sample")
    runner = CliRunner()
    result = runner.invoke(cli, [
        "analyse", str(SAMPLE_XLSX), "-o", str(out / "report.html"), "--json", str(out / "summary.json"),
        "--classified", str(out / "classified.csv"), "--now", "2026-12-01T08:00",
    ])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    scenarios = json.loads((ROOT / "sample_exports" / "truth" / "scenarios.json").read_text(encoding="utf-8"))
    return {"dir": out, "output": result.output, "summary": summary, "scenarios": scenarios}

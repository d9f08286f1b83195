"""The catalogue as data: validated on load, and every entry's own cases match it."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analyzer.catalogue import load_catalogue, parse_catalogue
from analyzer.errors import CatalogueError
from analyzer.parse import parse_text

from .conftest import SHARED

CATALOGUE = load_catalogue()
CASES = [(entry.id, index, case) for entry in CATALOGUE.entries for index, case in enumerate(entry.cases)]


def test_every_entry_has_a_case():
    assert [e.id for e in CATALOGUE.entries if not e.cases] == []


@pytest.mark.parametrize("entry_id,index,text", CASES, ids=[f"{e}-{i}" for e, i, _ in CASES])
def test_case_matches_its_entry(entry_id, index, text):
    match = CATALOGUE.match(parse_text(text).candidates, text)
    assert match.entry is not None and match.entry.id == entry_id


@pytest.mark.skipif(not (SHARED / "reference" / "error_catalogue.tsv").exists(), reason="needs ../shared")
def test_every_reference_row_is_covered():
    with (SHARED / "reference" / "error_catalogue.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 85
    covers = [c for e in CATALOGUE.entries for c in e.covers]
    assert len(covers) == len(set(covers)) == 85


ENTRY = """
catalogue_version = "x"
[[entry]]
id = "{id}"
title = "t"
category = "privileges"
severity = "error"
transient = false
who_acts = "admin"
cause = "c"
actions = ["a"]
action = "a"
doc_url = "{url}"
codes = ["{code}"]
"""


@pytest.mark.parametrize("text,message", [
    (ENTRY.format(id="Bad Id", url="https://x.example/", code="1"), "'id' must be"),
    (ENTRY.format(id="a", url="http://x.example/", code="1"), "not a valid https URL"),
    (ENTRY.format(id="a", url="https://x.example/", code="1").replace('category = "privileges"',
                                                                     'category = "nope"'), "'category' is 'nope'"),
    (ENTRY.format(id="a", url="https://x.example/", code="1").replace('cause = "c"\n', ""), "missing required"),
    (ENTRY.format(id="a", url="https://x.example/", code="1") + ENTRY.split("\n", 2)[2].format(
        id="a", url="https://x.example/", code="2"), "duplicate id 'a'"),
    (ENTRY.format(id="a", url="https://x.example/", code="0x80040265") + ENTRY.split("\n", 2)[2].format(
        id="b", url="https://x.example/", code="-2147220891"), "both match code -2147220891"),
    ("not toml [", "not valid TOML"),
])
def test_validation_errors_name_the_problem(text, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(text, "extra.toml")


def test_extra_catalogue_overrides_and_adds(tmp_path: Path):
    extra = tmp_path / "extra.toml"
    extra.write_text(ENTRY.format(id="isv-aborted", url="https://x.example/", code="-2147220891")
                     + ENTRY.split("\n", 2)[2].format(id="my-code", url="https://x.example/", code="-2147299999"),
                     encoding="utf-8")
    catalogue = load_catalogue([extra])
    assert catalogue.by_id["isv-aborted"].title == "t"
    text = "Email Server Error Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147299999 exception."
    assert catalogue.match(parse_text(text).candidates, text).entry.id == "my-code"


def test_extra_catalogue_conflicting_key_is_refused(tmp_path: Path):
    extra = tmp_path / "extra.toml"
    extra.write_text(ENTRY.format(id="mine", url="https://x.example/", code="Crm.80040265"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="'isv-aborted' and 'mine' both match"):
        load_catalogue([extra])


def test_codes_doc_is_current():
    """docs/CODES.md is generated from the catalogue; regenerate with `python -m analyzer.codes_doc`."""
    from analyzer.codes_doc import render

    path = Path(__file__).resolve().parent.parent / "docs" / "CODES.md"
    assert path.read_text(encoding="utf-8") == render(CATALOGUE), "stale: run python -m analyzer.codes_doc"

"""Texts written for every template of alert_formats.md that has no real sample (and wording drift)."""
from __future__ import annotations

import tomllib

import pytest

from analyzer.parse import parse_text

from .conftest import DATA

TEXTS = tomllib.loads((DATA / "template_texts.toml").read_text(encoding="utf-8"))["text"]


@pytest.mark.parametrize("case", TEXTS, ids=[f"{t['template']}-{i}" for i, t in enumerate(TEXTS)])
def test_template_text(case, catalogue):
    parsed = parse_text(case["text"])
    match = catalogue.match(parsed.candidates, case["text"])
    assert (match.entry.id if match.entry else "") == case["rule"]
    assert (match.family, match.code) == (case["family"], case["code"])
    assert parsed.mailbox == case["mailbox"]
    assert parsed.direction == case["direction"]

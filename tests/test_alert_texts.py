"""All 59 real alert texts of the reference: parsed and classified as written down per block."""
from __future__ import annotations

import pytest

from analyzer.parse import parse_text

from .conftest import expected_blocks, reference_blocks

BLOCKS = reference_blocks()
EXPECTED = expected_blocks()


def test_every_block_has_an_expectation():
    assert len(BLOCKS) == 59
    assert [e["n"] for e in EXPECTED] == list(range(1, 60))


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: f"block{e['n']:02d}")
def test_block(expected, catalogue):
    text = BLOCKS[expected["n"] - 1]
    parsed = parse_text(text)
    match = catalogue.match(parsed.candidates, text)
    assert (match.entry.id if match.entry else "") == expected["rule"], parsed.candidates
    assert (match.family, match.code) == (expected["family"], expected["code"])
    assert parsed.mailbox == expected["mailbox"]
    assert parsed.direction == expected["direction"]


def test_count_of_reference_texts_classified(catalogue, capsys):
    right = 0
    for expected in EXPECTED:
        text = BLOCKS[expected["n"] - 1]
        match = catalogue.match(parse_text(text).candidates, text)
        right += (match.entry.id if match.entry else "") == expected["rule"]
    with capsys.disabled():
        print(f"\nreference alert texts classified to the expected entry: {right}/{len(EXPECTED)}")
    assert right == len(EXPECTED)

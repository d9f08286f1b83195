"""docs/CODES.md, generated from the catalogue (a test fails when the file is stale).

    python -m analyzer.codes_doc            # rewrite docs/CODES.md
    mailbox-alerts codes --markdown         # print it
"""
from __future__ import annotations

import sys
from pathlib import Path

from .catalogue import CATEGORIES, Catalogue, Entry, load_catalogue


def _keys(entry: Entry) -> str:
    keys = [f"`{code}`" for code in entry.codes] + [f"`{family}:{code}`" for family, code in entry.family_codes]
    if entry.patterns:
        keys.append(f"wording ({len(entry.patterns)} pattern{'s' if len(entry.patterns) > 1 else ''})")
    return ", ".join(keys)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(catalogue: Catalogue) -> str:
    lines = [
        "# Error catalogue",
        "",
        f"Generated from `analyzer/catalogue.toml` (catalogue version {catalogue.version}) by",
        "`python -m analyzer.codes_doc`; do not edit by hand. "
        f"{len(catalogue.entries)} entries. Format and matching rules: [CATALOGUE_FORMAT.md](CATALOGUE_FORMAT.md).",
        "",
        "| id | matches | title | category | transient | who acts |",
        "|---|---|---|---|---|---|",
    ]
    ordered = sorted(catalogue.entries, key=lambda e: (CATEGORIES.index(e.category), e.id))
    for entry in ordered:
        lines.append(f"| [{entry.id}](#{entry.id}) | {_cell(_keys(entry))} | {_cell(entry.title)} | {entry.category} | "
                     f"{'yes' if entry.transient else 'no'} | {entry.who_acts} |")
    for category in CATEGORIES:
        entries = [e for e in ordered if e.category == category]
        if not entries:
            continue
        lines += ["", f"## {category[0].upper()}{category[1:]}"]
        for entry in entries:
            lines += [
                "",
                f"### {entry.id}",
                "",
                f"**{entry.title}**. Severity {entry.severity}; transient: {'yes' if entry.transient else 'no'}"
                f"{'; benign' if entry.benign else ''}; who acts: {entry.who_acts}.",
                "",
                f"Matches: {_keys(entry)}." + (f" Read as: {entry.reading}" if entry.reading else ""),
                "",
                f"Cause: {entry.cause}",
                "",
                "What to do:",
                "",
                *[f"{number}. {step}" for number, step in enumerate(entry.actions, 1)],
                "",
                f"Doc: <{entry.doc_url}>",
            ]
            if entry.covers:
                lines += ["", "Reference rows covered: " + "; ".join(f"`{c}`" for c in entry.covers) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "CODES.md"
    target.write_text(render(load_catalogue()), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

"""The error catalogue: a validated TOML data file, and the matcher that uses it.

Format and matching rules: docs/CATALOGUE_FORMAT.md.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

from .errors import CatalogueError
from .parse import normalise_code

CATEGORIES = (
    "plug-in/workflow failure",
    "transient service error",
    "invalid address",
    "privileges",
    "licence",
    "credentials/authentication",
    "approval",
    "mailbox configuration",
    "connectivity",
    "throttling/quota",
    "organisation conflict",
    "item sync",
    "informational",
)
SEVERITIES = ("error", "warning", "information")
WHO_ACTS = ("admin", "plug-in developer", "mailbox owner", "Exchange admin", "Microsoft support", "nobody")
REQUIRED = ("id", "title", "category", "severity", "transient", "who_acts", "cause", "actions", "action", "doc_url")
OPTIONAL = ("benign", "prefer_wording", "reading", "covers", "codes", "family_codes", "patterns", "cases")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    category: str
    severity: str
    transient: bool
    who_acts: str
    cause: str
    actions: tuple[str, ...]
    action: str
    doc_url: str
    benign: bool = False
    prefer_wording: bool = False  # the wording is more specific than the codes it carries
    reading: str = ""  # how an ambiguous number is read (EWS ordinal or HTTP status)
    covers: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    family_codes: tuple[tuple[str, str], ...] = ()
    patterns: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    source: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "severity": self.severity,
            "transient": self.transient,
            "benign": self.benign,
            "reading": self.reading,
            "who_acts": self.who_acts,
            "cause": self.cause,
            "actions": list(self.actions),
            "action": self.action,
            "doc_url": self.doc_url,
            "codes": list(self.codes),
            "family_codes": [f"{family}:{code}" for family, code in self.family_codes],
            "patterns": list(self.patterns),
        }


@dataclass
class Match:
    entry: Entry | None
    family: str
    code: str
    matched_by: str  # "family+code" | "code" | "wording" | ""


@dataclass
class Catalogue:
    version: str
    entries: list[Entry]
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id = {entry.id: entry for entry in self.entries}
        self._by_family_code: dict[tuple[str, str], Entry] = {}
        self._by_code: dict[str, Entry] = {}
        self._patterns: list[tuple[re.Pattern[str], Entry]] = []
        for entry in self.entries:
            for key in entry.family_codes:
                self._by_family_code[(key[0].lower(), key[1].lower())] = entry
            for code in entry.codes:
                self._by_code[code.lower()] = entry
            for pattern in entry.patterns:
                self._patterns.append((re.compile(pattern, re.IGNORECASE), entry))

    def match(self, candidates: list[tuple[str, str]], text: str) -> Match:
        """Wording marked prefer_wording first; then the first candidate with a family+code entry,
        else with a code entry; else wording."""
        for pattern, entry in self._patterns:
            if entry.prefer_wording and pattern.search(text):
                family, code = candidates[0] if candidates else ("", "")
                return Match(entry, family, code, "wording")
        for family, code in candidates:
            entry = self._by_family_code.get((family.lower(), code.lower()))
            if entry:
                return Match(entry, family, code, "family+code")
            entry = self._by_code.get(code.lower())
            if entry:
                return Match(entry, family, code, "code")
        for pattern, entry in self._patterns:
            if pattern.search(text):
                family, code = candidates[0] if candidates else ("", "")
                return Match(entry, family, code, "wording")
        family, code = candidates[0] if candidates else ("", "")
        return Match(None, family, code, "")

    def lookup(self, token: str) -> list[Entry]:
        """Entries for a code written in any shape (explain): 'Crm.80040265', '401', 'MailboxDisabled'."""
        from .parse import extract_candidates

        token = token.strip()
        candidates = extract_candidates(token) or []
        family_hint, _, bare = token.rpartition(":") if ":" in token and " " not in token else ("", "", token)
        code, _hex = normalise_code(bare)
        candidates.append((family_hint, code))
        from .parse import HTTP_STATUS_BY_NAME

        if bare.lower() in HTTP_STATUS_BY_NAME:  # "Unauthorized", "ServiceUnavailable"
            candidates.append(("Http", HTTP_STATUS_BY_NAME[bare.lower()]))
        found: list[Entry] = []
        for family, candidate_code in candidates:
            for (fam, key_code), entry in self._by_family_code.items():
                if key_code == candidate_code.lower() and (not family or fam == family.lower()) and entry not in found:
                    found.append(entry)
            entry = self._by_code.get(candidate_code.lower())
            if entry and entry not in found:
                found.append(entry)
        if not found:
            found = [entry for pattern, entry in self._patterns if pattern.search(token)]
        return found


def _as_tuple_of_str(value: object, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise CatalogueError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _entry_from_table(table: dict, where: str) -> Entry:
    unknown = set(table) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    missing = [key for key in REQUIRED if key not in table or table[key] in ("", [], None)]
    if missing:
        raise CatalogueError(f"{where}: missing required field(s) {', '.join(missing)}")
    entry_id = table["id"]
    where = f"{where} (id '{entry_id}')"
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise CatalogueError(f"{where}: 'id' must be lower-case letters, digits and dashes")
    for key in ("title", "category", "severity", "who_acts", "cause", "action", "doc_url", "reading"):
        if key not in table:
            continue
        if not isinstance(table[key], str):
            raise CatalogueError(f"{where}: '{key}' must be a string")
    for key, allowed in (("category", CATEGORIES), ("severity", SEVERITIES), ("who_acts", WHO_ACTS)):
        if table[key] not in allowed:
            raise CatalogueError(f"{where}: '{key}' is '{table[key]}', expected one of: {', '.join(allowed)}")
    for key in ("transient", "benign", "prefer_wording"):
        if key in table and not isinstance(table[key], bool):
            raise CatalogueError(f"{where}: '{key}' must be true or false")
    url = urlparse(table["doc_url"])
    if url.scheme != "https" or not url.netloc or " " in table["doc_url"]:
        raise CatalogueError(f"{where}: 'doc_url' is not a valid https URL: {table['doc_url']!r}")
    codes = tuple(normalise_code(code)[0] for code in _as_tuple_of_str(table.get("codes", []), where, "codes"))
    family_codes: list[tuple[str, str]] = []
    for key in _as_tuple_of_str(table.get("family_codes", []), where, "family_codes"):
        family, sep, code = key.partition(":")
        if not sep or not code:
            raise CatalogueError(f"{where}: family_codes entry {key!r} must look like 'Family:code'")
        family_codes.append((family.strip(), normalise_code(code)[0]))
    patterns = _as_tuple_of_str(table.get("patterns", []), where, "patterns")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CatalogueError(f"{where}: pattern {pattern!r} is not a valid regular expression: {exc}") from None
    if table.get("prefer_wording") and not patterns:
        raise CatalogueError(f"{where}: 'prefer_wording' needs 'patterns'")
    if not (codes or family_codes or patterns):
        raise CatalogueError(f"{where}: needs at least one match key (codes, family_codes or patterns)")
    return Entry(
        id=entry_id,
        title=table["title"],
        category=table["category"],
        severity=table["severity"],
        transient=table["transient"],
        who_acts=table["who_acts"],
        cause=table["cause"],
        actions=_as_tuple_of_str(table["actions"], where, "actions"),
        action=table["action"],
        doc_url=table["doc_url"],
        benign=table.get("benign", False),
        prefer_wording=table.get("prefer_wording", False),
        reading=table.get("reading", ""),
        covers=_as_tuple_of_str(table.get("covers", []), where, "covers"),
        codes=codes,
        family_codes=tuple(family_codes),
        patterns=patterns,
        cases=_as_tuple_of_str(table.get("cases", []), where, "cases"),
    )


def parse_catalogue(text: str, source: str, require_version: bool = True) -> tuple[str, list[Entry]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{source}: not valid TOML: {exc}") from None
    version = data.get("catalogue_version", "")
    if require_version and not (isinstance(version, str) and version):
        raise CatalogueError(f"{source}: missing 'catalogue_version'")
    tables = data.get("entry", [])
    if not isinstance(tables, list) or not tables:
        raise CatalogueError(f"{source}: no [[entry]] tables found")
    entries = []
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise CatalogueError(f"{source}: entry {index} is not a table; write each entry as [[entry]]")
        entry = _entry_from_table(table, f"{source}: entry {index}")
        entries.append(Entry(**{**entry.__dict__, "source": source}))
    _check_unique(entries, source)
    return version, entries


def _check_unique(entries: list[Entry], source: str) -> None:
    seen_ids: dict[str, Entry] = {}
    seen_keys: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen_ids:
            raise CatalogueError(f"{source}: duplicate id '{entry.id}'")
        seen_ids[entry.id] = entry
        keys = [f"code {code}" for code in entry.codes]
        keys += [f"family+code {family}:{code}" for family, code in entry.family_codes]
        for key in keys:
            lowered = key.lower()
            if lowered in seen_keys and seen_keys[lowered] != entry.id:
                raise CatalogueError(
                    f"{source}: entries '{seen_keys[lowered]}' and '{entry.id}' both match {key}"
                )
            seen_keys[lowered] = entry.id


def load_catalogue(extra: list[Path] | None = None) -> Catalogue:
    """The packaged catalogue, with entries of each extra file added or replacing by id."""
    packaged = resources.files("analyzer").joinpath("catalogue.toml").read_text(encoding="utf-8")
    version, entries = parse_catalogue(packaged, "catalogue.toml")
    sources = ["catalogue.toml"]
    for path in extra or []:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogueError(f"{path}: cannot read catalogue file ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise CatalogueError(f"{path}: not a UTF-8 text file; a catalogue is TOML text") from None
        _, extra_entries = parse_catalogue(text, str(path), require_version=False)
        replaced = {entry.id for entry in extra_entries}
        entries = [entry for entry in entries if entry.id not in replaced] + extra_entries
        _check_unique(entries, str(path))
        sources.append(str(path))
    return Catalogue(version=version, entries=entries, sources=sources)

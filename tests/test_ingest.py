"""Every export shape in tests/fixtures reads right; every bad input fails with one clear line."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cli import cli
from analyzer.normalise import normalise
from analyzer.read import RawTable, read_file

from .conftest import FIXTURES

NAMES = ["Support Queue", "Zoë Müller", "Sales Queue", "User One"]
FIRST = pd.Timestamp("2026-11-03 09:15")


def analyse_json(path, tmp_path, *extra):
    out = tmp_path / "s.json"
    result = CliRunner().invoke(cli, ["analyse", str(path), "-o", str(tmp_path / "r.html"), "--json", str(out), "-q",
                                      *extra])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,first_seen", [
    ("comma_utf8_bom.csv", FIRST), ("semicolon_cp1252_german.csv", FIRST), ("tab_utf16.csv", FIRST),
    ("tab.tsv", FIRST), ("dayfirst_slashes.csv", FIRST), ("powershell.csv", FIRST),
    ("hidden_first_multi_sheet.xlsx", FIRST), ("macro_enabled.xlsm", FIRST), ("serial_dates.xlsx", FIRST),
    # Web API and Power Automate dates are UTC ('Z'): shown in UTC unless --tz says otherwise
    ("webapi.json", FIRST - pd.Timedelta(hours=1)), ("power_automate.csv", FIRST - pd.Timedelta(hours=1)),
])
def test_shape_reads_right(name, first_seen, tmp_path):
    summary = analyse_json(FIXTURES / name, tmp_path)
    assert summary["rows"] == {"read": 4, "analysed": 4, "duplicates": 0, "rejected": 0, "balanced": True, "empty_skipped": 0}
    assert sorted(m["mailbox"] for m in summary["mailboxes"]) == sorted(NAMES)
    assert summary["levels"] == {"error": 2, "warning": 1, "information": 1, "unknown": 0}
    assert pd.Timestamp(summary["period"]["start"]) == first_seen
    codes = {c["code"] for c in summary["codes"]}
    assert {"-2147220891", "-2147167669", "401"} <= codes


def test_web_api_dates_converted_with_tz(tmp_path):
    summary = analyse_json(FIXTURES / "webapi.json", tmp_path, "--tz", "Europe/Berlin")
    assert pd.Timestamp(summary["period"]["start"]) == FIRST and summary["period"]["timezone"] == "Europe/Berlin"
    mapped = {c["role"]: c["column"] for c in summary["inputs"][0]["columns"]}
    assert mapped["mailbox"] == "_regardingobjectid_value@OData.Community.Display.V1.FormattedValue"
    assert mapped["level"] == "level@OData.Community.Display.V1.FormattedValue"


def test_hidden_sheet_first_and_notes_sheet_are_skipped():
    assert read_file(FIXTURES / "hidden_first_multi_sheet.xlsx").sheet == "All Traces"


def test_multiline_cells_and_rejects_balance(tmp_path):
    summary = analyse_json(FIXTURES / "multiline_and_rejects.csv", tmp_path)
    assert summary["rows"] == {"read": 6, "analysed": 4, "duplicates": 0, "rejected": 2, "balanced": True, "empty_skipped": 0}
    assert summary["rejected"] == [{"source": str(FIXTURES / "multiline_and_rejects.csv"), "row": 5,
                                    "reason": "no alert text"},
                                   {"source": str(FIXTURES / "multiline_and_rejects.csv"), "row": 6,
                                    "reason": "unparseable Created On"}]
    table = read_file(FIXTURES / "multiline_and_rejects.csv")
    assert table.frame.iloc[3]["Text"].splitlines()[1].startswith("--- End of inner exception")


def test_stray_mojibake_is_kept_as_text(tmp_path):
    summary = analyse_json(FIXTURES / "mojibake.csv", tmp_path)
    assert summary["mailboxes"][0]["mailbox"] == "TÃ¼rkiye Queue"
    assert summary["inputs"][0]["encoding"] == "utf-8 (with stray cp1252 bytes)"


def test_header_only_workbook_is_a_valid_empty_month(tmp_path):
    summary = analyse_json(FIXTURES / "header_only.xlsx", tmp_path)
    assert summary["rows"]["read"] == 0 and summary["mailboxes"] == []


def test_overlapping_exports_are_deduplicated_by_id(tmp_path):
    summary = analyse_json(FIXTURES / "webapi.json", tmp_path)
    both = CliRunner().invoke(cli, ["analyse", str(FIXTURES / "webapi.json"), str(FIXTURES / "power_automate.csv"),
                                    "-o", str(tmp_path / "r.html"), "--json", str(tmp_path / "b.json"), "-q"])
    assert both.exit_code == 0
    rows = json.loads((tmp_path / "b.json").read_text())["rows"]
    assert rows == {"read": 8, "analysed": 4, "duplicates": 4, "rejected": 0, "balanced": True, "empty_skipped": 0}
    assert summary["rows"]["analysed"] == 4


BAD = [
    ("bad/empty.csv", "file is empty"),
    ("bad/no_usable_columns.csv", "no column found for text, created_on; headers found: Foo, Bar"),
    ("bad/binary.csv", "looks like a binary file"),
    ("bad/truncated.xlsx", "truncated or corrupt"),
    ("bad/not_a_workbook.xlsx", "truncated or corrupt"),
    ("bad/password_protected.xlsx", "password-protected"),
    ("bad/not_json.json", "not valid JSON"),
    ("bad/wrong_shape.json", "expected a Web API response"),
    ("bad/no_supported_files", "folder has no supported export files"),
    ("bad/zip_bomb.xlsx", "over the safety limit"),
    ("bad/does_not_exist.csv", "no such file or folder"),
]


@pytest.mark.parametrize("name,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(name, message, tmp_path):
    report = tmp_path / "report.html"
    report.write_text("earlier", encoding="utf-8")
    path = FIXTURES / name
    result = CliRunner().invoke(cli, ["analyse", str(path), "-o", str(report), "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mailbox-alerts: error: {path}") and message in lines[0]
    assert "Traceback" not in result.output
    assert report.read_text(encoding="utf-8") == "earlier" and not (tmp_path / "s.json").exists()


# Display names of the Traces view in the UI languages admins use, and level labels.
LANGUAGES = {
    "en": (["Regarding", "Level", "Text", "Created On", "Last Update On"], ["Error", "Warning", "Information"]),
    "de": (["Bezug", "Ebene", "Text", "Erstellt am", "Geändert am"], ["Fehler", "Warnung", "Informationen"]),
    "fr": (["Concernant", "Niveau", "Texte", "Créé le", "Modifié le"], ["Erreur", "Avertissement", "Information"]),
    "es": (["Referente a", "Nivel", "Texto", "Fecha de creación", "Fecha de modificación"],
           ["Error", "Advertencia", "Información"]),
    "it": (["Relativo a", "Livello", "Testo", "Data creazione", "Data modifica"], ["Errore", "Avviso", "Informazioni"]),
    "nl": (["Betreft", "Niveau", "Tekst", "Gemaakt op", "Gewijzigd op"], ["Fout", "Waarschuwing", "Informatie"]),
    "pt": (["Referente a", "Nível", "Texto", "Criado em", "Modificado em"], ["Erro", "Aviso", "Informação"]),
    "pl": (["Dotyczy", "Poziom", "Tekst", "Utworzono", "Zmodyfikowano"], ["Błąd", "Ostrzeżenie", "Informacja"]),
    "sv": (["Angående", "Nivå", "Text", "Skapad", "Ändrad"], ["Fel", "Varning", "Information"]),
    "ja": (["関連", "レベル", "テキスト", "作成日", "修正日"], ["エラー", "警告", "情報"]),
    "zh": (["关于", "级别", "文本", "创建时间", "修改时间"], ["错误", "警告", "信息"]),
}
TEXT = "Email Server Error Code: Http server returned 401 Unauthorized exception."


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_localized_headers_and_levels(language):
    headers, levels = LANGUAGES[language]
    frame = pd.DataFrame([[f"Mailbox {i}", level, TEXT, f"2026-11-0{i + 1} 10:00", f"2026-11-0{i + 1} 11:00"]
                          for i, level in enumerate(levels)], columns=headers, dtype=object)
    data = normalise([RawTable(source=f"{language}.csv", format="csv", frame=frame)])
    assert data.alerts["level"].tolist() == ["error", "warning", "information"]
    assert data.alerts["mailbox"].tolist() == ["Mailbox 0", "Mailbox 1", "Mailbox 2"]
    assert {c["how"] for c in data.inputs[0].columns} == {"header name"}


def test_unknown_headers_are_inferred_from_content_and_reported():
    frame = pd.DataFrame([[f"id{i}", "Sales Queue", "Fehler", "An unknown error occurred while receiving email "
                           "through the mailbox Sales Queue.\n" + TEXT, f"11/0{i + 3}/2026 09:15",
                           f"11/0{i + 3}/2026 10:15"] for i in range(3)],
                         columns=["Spalte1", "Spalte2", "Spalte6", "Spalte3", "Spalte4", "Spalte5"], dtype=object)
    data = normalise([RawTable(source="odd.csv", format="csv", frame=frame)])
    mapped = {c["role"]: (c["column"], c["how"]) for c in data.inputs[0].columns}
    assert mapped["text"] == ("Spalte3", "inferred from content (long alert wording)")
    assert mapped["created_on"][0] == "Spalte4" and mapped["last_update_on"][0] == "Spalte5"
    assert mapped["level"] == ("Spalte6", "inferred from content (level labels)")
    assert mapped["mailbox"] == ("Spalte2", "inferred from content (names found in the texts)")
    assert len(data.alerts) == 3 and set(data.alerts["level"]) == {"error"}


# Property: whatever mess an export holds, no row is lost or invented.
cells = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["", " ", "Error", "3", "=1+1", "---"]))
dates = st.one_of(st.none(), st.sampled_from(["", "not a date", "11/3/2026 9:15 AM", "2026-11-03T09:15:00Z",
                                               "03.11.2026 09:15", "45964.5", "31/31/2026"]))
row = st.tuples(st.sampled_from(["", "a", "b", "A"]), cells, cells, st.one_of(cells, st.just(TEXT)), dates, dates)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=25), st.lists(row, max_size=10))
def test_accounting_invariant_on_messy_exports(first, second):
    header = ["(Do Not Modify) Trace", "Regarding", "Level", "Text", "Created On", "Last Update On"]
    tables = [RawTable(source=name, format="csv", frame=pd.DataFrame(rows, columns=header, dtype=object))
              for name, rows in (("one.csv", first), ("two.csv", second))]
    data = normalise(tables)
    empty = sum(i.empty_rows for i in data.inputs)
    assert data.rows_read + empty == len(first) + len(second)  # rows with every cell empty are skipped, counted
    assert data.rows_read == len(data.alerts) + data.duplicates + len(data.rejected)
    kept = set(zip(data.alerts["source"], data.alerts["row"])) | set(zip(data.rejected["source"], data.rejected["row"]))
    assert len(kept) == len(data.alerts) + len(data.rejected)  # every row is in one place only


def test_mixing_utc_and_local_exports_is_called_out(tmp_path):
    out = tmp_path / "s.json"
    result = CliRunner().invoke(cli, ["analyse", str(FIXTURES / "webapi.json"), str(FIXTURES / "tab.tsv"),
                                      "-o", str(tmp_path / "r.html"), "--json", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["period"]["timezone"].startswith("mixed: UTC")

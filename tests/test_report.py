"""The HTML report: self-contained, and input text always escaped."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from click.testing import CliRunner

from analyzer.cli import cli


class ResourceCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.resources: list[tuple[str, str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") and value is not None:
                if tag == "a" and name == "href":
                    self.links.append(value)
                else:
                    self.resources.append((tag, name, value))


def test_report_loads_nothing_from_outside(sample_run):
    html = (sample_run["dir"] / "report.html").read_text(encoding="utf-8")
    collector = ResourceCollector()
    collector.feed(html)
    # Nothing is fetched: no src/href on anything but plain links, which the reader may follow.
    assert collector.resources == []
    assert "url(" not in html and "@import" not in html
    assert all(link.startswith(("https://learn.microsoft.com/", "https://support.microsoft.com/", "#"))
               for link in collector.links)
    assert '<svg' in html and '<style>' in html


HEADER = "Regarding,Level,Text,Created On,Last Update On\r\n"


def run_on_csv(tmp_path, rows: str, *options: str):
    """Analyse a one-file CSV export (header + rows) and return the report's HTML."""
    csv = tmp_path / "export.csv"
    csv.write_text(HEADER + rows, encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["analyse", str(csv), "-o", str(out), "-q", *options])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_hostile_text_is_escaped(tmp_path):
    html = run_on_csv(
        tmp_path,
        '<script>alert(1)</script>,Error,"Email cannot be sent <img src=x onerror=alert(2)>\nEmail Server Error '
        'Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147200001 exception.",'
        "11/3/2026 9:15 AM,11/3/2026 9:20 AM\r\n")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert len(re.findall(r"<script>", html)) == 1  # only the report's own script


def test_header_only_export_gives_a_report_that_says_no_alerts(tmp_path):
    assert "No alerts to analyse" in run_on_csv(tmp_path, "")


def test_ambiguous_exchange_number_shows_the_reading_taken(tmp_path):
    import json

    summary = tmp_path / "s.json"
    html = run_on_csv(
        tmp_path,
        'User One,Error,"The email message ""Quote"" cannot be sent. Make sure that the credentials specified in the '
        'mailbox User One are correct.\nEmail Server Error Code: Exchange.server returned 403 error.",'
        "11/3/2026 9:15 AM,11/3/2026 9:20 AM\r\n", "--json", str(summary))
    [code] = json.loads(summary.read_text(encoding="utf-8"))["codes"]
    assert (code["family"], code["code"]) == ("Exchange", "403") and "HTTP status" in code["reading"]
    assert "Read as: Exchange.server 403 read as the HTTP status" in html


def test_formula_cells_are_neutralised_in_csv_and_xlsx(tmp_path):
    import openpyxl
    import pandas as pd

    run_on_csv(
        tmp_path,
        '"=HYPERLINK(""http://x.example"",""y"")",Error,"+cmd|calc\nEmail Server Error Code: Exchange server returned '
        'UnknownIncomingEmailIntegrationError -2147220891 exception.",11/3/2026 9:15 AM,11/3/2026 9:20 AM\r\n',
        "--classified", str(tmp_path / "c.csv"), "--xlsx", str(tmp_path / "t.xlsx"))
    classified = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    assert classified.loc[0, "mailbox"] == "'=HYPERLINK(\"http://x.example\",\"y\")"
    assert classified.loc[0, "text"].startswith("'+cmd")
    assert classified.loc[0, "code"] == "-2147220891"  # a plain number is not a formula
    workbook = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ranking = workbook["ranking"]
    headers = [c.value for c in ranking[1]]
    cell = ranking.cell(row=2, column=headers.index("mailbox") + 1)
    assert cell.value.startswith("'=HYPERLINK") and cell.data_type == "s"
    first_seen = ranking.cell(row=2, column=headers.index("first_seen") + 1)
    assert first_seen.is_date and ranking.freeze_panes == "A2" and ranking.auto_filter.ref

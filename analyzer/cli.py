"""The command line: parses options, calls the library, prints one clear line on errors.

Only this module imports click.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from . import __version__
from .api import Options, analyse
from .catalogue import CATEGORIES, load_catalogue
from .errors import AnalyzerError
from .outputs import classified_frame, csv_bytes, json_bytes, write_all_atomic, xlsx_bytes
from .report import render_report


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def one_line(message: str) -> str:
    """Messages are one line, and text from the input cannot drive the terminal."""
    return _CONTROL.sub(" ", message).strip()


def _fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    click.echo(f"mailbox-alerts: error: {one_line(str(error))}", err=True)
    sys.exit(2)


def _parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    from .columns import ROLES

    columns = {}
    for value in values:
        role, sep, header = value.partition("=")
        if not sep or role.strip() not in ROLES or not header.strip():
            raise click.BadParameter(f"{value!r}: use ROLE=HEADER with ROLE one of {', '.join(ROLES)}",
                                     param_hint="--column")
        columns[role.strip()] = header.strip()
    return columns


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mailbox-alerts")
def cli() -> None:
    """Analyse Dynamics 365 server-side synchronization mailbox-alert exports."""


@cli.command("analyse")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("report.html"), show_default=True,
              help="HTML report to write.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the JSON summary here.")
@click.option("--classified", type=click.Path(path_type=Path),
              help="Write every analysed alert with its classification (.csv or .xlsx).")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path),
              help="Write ranking, pairs, codes and actions as Excel sheets.")
@click.option("--rejects", type=click.Path(path_type=Path), help="Write rejected rows with their reason (.csv).")
@click.option("--top", type=click.IntRange(1), default=50, show_default=True, help="Rows per table in the report.")
@click.option("--rank-by", type=click.Choice(["alerts", "persistence", "priority"]), default="alerts",
              show_default=True)
@click.option("--transient-hours", type=float, default=2.0, show_default=True,
              help="A transient error open longer than this is 'act'.")
@click.option("--since", help="Only alerts from this date (YYYY-MM-DD).")
@click.option("--until", help="Only alerts before this date (YYYY-MM-DD).")
@click.option("--month", help="Only this month (YYYY-MM).")
@click.option("--tz", help="IANA time zone of the export (UTC inputs are converted to it).")
@click.option("--dayfirst/--monthfirst", default=None, help="Day/month order of text dates (default: decided per column).")
@click.option("--sheet", help="Excel sheet to read (default: the visible sheet with alerts).")
@click.option("--column", "columns", multiple=True, metavar="ROLE=HEADER",
              help="Use column HEADER for ROLE (text, created_on, last_update_on, mailbox, level, alert_id, ...).")
@click.option("--catalogue", "catalogues", multiple=True, type=click.Path(path_type=Path),
              help="Extra catalogue TOML adding or overriding entries.")
@click.option("--fail-on", type=click.Choice(["act", "watch"]), help="Exit 1 when pairs with this triage (or worse) exist.")
@click.option("--now", help="Pin the generated-at time (for reproducible reports).")
@click.option("-q", "--quiet", is_flag=True, help="No terminal summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def analyse_command(inputs, output, json_path, classified, xlsx_path, rejects, top, rank_by, transient_hours, since,
                    until, month, tz, dayfirst, sheet, columns, catalogues, fail_on, now, quiet, debug) -> None:
    """Analyse export files or folders and write the HTML report."""
    if classified and classified.suffix.lower() not in (".csv", ".xlsx"):
        _fail(AnalyzerError(f"--classified {classified}: use a .csv or .xlsx file name"), debug)
    options = Options(transient_hours=transient_hours, rank_by=rank_by, top=top, since=since, until=until,
                      month=month, tz=tz, dayfirst=dayfirst, sheet=sheet, columns=_parse_columns(columns),
                      catalogues=list(catalogues), now=now)
    targets = [p for p in (output, json_path, classified, xlsx_path, rejects) if p]
    resolved = [p.resolve() for p in targets]
    if len(set(resolved)) != len(resolved):
        _fail(AnalyzerError("two outputs name the same file; give -o, --json, --classified, --xlsx and --rejects "
                            "different paths"), debug)
    inputs_resolved = {Path(p).resolve() for p in inputs}
    for target, full in zip(targets, resolved):
        if full in inputs_resolved:
            _fail(AnalyzerError(f"{target}: is one of the inputs; choose another output path"), debug)
    progress = _terminal_progress if sys.stderr.isatty() and not quiet else None
    try:
        result = analyse(list(inputs), options, progress)
        if progress:
            click.echo("\r\033[K", err=True, nl=False)
        outputs = {"json": str(json_path) if json_path else "", "classified": str(classified) if classified else ""}
        # Render everything before writing anything: a failure leaves earlier files untouched.
        files: list[tuple[Path, bytes]] = [(output, render_report(result.summary, result.measures, top,
                                                                   outputs).encode("utf-8"))]
        if json_path:
            files.append((json_path, json_bytes(result.summary)))
        if classified:
            frame = classified_frame(result.classified)
            data = xlsx_bytes({"alerts": frame}) if classified.suffix.lower() == ".xlsx" else csv_bytes(frame)
            files.append((classified, data))
        if xlsx_path:
            files.append((xlsx_path, xlsx_bytes(_xlsx_sheets(result.summary))))
        if rejects:
            files.append((rejects, csv_bytes(result.rejected)))
        write_all_atomic(files)
    except AnalyzerError as error:
        _fail(error, debug)
    except OSError as error:
        where = f"{error.filename}: " if getattr(error, "filename", None) else ""
        _fail(AnalyzerError(f"{where}{error.strerror or error}"), debug)
    if not quiet:
        _print_summary(result.summary, [str(path) for path, _ in files])
    if fail_on:
        worst = {"act": ("act",), "watch": ("act", "watch")}[fail_on]
        if any(pair["triage"] in worst for pair in result.summary["pairs"]):
            sys.exit(1)


def _terminal_progress(step: int, steps: int, what: str) -> None:
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    width = 24
    done = int(width * (step - 1) / steps)
    click.echo(f"\r\033[K[{'#' * done}{'.' * (width - done)}] {step}/{steps} {what}", err=True, nl=False)


def _xlsx_sheets(summary: dict):
    import pandas as pd

    actions = [{k: (", ".join(v) if isinstance(v, list) and k != "mailbox_detail" else v)
                for k, v in a.items() if k != "mailbox_detail"} for a in summary["actions"]]
    return {"ranking": pd.DataFrame(summary["mailboxes"]), "pairs": pd.DataFrame(summary["pairs"]),
            "codes": pd.DataFrame(summary["codes"]), "actions": pd.DataFrame(actions)}


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def _print_summary(summary: dict, written: list[str]) -> None:
    rows, period, headline = summary["rows"], summary["period"], summary["headline"]
    echo = click.echo
    echo(f"Read {rows['read']:,} rows: {rows['analysed']:,} analysed, {rows['duplicates']:,} duplicates, "
         f"{rows['rejected']:,} rejected.")
    if not rows["analysed"]:
        echo("Warning: no alerts to analyse" + (" (see the rejected rows in the report)" if rows["rejected"] else "")
             + ".", err=True)
    if period["start"]:
        echo(f"Period {period['start'][:16].replace('T', ' ')} to {period['end'][:16].replace('T', ' ')}; "
             f"{_plural(headline['mailboxes'], 'mailbox', 'mailboxes')}, {headline['mailboxes_to_act_on']:,} to act on, "
             f"{headline['ongoing_problems']:,} still failing at the end.")
    act = [a for a in summary["actions"] if a["triage"] == "act"]
    for action in act[:8]:
        names = ", ".join(action["mailboxes"][:3]) + (f" +{action['mailbox_count'] - 3}" if action["mailbox_count"] > 3
                                                      else "")
        echo(f"  ACT  {action['action']} ({_plural(action['alerts'], 'alert')}; {names})")
    if len(act) > 8:
        echo(f"  ... and {len(act) - 8} more actions in the report")
    for mailbox in summary["mailboxes"][:5]:
        echo(f"  #{mailbox['rank']:<3} {mailbox['mailbox']}: {_plural(mailbox['alerts'], 'alert')}, {mailbox['triage']}"
             f"{', ongoing' if mailbox['ongoing'] else ''}")
    echo("Wrote " + ", ".join(written))


@cli.command("explain", context_settings={"ignore_unknown_options": True})
@click.argument("code")
@click.option("--catalogue", "catalogues", multiple=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
def explain_command(code: str, catalogues, as_json: bool) -> None:
    """Explain an error code in any shape: -2147220891, 0x80040265, Crm.80040265, 401, MailboxDisabled."""
    try:
        catalogue = load_catalogue(list(catalogues))
    except AnalyzerError as error:
        _fail(error, False)
    entries = catalogue.lookup(code)
    if not entries:
        click.echo(f"mailbox-alerts: {code!r} is not in the catalogue ({catalogue.version}). Add it with "
                   "--catalogue extra.toml (see docs/CATALOGUE_FORMAT.md).", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        click.echo(f"{entry.id}: {entry.title}")
        click.echo(f"  category: {entry.category}; severity: {entry.severity}; transient: "
                   f"{'yes' if entry.transient else 'no'}; who acts: {entry.who_acts}")
        keys = list(entry.codes) + [f"{f}:{c}" for f, c in entry.family_codes]
        if keys:
            click.echo(f"  matches: {', '.join(keys)}")
        click.echo(f"  cause: {entry.cause}")
        click.echo("  what to do:")
        for number, step in enumerate(entry.actions, 1):
            click.echo(f"    {number}. {step}")
        click.echo(f"  doc: {entry.doc_url}")


@cli.command("codes")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only this category.")
@click.option("--catalogue", "catalogues", multiple=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--markdown", is_flag=True, help="Print the catalogue as Markdown (docs/CODES.md).")
def codes_command(category: str | None, catalogues, as_json: bool, markdown: bool) -> None:
    """List the catalogue entries."""
    try:
        catalogue = load_catalogue(list(catalogues))
    except AnalyzerError as error:
        _fail(error, False)
    entries = [e for e in catalogue.entries if not category or e.category == category]
    if markdown:
        from .codes_doc import render

        click.echo(render(catalogue), nl=False)
        return
    if as_json:
        click.echo(json.dumps({"catalogue_version": catalogue.version, "entries": [e.as_dict() for e in entries]},
                              indent=2, ensure_ascii=False))
        return
    for entry in entries:
        keys = ", ".join(list(entry.codes) + [f"{f}:{c}" for f, c in entry.family_codes]) or "(wording)"
        click.echo(f"{entry.id:<42} {entry.category:<28} {keys}")
    click.echo(f"{len(entries)} entries, catalogue {catalogue.version}")


def main() -> None:
    try:
        code = cli.main(prog_name="mailbox-alerts", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("mailbox-alerts: aborted", err=True)
        sys.exit(2)
    except click.ClickException as error:  # usage errors: one line, and the way to more help
        hint = f" (see mailbox-alerts {error.ctx.info_name} --help)" if getattr(error, "ctx", None) and \
            error.ctx.info_name != "mailbox-alerts" else " (see mailbox-alerts --help)"
        click.echo(f"mailbox-alerts: error: {one_line(error.format_message())}{hint}", err=True)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)

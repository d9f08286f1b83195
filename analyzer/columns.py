"""Which export column plays which role: header synonyms (display names in several UI
languages, Dataverse logical names, Web API annotations), then content-based inference."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import InputError

ROLES = (
    "alert_id", "mailbox", "regarding_type", "owner", "level", "text", "details", "created_on", "last_update_on",
)
REQUIRED_ROLES = ("text", "created_on")

_FORMATTED = "@odata.community.display.v1.formattedvalue"
_LOOKUP = "@microsoft.dynamics.crm.lookuplogicalname"

# Synonyms, most preferred first. Compared case-insensitively with spaces collapsed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "alert_id": ("(do not modify) trace", "tracelogid", "trace id", "trace", "(nicht ändern) ablaufverfolgung",
                 "(ne pas modifier) trace", "alert id", "id"),
    "mailbox": (
        f"_regardingobjectid_value{_FORMATTED}", "regardingobjectidname", f"regardingobjectid{_FORMATTED}",
        "regarding", "regarding name", "mailbox", "regardingobjectid", "_regardingobjectid_value",
        "bezug", "concernant", "référence", "relatif à", "relativo a", "referente a", "relacionado con", "betreft",
        "dotyczy", "angående", "関連", "関連付け", "关于", "相关", "regarding (mailbox)",
    ),
    "regarding_type": (
        f"_regardingobjectid_value{_LOOKUP}", "regardingobjecttypecode", "regarding object type",
        "regardingobjecttypecode_property",
    ),
    "owner": ("owner", "regardingobjectownerid", f"_regardingobjectownerid_value{_FORMATTED}", "besitzer",
              "propriétaire", "propietario", "proprietario", "eigenaar", "właściciel", "ägare", "所有者", "负责人"),
    "level": (
        f"level{_FORMATTED}", "level", "ebene", "niveau", "nivel", "livello", "niveau", "poziom", "nivå",
        "レベル", "级别", "nível",
    ),
    "text": ("text", "message", "alert", "nachricht", "texte", "texto", "testo", "tekst", "テキスト", "文本",
             "meldung"),
    "details": ("trace error details", "errordetails", "details", "error details", "errortypedisplay"),
    "created_on": (
        "created on", f"createdon{_FORMATTED}", "createdon", "erstellt am", "créé le", "date de création",
        "fecha de creación", "creado el", "creato il", "data creazione", "data di creazione", "gemaakt op",
        "utworzono", "data utworzenia", "skapad", "skapad den", "作成日", "作成日時", "创建时间", "创建日期",
        "criado em", "data de criação", "created",
    ),
    "last_update_on": (
        "last update on", f"modifiedon{_FORMATTED}", "modifiedon", "modified on", "letzte aktualisierung am",
        "geändert am", "dernière mise à jour le", "modifié le", "última actualización", "modificado el",
        "fecha de modificación", "última actualización el", "ultimo aggiornamento", "ultimo aggiornamento il",
        "modificato il", "data modifica", "laatst bijgewerkt op", "gewijzigd op", "ostatnia aktualizacja",
        "data modyfikacji", "zmodyfikowano", "senast uppdaterad", "senast uppdaterad den", "ändrad", "ändrad den",
        "最終更新日", "最終更新日時", "修正日", "上次更新时间", "上次更新日期", "修改时间", "修改日期",
        "modificado em", "última atualização em", "data de modificação",
        "(do not modify) modified on",
    ),
}


KNOWN_HEADERS = frozenset(synonym for synonyms in SYNONYMS.values() for synonym in synonyms)


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", str(header)).strip().lower()


@dataclass
class ColumnMapping:
    columns: dict[str, str]  # role -> header
    reasons: dict[str, str]  # role -> why (synonym / option / inferred from content)

    def as_list(self) -> list[dict[str, str]]:
        return [{"role": role, "column": self.columns[role], "how": self.reasons[role]}
                for role in ROLES if role in self.columns]


def map_columns(frame: pd.DataFrame, source: str, overrides: dict[str, str] | None = None) -> ColumnMapping:
    by_key = {_key(header): header for header in frame.columns}
    columns: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for role, header in (overrides or {}).items():
        if header in columns.values():
            raise InputError(f"{source}: --column: column {header!r} is given for two roles")
        if header not in frame.columns:
            raise InputError(
                f"{source}: --column {role}={header}: no such column; headers found: {', '.join(map(str, frame.columns))}"
            )
        columns[role], reasons[role] = header, "--column option"
    for role in ROLES:
        if role in columns:
            continue
        for synonym in SYNONYMS[role]:
            header = by_key.get(synonym)
            if header is not None and header not in columns.values():
                columns[role], reasons[role] = header, "header name"
                break
    _infer_from_content(frame, columns, reasons)
    missing = [role for role in REQUIRED_ROLES if role not in columns]
    if missing:
        raise InputError(
            f"{source}: no column found for {', '.join(missing)}; headers found: "
            f"{', '.join(map(str, frame.columns)) or '(none)'}; name them with --column ROLE=HEADER "
            f"(for example --column text=Message)"
        )
    return ColumnMapping(columns, reasons)


_ALERT_WORDS = re.compile(r"mailbox|email|e-mail|exchange|synchroni|server|postfach|boîte|メール|邮箱", re.I)


def _infer_from_content(frame: pd.DataFrame, columns: dict[str, str], reasons: dict[str, str]) -> None:
    """Fill the text and date roles from what the unmapped columns hold (headers not recognised)."""
    free = [c for c in frame.columns if c not in columns.values()]
    sample = frame.head(200)
    if "text" not in columns and free:
        scores = {}
        for column in free:
            values = sample[column].dropna().astype(str)
            if len(values):
                scores[column] = values.str.len().mean() * values.str.contains(_ALERT_WORDS).mean()
        if scores and max(scores.values()) > 20:
            best = max(scores, key=lambda c: scores[c])
            columns["text"], reasons["text"] = best, "inferred from content (long alert wording)"
            free.remove(best)
    if "level" not in columns:
        from .normalise import LEVEL_LABELS  # the labels live with the level normaliser

        for column in free:
            values = sample[column].dropna().astype(str).str.strip().str.lower()
            values = values[values != ""]
            if len(values) and values.isin(LEVEL_LABELS.keys()).mean() > 0.9 and values.nunique() <= 6:
                columns["level"], reasons["level"] = column, "inferred from content (level labels)"
                free.remove(column)
                break
    if "mailbox" not in columns and "text" in columns:
        texts = sample[columns["text"]].fillna("").astype(str)
        for column in free:
            values = sample[column].fillna("").astype(str).str.strip()
            named = values[(values.str.len() >= 3)]
            if not len(named):
                continue
            inside = [name in text for name, text in zip(named, texts[named.index])]  # a 200-row sample
            if sum(inside) / len(named) > 0.5:
                columns["mailbox"], reasons["mailbox"] = column, "inferred from content (names found in the texts)"
                free.remove(column)
                break
    date_like = []
    for column in free:
        values = sample[column].dropna()
        if len(values) and (values.map(lambda v: hasattr(v, "year")).mean() > 0.8 or
                            values.astype(str).str.match(r"^\s*\d{1,4}[-./]\d{1,2}[-./]\d{1,4}").mean() > 0.8):
            date_like.append(column)
    for role in ("created_on", "last_update_on"):
        if role not in columns and date_like:
            columns[role], reasons[role] = date_like.pop(0), "inferred from content (dates)"

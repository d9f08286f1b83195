"""Read what an alert text says: direction, the error-code candidates, the mailbox name.

Works on one text at a time; the classify stage calls it once per *distinct* text.
The code shapes are those of ``alert_formats.md`` section 7; see docs/CATALOGUE_FORMAT.md
for how each shape is normalised into a ``(family, code)`` candidate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

HTTP_STATUS_BY_NAME = {
    "badrequest": "400",
    "unauthorized": "401",
    "forbidden": "403",
    "notfound": "404",
    "methodnotallowed": "405",
    "requesttimeout": "408",
    "conflict": "409",
    "toomanyrequests": "429",
    "internalservererror": "500",
    "badgateway": "502",
    "serviceunavailable": "503",
    "gatewaytimeout": "504",
}

# Subjects that Test & Enable puts where a mailbox name would go (quirk 6): never a mailbox.
TEST_SUBJECTS = (
    "your mailbox is now connected to dynamics 365",
    "your mailbox is now connected to microsoft dynamics 365",
    "test message",
    "message de test",
)

_NAME = r"\b[A-Za-z][A-Za-z0-9_]*+"  # \b and possessive: a long word is read once, not once per letter
_NUMBER = r"-?\d+|0x[0-9A-Fa-f]{8}"

# The "Email Server Error Code:" line, in any language: a short label naming a code, a colon.
_LABEL_LINE = re.compile(
    r"^\s*(?P<label>[^:\uff1a\n]{0,60}?(?:code|kod|kód|codice|código|codigo|fehlercode|foutcode|"
    r"felkod|コード|代码|代碼)[^:\uff1a\n]{0,40})\s*[:\uff1a]\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)

_EXCHANGE_FAMILY = re.compile(
    rf"Exchange server returned (?P<family>{_NAME}) (?P<code>{_NUMBER}|(?!exception\b){_NAME})(?:\s+exception|\s*\.?\s*$)",
    re.IGNORECASE,
)
_EXCHANGE_NAME = re.compile(rf"Exchange server returned (?P<code>{_NAME}|{_NUMBER})\s+exception", re.IGNORECASE)
_EXCHANGE_DOT = re.compile(
    rf"(?:(?P<name>{_NAME})\.\s*)?Exchange\.server returned (?P<code>{_NUMBER}|{_NAME})\s+error", re.IGNORECASE
)
_HTTP = re.compile(
    r"Http[- ]?server returned (?:(?P<num>\d{3})\s*)?(?P<name>[A-Za-z]\w*)?\s*exception", re.IGNORECASE
)
_WEB = re.compile(rf"Web server returned (?P<code>{_NAME})\s+exception", re.IGNORECASE)
_SOCKET = re.compile(
    rf"Socket returned exception (?:(?P<family>{_NAME})\s+)?(?P<code>{_NAME})\b", re.IGNORECASE
)
_SMTP_FAMILY = re.compile(
    rf"Smtp server returned (?P<family>{_NAME})\s+(?P<code>{_NAME})\s+exception", re.IGNORECASE
)
_SMTP_NAME = re.compile(rf"Smtp server returned (?P<code>{_NAME}|\d+)\s+exception", re.IGNORECASE)
_CRM_HEX = re.compile(r"\bcrm\s?\.\s?(?P<hex>[0-9a-f]{8})(?![0-9a-f])", re.IGNORECASE)
_HEX_0X = re.compile(r"\b0x(?P<hex>[0-9a-f]{8})\b", re.IGNORECASE)
_HR = re.compile(r"\bhr\s*=\s*(?P<num>-?\d{6,10})\b", re.IGNORECASE)
_ERRORCODE_XML = re.compile(r"<(?:\w+:)?ErrorCode>\s*(?P<num>-?\d{6,10})\s*</", re.IGNORECASE)
_EWS_RESPONSE = re.compile(
    r"<(?:\w+:)?(?P<tag>InnerErrorResponseCode|ResponseCode)\b[^>]*>\s*(?P<code>[A-Za-z]\w*)\s*</", re.IGNORECASE
)
_EWS_INNER_VALUE = re.compile(r'Name="InnerErrorResponseCode"[^>]*>\s*(?P<code>[A-Za-z]\w*)\s*<', re.IGNORECASE)
_HTTP_STATUS_DETAIL = re.compile(r"HTTP status (?P<num>\d{3})|\((?P<num2>\d{3})\)\s+[A-Z]", re.IGNORECASE)
_SMTP_STATUS_DETAIL = re.compile(r"(?:Smtp\w*Exception|AuthenticationException):\s*(?P<num>[45]\d\d)\b", re.I)
_CRM_COLON_NAME = re.compile(r"\bCrm\s+:\s*(?P<code>[A-Z][A-Za-z0-9]+)\b")
# .NET SocketException messages that name a SocketError.
_SOCKET_MESSAGES = {"no such host is known": "HostNotFound", "connection timed out": "TimedOut",
                    "a connection attempt failed because the connected party did not properly respond": "TimedOut"}
_BARE_HEX = re.compile(r"(?<![\w.\-])(?P<hex>8[0-9A-Fa-f]{7})(?![\w\-])")
_BARE_NAME = re.compile(rf"^(?P<code>{_NAME})\.?\s*$")
_HTTP_NUMBER_ANY_LANGUAGE = re.compile(r"http.*?\b(?P<num>[1-5]\d\d)\b", re.IGNORECASE)

# Direction wording, matched against the lower-cased text (case-insensitive regexes with many
# alternatives are several times slower, and a month can hold 100,000 distinct texts).
_DIRECTION_WORDS = [
    ("test", re.compile(r"^\s*test (?:and|&) enable|test (?:and|&) enable (?:failed|mailbox)")),
    ("profile", re.compile(r"one or more mailboxes have been disabled|test connection|remote server error|"
                           r"^\s*test failed\b|operation has timed out|does not have permission to impersonate")),
    ("act", re.compile(r"appointments?,? contacts,? (?:and )?tasks|\bappointment\b|\borganizer\b|予定、連絡先|"
                       r"rendez-vous|\btermine\b|appuntament|citas")),
    ("item", re.compile(r"synchroniz\w* (?:the )?item\b|\bitem sync")),
]
_OUTGOING = re.compile(
    r"\b(?:send|sending|sent|outgoing)\b|senden|gesendet|envoy|envoi|inviare|inviat|enviar|enviad|"
    r"verzend|verzonden|wysła|wysył|skicka|odesl|odesíl|送信|发送|發送"
)
_INCOMING = re.compile(
    r"\b(?:receiv\w*|incoming)\b|empfang|reçu|recevoir|réception|ricev|recib|ontvang|odbier|odebr|"
    r"ta emot|mottag|přijat|příjem|受信|接收"
)

# Mailbox name slot. Quoted first, then unquoted names ended by the words that follow them.
_QUOTE = "\"'“”„«»"
_MAILBOX_QUOTED = re.compile(r"\bmailbox\s+[\"“„«]\s*(?P<name>[^\"“”„«»\n]{1,200}?)\s*[\"”»]", re.IGNORECASE)
_MAILBOX_UNQUOTED = re.compile(
    r"\bmailbox\s+(?P<name>[^\s\"“”„«».,][^\n]*?)"
    r"(?=\s+(?:didn't|did not|didn’t|because|while|is|are|has|have|requires|does|doesn't|doesn’t|as the|"
    r"could|couldn't|couldn’t|can't|can’t|cannot|was|for|with)\b|[.,](?:\s|$)|$)",
    re.IGNORECASE,
)
_THE_X_MAILBOX = re.compile(r"\bfor the (?P<name>[^\s\"“”].{0,120}?) mailbox (?:is|has)\b", re.IGNORECASE)
_NAME_BEFORE_DIDNT_SYNC = re.compile(
    r"(?:^|[.!?]\s+)[\"“]?(?P<name>[A-Z0-9][^.\n\"”]{0,120}?)[\"”]? (?:didn't|did not|didn’t) synchroni[sz]e")
_ADDRESS_CONFIGURED = re.compile(r"\bemail address (?P<name>[^\s@\"]+@[^\s\"]+?) is configured", re.IGNORECASE)
_NAME_BEFORE_MAILBOX = re.compile(r"(?P<name>[A-Z0-9][\w'&@-]*(?:\s+[A-Z0-9][\w'&@-]*)*)\s*の\s*メールボックス")
_TRANSLATED_MAILBOX = re.compile(
    r"(?:Postfach|boîte aux lettres|poštovní schránku|poštovní schránky|cassetta postale|buzón(?: de correo)?|"
    r"postvak|caixa de correio|skrzynki pocztowej|skrzynka pocztowa|postlåda|postlådan|メールボックス|邮箱)"
    r"\s+(?P<name>[A-Z0-9][\w'&@-]*(?:\s+[A-Z0-9][\w'&@-]*)*)"
)
_QUOTED_SUBJECT = re.compile(r"(?:email message|message électronique|E-Mail-Nachricht)\s+[\"“„«][^\"”»]*[\"”»]", re.I)
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_NAME_STOPWORDS = {
    "location", "record", "has", "is", "because", "while", "didn't", "the", "for", "and", "that",
    "until", "in", "to", "of",
}


_MAILBOX_PATTERNS = (
    (_MAILBOX_QUOTED, "mailbox"), (_MAILBOX_UNQUOTED, "mailbox"), (_THE_X_MAILBOX, " mailbox "),
    (_NAME_BEFORE_DIDNT_SYNC, "synchroni"), (_ADDRESS_CONFIGURED, "is configured"), (_TRANSLATED_MAILBOX, ""),
    (_NAME_BEFORE_MAILBOX, "メールボックス"),
)


@dataclass
class ParsedText:
    direction: str
    candidates: list[tuple[str, str]] = field(default_factory=list)
    mailbox: str = ""


def normalise_code(token: str) -> tuple[str, str]:
    """A code token as written -> (code, code_hex).

    32-bit HRESULT-like numbers (signed, unsigned, 0x, 8 hex digits) become signed decimal plus
    ``0x`` hex; small numbers (HTTP, EWS ordinals) and names stay as they are.
    """
    token = re.sub(r"^crm\s?\.\s?", "", token.strip(), flags=re.IGNORECASE)
    if re.fullmatch(r"0x[0-9A-Fa-f]{8}|[0-9A-Fa-f]{8}", token) and not re.fullmatch(r"\d{1,7}", token):
        if not token.lower().startswith("0x") and token.isdigit() and not token.startswith("8"):
            return token, ""
        value = int(token[2:] if token.lower().startswith("0x") else token, 16)
        return _signed_with_hex(value)
    if re.fullmatch(r"-?\d+", token):
        value = int(token)
        if -(1 << 31) <= value < 0 or (1 << 31) <= value < (1 << 32):
            return _signed_with_hex(value & 0xFFFFFFFF)
        return str(value), ""
    return token, ""


def _signed_with_hex(unsigned: int) -> tuple[str, str]:
    signed = unsigned - (1 << 32) if unsigned >= (1 << 31) else unsigned
    return str(signed), f"0x{unsigned:08X}"


def code_hex(code: str) -> str:
    """The 0x form of a normalised code, or '' for names and small numbers."""
    return normalise_code(code)[1] if code else ""


def _http_code(num: str | None, name: str | None) -> str:
    if num:
        return num
    if name:
        return HTTP_STATUS_BY_NAME.get(name.lower(), name)
    return ""


def _code_line_candidates(line: str) -> list[tuple[str, str]]:
    """Candidates from one line in the grammar of the `Email Server Error Code:` tail."""
    found: list[tuple[str, str]] = []
    lowered = line.lower()
    # Every shape below contains "returned"; checking first keeps long lines linear.
    if "returned" not in lowered:
        return found
    m = _EXCHANGE_FAMILY.search(line)
    if m:
        code, _ = normalise_code(m.group("code"))
        found.append((m.group("family"), code))
        if not re.fullmatch(r"-?\d+", code):
            found += [("Exchange", code), ("", m.group("family"))]
    else:
        m = _EXCHANGE_NAME.search(line)
        if m:
            code, _ = normalise_code(m.group("code"))
            found.append(("Exchange", code))
    for m in (_EXCHANGE_DOT.finditer(line) if "exchange.server" in lowered else ()):
        if m.group("name") and m.group("name").lower() not in {"server", "error", "code"}:
            found.append(("Exchange", m.group("name")))
        found.append(("Exchange", normalise_code(m.group("code"))[0]))
    m = _HTTP.search(line)
    if m and (m.group("num") or m.group("name")):
        found.append(("Http", _http_code(m.group("num"), m.group("name"))))
    m = _WEB.search(line)
    if m:
        found.append(("Web", m.group("code")))
    m = _SOCKET.search(line)
    if m:
        if m.group("family"):
            found += [(m.group("family"), m.group("code")), ("Socket", m.group("code")), ("", m.group("family"))]
        else:
            found.append(("Socket", m.group("code")))
    m = _SMTP_FAMILY.search(line)
    if m:
        found += [(m.group("family"), m.group("code")), ("Smtp", m.group("code")), ("", m.group("family"))]
    else:
        m = _SMTP_NAME.search(line)
        if m:
            found.append(("Smtp", m.group("code")))
    return found


def _detail_candidates(source: str, lowered: str, is_details: bool) -> list[tuple[str, str]]:
    """Codes in the body, details and stack traces. Each pattern runs only where a literal it
    needs is present: most texts carry none of these, and classification runs once per text."""
    found: list[tuple[str, str]] = []
    if "crm" in lowered:
        found += [("Crm", normalise_code(m.group("hex"))[0]) for m in _CRM_HEX.finditer(source)]
        found += [("", m.group("code")) for m in _CRM_COLON_NAME.finditer(source)]
    if "hr" in lowered and "=" in lowered:
        found += [("Crm", normalise_code(m.group("num"))[0]) for m in _HR.finditer(source)]
    if "errorcode>" in lowered:
        # The innermost (last) fault code is the specific one; the outer one is generic.
        found += [("Crm", normalise_code(m.group("num"))[0]) for m in reversed(list(_ERRORCODE_XML.finditer(source)))]
    found += [("Socket", name) for message, name in _SOCKET_MESSAGES.items() if message in lowered]
    if "responsecode" in lowered:
        # The inner EWS code is the specific one (ErrorInvalidLicense inside ErrorInternalServerError).
        found += [("Exchange", m.group("code")) for m in _EWS_INNER_VALUE.finditer(source)]
        ews = sorted(_EWS_RESPONSE.finditer(source), key=lambda m: m.group("tag").lower() != "innererrorresponsecode")
        found += [("Exchange", m.group("code")) for m in ews]
    if is_details:
        found += _code_line_candidates(source)
    if "http status" in lowered or ") " in lowered:
        found += [("Http", m.group("num") or m.group("num2")) for m in _HTTP_STATUS_DETAIL.finditer(source)]
    if "exception:" in lowered:
        found += [("Smtp", m.group("num")) for m in _SMTP_STATUS_DETAIL.finditer(source)]
    if "0x" in lowered:
        found += [("Crm", normalise_code(m.group("hex"))[0]) for m in _HEX_0X.finditer(source)]
    if "8" in lowered:
        found += [
            ("Crm", normalise_code(m.group("hex"))[0])
            for m in _BARE_HEX.finditer(source)
            if not m.group("hex").isdigit() or m.group("hex").startswith("800")
        ]
    return found


def extract_candidates(text: str, details: str = "") -> list[tuple[str, str]]:
    """All (family, code) candidates, most specific first, without repeats."""
    label_found: list[tuple[str, str]] = []
    body_found: list[tuple[str, str]] = []
    for line in text.splitlines():
        label = _LABEL_LINE.match(line)
        if label:
            rest = label.group("rest").strip()
            from_rest = _code_line_candidates(rest)
            if not from_rest:
                bare = _BARE_NAME.match(rest.strip(" .\"'"))
                if bare:
                    from_rest.append(("", bare.group("code")))
                else:
                    http = _HTTP_NUMBER_ANY_LANGUAGE.search(rest)
                    if http:
                        from_rest.append(("Http", http.group("num")))
            label_found += from_rest
        else:
            body_found += _code_line_candidates(line)
    found = label_found + body_found
    for source in (text, details):
        if not source:
            continue
        found += _detail_candidates(source, source.lower(), is_details=source is details)
    unique: list[tuple[str, str]] = []
    for candidate in found:
        if candidate[1] and candidate not in unique:
            unique.append(candidate)
    return unique


def detect_direction(text: str, candidates: list[tuple[str, str]]) -> str:
    lowered = text.lower()
    for direction, pattern in _DIRECTION_WORDS:
        if pattern.search(lowered):
            return direction
    out, inc = _OUTGOING.search(lowered), _INCOMING.search(lowered)
    if out and inc:
        return "outgoing" if out.start() < inc.start() else "incoming"
    if out:
        return "outgoing"
    if inc:
        return "incoming"
    families = " ".join(family for family, _ in candidates).lower()
    if "incoming" in families:
        return "incoming"
    if "outgoing" in families:
        return "outgoing"
    return "other"


def _clean_name(name: str) -> str:
    return name.strip().strip(_QUOTE).strip().rstrip(".,;:")


def _acceptable(name: str) -> bool:
    if not name or len(name) > 160:
        return False
    lowered = name.lower()
    if lowered in TEST_SUBJECTS or lowered.startswith(TEST_SUBJECTS):
        return False
    if _GUID.search(name):
        return False
    first_word = lowered.split()[0]
    if first_word in _NAME_STOPWORDS:
        return False
    # Unquoted names start with a capital, a digit or are addresses: "mailbox location ..." is not a name.
    return not name[0].islower() or "@" in name


def extract_mailbox(text: str) -> str:
    """The mailbox name the text carries, or '' (never a test subject or a profile name)."""
    body = _QUOTED_SUBJECT.sub("email message", text)
    lowered = body.lower()
    for pattern, needed in _MAILBOX_PATTERNS:
        if needed not in lowered:  # cheap guard: these patterns are only tried where they can match
            continue
        for m in pattern.finditer(body):
            name = _clean_name(m.group("name"))
            if _acceptable(name):
                return name
    return ""


def parse_text(text: str, details: str = "") -> ParsedText:
    candidates = extract_candidates(text, details)
    return ParsedText(
        direction=detect_direction(text, candidates),
        candidates=candidates,
        mailbox=extract_mailbox(text),
    )

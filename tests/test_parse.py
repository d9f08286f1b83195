"""Code shapes of alert_formats.md section 7, normalisation, and the mailbox slot."""
from __future__ import annotations

import pytest

from analyzer.parse import extract_candidates, extract_mailbox, normalise_code

# hex / decimal pairs from the reference (quirk 4) and the Test & Enable codes
EQUIVALENT = [
    ("0x80040265", "-2147220891"), ("0x80040216", "-2147220970"), ("0x80040220", "-2147220960"),
    ("0x80048306", "-2147187962"), ("0x80042F09", "-2147209463"), ("0x8005E259", "-2147098023"),
    ("0x80040224", "-2147220956"), ("0x8004D24B", "-2147167669"), ("0x80042F0A", "-2147209462"),
]


@pytest.mark.parametrize("hex_form,decimal", EQUIVALENT)
def test_hex_and_decimal_are_the_same_code(hex_form, decimal):
    unsigned = str(int(hex_form, 16))
    forms = [hex_form, hex_form.lower(), hex_form[2:], hex_form[2:].lower(), decimal, unsigned, "Crm." + hex_form[2:]]
    assert {normalise_code(form) for form in forms} == {(decimal, hex_form[:2] + hex_form[2:].upper())}


@pytest.mark.parametrize("token,expected", [("401", ("401", "")), ("203", ("203", "")),
                                            ("ErrorMailboxStoreUnavailable", ("ErrorMailboxStoreUnavailable", ""))])
def test_small_numbers_and_names_stay(token, expected):
    assert normalise_code(token) == expected


SHAPES = [
    ("Email Server Error Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147220956 exception.",
     ("UnknownIncomingEmailIntegrationError", "-2147220956")),
    ("Email Server Error Code:  Exchange server returned UnknownIncomingEmailIntegrationError 2147746405 exception.",
     ("UnknownIncomingEmailIntegrationError", "-2147220891")),
    ("Email Server Error Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147220192",
     ("UnknownIncomingEmailIntegrationError", "-2147220192")),
    ("Email Server Error Code: Exchange server returned UnknownOutgoingEmailIntegrationError "
     "ErrorSubmissionQuotaExceeded exception.", ("UnknownOutgoingEmailIntegrationError", "ErrorSubmissionQuotaExceeded")),
    ("Email Server Error Code: Exchange server returned ErrorMailboxStoreUnavailable exception.",
     ("Exchange", "ErrorMailboxStoreUnavailable")),
    ("Email Server Error Code: Exchange.server returned 383 error.", ("Exchange", "383")),
    ("Email Server Error Code: Exchange.server returned ErrorNonExistentMailbox error.",
     ("Exchange", "ErrorNonExistentMailbox")),
    ("Email Server Error Code: ErrorQuotaExceeded. Exchange.server returned 403 error.", ("Exchange", "ErrorQuotaExceeded")),
    ("Email Server Error Code: Crm.80040265.ISV code aborted the operation.", ("Crm", "-2147220891")),
    ("Email Server Error Code: Crm.80040216. An unexpected error occurred.", ("Crm", "-2147220970")),
    ("Email Server Error Code: crm.80042f09.UserNotAssignedRoles", ("Crm", "-2147209463")),
    ("Email Server Error Code: Http server returned 401 Unauthorized exception.", ("Http", "401")),
    ("Email Server Error Code: Http server returned ServiceUnavailable exception", ("Http", "503")),
    ("Email Server Error Code: Http server returned Forbidden exception.", ("Http", "403")),
    ("Email Server Error Code: Http server returned 404 NotFound exception.", ("Http", "404")),
    ("Email Server Error Code: Web server returned ConnectFailure exception.", ("Web", "ConnectFailure")),
    ("Email Server Error Code: Socket returned exception TimedOut.", ("Socket", "TimedOut")),
    ("Email Server Error Code: Socket returned exception InvalidIncomingEmailServerProfileConfiguration HostNotFound.",
     ("InvalidIncomingEmailServerProfileConfiguration", "HostNotFound")),
    ("Email Server Error Code: Smtp server returned GeneralOutgoingEmailServerError GeneralFailure exception.",
     ("GeneralOutgoingEmailServerError", "GeneralFailure")),
    ("Email Server Error Code: MailboxDisabled", ("", "MailboxDisabled")),
    ("Test & Enable failed with error code 8005E259", ("Crm", "-2147098023")),
    ("SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: x", ("Crm", "-2147187962")),
    ("电子邮件服务器错误代码：Http 服务器返回了 401 未经授权 异常。", ("Http", "401")),
    ("Email Serverfehlercode: Http-Server hat die Ausnahme \"401 Nicht autorisiert\" zurückgegeben.", ("Http", "401")),
]


@pytest.mark.parametrize("text,first", SHAPES, ids=[s[0][25:70] for s in SHAPES])
def test_code_shapes(text, first):
    assert extract_candidates(text)[0] == first


def test_numeric_code_never_falls_back_to_its_bare_family():
    text = "Email Server Error Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147299999 exception."
    assert extract_candidates(text) == [("UnknownIncomingEmailIntegrationError", "-2147299999")]


def test_guid_segments_are_not_codes():
    assert extract_candidates("ActivityId: 80040265-aaaa-bbbb-cccc-800402658004") == []


@pytest.mark.parametrize("text,mailbox", [
    ('An unknown error occurred while receiving email through the mailbox "Sales Queue". The owner', "Sales Queue"),
    ("A general mailbox access error occurred while receiving email through the mailbox Sales Queue. The owner",
     "Sales Queue"),
    ('The email message "Your mailbox is now connected to Dynamics 365" cannot be sent. Mailbox User One didn\'t '
     "synchronize.", "User One"),
    ('An error occurred in sending email for mailbox "Your mailbox is now connected to Dynamics 365" while connecting',
     ""),
    ('The email message "Test Message" cannot be sent because the mailbox Sales Queue is deactivated', "Sales Queue"),
    ("Email can't be received for the mailbox jdoe@contoso.example because", "jdoe@contoso.example"),
    ("The mailbox location could not be determined while sending the email message", ""),
    ("Email cannot be received for the mailbox because an error occurred", ""),
])
def test_mailbox_slot(text, mailbox):
    assert extract_mailbox(text) == mailbox

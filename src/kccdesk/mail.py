"""Callback notes as e-mail: plain, readable on a phone, and sent over SMTP.

Sending tells a temporary failure (server down, 4xx: try again later) from a permanent one
(5xx: the server refused this message; retrying will not help).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from kccdesk.model import Client
from kccdesk.phones import display
from kccdesk.records import NoteRecord
from kccdesk.settings import SmtpSettings


class TemporaryFailure(Exception):
    """Try again later: the server could not be reached or asked us to wait."""


class PermanentFailure(Exception):
    """The server refused the message; str() is its reason."""


def recipient_address(client: Client, person_id: str) -> str:
    person = client.person(person_id)
    return (person.email if person and person.email else "") or client.fallback_email


def message_id(note: NoteRecord) -> str:
    return f"<{note.uuid}@kccdesk>"


def compose(note: NoteRecord, client: Client, sender: str) -> EmailMessage:
    person_name = client.person_name(note.recipient)
    when = note.created_at.astimezone(client.zone)
    urgent = note.urgency == "dringend"
    readable = display(note.caller_phone, client.country)
    message = EmailMessage()
    message["Subject"] = (
        f"{'[DRINGEND] ' if urgent else ''}Terugbelverzoek: {note.caller_name} — {client.name}"
    )
    message["From"] = sender
    message["To"] = recipient_address(client, note.recipient)
    message["Date"] = formatdate(localtime=False)
    # The note's own identity: a second copy after an unsure delivery is recognisably the same.
    message["Message-ID"] = message_id(note)
    message["X-Kccdesk-Note"] = str(note.id)
    if urgent:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    lines = [
        f"Terugbelverzoek voor {person_name}" + (" — DRINGEND" if urgent else ""),
        *(
            [
                f"Bestemd voor {client.person_name(note.addressed_to)}; u ontvangt het namens "
                "hem of haar, volgens de afspraak met de klant."
            ]
            if note.addressed_to
            else []
        ),
        "",
        f"Beller:   {note.caller_name}",
        f"Nummer:   {readable}",
        f"Bellen:   tel:{note.caller_phone}",
        "",
        "Bericht:",
        note.message,
        "",
        f"Klant:    {client.name}",
        f"Urgentie: {note.urgency}",
        f"Agent:    {note.agent or '-'}",
        f"Tijd:     {when:%d-%m-%Y %H:%M}",
        "",
        f"(notitie {note.id}, opgenomen via kccdesk)",
    ]
    message.set_content("\n".join(lines))
    return message


def send(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Hand the message to the SMTP server; raises TemporaryFailure or PermanentFailure."""
    try:
        server: smtplib.SMTP
        if smtp.security == "ssl":
            server = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with server:
            if smtp.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            server.send_message(message)
    except smtplib.SMTPResponseException as exc:
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if 400 <= exc.smtp_code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason) from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        reason = f"{code} {_text(text)}"
        if 400 <= code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryFailure(
            f"mailserver {smtp.host}:{smtp.port} niet bereikbaar: {exc}"
        ) from None


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

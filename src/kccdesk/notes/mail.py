"""Callback notes as e-mail: plain, readable on a phone, and sent over SMTP.

Sending tells a temporary failure (server down, 4xx: try again later) from a permanent one
(5xx: the server refused this message; retrying will not help).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from kccdesk.clients.model import Client
from kccdesk.clients.phones import display
from kccdesk.core.settings import SmtpSettings
from kccdesk.records import NoteRecord


class TemporaryFailure(Exception):
    """Try again later: the server could not be reached or asked us to wait."""


class PermanentFailure(Exception):
    """The server refused the message; str() is its reason."""


def recipient_address(client: Client, person_id: str) -> str:
    person = client.person(person_id)
    return (person.email if person and person.email else "") or client.fallback_email


def message_id(note: NoteRecord) -> str:
    """The mail's identity: the note's UUID, and for an escalation round its number; the
    same on every attempt of one round (a second copy is recognisably the same mail), and
    what a reply names in In-Reply-To (kccdesk.ack.replies)."""
    if note.round:
        return f"<{note.uuid}.{note.round}@kccdesk>"
    return f"<{note.uuid}@kccdesk>"


@dataclass(frozen=True)
class MailExtras:
    """What a note's mail carries besides the note itself."""

    #: how to acknowledge it: the recipient's page, a reply (kccdesk.service.ack words it)
    ask: tuple[str, ...] = ()
    #: an escalation round's history, first line first ("2e melding: niet bevestigd door …")
    history: tuple[str, ...] = ()


def compose(
    note: NoteRecord, client: Client, sender: str, extras: MailExtras | None = None
) -> EmailMessage:
    extras = extras or MailExtras()
    person_name = client.person_name(note.addressee)
    when = note.created_at.astimezone(client.zone)
    urgent = note.urgency == "dringend"
    readable = display(note.caller_phone, client.country)
    message = EmailMessage()
    kind = f"{note.call_type_title}: " if note.call_type_title else "Terugbelverzoek: "
    subject = f"{'[DRINGEND] ' if urgent else ''}{kind}{note.caller_name} — {client.name}"
    message["Subject"] = _literal_header(subject)
    message["From"] = sender
    message["To"] = recipient_address(client, note.addressee)
    message["Date"] = formatdate(localtime=False)
    # The note's own identity: a second copy after an unsure delivery is recognisably the same.
    message["Message-ID"] = message_id(note)
    message["X-Kccdesk-Note"] = str(note.id)
    if urgent:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    lines = [
        *([*extras.history, ""] if extras.history else []),
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
        *_answer_lines(note),
        "Bericht:",
        note.message,
        "",
        f"Klant:    {client.name}",
        f"Urgentie: {note.urgency}",
        f"Agent:    {note.agent or '-'}",
        f"Tijd:     {when:%d-%m-%Y %H:%M}",
        "",
        *([*extras.ask, ""] if extras.ask else []),
        f"(notitie {note.id}, opgenomen via kccdesk)",
    ]
    message.set_content("\n".join(lines))
    return message


def _literal_header(text: str) -> str:
    """A header's text as written, never decoded: "=?utf-8?b?…?=" in a name or title is an
    RFC 2047 encoded word that Python's folding of long headers would decode (a line break
    and a header of the writer's own in the mail, CVE-2024-6923). A space keeps it text. A
    real line break is left for the email package to refuse: such a note fails at once."""
    return text.replace("=?", "= ?")


def _answer_lines(note: NoteRecord) -> list[str]:
    """The call type's answers as a labelled list, in the order they were asked, with the
    labels of that moment (kept with the note)."""
    answered = [(label, value) for _, label, value in note.answers if value]
    if not answered:
        return []
    width = max(len(label) for label, _ in answered) + 1
    lines = [f"{note.call_type_title}:"]
    lines += [f"  {label + ':':<{width}} {value}" for label, value in answered]
    return [*lines, ""]


class ServerUnavailable(TemporaryFailure):
    """The server could not be reached, hung up or did not answer: the next note would wait
    the same timeout, so the sender stops its pass here."""


class UnknownOutcome(ServerUnavailable):
    """The message was handed over whole but the server's answer never came: it may have been
    accepted. Sending it again may give the recipient a second copy (same Message-ID)."""


class _Watched:
    """An SMTP connection that knows whether the message's data has been handed over (the
    server said 354) and calls `beat` after every reply: the sender's sign of life."""

    data_started = False

    def beat(self) -> None:
        pass

    def getreply(self) -> tuple[int, bytes]:
        code, reply = super().getreply()  # type: ignore[misc]
        self.beat()
        if code == 354:
            self.data_started = True
        return code, reply


class _Smtp(_Watched, smtplib.SMTP):
    pass


class _SmtpSsl(_Watched, smtplib.SMTP_SSL):
    pass


def send(message: EmailMessage, smtp: SmtpSettings, beat: Callable[[], None] | None = None) -> None:
    """Hand the message to the SMTP server; raises PermanentFailure (5xx), TemporaryFailure
    (4xx for this message), ServerUnavailable (no server, no answer) or UnknownOutcome (no
    answer after the whole message was handed over). `beat` is called after each reply."""
    server: _Smtp | _SmtpSsl
    if smtp.security == "ssl":
        server = _SmtpSsl(timeout=smtp.timeout, context=ssl.create_default_context())
    else:
        server = _Smtp(timeout=smtp.timeout)
    if beat is not None:
        server.beat = beat  # type: ignore[method-assign]
    try:
        server.connect(smtp.host, smtp.port)
        if smtp.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(message)
    except smtplib.SMTPServerDisconnected as exc:
        _close(server)
        raise _no_answer(server, smtp, exc) from None
    except smtplib.SMTPResponseException as exc:
        _close(server)
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if exc.smtp_code == 421:  # the server is going away: so is every next note
            raise ServerUnavailable(reason) from None
        if 400 <= exc.smtp_code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason) from None
    except smtplib.SMTPRecipientsRefused as exc:
        _close(server)
        code, reply = next(iter(exc.recipients.values()))
        reason = f"{code} {_text(reply)}"
        if 400 <= code < 500:
            raise TemporaryFailure(reason) from None
        raise PermanentFailure(reason) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(server)
        raise _no_answer(server, smtp, exc) from None
    # Accepted: whatever QUIT does now (a late answer, a dropped line) changes nothing.
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        _close(server)


def _no_answer(server: _Watched, smtp: SmtpSettings, exc: Exception) -> ServerUnavailable:
    where = f"mailserver {smtp.host}:{smtp.port}"
    if server.data_started:
        return UnknownOutcome(f"{where} gaf geen antwoord na het bericht: {exc or 'time-out'}")
    return ServerUnavailable(f"{where} niet bereikbaar: {exc or 'time-out'}")


def _close(server: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        server.close()


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

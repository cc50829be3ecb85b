"""Acknowledgement and escalation of notes (kccdesk.ack): the link each mail carries, the
page behind it, replies that say "gezien", the escalation pass, the desks' alerts and each
note's trail. `kccdesk serve`, the desks and the command line all come through here."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk import texts
from kccdesk.ack.escalation import (
    DESK,
    DUTY,
    RECIPIENT,
    next_due,
    order_of,
    step_at,
    target_of,
)
from kccdesk.ack.tokens import (
    BadToken,
    Claim,
    check_token,
    form_key,
    make_token,
    read_token,
    same_key,
)
from kccdesk.ack.trail import NoteEvent
from kccdesk.clients.model import Client, EscalationStep
from kccdesk.core.errors import StorageError
from kccdesk.service.agenda import AgendaService

if TYPE_CHECKING:
    from kccdesk.core.settings import AckSettings, SmtpSettings
    from kccdesk.duty.roster import DutyStatus
    from kccdesk.notes.delivery import Outcome
    from kccdesk.notes.mail import MailExtras
    from kccdesk.records import NoteRecord

#: one escalation pass handles at most this many notes (the next pass goes on)
ESCALATION_PASS = 200


@dataclass(frozen=True)
class Escalated:
    """One round done by this process: to whom (None: only the desks) and why."""

    note: int
    round: int
    person: str | None
    why: str


@dataclass(frozen=True)
class Unacknowledged:
    """An escalated urgent note nobody acknowledged: the alert every desk shows, and whom an
    agent phones now (decided now, with the duty rules)."""

    note: NoteRecord
    client_name: str
    minutes: int
    call_person: str | None
    call_name: str
    call_phone: str
    #: its trail so far (kccdesk.ack.trail), oldest first
    trail: tuple[NoteEvent, ...] = ()

    @property
    def waited(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def alert(self) -> str:
        from kccdesk.core.when import duration_text

        who = f" — bel {self.call_name} {self.call_phone}".rstrip() if self.call_name else ""
        waited = duration_text(timedelta(minutes=self.minutes))
        return texts.UNACKED_ALERT.format(client=self.client_name, waited=waited, who=who)


@dataclass(frozen=True)
class AckPage:
    """What the acknowledgement page shows: its own note, nothing else."""

    note: NoteRecord
    client: Client
    claim: Claim

    @property
    def recipient_name(self) -> str:
        return self.client.person_name(self.claim.person)


class AckService(AgendaService):
    _ack: AckSettings | None = None
    _ack_secret: bytes | None = None

    def use_ack(self, settings: AckSettings | None, *, create_secret: bool = False) -> None:
        """Sign links with the secret of [ack] (made when missing with `create_secret`:
        `kccdesk serve`). Without a base_url mails carry no link; replies still count."""
        from kccdesk.core.secret import load_secret

        self._ack = settings
        self._ack_secret = None
        if settings is not None and settings.base_url:
            self._ack_secret = load_secret(settings.secret_path, create=create_secret)

    # --- the mail's link and history ---------------------------------------------------

    def ack_link(self, note: NoteRecord) -> str:
        """The personal link of the note's current addressee; '' without [ack] base_url."""
        if self._ack is None or self._ack_secret is None:
            return ""
        token = make_token(
            self._ack_secret, note.id, note.uuid, note.addressee, self.clock(), self._ack.link_days
        )
        return f"{self._ack.base_url}/a/{token}"

    def mail_extras(self, note: NoteRecord, client: Client) -> MailExtras:
        """How this mail asks to be acknowledged, and a later round's history."""
        from kccdesk.notes.mail import MailExtras

        link = self.ack_link(note)
        replies = self._ack is not None and bool(self._ack.imap_host)
        ask: list[str] = []
        if link:
            ask += [texts.MAIL_ASK_LINK, link]
        if replies:
            ask.append(texts.MAIL_ASK_REPLY)
        now = self.clock().astimezone(client.zone)
        if note.acked_at is not None:  # taken on before its mail went: for the record only
            who = client.person_name(note.acked_by) or note.acked_by
            at = texts.moment_text(note.acked_at.astimezone(client.zone), now)
            return MailExtras(history=(texts.MAIL_ALREADY_ACKED.format(who=who, at=at),))
        history: list[str] = []
        if note.round:
            events = self._db.note_events([note.id])[note.id]
            earlier = [e for e in events if e.kind == "sent" and e.round < note.round]
            if earlier:  # the mails that went before and what nobody said of them
                names = list(dict.fromkeys(client.person_name(e.who) for e in earlier))
                history.append(
                    texts.MAIL_ROUND.format(
                        number=len({e.round for e in earlier}) + 1,
                        names=", ".join(names),
                        since=texts.moment_text(earlier[0].at.astimezone(client.zone), now),
                    )
                )
            else:  # never mailed before (the mail server was away, or no desk sent it)
                saved = texts.moment_text(note.created_at.astimezone(client.zone), now)
                history.append(texts.MAIL_NOT_ACKED_SINCE.format(since=saved))
            if note.addressee != note.recipient:  # the mail's own lines name whom it is for
                history.append(texts.MAIL_ROUND_FOR.format(name=client.person_name(note.recipient)))
        return MailExtras(ask=tuple(ask), history=tuple(history))

    def deliver_due(self, smtp: SmtpSettings) -> list[Outcome]:
        """One pass of the outbox, each mail with its link and history."""
        from kccdesk.notes.delivery import deliver_due
        from kccdesk.service.clients import ClientLookup

        return deliver_due(
            self._db, ClientLookup(self), smtp, self.clock(), self.clock, self.mail_extras
        )

    # --- escalation ----------------------------------------------------------------------

    def escalate_due(self) -> list[Escalated]:
        """One escalation pass: every round that is due, its recipient decided now with the
        duty rules. Any number of processes may run it at once: each round is claimed in
        the database, so it happens once."""
        now = self.clock()
        done: list[Escalated] = []
        duty: dict[str, DutyStatus | None] = {}
        for note in self._db.due_escalations(now, limit=ESCALATION_PASS):
            if not self.has_client(note.client):
                continue
            client = self.client(note.client)
            status = self._duty_once(duty, client.id, now)
            if status is None:  # a moment the roster cannot answer for: the next pass
                continue
            order = order_of(client, client.call_type(note.call_type))
            step = step_at(order, note.round)
            target = target_of(client, step, note.recipient, status) if step else None
            person = target.person if target is not None else None
            why = target.why if target is not None else texts.ESCALATION_DONE
            if person is not None and step is not None and step.to == RECIPIENT:
                # the same person again is a reminder, not a new recipient: say so
                why = why or texts.ESCALATION_AGAIN
            if self._db.escalate(
                note, now, person=person, next_at=next_due(order, note.round + 1, now), detail=why
            ):
                done.append(Escalated(note.id, note.round + 1, person, why))
        return done

    def unacknowledged(self) -> list[Unacknowledged]:
        """Escalated urgent notes nobody acknowledged, oldest first, each with whom to call."""
        now = self.clock()
        found: list[Unacknowledged] = []
        duty: dict[str, DutyStatus | None] = {}
        waiting = self._db.unacknowledged()
        trails = self._db.note_events([n.id for n in waiting])
        for note in waiting:
            client = self.client(note.client) if self.has_client(note.client) else None
            if client is None:
                continue
            status = self._duty_once(duty, client.id, now)
            if status is None:
                continue
            person = self._whom_to_phone(client, note, status)
            known = client.person(person)
            phone = ""
            if known is not None and known.phone:
                from kccdesk.clients.phones import display

                phone = display(known.phone, client.country)
            found.append(
                Unacknowledged(
                    note,
                    client.name,
                    int((now - note.created_at).total_seconds() // 60),
                    person,
                    client.person_name(person),
                    phone,
                    tuple(trails.get(note.id, ())),
                )
            )
        return found

    def _duty_once(
        self, known: dict[str, DutyStatus | None], client_id: str, now: datetime
    ) -> DutyStatus | None:
        """One roster answer per client however many notes it has (None: it has none)."""
        if client_id not in known:
            try:
                known[client_id] = self.duty(client_id, now)
            except StorageError:
                known[client_id] = None
        return known[client_id]

    def _whom_to_phone(self, client: Client, note: NoteRecord, status: DutyStatus) -> str:
        """Whom an agent phones now: who the order's next round would mail (decided now),
        else the addressee or who stands in, else whoever of their department is on duty,
        else anyone on duty, else the addressee after all."""
        order = order_of(client, client.call_type(note.call_type))
        step = step_at(order, note.round)
        candidates = [step] if step is not None and step.to != DESK else []
        candidates.append(EscalationStep(1, RECIPIENT))
        addressee = client.person(note.addressee)
        if addressee is not None and addressee.department:
            candidates.append(EscalationStep(1, f"{DUTY}:{addressee.department}"))
        candidates.append(EscalationStep(1, DUTY))
        for candidate in candidates:
            person = target_of(client, candidate, note.addressee, status).person
            if person is not None:
                return person
        return note.addressee

    def acknowledge_at_desk(self, note_id: int, agent: str = "") -> bool:
        """An agent phoned the person and they confirmed ("gebeld, bevestigd"). False when
        someone acknowledged it already."""
        from kccdesk.core.errors import InputError
        from kccdesk.core.text_rule import agent_name_problem

        problem = agent_name_problem(agent)
        if problem:
            raise InputError(problem)
        by = self.actor.author(agent) or self.actor.user
        return self._db.acknowledge(note_id, self.clock(), by, "desk")

    # --- the link's page ---------------------------------------------------------------

    def ack_page(self, token: str, *, opened: bool = True) -> AckPage:
        """The page of a token: its note, checked signature and expiry; the opening goes into
        the trail (a mail scanner opens links too: it never acknowledges). Raises BadToken."""
        if self._ack_secret is None:
            raise BadToken("geen geheim: [ack] base_url ontbreekt")
        note_id, _, _ = read_token(token)
        note = self._db.note_or_none(note_id)  # a database away raises StorageError
        if note is None:
            raise BadToken("onbekende notitie")
        claim = check_token(self._ack_secret, token, note.uuid, self.clock())
        if not self.has_client(note.client):
            raise BadToken("klant bestaat niet meer")
        if opened and note.acked_at is None:
            # the page shows what it can even when the trail cannot be written just now
            with contextlib.suppress(StorageError):
                self._db.record_opened(note.id, self.clock(), claim.person)
        return AckPage(note, self.client(note.client), claim)

    def form_key(self, token: str) -> str:
        """The key the page's form carries (kccdesk.ack.tokens.form_key)."""
        if self._ack_secret is None:
            raise BadToken("geen geheim: [ack] base_url ontbreekt")
        return form_key(self._ack_secret, token)

    def is_form_key(self, token: str, given: str) -> bool:
        """Whether a posted form carries the key of this token's page."""
        return self._ack_secret is not None and same_key(given, self.form_key(token))

    def check_database(self) -> None:
        """Raises StorageError when the database cannot be reached (`serve`'s /healthz)."""
        self._db.ping()

    def acknowledge_by_link(self, token: str) -> AckPage:
        """The page's button: the note is acknowledged by the link's recipient (once; a
        second press, or a replay, changes nothing). Raises BadToken."""
        page = self.ack_page(token, opened=False)
        if page.note.acked_at is None:
            self._db.acknowledge(page.note.id, self.clock(), page.claim.person, "link")
        return AckPage(self._db.note_or_none(page.note.id) or page.note, page.client, page.claim)

    # --- replies -----------------------------------------------------------------------

    def acknowledge_reply(self, raw: bytes) -> list[int]:
        """A mail in the reply mailbox: the notes it acknowledges (by the Message-ID it
        answers, never its subject), each once. A reply that does not say yes, an automatic
        reply, or one to no note of ours changes nothing."""
        from kccdesk.ack.replies import read_reply

        reply = read_reply(raw)
        if not reply.acknowledges:
            return []
        acked = []
        for uuid in reply.notes:
            note = self._db.note_by_uuid(uuid)
            if note is None or note.acked_at is not None:
                continue
            who = reply.sender or "?"
            if self.has_client(note.client):
                client = self.client(note.client)
                who = next(
                    (p.id for p in client.people if p.email and p.email.lower() == reply.sender),
                    who,
                )
            first = reply.text.split("\n", 1)[0][:80]
            detail = f"{reply.sender}: {first}" if reply.sender else first
            if self._db.acknowledge(note.id, self.clock(), who, "reply", detail):
                acked.append(note.id)
        return acked

    # --- the trail ---------------------------------------------------------------------

    def note_trail(self, note_id: int) -> tuple[NoteRecord, list[NoteEvent]]:
        note = self._db.note(note_id)
        return note, self._db.note_events([note_id])[note_id]

    def trails(self, note_ids: list[int]) -> dict[int, list[NoteEvent]]:
        return self._db.note_events(note_ids)

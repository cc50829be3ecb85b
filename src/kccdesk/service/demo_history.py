"""A fortnight of calls, notes and client feedback for the demo database, made relative to the
clock when the demo database is created — so the retention purge never empties it and the
team lead's review and chart show something meaningful whatever the date.

Deterministic (a fixed seed): the same clock gives the same history. Everything goes in
through the store's own writes with explicit times, including what the desk showed and the
roster audit, so the reconstruction works on it as on real data. One pattern is built in on
purpose: three transfers at the heating emergency service to someone who turned out not to be
working, twice because the client entered the absence after the call.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from kccdesk.calls.shown import shown_now
from kccdesk.clients.model import Absence, Client
from kccdesk.duty.roster import DutyStatus, duty_at
from kccdesk.notes.rules import NoteRefused, check_note, instructions_version
from kccdesk.teamlead.feedback import FeedbackInput

if TYPE_CHECKING:
    from kccdesk.storage import Store

DAYS = 14
SEED = 48
AGENTS = ("Sanne", "Daan", "Fatima", "Joris")
TEAM_LEAD = "ilse"
#: the client whose roster was twice updated too late (the demo's structural pattern)
PATTERN_CLIENT = "storingsdienst-warmtenet"
CALLERS = (
    "Jan de Boer", "Fatma Yilmaz", "Kees Smit", "Anouk Visser", "Mohamed El Amrani",
    "Els Peeters", "Ruud Kok", "Sofie Claes", "Bram Jacobs", "Noor Hendriks",
)  # fmt: skip
MESSAGES = (
    "graag terugbellen over de afspraak",
    "vraag over de factuur van vorige maand",
    "wil een klacht bespreken",
    "terugbellen voor 17:00 graag",
    "heeft een vraag over de aanvraag",
)


@dataclass
class _Numbers:
    """A pool of callers' numbers per client, so some callers call again (repeat calls);
    and the one note that failed delivery (yesterday's first: one alert, not a pile)."""

    rng: random.Random
    fail_on: date
    failed: bool = False

    def fails(self, at: datetime) -> bool:
        if self.failed or at.date() != self.fail_on:
            return False
        self.failed = True
        return True

    def pick(self, client: Client) -> str:
        """Mostly a caller of their own; one call in eight from a regular who calls again."""
        base = 612000000 + (sum(map(ord, client.id)) % 997) * 10000
        number = base + (
            self.rng.randrange(12) if self.rng.random() < 0.125 else self.rng.randrange(12, 9999)
        )
        if client.country == "BE":
            return f"+32470{number % 1000000:06d}"
        return f"+31{number}"


def fill(store: Store, clients: list[Client], now: datetime) -> None:
    """Write the fortnight before `now` into a freshly imported demo database."""
    rng = random.Random(SEED)
    numbers = _Numbers(rng, (now - timedelta(days=1)).date())
    for client in sorted(clients, key=lambda c: c.id):
        for back in range(DAYS, 0, -1):
            day = (now.astimezone(client.zone) - timedelta(days=back)).date()
            for moment in _call_times(rng, client, day):
                _call(store, client, rng, numbers, moment)
    by_id = {c.id: c for c in clients}
    _feedback(store, by_id, rng, now)


def _call_times(rng: random.Random, client: Client, day: date) -> list[datetime]:
    """A day's calls: office hours on working days; a 24/7 line also nights and weekends."""
    weekend = day.weekday() >= 5
    around_the_clock = any(s.on_closures for s in client.shifts)
    if weekend and not around_the_clock:
        return []
    count = rng.randint(1, 3) if weekend else rng.randint(3, 7)
    first, last = (0, 24 * 60 - 1) if around_the_clock and weekend else (8 * 60 + 30, 17 * 60)
    minutes = sorted(rng.randint(first, last) for _ in range(count))
    return [datetime.combine(day, time(m // 60, m % 60), tzinfo=client.zone) for m in minutes]


def _shown(client: Client, status: DutyStatus, person: str = "", warning: str = "") -> dict:
    return shown_now(client, status, instructions_version(client), person, warning).as_dict()


def _call(
    store: Store, client: Client, rng: random.Random, numbers: _Numbers, at: datetime
) -> None:
    status = duty_at(client, at)
    caller = numbers.pick(client)
    agent = rng.choice(AGENTS)
    on_duty = [
        d.person
        for d in status.on_duty
        if (p := client.person(d.person)) is not None and p.transfer and p.phone
    ]
    roll = rng.random()
    call_id = uuid.uuid4().hex
    minutes = rng.uniform(1.2, 4.5)
    outcome, transferred, person, stopped = "answered", None, "", ""
    if roll < 0.05:
        outcome = "missed"
    elif roll < 0.5 and on_duty:
        outcome, transferred = "transferred", rng.choice(on_duty)
        person = transferred
    elif roll < 0.9 and client.people:
        recipient = rng.choice(client.people).id
        absent = status.absence_of(recipient)
        if absent is not None and absent.replaced_by:
            recipient = absent.replaced_by
        if not status.is_on_duty(recipient) and rng.random() < 0.3:
            stopped = f"{recipient}: geen dienst"
        note_at = at + timedelta(minutes=2)
        if _note(store, client, rng, recipient, caller, agent, note_at, call_id, numbers):
            outcome, person = "note", recipient
            minutes += rng.uniform(1.0, 3.0)  # the note is part of the handling time
    store.log_call(
        client.id,
        at,
        outcome,
        ended_at=at + timedelta(minutes=minutes),
        caller=caller,
        transferred_to=transferred,
        stopped=stopped,
        agent=agent,
        uuid=call_id,
        timing="softphone" if rng.random() < 0.2 else "desk",
        shown=_shown(client, status, person),
    )


def _note(
    store: Store,
    client: Client,
    rng: random.Random,
    recipient: str,
    caller: str,
    agent: str,
    at: datetime,
    call_id: str,
    numbers: _Numbers,
) -> bool:
    try:
        checked = check_note(
            client, recipient, rng.choice(CALLERS), caller, rng.choice(MESSAGES), agent=agent, at=at
        )
    except NoteRefused:
        return False  # e.g. a recipient absent without replacement: the agent chose another
    status = duty_at(client, at)
    shown = _shown(client, status, checked.addressed_to or checked.recipient)
    store.add_note(checked, at=at, call_uuid=call_id, shown=shown)
    for sent in store.claim_due(at + timedelta(minutes=1)):  # the outbox, as the sender does
        if not numbers.fails(at):
            store.mark_sent(sent.id, at + timedelta(minutes=1))
        else:
            store.mark_failed(sent.id, "550 5.1.1 mailbox onbekend", at + timedelta(minutes=1))
    return True


def _feedback(store: Store, clients: dict[str, Client], rng: random.Random, now: datetime) -> None:
    """The pattern at the heating service, and a few single items at the others."""
    heat = clients.get(PATTERN_CLIENT)
    if heat is not None:
        _pattern(store, heat, now)
    singles = [
        ("gemeente-oosterwold", "verkeerde-ontvanger", 5, "ons", "afgerond",
         "Notitie voor de wethouder kwam bij de verkeerde afdeling terecht.",
         "bij notities voor wethouders altijd via het secretariaat", "teamleider"),
        ("huisartsen-de-linde", "fout-nummer", 1, "onbekend", "nieuw",
         "Terugbelnummer van mevrouw klopte niet, patiënt niet bereikt.", "", ""),
        ("fietsenmakerij-van-dijk", "informatie-ontbrak", 6, "client", "actie-uitgezet",
         "Beller kreeg geen antwoord over de winteractie.",
         "klant vragen actievoorwaarden aan te leveren", "ilse"),
        ("gemeente-kempenhout", "rooster-niet-actueel", 9, "client", "onterecht",
         "Volgens de klant stond de vervanger niet goed in het rooster.", "", ""),
        ("gemeente-oosterwold", "anders", 1, "onbekend", "nieuw",
         "Beller vond de wachttijd lang.", "", ""),
    ]  # fmt: skip
    for client_id, category, back, cause, status, said, action, owner in singles:
        client = clients.get(client_id)
        if client is None:
            continue
        day = (now.astimezone(client.zone) - timedelta(days=back)).date()
        note = _first_note_of(store, client, day)
        at = note.created_at if note else datetime.combine(day, time(11), tzinfo=client.zone)
        item = FeedbackInput(
            client.id,
            at,
            category,
            said,
            cause=cause,
            person=(note.addressed_to or note.recipient) if note else "",
            note_id=note.id if note else None,
            status=status,
            action=action,
            owner=owner,
        )
        store.add_feedback(item, user=TEAM_LEAD, at=min(now, at + timedelta(days=1)))


def _first_note_of(store: Store, client: Client, day: date):
    since = datetime.combine(day, time(0), tzinfo=client.zone)
    notes = store.notes(client.id, since=since, until=since + timedelta(days=1))
    return notes[-1] if notes else None


def _pattern(store: Store, client: Client, now: datetime) -> None:
    """Three transfers to one person who turned out not to be working: twice the client
    entered the absence 40 minutes after the call, once the agent overrode the warning."""
    local_now = now.astimezone(client.zone)
    days = [_weekday(local_now.date() - timedelta(days=back)) for back in (11, 6, 1)]
    ten = [datetime.combine(d, time(10, 12), tzinfo=client.zone) for d in days]
    person = _day_person(client, ten)
    if person is None:
        return
    name = client.person_name(person)
    for i, at in enumerate(ten):
        status = duty_at(client, at)
        override = ""
        if i == 2:  # the third time the desk said so and the agent went ahead
            at = datetime.combine(days[2], time(18, 40), tzinfo=client.zone)
            status = duty_at(client, at)
            override = f"{name} heeft geen dienst; toch doorverbonden: beller wilde alleen hem"
        call_id = uuid.uuid4().hex
        call = store.log_call(
            client.id,
            at,
            "transferred",
            ended_at=at + timedelta(minutes=3),
            caller="+31612999001",
            transferred_to=person,
            warnings_overridden=override,
            agent=AGENTS[i],
            uuid=call_id,
            shown=_shown(client, status, person, override),
        )
        if i < 2:  # the client's planner entered the sick day after the call
            store.save_roster_entry(
                client.id,
                Absence(person, at.date(), at.date(), "ziek"),
                "planning-warmtenet",
                now=at + timedelta(minutes=40),
                source="rooster",
            )
        statuses = ("afgerond", "actie-uitgezet", "nieuw")
        actions = (
            ("klant gevraagd ziekmeldingen direct in het rooster te zetten", TEAM_LEAD),
            ("met de planning van Warmtenet afspreken: afwezigheid vóór 08:00", TEAM_LEAD),
            ("", ""),
        )
        store.add_feedback(
            FeedbackInput(
                client.id,
                at,
                "doorverbonden-zonder-dienst",
                f"Beller werd doorverbonden met {name}, die er niet was.",
                cause="client" if i < 2 else "ons",
                person=person,
                call_id=call.id,
                status=statuses[i],
                action=actions[i][0],
                owner=actions[i][1],
            ),
            user=TEAM_LEAD,
            at=min(now, at + timedelta(hours=20)),
        )


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _day_person(client: Client, moments: list[datetime]) -> str | None:
    """Someone (a person, not a desk) on duty by the roster at each of these moments."""
    common: set[str] | None = None
    for at in moments:
        here = {d.person for d in duty_at(client, at).on_duty}
        common = here if common is None else common & here
    candidates = [p for p in client.people if p.id in (common or set()) and p.transfer]
    people = [p for p in candidates if p.id != p.department.lower()] or candidates
    return people[0].id if people else None

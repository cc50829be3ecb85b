"""The one door to the database: plain records in, plain records out, Dutch errors."""

from __future__ import annotations

import random
import time as systime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select

from kccdesk.errors import StorageError
from kccdesk.model import Absence, Client, Closure, ExtraShift, Person, Topic, WeeklyShift
from kccdesk.notes import CheckedNote
from kccdesk.roster import parse_clock
from kccdesk.roster_edit import describe
from kccdesk.storage.engine import bump_counter, make_engine
from kccdesk.storage.tables import (
    AbsenceRow,
    CallRow,
    ClientRow,
    ClosureRow,
    ExtraShiftRow,
    NoteRow,
    PersonRow,
    RosterAuditRow,
    ShiftRow,
    TopicRow,
)

T = TypeVar("T")
#: attempts for a write that finds the database locked, with growing, jittered pauses
WRITE_ATTEMPTS = 8


@dataclass(frozen=True)
class NoteRecord:
    id: int
    client: str
    recipient: str
    caller_name: str
    caller_phone: str
    message: str
    urgency: str
    agent: str
    created_at: datetime
    status: str
    attempts: int
    last_error: str
    override: str
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client": self.client,
            "recipient": self.recipient,
            "caller_name": self.caller_name,
            "e164": self.caller_phone,
            "message": self.message,
            "urgency": self.urgency,
            "agent": self.agent,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "override": self.override,
        }


@dataclass(frozen=True)
class CallRecord:
    id: int
    client: str
    caller: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    transferred_to: str | None
    warnings_overridden: str


@dataclass(frozen=True)
class RosterEntry:
    """One editable roster line with its version, for optimistic locking."""

    kind: str  # shift | extra_shift | absence | closure
    id: int
    version: int
    item: WeeklyShift | ExtraShift | Absence | Closure


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    user: str
    action: str  # added | changed | removed
    before: dict | None
    after: dict | None


class StaleEntry(StorageError):
    """Someone saved this entry after it was opened; `current` is the newer version (None
    when it was removed)."""

    def __init__(self, current: RosterEntry | None):
        self.current = current
        if current is None:
            super().__init__("dit item is intussen door iemand anders verwijderd")
        else:
            super().__init__(
                f"dit item is intussen gewijzigd (nu versie {current.version}): "
                f"{describe(current.item)}; niets opgeslagen"
            )


@dataclass(frozen=True)
class ImportReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def _is_transient(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text


def _describe(exc: Exception, url: str) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    where = url.split("@")[-1] if "@" in url else url
    if "unable to open database" in text or "no such table" in text or "connection" in text:
        return f"database {where} is niet bereikbaar of niet ingericht ({text})"
    if _is_transient(exc):
        return f"database {where} is bezet door een ander proces; probeer het zo opnieuw"
    return f"databasefout bij {where}: {text}"


class Store:
    """Repository over one database URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)

    def upgrade_schema(self) -> tuple[str | None, str]:
        """Bring the schema to this version's head (Alembic); refuses a newer schema."""
        from kccdesk.storage.schema import upgrade

        return self._run(lambda: upgrade(self.engine))

    def schema_revision(self) -> str | None:
        from kccdesk.storage.schema import current_revision

        return self._run(lambda: current_revision(self.engine))

    def change_feed(self):
        """A ChangeFeed on this database, for desks that show what others write."""
        from kccdesk.storage.changes import ChangeFeed

        return self._run(lambda: ChangeFeed(self))

    def close(self) -> None:
        self.engine.dispose()

    # --- plumbing ----------------------------------------------------------------------

    def _run(self, action: Callable[[], T]) -> T:
        """Run with bounded retries while the database is locked; never leak a traceback."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return action()
            except (OperationalError, DBAPIError) as exc:
                if _is_transient(exc) and attempt < WRITE_ATTEMPTS - 1:
                    systime.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
                    continue
                raise StorageError(_describe(exc, self.url)) from exc
        raise AssertionError("unreachable")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- clients -----------------------------------------------------------------------

    def client_ids(self) -> list[str]:
        def read() -> list[str]:
            with self._session() as s:
                return list(s.exec(select(ClientRow.id).order_by(ClientRow.id)))

        return self._run(read)

    def load_client(self, client_id: str) -> Client:
        found = self._load(client_id)
        if not found:
            raise StorageError(f"onbekende client '{client_id}'")
        return found[0]

    def load_clients(self) -> list[Client]:
        return self._load(None)

    def _load(self, client_id: str | None) -> list[Client]:
        def read() -> list[Client]:
            with self._session() as s:

                def rows(table):
                    query = select(table)
                    if client_id is not None:
                        column = table.id if table is ClientRow else table.client_id
                        query = query.where(column == client_id)
                    if hasattr(table, "position"):
                        query = query.order_by(table.position)
                    grouped = defaultdict(list)
                    for row in s.exec(query):
                        grouped[row.id if table is ClientRow else row.client_id].append(row)
                    return grouped

                heads = rows(ClientRow)
                people, topics = rows(PersonRow), rows(TopicRow)
                shifts, extras = rows(ShiftRow), rows(ExtraShiftRow)
                absences, closures = rows(AbsenceRow), rows(ClosureRow)
            return [
                _client_from_rows(
                    heads[cid][0],
                    people[cid],
                    topics[cid],
                    shifts[cid],
                    extras[cid],
                    absences[cid],
                    closures[cid],
                )
                for cid in sorted(heads)
            ]

        return self._run(read)

    def import_clients(self, clients: Iterable[Client]) -> ImportReport:
        """Store all clients in one transaction; a client whose data is unchanged is skipped."""
        clients = list(clients)
        existing = {c.id: c for c in self.load_clients()}
        report = ImportReport([], [], [])
        changed = []
        for client in clients:
            old = existing.get(client.id)
            if old == client:
                report.unchanged.append(client.id)
            else:
                (report.updated if old else report.added).append(client.id)
                changed.append(client)

        def write() -> None:
            with self._session() as s, s.begin():
                for client in changed:
                    _replace_client(s, client)
                    bump_counter(s.connection(), f"client:{client.id}")

        if changed:
            self._run(write)
        return report

    # --- notes -------------------------------------------------------------------------

    def add_note(
        self, note: CheckedNote, at: datetime | None = None, override: str = ""
    ) -> NoteRecord:
        row = NoteRow(
            client_id=note.client,
            recipient=note.recipient,
            caller_name=note.caller_name,
            caller_phone=note.phone.e164 or "",
            message=note.message,
            urgency=note.urgency,
            agent=note.agent,
            created_at=at or datetime.now(UTC),
            instructions_version=note.instructions_version,
            override=override,
        )

        def write() -> NoteRecord:
            with self._session() as s:
                fresh = NoteRow.model_validate(row.model_dump())
                s.add(fresh)
                bump_counter(s.connection(), "notes")
                s.commit()
                return _note(fresh)

        return self._run(write)

    def notes(
        self,
        client_id: str | None = None,
        since: datetime | None = None,
        caller_phone: str | None = None,
        limit: int | None = None,
    ) -> list[NoteRecord]:
        """Notes newest first, optionally of one client, since an instant, from one number."""

        def read() -> list[NoteRecord]:
            query = select(NoteRow).order_by(col(NoteRow.created_at).desc(), col(NoteRow.id).desc())
            if client_id:
                query = query.where(NoteRow.client_id == client_id)
            if since:
                query = query.where(NoteRow.created_at >= since)
            if caller_phone:
                query = query.where(NoteRow.caller_phone == caller_phone)
            if limit:
                query = query.limit(limit)
            with self._session() as s:
                return [_note(r) for r in s.exec(query)]

        return self._run(read)

    # --- roster editing ------------------------------------------------------------------

    def roster_entries(self, client_id: str) -> list[RosterEntry]:
        def read() -> list[RosterEntry]:
            with self._session() as s:
                found = []
                for kind, table in ROSTER_TABLES.items():
                    query = (
                        select(table)
                        .where(table.client_id == client_id)
                        .order_by(table.position, table.id)
                    )
                    found.extend(_entry(kind, row) for row in s.exec(query))
                return found

        return self._run(read)

    def save_roster_entry(
        self,
        client_id: str,
        item: WeeklyShift | ExtraShift | Absence | Closure,
        user: str,
        entry_id: int | None = None,
        version: int | None = None,
    ) -> RosterEntry:
        """Add (no id) or change an entry. A change is refused with StaleEntry when the
        stored version is no longer the one the editor started from: no lost update."""
        kind = ROSTER_KIND[type(item)]
        table = ROSTER_TABLES[kind]
        values = _roster_values(item)

        def write() -> RosterEntry:
            with self._session() as s, s.begin():
                now = datetime.now(UTC)
                if entry_id is None:
                    # After the last one, also when removals left gaps in the numbering.
                    last = s.exec(
                        select(func.max(table.position)).where(table.client_id == client_id)
                    ).one()
                    position = (last if last is not None else -1) + 1
                    row = table(client_id=client_id, position=position, version=1, **values)
                    s.add(row)
                    s.flush()
                    action, before = "added", None
                else:
                    old = s.get(table, entry_id)
                    if old is None or old.client_id != client_id:
                        raise StaleEntry(None)
                    before = _roster_values(_entry(kind, old).item, for_json=True)
                    changed = s.exec(
                        update(table)
                        .where(table.id == entry_id, table.version == version)
                        .values(version=table.version + 1, **values)
                    ).rowcount
                    if changed != 1:
                        s.refresh(old)
                        raise StaleEntry(_entry(kind, old))
                    row = s.get(table, entry_id)
                    s.refresh(row)
                    action = "changed"
                entry = _entry(kind, row)
                s.add(
                    RosterAuditRow(
                        client_id=client_id,
                        kind=kind,
                        entry_id=entry.id,
                        action=action,
                        user=user,
                        at=now,
                        before=before,
                        after=_roster_values(item, for_json=True),
                    )
                )
                bump_counter(s.connection(), f"client:{client_id}")
                return entry

        return self._run(write)

    def remove_roster_entry(
        self, client_id: str, kind: str, entry_id: int, version: int, user: str
    ) -> None:
        table = ROSTER_TABLES[kind]

        def write() -> None:
            with self._session() as s, s.begin():
                old = s.get(table, entry_id)
                if old is None or old.client_id != client_id:
                    raise StaleEntry(None)
                if old.version != version:
                    raise StaleEntry(_entry(kind, old))
                before = _roster_values(_entry(kind, old).item, for_json=True)
                removed = s.exec(
                    delete(table).where(table.id == entry_id, table.version == version)
                ).rowcount
                if removed != 1:
                    raise StaleEntry(None)
                s.add(
                    RosterAuditRow(
                        client_id=client_id,
                        kind=kind,
                        entry_id=entry_id,
                        action="removed",
                        user=user,
                        at=datetime.now(UTC),
                        before=before,
                        after=None,
                    )
                )
                bump_counter(s.connection(), f"client:{client_id}")

        self._run(write)

    def roster_history(self, client_id: str, kind: str, entry_id: int) -> list[AuditRecord]:
        """The entry's changes, newest first."""

        def read() -> list[AuditRecord]:
            query = (
                select(RosterAuditRow)
                .where(
                    RosterAuditRow.client_id == client_id,
                    RosterAuditRow.kind == kind,
                    RosterAuditRow.entry_id == entry_id,
                )
                .order_by(col(RosterAuditRow.at).desc(), col(RosterAuditRow.id).desc())
            )
            with self._session() as s:
                return [
                    AuditRecord(r.at, r.user, r.action, r.before, r.after) for r in s.exec(query)
                ]

        return self._run(read)

    # --- outbox: delivery of notes ------------------------------------------------------

    def claim_due(self, now: datetime, limit: int = 20) -> list[NoteRecord]:
        """Queued notes that are due, urgent first, each claimed by this sender alone: the
        claim is a conditional update, so two desks never both send one note."""

        def work() -> list[NoteRecord]:
            due = or_(NoteRow.next_attempt_at.is_(None), NoteRow.next_attempt_at <= now)
            query = (
                select(NoteRow)
                .where(NoteRow.status == "queued", due)
                .order_by((NoteRow.urgency == "dringend").desc(), NoteRow.created_at, NoteRow.id)
                .limit(limit)
            )
            claimed = []
            with self._session() as s:
                for row in list(s.exec(query)):
                    result = s.exec(
                        update(NoteRow)
                        .where(NoteRow.id == row.id, NoteRow.status == "queued")
                        .values(
                            status="sending", attempts=NoteRow.attempts + 1, next_attempt_at=now
                        )
                    )
                    s.commit()
                    if result.rowcount == 1:
                        s.refresh(row)
                        claimed.append(_note(row))
            return claimed

        return self._run(work)

    def _set_note(self, note_id: int, where_status: str | None, **values) -> bool:
        def write() -> bool:
            with self._session() as s, s.begin():
                query = update(NoteRow).where(NoteRow.id == note_id)
                if where_status:
                    query = query.where(NoteRow.status == where_status)
                changed = s.exec(query.values(**values)).rowcount == 1
                if changed:
                    bump_counter(s.connection(), "notes")
                return changed

        return self._run(write)

    def mark_sent(self, note_id: int, at: datetime) -> None:
        self._set_note(note_id, "sending", status="sent", sent_at=at, last_error="")

    def mark_retry(self, note_id: int, next_attempt: datetime, error: str) -> None:
        self._set_note(
            note_id, "sending", status="queued", next_attempt_at=next_attempt, last_error=error
        )

    def mark_failed(self, note_id: int, error: str) -> None:
        self._set_note(note_id, "sending", status="failed", last_error=error)

    def resend(self, note_id: int) -> bool:
        """Put a failed note back in the outbox, as new."""
        return self._set_note(
            note_id, "failed", status="queued", attempts=0, next_attempt_at=None, last_error=""
        )

    def release_stale(self, claimed_before: datetime) -> int:
        """Notes left 'sending' by a sender that died go back to the queue."""

        def write() -> int:
            with self._session() as s, s.begin():
                return (
                    s.exec(
                        update(NoteRow)
                        .where(
                            NoteRow.status == "sending", NoteRow.next_attempt_at < claimed_before
                        )
                        .values(status="queued")
                    ).rowcount
                    or 0
                )

        return self._run(write)

    def note(self, note_id: int) -> NoteRecord:
        def read() -> NoteRecord:
            with self._session() as s:
                row = s.get(NoteRow, note_id)
                if row is None:
                    raise StorageError(f"onbekende notitie {note_id}")
                return _note(row)

        return self._run(read)

    # --- retention ---------------------------------------------------------------------

    def purge(self, older_than: datetime) -> dict[str, int]:
        """Delete callback notes and call logs (callers' personal data) from before a moment."""

        def write() -> dict[str, int]:
            with self._session() as s, s.begin():
                notes = s.exec(delete(NoteRow).where(NoteRow.created_at < older_than))
                calls = s.exec(delete(CallRow).where(CallRow.started_at < older_than))
                if notes.rowcount:
                    bump_counter(s.connection(), "notes")
                return {"notes": notes.rowcount or 0, "calls": calls.rowcount or 0}

        return self._run(write)

    # --- call log ----------------------------------------------------------------------

    def log_call(
        self,
        client_id: str,
        started_at: datetime,
        outcome: str,
        *,
        caller: str = "",
        transferred_to: str | None = None,
        warnings_overridden: str = "",
        agent: str = "",
        ended_at: datetime | None = None,
    ) -> CallRecord:
        def write() -> CallRecord:
            row = CallRow(
                client_id=client_id,
                caller=caller,
                started_at=started_at,
                ended_at=ended_at or datetime.now(UTC),
                outcome=outcome,
                transferred_to=transferred_to,
                warnings_overridden=warnings_overridden,
                agent=agent,
            )
            with self._session() as s:
                s.add(row)
                s.commit()
                return _call(row)

        return self._run(write)

    def calls(self, client_id: str | None = None, limit: int | None = None) -> list[CallRecord]:
        def read() -> list[CallRecord]:
            query = select(CallRow).order_by(col(CallRow.started_at).desc(), col(CallRow.id).desc())
            if client_id:
                query = query.where(CallRow.client_id == client_id)
            if limit:
                query = query.limit(limit)
            with self._session() as s:
                return [_call(r) for r in s.exec(query)]

        return self._run(read)


def open_store(url: str) -> Store:
    """A store on the URL with its schema upgraded to this version (or a clear refusal)."""
    store = Store(url)
    try:
        store.upgrade_schema()
    except Exception:
        store.close()
        raise
    return store


# --- row ↔ record conversion ---------------------------------------------------------------


def _note(row: NoteRow) -> NoteRecord:
    return NoteRecord(
        id=row.id or 0,
        client=row.client_id,
        recipient=row.recipient,
        caller_name=row.caller_name,
        caller_phone=row.caller_phone,
        message=row.message,
        urgency=row.urgency,
        agent=row.agent,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        override=row.override,
        sent_at=row.sent_at,
        next_attempt_at=row.next_attempt_at,
    )


def _call(row: CallRow) -> CallRecord:
    return CallRecord(
        id=row.id or 0,
        client=row.client_id,
        caller=row.caller,
        started_at=row.started_at,
        ended_at=row.ended_at,
        outcome=row.outcome,
        transferred_to=row.transferred_to,
        warnings_overridden=row.warnings_overridden,
    )


ROSTER_TABLES = {
    "shift": ShiftRow,
    "extra_shift": ExtraShiftRow,
    "absence": AbsenceRow,
    "closure": ClosureRow,
}
ROSTER_KIND = {
    WeeklyShift: "shift",
    ExtraShift: "extra_shift",
    Absence: "absence",
    Closure: "closure",
}


def _roster_item(kind: str, row):
    if kind == "shift":
        return WeeklyShift(
            row.person, tuple(row.days), parse_clock(row.start), parse_clock(row.end)
        )
    if kind == "extra_shift":
        return ExtraShift(row.person, row.date, parse_clock(row.start), parse_clock(row.end))
    if kind == "absence":
        return Absence(row.person, row.start, row.until, row.reason, row.replaced_by)
    return Closure(row.start, row.until, row.reason)


def _entry(kind: str, row) -> RosterEntry:
    return RosterEntry(kind, row.id, row.version, _roster_item(kind, row))


def _roster_values(item, for_json: bool = False) -> dict:
    """Column values of a roster item; with for_json dates and times as text (audit)."""
    if isinstance(item, WeeklyShift):
        values = {
            "person": item.person,
            "days": list(item.days),
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
        }
    elif isinstance(item, ExtraShift):
        values = {
            "person": item.person,
            "date": item.date,
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
        }
    elif isinstance(item, Absence):
        values = {
            "person": item.person,
            "start": item.start,
            "until": item.until,
            "reason": item.reason,
            "replaced_by": item.replaced_by,
        }
    else:
        values = {"start": item.start, "until": item.until, "reason": item.reason}
    if for_json:
        values = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    return values


#: the parts of a Client that are rows of their own tables
CLIENT_SECTIONS = ("people", "topics", "shifts", "extra_shifts", "absences", "closures")


def _columns(record) -> dict:
    """A record's fields as column values (tuples become JSON lists); rows and records
    share their field names for the client head, people and topics."""
    return {
        f.name: list(value) if isinstance(value := getattr(record, f.name), tuple) else value
        for f in fields(record)
        if f.init and f.name not in CLIENT_SECTIONS
    }


def _record(cls, row, **sections):
    """The record of a row: the same names, JSON lists back to tuples."""
    values = {
        f.name: tuple(value) if isinstance(value := getattr(row, f.name), list) else value
        for f in fields(cls)
        if f.init and f.name not in CLIENT_SECTIONS
    }
    return cls(**values, **sections)


def _client_from_rows(head, people, topics, shifts, extras, absences, closures) -> Client:
    return _record(
        Client,
        head,
        people=tuple(_record(Person, row) for row in people),
        topics=tuple(_record(Topic, row) for row in topics),
        shifts=tuple(_roster_item("shift", row) for row in shifts),
        extra_shifts=tuple(_roster_item("extra_shift", row) for row in extras),
        absences=tuple(_roster_item("absence", row) for row in absences),
        closures=tuple(_roster_item("closure", row) for row in closures),
    )


def _replace_client(s: Session, client: Client) -> None:
    for table in (PersonRow, TopicRow, ShiftRow, ExtraShiftRow, AbsenceRow, ClosureRow):
        s.exec(delete(table).where(table.client_id == client.id))
    head = s.get(ClientRow, client.id)
    if head is None:
        s.add(ClientRow(**_columns(client)))
    else:
        for name, value in _columns(client).items():
            setattr(head, name, value)
    s.flush()
    cid = client.id
    for position, person in enumerate(client.people):
        s.add(PersonRow(client_id=cid, position=position, **_columns(person)))
    for position, topic in enumerate(client.topics):
        s.add(TopicRow(client_id=cid, position=position, **_columns(topic)))
    for kind, items in (
        ("shift", client.shifts),
        ("extra_shift", client.extra_shifts),
        ("absence", client.absences),
        ("closure", client.closures),
    ):
        for position, item in enumerate(items):
            s.add(ROSTER_TABLES[kind](client_id=cid, position=position, **_roster_values(item)))

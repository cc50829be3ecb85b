"""Drafts of callback notes on the local disk, so nothing an agent typed is ever lost — and
never comes back on the wrong call.

A draft belongs to one call of one desk: it carries its own id (one file each), the call's id
and the process id of the desk that writes it with that process's start time (a crashed
desk's pid may belong to another process by now: its drafts are still offered). F6 in the
same call carries on with it; a new
call (F7, a screen pop) starts an empty form, and drafts of earlier calls are listed for the
agent to resume or discard, never pre-filled silently. Two desks of one user never write the
same file. Each file is replaced atomically on every change (a crash leaves the old or the
new draft, never half), readable by the agent only, and purged with the notes' retention.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from functools import cache
from pathlib import Path

from kccdesk.core.files import write_private_atomic


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class NoteDraft:
    client: str
    recipient: str = ""
    caller_name: str = ""
    phone: str = ""
    message: str = ""
    urgency: str = "normaal"
    #: the person the note was meant for when the agent sent it to their replacement
    meant_for: str = ""
    id: str = field(default_factory=new_id)
    call: str = ""  # the call it was typed in
    desk: int = 0  # process id of the desk that writes it
    desk_started: str = ""  # when that process started (process_started), "" if unknown
    saved_at: str = ""  # ISO time of the last change (the desk's clock)
    #: the client's call type the note is taken as, and the answers typed so far by field id
    call_type: str = ""
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[object, ...]:
        """What the agent typed or chose (not when or where the draft was written)."""
        return (
            self.recipient,
            self.caller_name,
            self.phone,
            self.message,
            self.urgency,
            self.call_type,
            tuple(sorted(self.answers.items())),
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.caller_name.strip()
            or self.phone.strip()
            or self.message.strip()
            or any(v.strip() for v in self.answers.values())
        )

    @property
    def saved(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.saved_at) if self.saved_at else None
        except ValueError:
            return None


def process_started(pid: int) -> str:
    """When a process started, as the kernel counts it (Linux: /proc/PID/stat, field 22);
    "" where the system does not say. With the pid it names one process for good."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return ""
    fields_after_name = stat.rsplit(")", 1)[-1].split()  # the name may hold spaces, ")"
    return fields_after_name[19] if len(fields_after_name) > 19 else ""


def this_desk() -> tuple[int, str]:
    """This desk as its drafts name it: (pid, start time)."""
    return os.getpid(), _own_start()


@cache
def _own_start() -> str:
    return process_started(os.getpid())


def _of_this_desk(draft: NoteDraft) -> bool:
    pid, started = this_desk()
    return draft.desk == pid and draft.desk_started in ("", started)


def _desk_alive(draft: NoteDraft) -> bool:
    """Whether the desk that wrote a draft still runs (then its drafts are its own): its pid
    is alive and, where the system says, it is the same process (not a reused pid)."""
    pid = draft.desk
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = process_started(pid)
    return not (draft.desk_started and started and started != draft.desk_started)


class DraftStore:
    """The drafts of one database on this machine: one file per draft."""

    def __init__(self, directory: Path):
        self.directory = Path(directory) / "drafts"

    def _path(self, draft_id: str) -> Path:
        return self.directory / f"{draft_id}.json"

    def save(self, draft: NoteDraft) -> None:
        write_private_atomic(
            self._path(draft.id), json.dumps(asdict(draft), ensure_ascii=False).encode()
        )

    def remove(self, draft_id: str) -> None:
        self._path(draft_id).unlink(missing_ok=True)

    def all(self) -> list[NoteDraft]:
        """Every unfinished draft, newest first (unreadable or empty files are skipped)."""
        if not self.directory.is_dir():
            return []
        found: list[tuple[str, int, NoteDraft]] = []
        for path in self.directory.glob("*.json"):
            draft = _read(path)
            if draft is not None and not draft.is_empty:
                # The file's own time breaks ties: the desk's clock may stand still (tests).
                found.append((draft.saved_at, _mtime(path), draft))
        return [d for _, _, d in sorted(found, key=lambda f: f[:2], reverse=True)]

    def of_call(self, call: str) -> list[NoteDraft]:
        """This call's drafts, newest first."""
        return [d for d in self.all() if call and d.call == call]

    def left_behind(self) -> list[NoteDraft]:
        """Drafts of earlier calls of this desk, and of desks that no longer run (a crash, a
        closed terminal) — never another running desk's draft."""
        return [d for d in self.all() if _of_this_desk(d) or not _desk_alive(d)]

    def purge(self, older_than: datetime) -> int:
        """Remove drafts last changed before a moment (callers' personal data)."""
        removed = 0
        for draft in self.all():
            saved = draft.saved
            if saved is not None and saved < older_than:
                self.remove(draft.id)
                removed += 1
        return removed


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _read(path: Path) -> NoteDraft | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    known = {f.name: f for f in fields(NoteDraft)}
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            continue
        if key == "answers":  # the answers typed so far: text by field id, else nothing
            if isinstance(value, dict):
                values[key] = {str(k): str(v) for k, v in value.items()}
            continue
        values[key] = int(value) if key == "desk" and isinstance(value, int) else str(value)
    if "desk" in values and not isinstance(values["desk"], int):
        values["desk"] = 0
    try:
        draft = NoteDraft(**values)  # type: ignore[arg-type]
    except TypeError:
        return None
    return draft if draft.id == path.stem else None

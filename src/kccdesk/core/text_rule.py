"""One rule for every text a person types or a file carries: no control characters, no line
or paragraph separators, no direction overrides; and text of only invisible characters is
no text at all.

Notes, feedback, client files, roster edits and rings from the softphone all ask this one
module, so a caller name with U+202E (which turns the text around it, also in a mail's
Subject) or U+2028 is refused everywhere alike, and a name of zero-width spaces counts as
missing. Line breaks and tabs are allowed only where a text has lines (a message, a topic's
body, instructions). Each caller words its own refusal; what is forbidden is decided here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: characters that turn the direction of the text around them (embeddings, overrides,
#: isolates) and the marks that reorder what stands beside them (LRM, RLM, ALM: an RLM before
#: groups of digits shows a number in another order): what is shown would read differently
#: from what was typed
DIRECTION_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
#: interlinear annotation marks: they hide the text between them from some displays
HIDING = frozenset("\ufff9\ufffa\ufffb")
#: line and paragraph separators: a line break that is not one, in a header or a log
SEPARATORS = frozenset("\u2028\u2029\x85")
#: allowed in texts with lines
LINE_BREAKS = frozenset("\n\t")


#: the longest a text may be, by what it is: a name fits a mail's Subject and a list line, a
#: message a screen, instructions what an agent can read during a call
MAX_NAME = 200
MAX_MESSAGE = 4000
MAX_INSTRUCTIONS = 10_000


def too_long(value: str, limit: int) -> str | None:
    """'… tekens; hooguit …' when the text is longer than its limit, else None."""
    if len(value) <= limit:
        return None
    return f"te lang ({len(value)} tekens; hooguit {limit})"


@dataclass(frozen=True)
class Forbidden:
    """The first character a text may not hold: where (1-based) and of which kind."""

    char: str
    position: int
    kind: str  # "break" (a line break or tab where none may be), "control", "direction"

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    def says(self, what: str) -> str:
        """The refusal in Dutch, about `what` ("veld 'name'", "bericht", …)."""
        if self.kind == "break":
            return f"{what} mag geen regeleinde of tab bevatten"
        if self.kind == "direction":
            return (
                f"{what} bevat een richtingsteken ({self.code}) dat de tekst anders laat lezen "
                "dan getypt"
            )
        return f"{what} bevat een stuurteken ({self.code})"


def forbidden(value: str, lines: bool = False, carriage_returns: bool = False) -> Forbidden | None:
    """The first character this text may not hold, or None when it is sound. With `lines`
    line breaks and tabs are allowed; `carriage_returns` also allows CR in them (a client
    file's text keeps the line ends it was written with)."""
    for position, ch in enumerate(value, 1):
        if ch in LINE_BREAKS or ch == "\r":
            if not lines:
                return Forbidden(ch, position, "break")
            if ch != "\r" or carriage_returns:
                continue
            return Forbidden(ch, position, "control")
        if ch in DIRECTION_CONTROLS:
            return Forbidden(ch, position, "direction")
        if ch in SEPARATORS or ch in HIDING or unicodedata.category(ch) == "Cc":
            return Forbidden(ch, position, "control")
    return None


def agent_name_problem(agent: str) -> str | None:
    """Why the agent's name cannot sign a note or an acknowledgement (a control or direction
    character, only invisible characters, too long), or None; '' is no name: the desk's."""
    if forbidden(agent) is not None or too_long(agent, MAX_NAME) or (agent and blank(agent)):
        return (
            "naam van de medewerker (--agent) bevat een stuurteken of richtingsteken, is "
            f"leeg of langer dan {MAX_NAME} tekens"
        )
    return None


def blank(value: str) -> bool:
    """Whether nothing visible was typed: only spaces and invisible characters (zero-width
    spaces and joiners, soft hyphens and other format characters)."""
    return not any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs", "Mn") for ch in value
    )


def shown_safely(value: str) -> str:
    """Text from outside (a calendar's title) made fit to show: what this rule forbids is
    dropped (breaks and tabs become spaces), runs of spaces become one; '' when nothing
    visible is left."""
    kept = []
    for ch in value:
        if ch in LINE_BREAKS or ch == "\r":
            kept.append(" ")
        elif forbidden(ch) is None:
            kept.append(ch)
    text = " ".join("".join(kept).split())
    return "" if blank(text) else text

"""A reply to a note's mail, read as hostile input: which note it answers (by the Message-ID
in In-Reply-To/References, never the subject), who sent it, and whether its own words —
quoted text cut off — say "ok", "gezien", "ja" or "akkoord". An automatic reply (out of
office) never acknowledges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

#: a mail larger than this is not read (a reply that says "ok" is a few kilobytes)
MAX_MAIL_BYTES = 256 * 1024
#: the reply's own text read at most
MAX_TEXT = 4000
#: the words that acknowledge, Dutch and English, as the first word of the reply
ACK_WORDS = frozenset(
    {"ok", "oké", "oke", "okay", "okey", "gezien", "ja", "akkoord", "yes", "seen", "agreed", "ack"}
)
#: a line with one of these is no acknowledgement ("ok, maar ik kan niet", "ja nee")
NEGATIONS = frozenset({"niet", "nee", "geen", "no", "not", "cannot", "can't", "kan't", "never"})
#: the Message-ID of a note's mail: <uuid@kccdesk> or, for a later round, <uuid.N@kccdesk>
_NOTE_ID = re.compile(
    r"<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.\d{1,3})?@kccdesk>",
    re.IGNORECASE,
)
#: where quoted text begins in the mail programs agents' recipients use
_QUOTE_STARTS = re.compile(
    r"^\s*(?:>|"
    r"on .{0,200} wrote:?\s*$|op .{0,200} schreef .{0,200}$|op .{0,200} heeft .{0,200} geschreven"
    r"|-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht)"
    r"|_{10,}|(?:from|van|sent|verzonden):\s)",
    re.IGNORECASE,
)


_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@dataclass(frozen=True)
class Reply:
    #: the UUIDs of the notes whose mail it answers (In-Reply-To first, then References)
    notes: tuple[str, ...]
    sender: str  # the From address, lower case ("" when there is none)
    automatic: bool
    text: str  # its own words, quoted text cut off, at most MAX_TEXT
    acknowledges: bool


def read_reply(raw: bytes) -> Reply:
    """Read one mail; anything it cannot read makes a Reply that acknowledges nothing."""
    if len(raw) > MAX_MAIL_BYTES:
        return Reply((), "", False, "", False)
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:  # a parser bug on hostile bytes: not a reply
        return Reply((), "", False, "", False)
    notes = _answered_notes(message)
    sender = _sender(message)
    automatic = _automatic(message)
    body = _body_text(message)
    text = own_words(body)
    # Direction marks in the reply's own words: what its writer saw is not what it says.
    steered = any(ch in _DIRECTION for ch in body[: len(text) + 200])
    return Reply(notes, sender, automatic, text, not (automatic or steered) and says_yes(text))


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot make sense of
        return ""
    return str(value or "")[:8000]


def _answered_notes(message: Message) -> tuple[str, ...]:
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        for match in _NOTE_ID.finditer(_header(message, name)):
            uuid = match.group(1).lower()
            if uuid not in found:
                found.append(uuid)
    return tuple(found[:20])


def _sender(message: Message) -> str:
    try:
        addresses = getaddresses([_header(message, "From")])
    except Exception:
        return ""
    address = addresses[0][1] if addresses else ""
    address = "".join(ch for ch in address if ch.isprintable() and not ch.isspace())
    return address.lower()[:200] if "@" in address else ""


def _automatic(message: Message) -> bool:
    """RFC 3834 Auto-Submitted, and what Exchange and others set on out-of-office replies."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk", "list"):
        return True
    return any(_header(message, h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"))


def _body_text(message: Message) -> str:
    """The first text/plain part, else the first text/html part as text; '' otherwise."""
    if not isinstance(message, EmailMessage):
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return ""
    if part is None:
        return ""
    try:
        content = part.get_content()
    except Exception:  # an unknown charset or broken transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    content = content[:MAX_MAIL_BYTES]
    if part.get_content_subtype() == "html":
        content = html_text(content)
    return content


class _Text(HTMLParser):
    """The text of an HTML mail: tags dropped, block ends as line breaks, blockquotes (the
    quoted mail) and scripts/styles left out."""

    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table"})
    _SKIP = frozenset({"blockquote", "script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    reader = _Text()
    try:
        reader.feed(html)
        reader.close()
    except Exception:
        return ""
    return "".join(reader.parts)


def own_words(text: str) -> str:
    """The reply's own lines: up to where the quoted mail begins, without blank lines at
    either end and without control characters."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _QUOTE_STARTS.match(line):
            break
        kept.append("".join(ch for ch in line if ch.isprintable() or ch == "\t"))
        if sum(len(k) for k in kept) > MAX_TEXT:
            break
    return "\n".join(kept).strip()[:MAX_TEXT]


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)


def says_yes(text: str) -> bool:
    """Whether the reply's first line starts with an acknowledging word and denies nothing."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    words = [w.casefold() for w in _WORD.findall(first)]
    if not words or words[0] not in ACK_WORDS:
        return False
    return not any(w in NEGATIONS for w in words)

"""A reply to a note's mail, read as hostile input: which note it answers (by the Message-ID
it replies to, never the subject), who sent it, and whether its own words — quoted text cut
off — say "ok", "gezien", "ja" or "akkoord" and nothing that takes it back. An automatic
reply (out of office) never acknowledges.

Anyone can send a mail to the reply mailbox, so reading one is bounded before it is parsed:
the mail's size, its header block and each header's length, the text read of its body; the
email package's structured header parsing (quadratic on some input) is not used, and HTML
is reduced to text by linear means only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr

#: a mail larger than this is not read (a reply that says "ok" is a few kilobytes)
MAX_MAIL_BYTES = 256 * 1024
#: the header block read at most, each header at most (In-Reply-To/References: a long
#: thread's chain of ids; others far less)
MAX_HEADER_BLOCK = 64 * 1024
MAX_HEADER = 2000
MAX_ID_HEADER = 8000
#: the reply's own text read at most, and of an HTML body the part before it is cut
MAX_TEXT = 4000
MAX_BODY_READ = 32 * 1024
#: the MIME parts looked at at most
MAX_PARTS = 50
#: the words that acknowledge, Dutch and English, as the first word of the reply
ACK_WORDS = frozenset(
    {"ok", "oké", "oke", "okay", "okey", "gezien", "ja", "akkoord", "yes", "seen", "agreed", "ack"}
)
#: words that take it back or hand it on, anywhere in the reply's own words: then it is
#: no acknowledgement (the escalation goes on; an agent can still mark it at the desk)
NEGATIONS = frozenset(
    {
        "niet", "nee", "geen", "maar", "helaas", "afwezig", "ziek", "vakantie", "anders",
        "no", "not", "cannot", "can't", "cant", "won't",
        "wont", "don't", "dont", "unable", "but", "sorry", "someone", "else", "abroad",
        "away", "never",
    }
)  # fmt: skip
#: a reply whose own words are longer than this is a message, not an acknowledgement
MAX_ACK_TEXT = 300
#: subjects of automatic replies that carry no Auto-Submitted header
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatisch antwoord|automatische reactie|afwezig|out of office|auto[- ]?reply"
    r"|automatic reply|autosvar|abwesenheit)",
    re.IGNORECASE,
)
#: the Message-ID of a note's mail: <uuid@kccdesk> or, for a later round, <uuid.N@kccdesk>
_NOTE_ID = re.compile(
    r"<([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.\d{1,3})?@kccdesk>",
    re.IGNORECASE,
)
#: where quoted text begins in the mail programs recipients use
_QUOTE_STARTS = re.compile(
    r"^\s*(?:>|"
    r"on .{0,200} wrote:?\s*$|op .{0,200} schreef .{0,200}$|op .{0,200} heeft .{0,200} geschreven"
    r"|-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht)"
    r"|_{10,}|(?:from|van|sent|verzonden):\s)",
    re.IGNORECASE,
)
#: where the quoted mail begins in an HTML reply (Outlook, Gmail, Apple Mail, Thunderbird)
_HTML_QUOTE = re.compile(
    r"<blockquote|<div[^>]{0,200}(?:gmail_quote|divRplyFwdMsg|moz-cite-prefix|OLK_SRC_BODY)"
    r"|<hr[\s/>]",
    re.IGNORECASE,
)
_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@dataclass(frozen=True)
class Reply:
    #: the UUID of the note whose mail it answers (In-Reply-To; else the last reference)
    notes: tuple[str, ...]
    sender: str  # the From address, lower case ("" when there is none)
    automatic: bool
    text: str  # its own words, quoted text cut off, at most MAX_TEXT
    acknowledges: bool


NOTHING = Reply((), "", False, "", False)


def read_reply(raw: bytes) -> Reply:
    """Read one mail; anything it cannot read makes a Reply that acknowledges nothing."""
    if len(raw) > MAX_MAIL_BYTES:
        return NOTHING
    bounded = _bounded_headers(raw)
    if bounded is None:
        return NOTHING
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(bounded)
    except Exception:  # a parser bug on hostile bytes: not a reply
        return NOTHING
    notes = _answered_note(message)
    sender = _sender(message)
    automatic = _automatic(message)
    body = _body_text(message)
    text = own_words(body)
    # Direction marks in the reply's own words: what its writer saw is not what it says.
    steered = any(ch in _DIRECTION for ch in body[: len(text) + 200])
    return Reply(notes, sender, automatic, text, not (automatic or steered) and says_yes(text))


def _bounded_headers(raw: bytes) -> bytes | None:
    """The mail with every overlong header left out, or None when its header block is too
    large to be a reply at all."""
    end = raw.find(b"\r\n\r\n")
    cut = 4
    if end < 0 or (0 <= raw.find(b"\n\n") < end):
        end, cut = raw.find(b"\n\n"), 2
    if end < 0:
        end, cut = len(raw), 0
    if end > MAX_HEADER_BLOCK:
        return None
    kept: list[bytes] = []
    for field in re.split(rb"\r?\n(?![ \t])", raw[:end]):
        name = field.split(b":", 1)[0].strip().lower()
        most = MAX_ID_HEADER if name in (b"in-reply-to", b"references") else MAX_HEADER
        if len(field) <= most:
            kept.append(field)
    return b"\r\n".join(kept) + b"\r\n\r\n" + raw[end + cut :]


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot make sense of
        return ""
    return str(value or "")[:MAX_ID_HEADER]


def _headers(message: Message, name: str) -> list[str]:
    try:
        return [str(v)[:MAX_HEADER] for v in message.get_all(name) or ()]
    except Exception:
        return []


def _answered_note(message: Message) -> tuple[str, ...]:
    """The note whose mail this answers: the one In-Reply-To names, else the last of the
    References (the mail replied to) — one note per reply, never the thread's others."""
    for match in _NOTE_ID.finditer(_header(message, "In-Reply-To")):
        return (match.group(1).lower(),)
    found = list(_NOTE_ID.finditer(_header(message, "References")))
    return (found[-1].group(1).lower(),) if found else ()


def _sender(message: Message) -> str:
    try:
        address = parseaddr(_header(message, "From")[:MAX_HEADER])[1]
    except Exception:
        return ""
    address = "".join(ch for ch in address if ch.isprintable() and not ch.isspace())
    return address.lower()[:200] if "@" in address else ""


def _automatic(message: Message) -> bool:
    """RFC 3834 Auto-Submitted (every one of them), and what Exchange and others set on
    out-of-office replies."""
    if any(v.strip().lower() not in ("", "no") for v in _headers(message, "Auto-Submitted")):
        return True
    if any(
        v.strip().lower() in ("auto_reply", "bulk", "junk", "list")
        for v in _headers(message, "Precedence")
    ):
        return True
    marks = ("X-Autoreply", "X-Autorespond", "X-Auto-Response", "X-Auto-Response-Suppress")
    if any(_headers(message, h) for h in marks):
        return True
    return bool(_AUTO_SUBJECT.match(_header(message, "Subject")))


def _body_text(message: Message) -> str:
    """The first text/plain part, else the first text/html part reduced to text; ''."""
    plain = html_part = None
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            break
        if part.is_multipart() or _header(part, "Content-Disposition").lower().startswith(
            "attachment"
        ):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html_part is None:
            html_part = part
    chosen = plain or html_part
    if chosen is None:
        return ""
    try:
        payload = chosen.get_payload(decode=True)
    except Exception:
        return ""
    if not isinstance(payload, bytes):
        return ""
    payload = payload[:MAX_BODY_READ]
    charset = (chosen.get_content_charset() or "utf-8")[:40]
    try:
        content = payload.decode(charset, "replace")
    except LookupError:  # an unknown charset
        content = payload.decode("utf-8", "replace")
    return html_text(content) if chosen is html_part else content


_TAG = re.compile(r"<[^<>]{0,2000}>")
_BLOCK_END = re.compile(r"</?(?:p|div|br|tr|li|h[1-6]|table)\b[^<>]{0,2000}>", re.IGNORECASE)
_HIDDEN = re.compile(
    r"<(script|style|head)\b[^<>]{0,2000}>.{0,20000}?</\1\s*>", re.IGNORECASE | re.DOTALL
)


def html_text(text: str) -> str:
    """The text of an HTML reply up to where the quoted mail starts: scripts and styles
    left out, block ends as line breaks, tags dropped, entities read — linear in the
    input (no parser that a page of unclosed tags makes slow)."""
    quoted = _HTML_QUOTE.search(text)
    if quoted is not None:
        text = text[: quoted.start()]
    text = _HIDDEN.sub(" ", text)
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text.replace("<", " "))


def own_words(text: str) -> str:
    """The reply's own lines: up to where the quoted mail begins, without blank lines at
    either end and without control characters."""
    kept: list[str] = []
    for line in text[:MAX_BODY_READ].replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _QUOTE_STARTS.match(line[:500]):
            break
        kept.append("".join(ch for ch in line if ch.isprintable() or ch == "\t"))
        if sum(len(k) for k in kept) > MAX_TEXT:
            break
    return "\n".join(kept).strip()[:MAX_TEXT]


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)


def says_yes(text: str) -> bool:
    """Whether the reply starts with an acknowledging word, is short, and nothing in its
    own words takes it back or hands it on ("ok, maar ik kan niet", "yes but I'm away")."""
    if len(text) > MAX_ACK_TEXT:
        return False
    words = [w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)]
    if not words or words[0] not in ACK_WORDS:
        return False
    return not any(w in NEGATIONS for w in words)

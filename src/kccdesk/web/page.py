"""The acknowledgement page: one small HTML document per note, Dutch, readable on a phone,
without JavaScript. Every text from the note is escaped; the style is inline and allowed by
its hash in the Content-Security-Policy, so nothing else can run or load."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from kccdesk.clients.model import URGENT
from kccdesk.service.ack import AckPage

STYLE = (
    "body{font:17px/1.45 system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;"
    "color:#1b1b1b;background:#fafafa}h1{font-size:1.25rem;margin:.2rem 0 1rem}"
    "dl{margin:0 0 1rem}dt{font-weight:600;margin-top:.6rem}dd{margin:0;white-space:pre-wrap;"
    "overflow-wrap:anywhere}.urgent{color:#a40000;font-weight:700}"
    "button{font-size:1.1rem;padding:.9rem 1.2rem;width:100%;border:0;border-radius:.5rem;"
    "background:#0b5d1e;color:#fff}.done{padding:1rem;border-radius:.5rem;background:#e3f4e6}"
    "a{color:#0645ad}"
)
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
#: what every answer of the page carries (the CSP allows only the inline style above)
HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src '{STYLE_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: the token in the address never reaches another site, and the form's POST
    # still carries its Origin (with no-referrer browsers send "null")
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
BUTTON = "Gezien — ik handel het af"


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def note_page(page: AckPage, form_key: str = "", *, just_now: bool = False) -> str:
    """The note and its button; once acknowledged, by whom and when instead of the button."""
    from kccdesk.clients.phones import display

    note, client = page.note, page.client
    zone = client.zone
    urgent = note.urgency == URGENT
    rows = [
        ("Voor", page.recipient_name),
        ("Klant", client.name),
        ("Beller", note.caller_name),
        ("Bericht", note.message),
        *((label, value) for _, label, value in note.answers if value),
        ("Opgenomen", f"{note.created_at.astimezone(zone):%d-%m-%Y %H:%M}"),
    ]
    details = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    phone = escape(display(note.caller_phone, client.country))
    call = f'<dt>Nummer</dt><dd><a href="tel:{escape(note.caller_phone)}">{phone}</a></dd>'
    heading = "Terugbelverzoek" + (' <span class="urgent">DRINGEND</span>' if urgent else "")
    if note.acked_at is not None:
        who = client.person_name(note.acked_by) if note.acked_by else "onbekend"
        at = f"{note.acked_at.astimezone(zone):%d-%m %H:%M}"
        thanks = "Dank u. " if just_now else ""
        action = (
            f'<p class="done" role="status">{thanks}Bevestigd door {escape(who)} om '
            f"{escape(at)}. De escalatie is gestopt.</p>"
        )
    else:
        action = (
            '<form method="post">'
            f'<input type="hidden" name="csrf" value="{escape(form_key)}">'
            f'<button type="submit">{escape(BUTTON)}</button></form>'
        )
    body = f"<h1>{heading}</h1><dl>{details}{call}</dl>{action}"
    return _document(f"Terugbelverzoek — {client.name}", body)


def refusal_page(status: int) -> str:
    """The same few words for every bad link (unknown, expired, forged): nothing to learn."""
    texts = {
        404: (
            "Link niet geldig",
            "Deze link is niet (meer) geldig. Bel de meldkamer als u een terugbelverzoek zoekt.",
        ),
        403: (
            "Niet bevestigd",
            "Dit formulier kwam niet van deze pagina. Open de link uit de "
            "e-mail opnieuw en druk dan op de knop.",
        ),
        429: (
            "Even wachten",
            "Te veel ongeldige pogingen vanaf dit adres. Probeer het over enkele minuten opnieuw.",
        ),
        413: ("Te groot", "Dit verzoek is te groot."),
        500: ("Fout", "Er ging iets mis. Probeer het zo opnieuw of bel de meldkamer."),
        503: ("Even niet", "De gegevens zijn even niet bereikbaar. Probeer het zo opnieuw."),
    }
    title, text = texts.get(status, ("Fout", "Er ging iets mis."))
    return _document(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")

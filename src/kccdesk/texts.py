"""Every word the interface shows, in Dutch, in one place.

Domain rules return their own Dutch reasons (they are part of the answer); labels, titles,
hints and formats live here so another language can be added as a sibling module.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kccdesk.core import when

if TYPE_CHECKING:
    from kccdesk.clients.model import Absence, Client
    from kccdesk.duty.roster import DutyStatus, NoteRoute

DAYS = when.WEEKDAY_NAMES


def length_label(label: str, count: int, limit: int, always: bool = False) -> str:
    """A field's label with its length counter: from 3/4 of the limit on (or `always`), and
    how much is too much once over it (the save says the same)."""
    if count > limit:
        return f"{label}  {count}/{limit} — {count - limit} tekens te veel"
    if always or count * 4 >= limit * 3:
        return f"{label}  {count}/{limit}"
    return label


def day_time(moment: datetime) -> str:
    return f"{DAYS[moment.weekday()]} {moment:%H:%M}"


def until_text(moment: datetime, now: datetime) -> str:
    """'17:00' today, 'di 07:00' on another day."""
    return f"{moment:%H:%M}" if moment.date() == now.date() else day_time(moment)


def back_text(moment: datetime, now: datetime) -> str:
    """'om 13:00' later today, 'vanaf ma 08:30' on another day."""
    return f"om {moment:%H:%M}" if moment.date() == now.date() else f"vanaf {day_time(moment)}"


short_date = when.date_text
through = when.through


def moment_text(moment: datetime, now: datetime | None) -> str:
    """'07:00' later today, 'wo 07:00' within the week ahead, else '14-12-2026 07:00'."""
    if now is not None:
        today = now.replace(tzinfo=None).date()
        if moment.date() == today:
            return f"{moment:%H:%M}"
        if today <= moment.date() < today + timedelta(days=6):
            return day_time(moment)
    return f"{when.date_text(moment)} {moment:%H:%M}"


def busy_until(until: datetime, now: datetime) -> str:
    """'tot 11:00' (or 'tot di 09:00'): how long someone is in an appointment."""
    return f"tot {moment_text(until, now)}"


def agenda_source(client: Client, absence: Absence | None, now: datetime) -> str:
    """Where an absence comes from when a calendar feed gave it: 'volgens agenda, bijgewerkt
    08:12' — with a warning when the feed is stale or failed; '' for a shift lead's own."""
    if absence is None or not absence.source:
        return ""
    feed = client.feed_of(absence.person)
    if feed is None or feed.ok_at is None:
        return AGENDA_SOURCE_UNKNOWN
    text = AGENDA_SOURCE.format(when=moment_text(feed.ok_at.astimezone(now.tzinfo), now))
    if feed.stale(now, client.agenda):
        text += AGENDA_STALE_MARK
    return text


def agenda_stale(client: Client, now: datetime, detail: bool = False) -> list[str]:
    """One line per feed of the client not read within its `stale_after_hours`: '⚠ agenda
    van Bram Smit niet bijgewerkt sinds ma 08:12 — afwezigheden kunnen ontbreken'. With
    `detail` (the shift lead's roster pane, the command line) why the last read failed."""
    lines = []
    for feed in client.feeds:
        person = client.person(feed.person)
        if person is None or not person.agenda or not feed.stale(now, client.agenda):
            continue
        since = (
            AGENDA_NEVER_READ
            if feed.ok_at is None
            else AGENDA_SINCE.format(when=moment_text(feed.ok_at.astimezone(now.tzinfo), now))
        )
        why = f": {feed.error}" if detail and feed.error else AGENDA_MAY_MISS
        lines.append(AGENDA_STALE.format(name=person.name, since=since, why=why))
    return lines


def agenda_stale_person(client: Client, person_id: str, now: datetime) -> bool:
    """Whether what the desk says of this person rests on a stale calendar feed."""
    feed = client.feed_of(person_id)
    person = client.person(person_id)
    return bool(feed and person and person.agenda and feed.stale(now, client.agenda))


AGENDA_SOURCE = "volgens agenda, bijgewerkt {when}"
AGENDA_SOURCE_UNKNOWN = "volgens agenda"
AGENDA_STALE_MARK = " (verouderd)"
AGENDA_SINCE = "niet bijgewerkt sinds {when}"
AGENDA_NEVER_READ = "nog nooit gelezen"
AGENDA_STALE = "⚠ agenda van {name} {since}{why}"
AGENDA_MAY_MISS = " — afwezigheden en afspraken kunnen ontbreken"
AGENDA_PERSON_STALE = " (agenda verouderd)"


def absent_until(absence: Absence | None, now: datetime | None = None) -> str:
    """How long an absence lasts, as its entry says it: 't/m 24-12-2026' for dates,
    'tot wo 07:00' for one that ends at a time (an agent must not read "all Wednesday"),
    'tot nader bericht' when open-ended. The one wording for duty, guard, note and CLI."""
    if absence is None or absence.until is None:
        return when.UNTIL_FURTHER_NOTICE
    ends = absence.ends
    if absence.until_time is not None and ends is not None:
        return f"tot {moment_text(ends, now)}"
    return through(absence.until)


def absent_period(absence: Absence, now: datetime | None = None) -> str:
    """'t/m 24-12-2026', or with a start still ahead that begins within a day
    'vanaf di 17:00 tot wo 07:00' / 'vanaf 24-12-2026 t/m 26-12-2026'."""
    until = absent_until(absence, now)
    if now is not None and absence.begins <= now.replace(tzinfo=None):
        return until
    start = (
        moment_text(absence.begins, now)
        if absence.start_time is not None
        else when.date_text(absence.start)
    )
    return f"vanaf {start} {until}"


def route_text(client: Client, route: NoteRoute, now: datetime | None = None) -> str:
    """The replacement chain in one line: 'dr. de Vries afwezig (verlof) t/m 15-01-2027 →
    vervanger dr. Bakker ook afwezig (cursus) t/m 23-12-2026 → notities naar dr. Jansen'."""
    parts: list[str] = []
    for i, step in enumerate(route.skipped):
        name = client.person_name(step.person)
        reason = f" ({step.absence.reason})" if step.absence.reason else ""
        until = absent_until(step.absence, now)
        if i == 0:
            parts.append(f"{name} afwezig{reason} {until}")
        else:
            parts.append(f"vervanger {name} ook afwezig{reason} {until}")
    if route.recipient is None:
        parts.append(ROUTE_NOBODY)
    elif route.by_default:
        parts.append(ROUTE_DEFAULT.format(name=client.person_name(route.recipient)))
    else:
        parts.append(NOTES_ROUTE_TO.format(name=client.person_name(route.recipient)))
    return " → ".join(parts)


NOTES_ROUTE_TO = "notities naar {name}"
ROUTE_DEFAULT = "notities naar {name} (standaardontvanger)"
ROUTE_NOBODY = "geen vervanger bereikbaar: notities naar niemand"


def opening_line(status: DutyStatus, free_text: str) -> str:
    """The header's word on opening hours: 'open tot 17:00', 'gesloten — open ma 08:30', or
    the client's free-text line where it has no opening rows."""
    if status.open is None:
        return OPEN_HOURS.format(hours=free_text) if free_text else ""
    if status.open:
        if status.closes_at is None:  # around the clock
            return OPEN_HOURS.format(hours=free_text) if free_text else OPEN_ALWAYS
        return OPEN_UNTIL.format(until=until_text(status.closes_at, status.at))
    if status.opens_at is None:
        return CLOSED_NOW
    return CLOSED_OPENS.format(when=until_text(status.opens_at, status.at))


elapsed = when.timer_text


# --- bindings (footer, command palette, help) -------------------------------------------
KEY_SEARCH = "Zoeken"
KEY_ALL_CLIENTS = "Alle klanten"
KEY_SWITCH = "Klant"
KEY_DUTY = "Dienst"
KEY_TRANSFER = "Doorverbinden"
KEY_NOTE = "Notitie"
KEY_PREVIOUS_WEEK = "Vorige week"
KEY_NEXT_WEEK = "Volgende week"
KEY_ADD = "Toevoegen"
KEY_REMOVE = "Verwijderen"
KEY_HISTORY = "Geschiedenis"
KEY_SWAP = "Dienst ruilen"
KEY_NEXT_GAP = "Volgend gat"
KEY_NEW_CALL = "Nieuw"
KEY_HELP = "Hulp"
KEY_QUIT = "Afsluiten"
TIP_QUIT = "De desk sluiten (een open notitie blijft bewaard)"
KEY_PALETTE = "palet"
TIP_PALETTE = "Opdrachtenpalet: alle acties op naam"
PALETTE_PLACEHOLDER = "Zoek een opdracht…"
PALETTE_NO_MATCHES = "Geen opdracht gevonden"
PALETTE_THEMES = "Zoek een kleurenschema…"
KEY_SAVE = "Opslaan"
KEY_CLOSE = "Sluiten"
KEY_REPLACEMENT = "Vervanger"
KEY_ANYWAY = "Toch doorverbinden"
KEY_YES = "Ja"
KEY_NO = "Nee"
KEY_RESTORE = "Terughalen"
KEY_DISCARD = "Weggooien"
KEY_LATER = "Later"
KEY_KEEP = "Toch voor deze persoon"

#: Textual's own command-palette entries, in Dutch (title → (title, help)); others are hidden
#: (Keys: F1 lists every key in Dutch; Screenshot: a file with callers' data)
SYSTEM_COMMANDS = {
    "Quit": ("Desk: afsluiten", TIP_QUIT),
    "Theme": ("Desk: kleurenschema", "Een ander kleurenschema kiezen"),
    "Maximize": ("Desk: paneel vergroten", "Het actieve paneel schermvullend tonen"),
    "Minimize": ("Desk: paneel verkleinen", "Het paneel weer normaal tonen"),
}

AGENT_TITLE = "Welkom bij kccdesk"
AGENT_TEXT = "Met welke naam stelt u zich voor aan bellers? (staat in de begroeting)"
AGENT_PLACEHOLDER = "Uw voornaam"
AGENT_HINT = "Enter: bewaren · Esc: later (dan vraagt de desk het de volgende keer weer)"
AGENT_SAVED = "Naam bewaard: {name}."

CATEGORY_CALL = "Gesprek"
CATEGORY_NOTE = "Notitie"
CATEGORY_APP = "Desk"

TIP_SEARCH = "Zoekveld: personen, afdelingen en onderwerpen van deze klant"
TIP_ALL_CLIENTS = "Zoek bij alle klanten in plaats van alleen deze klant"
TIP_SWITCH = "Andere klant kiezen op naam, id of cijfers van het gekozen nummer"
TIP_DUTY = "Naar het dienstoverzicht"
TIP_TRANSFER = "Doorverbinden met de gekozen persoon (controleert of die dienst heeft)"
TIP_NOTE = "Terugbelnotitie voor de gekozen persoon"
TIP_NEW_CALL = "Nieuw gesprek: timer op nul, zoekveld leeg"
TIP_HELP = "Alle toetsen"

# --- call screen -------------------------------------------------------------------------
CALL_TIMER = "gesprek"
CALL_TIMER_SHORT = "⏱"
OPEN_HOURS = "open {hours}"
OPEN_UNTIL = "open tot {until}"
OPEN_ALWAYS = "open"
CLOSED_NOW = "gesloten"
CLOSED_OPENS = "gesloten — open {when}"
AFTER_HOURS = "⚠ {text}"
AFTER_HOURS_ROUTE = "Spoedlijn buiten openingstijd: {route}"
AFTER_HOURS_OPTION = "{number}  spoedlijn buiten openingstijd"
TRANSFERRED_TO_NUMBER = "Doorverbonden met de spoedlijn {number}."
CLOSED_TODAY = "VANDAAG GESLOTEN ({reason})"
NOTE_FAILED_ALERT = (
    "Notitie voor {name} (beller {caller}) is NIET verstuurd: {reason}. "
    "F9: opnieuw, eventueel naar een andere ontvanger."
)
NOTE_RESEND_TITLE = "Opnieuw: {client}"
NOTE_RESEND_REASON = "Vorige poging mislukt: {reason}. Kies zo nodig een andere ontvanger."
FAILED_TITLE = "Niet verstuurde notities"
MAIL_NOT_SET_UP = (
    "Mail is niet ingesteld op deze desk ([smtp]): wachtende notities gaan pas weg als een "
    "andere desk of kccdesk serve ze verstuurt."
)
FAILED_COUNT = " {count} notitie(s) niet verstuurd — F9 "
FAILED_COUNT_SHORT = " {count} mislukt (F9) "
DELAYED_COUNT = " {count} notitie(s) wachten op de mailserver "
DELAYED_COUNT_SHORT = " {count} wacht "
SEARCH_PLACEHOLDER = "Zoek persoon, afdeling of onderwerp…  (typfouten mogen)"
SEARCH_PLACEHOLDER_ALL = "Zoek bij ALLE klanten…"
NO_RESULTS = "Niets gevonden bij deze klant — F8 zoekt bij alle klanten."
SEARCHING_ALL = "Zoekt… (alle klanten worden geladen; typ gerust door)"
RESULTS_HINT = (
    "Typ een paar letters van een naam, afdeling of onderwerp — typfouten mogen.\n"
    "↑/↓ kiest · F5 doorverbinden · F6 terugbelnotitie · F3 andere klant · F1 alle toetsen"
)
INSTRUCTIONS = "Instructies"
TOPICS = "Actueel"
MORE_TOPICS = "+ {count} meer actuele onderwerpen — zoek om ze te vinden."
NO_TOPICS = "Geen actuele onderwerpen."
NOTES_TODAY = "Notities vandaag"
NO_NOTES = "Nog geen notities vandaag."
DUTY = "Dienst"
DUTY_NOW = "Nu in dienst"
DUTY_SEARCH_HINT = "Zoek een naam: de resultaten tonen per persoon ● dienst / ○ geen / ✖ afwezig."
NOBODY_ON_DUTY = "Niemand heeft nu dienst."
ABSENT = "Afwezig"
CLOSED = "GESLOTEN"
NEXT_CHANGE = "Volgende wissel"
NOT_CURRENT = "niet actueel"
KIND = {
    "person": "persoon",
    "department": "afdeling",
    "topic": "onderwerp",
    "call_type": "gesprekssoort",
}
CALL_TYPE_F6 = "F6: notitie met deze vragen"
CALL_TYPE_ASKS = "Vraagt"
CALL_TYPE_NOTE_TO = "Notitie nu naar"
ON_DUTY_UNTIL = "dienst tot {until}"
#: on duty, but in an appointment of their own calendar (kccdesk.agenda)
BUSY = "bezet"
BUSY_UNTIL = "in een afspraak {until}"
#: off duty now, and back in the middle of an appointment
BACK_BUSY = ", dan in een afspraak {until}"
OFF_DUTY = "geen dienst"
BACK_ON_DUTY = "weer in dienst {when}"
NEVER_TRANSFER = "⛔ nooit doorverbinden (afspraak met de klant)"
NEVER_TRANSFER_MARK = "⛔ niet doorverbinden"
NOTES_GO_TO = "notities naar {name}"
ABSENT_UNTIL = "afwezig {until}"
REPLACED_BY = "vervanger: {name}"
NO_REPLACEMENT = "geen vervanger opgegeven"
REPLACEMENT_ABSENT_TOO = "vervanger is óók afwezig"
ROUTE_TO = "Doorverbinden met"
VALID = "Geldig"
EMAIL = "E-mail"
KEYWORDS = "Trefwoorden"
PEOPLE = "Medewerkers"
CHOOSE_PERSON_FIRST = "Kies eerst een persoon in de zoekresultaten."
TRANSFERRED = "Doorverbonden met {name} (gelogd)."
TRANSFERRED_OVERRIDE = "Doorverbonden met {name} ondanks waarschuwing (gelogd)."
NOTE_SAVED = "Notitie voor {name} opgeslagen: terugbellen op {number}."
NEW_CALL_STARTED = "Nieuw gesprek gestart."
SWITCHED = "Klant: {name}"
STATUS = {
    "queued": "in wachtrij",
    "sending": "wordt verzonden",
    "sent": "verzonden",
    "failed": "MISLUKT",
    "unsure": "MOGELIJK VERZONDEN",
    "replaced": "opnieuw opgenomen",
}
URGENT = "DRINGEND"
# --- acknowledgement and escalation (kccdesk.ack) ----------------------------------------
UNACKED_ALERT = "⚠ Dringend niet bevestigd: {client}, {waited}{who}"
UNACKED_TITLE = "Dringend, niet bevestigd"
UNACKED_MORE = "⚠ en nog {count} dringende notities niet bevestigd — Ctrl+G"
UNACKED_COUNT = " ⚠ {count} dringend niet bevestigd — Ctrl+G "
UNACKED_COUNT_SHORT = " ⚠ {count} onbevestigd (^G) "
KEY_UNACKED = "Dringend onbevestigd"
KEY_ACKNOWLEDGE = "Gebeld, bevestigd"
TIP_UNACKED = "Dringende notities die niemand bevestigde: bel en markeer 'gebeld, bevestigd'"
UNACKED_NONE = "Alle dringende notities zijn bevestigd."
UNACKED_HINT = "Bel de persoon; Enter = gebeld, bevestigd · Esc sluiten"
UNACKED_DONE = "Bevestigd: {caller} voor {name}"
UNACKED_ALREADY = "Al bevestigd door een ander."
ACKED_MARK = "✓ bevestigd {at} door {who}"
NOT_ACKED_MARK = "⚠ niet bevestigd"
ESCALATION_DONE = "laatste stap: blijft op elke desk tot iemand handelt"
ESCALATION_AGAIN = "opnieuw"
MAIL_ASK_LINK = "Gezien? Bevestig het hier, dan stopt de escalatie:"
MAIL_ASK_REPLY = "Of antwoord op deze e-mail met 'ok' of 'gezien'."
MAIL_ROUND = "{number}e melding: niet bevestigd door {names} sinds {since}"
MAIL_ROUND_FOR = "Oorspronkelijk voor {name}."
MAIL_NOT_ACKED_SINCE = "Dringend en nog door niemand bevestigd, sinds {since}."
MAIL_ALREADY_ACKED = "Al bevestigd door {who} om {at}; ter informatie."
#: the client report's lines about acknowledgement (kccdesk.teamlead.report)
REPORT_ACK = {
    "time": "Dringend: tijd tot bevestiging",
    "time_detail": "mediaan; p90 {p90}; {acked} van {of} bevestigd",
    "within": "Dringend: bevestigd binnen de termijn",
    "within_detail": "vóór de eerste escalatie",
    "escalations": "Escalaties",
    "per_week": "{count} per week",
}
NOT_MAILED = "bewaard, niet gemaild"

# --- dialogs -----------------------------------------------------------------------------
SWITCH_TITLE = "Andere klant"
SWITCH_PLACEHOLDER = "Naam, id of cijfers van het nummer…"
TRANSFER_TITLE = "Niet doorverbinden?"
TRANSFER_NOT_ON_DUTY = "{name} heeft nu geen dienst."
TRANSFER_BACK_AT = " Weer in dienst {when}."
TRANSFER_BACK_BUSY = " Dan nog in een afspraak {until} (volgens agenda)."
TRANSFER_REPLACEMENT_OFF = "Vervanger {name} heeft nu geen dienst{back}."
ROSTER_WARNING = "Let op"
TRANSFER_REPLACEMENT_ABSENT = "Vervanger {name} is zelf afwezig {until}."
NOTE_RECIPIENT_CHAIN = "⚠ {chain}."
NOTE_CHAIN_KEY = " Ctrl+R: naar {name}."
TRANSFER_REASON_PLACEHOLDER = "Waarom toch? (verplicht; de teamleider ziet het)"
TRANSFER_REASON_WHAT = "de reden"
TRANSFER_REASON_REFUSED = "Reden niet aangenomen: {problem}."
TRANSFER_REASON_MISSING = "Eerst een reden: waarom toch doorverbinden?"
TRANSFER_REASON_HINT = "Typ de reden en Enter: toch doorverbinden · Esc: terug"
TRANSFER_NOTE_OFFER = "F6: terugbelnotitie voor {name}"
TRANSFER_ABSENT = "{name} is afwezig{reason} {until}."
TRANSFER_BUSY = "{name} is in een afspraak {until} (volgens agenda)."
TRANSFER_CLOSED = "{client} is vandaag gesloten: {reason}."
TRANSFER_ALTERNATIVES = "Wel in dienst — Enter kiest:"
TRANSFER_NO_ALTERNATIVES = "Er heeft nu niemand anders dienst. Overweeg een terugbelnotitie."
TRANSFER_NO_COLLEAGUE = (
    "Geen vervanger of collega van dezelfde afdeling heeft nu dienst. Overweeg een terugbelnotitie."
)
TRANSFER_CONFIRM = "Toch doorverbinden met {name}? Dit wordt gelogd als bewuste afwijking."
TRANSFER_HINT = "Enter: kies alternatief · F6: notitie · t: toch doorverbinden · Esc: terug"
NOTE_TITLE = "Terugbelnotitie — {client}"
NOTE_FOR = "Voor"
NOTE_CALLER = "Naam beller"
NOTE_PHONE = "Terugbelnummer"
NOTE_MESSAGE = "Bericht"
NOTE_URGENT_ON = "DRINGEND — ja (spatie: nee)"
NOTE_URGENT_OFF = "Dringend — nee (spatie: ja)"
NOTE_PHONE_EMPTY = "Vul het nummer in zoals de beller het zegt."
NOTE_PHONE_OK = "✔ {display} · {type} ({country})"
NOTE_PHONE_BAD = "✖ {error}"
NOTE_RECIPIENT_ABSENT = "⚠ {name} is afwezig {until}. Ctrl+R: naar vervanger {replacement}."
NOTE_RECIPIENT_ABSENT_NONE = "⚠ {name} is afwezig {until}; geen vervanger opgegeven."
NOTE_RECIPIENT_ON_DUTY = "● {name} heeft dienst tot {until}."
NOTE_RECIPIENT_BUSY = (
    "◐ {name} heeft dienst tot {until}, maar is in een afspraak {busy} (volgens agenda)."
)
NOTE_FIX_PHONE = "Niet opgeslagen: het terugbelnummer is nog niet geldig (zie hierboven)."
NOTE_CHOOSE_RECIPIENT = "Kies ontvanger…"
NOTE_VIA = "Voor {asked}, via {target} (afspraak met de klant)."
NOTE_MEANT_FOR = "Voor {asked}, via {target} (vervanger)."
NOTE_RECIPIENT_BACK = "○ {name} heeft nu geen dienst; weer in dienst {back} en ziet de notitie dan."
NOTE_RECIPIENT_OFF_DUTY = "○ {name} heeft de komende dagen geen dienst volgens het rooster."
NOTE_CANNOT_SAVE = "Nog niet op te slaan: {reason}"
NOTE_CALL_TYPE = "Soort gesprek"
NOTE_CALL_TYPE_HINT = "typ een soort ({examples}) of laat leeg"
NOTE_CALL_TYPE_CHOSEN = "✔ {title} — vragen hieronder, * is verplicht"
NOTE_CALL_TYPE_SEVERAL = "past bij: {titles} — typ verder"
NOTE_CALL_TYPE_UNKNOWN = "geen soort '{typed}' bij deze klant (kies uit {titles})"
NOTE_ANSWER_REQUIRED = " *"
NOTE_CALL_TYPE_ASK = "Nog niet opgeslagen: stel eerst de vragen van deze soort (hieronder)."
NOTE_ABSENT_TITLE = "Ontvanger afwezig"
NOTE_ABSENT_HINT = "Enter: naar vervanger en opslaan · k: toch voor {name} (gelogd) · Esc: terug"
DRAFT_TITLE = "Niet-opgeslagen notities"
DRAFT_TEXT = "Deze notities van eerdere gesprekken zijn nog niet opgeslagen:"
DRAFT_HINT = "Enter: verder met deze · Delete/F8: weggooien · Esc: later (F12 toont ze weer)"
NOTE_KEPT_FOR_LATER = "Nieuw gesprek: de open notitie is bewaard als concept (F12)."
DRAFT_DISCARDED = "Concept weggegooid."
DRAFT_DISCARD_AGAIN = "Nog eens F8 gooit dit concept weg (Esc bewaart het)."
DRAFTS_NONE = "Geen niet-opgeslagen notities."
DRAFTS_ONLY_THIS_CALL = (
    "Geen concepten van andere gesprekken; F6 gaat verder met de notitie van dit gesprek."
)
KEY_DRAFTS = "Concepten"
TIP_DRAFTS = "Niet-opgeslagen notities van eerdere gesprekken: verder of weggooien"
HELP_TITLE = "Toetsen"
HELP_HINT = "Esc of F1 sluit. Ctrl+P opent het opdrachtenpalet."
RING_OTHER_DESK = "Een andere desk op deze computer ontvangt de oproepen van de softphone."
RING_UNAVAILABLE = "Oproepen van de softphone komen niet binnen: {error}"
RING_UNKNOWN_LINE = "Oproep op onbekend nummer {line}: de klant blijft dezelfde."
CALLER_HISTORY = "Eerdere notities van {number} (30 dagen)"
CALLER_NO_HISTORY = "Beller {number}: geen notities in de laatste 30 dagen."
CALLER_UNKNOWN = "Beller met onbekend nummer."
KEY_RESEND = "Opnieuw sturen"
TIP_RESEND = "Een niet verstuurde notitie opnieuw opnemen, eventueel voor een andere ontvanger"
NO_FAILED_NOTES = "Geen mislukte notities om opnieuw te versturen."
KEY_ROSTER = "Rooster"
TIP_ROSTER = "Roosterpaneel openen of sluiten (diensten, afwezigheid, sluitingsdagen)"
ROSTER_TITLE = "Rooster — {client} — week {week} ({first} – {last})"
ROSTER_READ_ONLY_ROLE = "Alleen lezen: uw databaselogin heeft de rol shift_lead niet."
ROSTER_READ_ONLY = "Alleen lezen: '{user}' staat niet bij shift_leads in {config}."
ROSTER_HINT = (
    "[ ] week · Ins/Ctrl+E toevoegen · Enter wijzigen · Del verwijderen · "
    "Ctrl+G geschiedenis · Ctrl+W dienst ruilen · Ctrl+B volgend dekkingsgat · F10 sluiten · "
    "typen zoekt"
)
ROSTER_PERSON = "Medewerker"
ROSTER_KINDS = {
    "shift": "Vaste dienst (elke week)",
    "extra_shift": "Extra dienst (één datum)",
    "absence": "Afwezigheid met vervanger",
    "closure": "Sluitingsdag",
    "coverage": "Dekking (wie er dienst moet hebben)",
}
ROSTER_NEW_TITLE = "Nieuw in het rooster"
ROSTER_FORM_TITLE = {
    "shift": "Vaste dienst",
    "extra_shift": "Extra dienst",
    "absence": "Afwezigheid",
    "closure": "Sluiting",
    "coverage": "Dekking",
}
ROSTER_FIELD = {
    "person": "Medewerker",
    "days": "Dagen (ma,di,wo,do,vr,za,zo)",
    "date": "Datum (dd-mm-jjjj)",
    "start": "Begin (uu:mm)",
    "end": "Einde (uu:mm; vóór begin = over middernacht)",
    "from": "Van (dd-mm-jjjj, of dd-mm-jjjj uu:mm voor een deel van de dag)",
    "until": "Tot en met (dd-mm-jjjj; met uu:mm: tot dat moment; leeg: tot nader bericht)",
    "reason": "Reden (zien agents)",
    "replaced_by": "Vervanger",
    "covers": "Vervanger neemt de diensten over (j/n)",
    "on_closures": "Ook op sluitings- en feestdagen (j/n)",
    "department": "Afdeling (leeg: iedereen)",
    "min": "Minimaal aantal in dienst",
}
#: a field as the roster rules name it (the client file's word) and as the form's label does
ROSTER_FIELD_IN_RULE = {"reason": "Reden", "department": "Afdeling"}


def in_form_words(problem: str) -> str:
    """A roster rule's message in the form's words: "veld 'reason'" is what a client file
    calls it; the shift lead in the pane sees the field labelled "Reden"."""
    for name, label in ROSTER_FIELD_IN_RULE.items():
        problem = problem.replace(f"veld '{name}'", label)
    return problem


ROSTER_SWAP_ONLY_SHIFTS = "Ruilen kan alleen met een vaste of extra dienst."
ROSTER_NO_NEXT_GAP = "Geen dekkingsgaten in de komende {days} dagen."
ROSTER_GAPS = "⚠ Dekkingsgaten deze week: {gaps}"
ROSTER_NO_GAPS = "✔ Geen dekkingsgaten deze week"
GAP_NOW = "⚠ Dekkingsgat nu, tot {until}: {who} ({reason})"
GAP_SOON = "⚠ Dekkingsgat vanaf {start}: {who} ({reason})"
TRANSFER_GAP = "⚠ Dekkingsgat nu — {gap}."
ROSTER_OK = "✔ kan worden opgeslagen"
ROSTER_SAVED = "Rooster bijgewerkt: {what}"
ROSTER_REMOVED = "Uit het rooster: {what}"
ROSTER_CONFIRM_REMOVE = "Verwijderen: {what}? j: ja · n/Esc: nee"
ROSTER_HISTORY_TITLE = "Geschiedenis"
ROSTER_NO_HISTORY = "Geen wijzigingen vastgelegd (geïmporteerd uit een bestand)."
ROSTER_ACTIONS = {"added": "toegevoegd", "changed": "gewijzigd", "removed": "verwijderd"}
ROSTER_NO_ONE = "(niemand)"
ROSTER_CHOOSE = "Kies…"
ERROR = "Er ging iets mis: {error}"
SENDER_FAILED = "Notities versturen lukt nu niet: {error}. De desk probeert het opnieuw."

# --- the softphone (baresip ctrl_tcp) ---------------------------------------------------------
PHONE_CONNECTED = "telefoon verbonden"
PHONE_UNREACHABLE = "telefoon niet bereikbaar"
PHONE_RINGING = "gaat over — Ctrl+O neemt op"
PHONE_LOST_CALL = "Telefoon niet bereikbaar: het gesprek is beëindigd gelogd."
PHONE_ANSWER_FIRST = "Neem de oproep eerst op (Ctrl+O); er is niets doorverbonden."
PHONE_NO_CALL = "Geen gesprek op de telefoon."
PHONE_FAILED = "Telefoon: {error}"
PHONE_SECOND_CALL = "Tweede oproep: {client}, beller {caller} (wacht — Ctrl+O neemt op)"
PHONE_SECOND_UNKNOWN = "Tweede oproep op onbekend nummer {line}, beller {caller} (wacht)"
PHONE_HELD = "In de wacht: {client}, beller {caller} (Ctrl+U neemt terug)"
PHONE_HELD_CALLER_LEFT = "De beller in de wacht heeft opgehangen."
CALLER_NONE = "onbekend nummer"
PHONE_CALLER_GONE = (
    "De beller is niet meer verbonden ({caller}): bel terug of neem een terugbelnotitie (F6)."
)
PHONE_NOTHING_HELD = "Er staat geen gesprek in de wacht."
KEY_ANSWER = "Opnemen"
KEY_MORE_INSTRUCTIONS = "Instructies verder lezen"
INSTRUCTIONS_MORE = "meer ↓ Ctrl+↓"
INSTRUCTIONS_BACK = "↑ Ctrl+↑"
KEY_SWITCH_CALL = "Wissel gesprek"
TIP_ANSWER = (
    "Neem de oproep op de telefoon op (Ctrl+O); tijdens een gesprek: neem de wachtende op "
    "en zet het gesprek in de wacht"
)
TIP_SWITCH_CALL = "Neem het gesprek in de wacht terug; het huidige gaat in de wacht (Ctrl+U)"
TRANSFER_SENDING = "Doorverbinden met {name} ({number})…"
TRANSFER_FAILED = "Doorverbinden met {name} mislukt: {reason}"

# --- ending a call -------------------------------------------------------------------------
KEY_END_CALL = "Einde gesprek"
TIP_END_CALL = (
    "Gesprek beëindigen: de behandeltijd stopt hier (met softphone: ophangen op de telefoon)"
)
CALL_ENDED = "gesprek beëindigd"
CALL_ENDED_LOGGED = "Gesprek beëindigd ({elapsed}) en gelogd."
CALL_ENDED_NOT_LOGGED = "Gesprek beëindigd; niet gelogd: er gebeurde niets (F7 begint een gesprek)."
NO_CALL_TO_END = "Er loopt geen gesprek. F7 begint een nieuw gesprek."

# --- the team lead's daily review -------------------------------------------------------------
KEY_REVIEW = "Dagoverzicht"
TIP_REVIEW = "Dagoverzicht teamleider: feedback, genegeerde waarschuwingen, mislukte notities"
CATEGORY_REVIEW = "Dagoverzicht"
KEY_RECONSTRUCT = "Reconstructie"
TIP_RECONSTRUCT = "Wat de desk toen liet zien, de roosterwijzigingen eromheen en het oordeel"
KEY_SET_ACTION = "Actie"
TIP_SET_ACTION = "Verbeteractie uitzetten: wat en wie (status actie-uitgezet)"
KEY_CLOSE_ITEM = "Item afronden"
TIP_CLOSE_ITEM = "Feedback afronden: afgerond, of onterecht"
KEY_CHART = "Grafiek"
TIP_CHART = "Grafiek van de laatste 8 weken van deze klant tonen of verbergen"
KEY_PREVIOUS_DAY = "Dag terug"
KEY_NEXT_DAY = "Dag verder"
KEY_TO_DESK = "Desk"
TIP_TO_DESK = "Terug naar het gespreksscherm (Ctrl+Y opent het dagoverzicht weer)"
REVIEW_TITLE = "Dagoverzicht {day} — {open} open feedback"
REVIEW_TODAY = " (vandaag)"
REVIEW_YESTERDAY = " (gisteren)"
REVIEW_LOADING = "Dagoverzicht laden…"
REVIEW_EMPTY = (
    "Niets te bespreken op {day}: geen feedback, geen genegeerde waarschuwingen, geen mislukte "
    "notities. [ en ] kiezen een andere dag."
)
REVIEW_COUNT_FEEDBACK = "{count} feedback"
REVIEW_COUNT_OVERRIDES = "{count} genegeerd"
REVIEW_COUNT_STOPPED = "{count} gestopt"
REVIEW_COUNT_FAILED = "{count} mislukt"
REVIEW_DETAIL_TITLE = "Toelichting"
REVIEW_PATTERN = "⚑ {text}"
REVIEW_OVERRIDE_KIND = {
    "doorverbonden": "toch doorverbonden",
    "gestopt": "gestopt door de desk",
    "notitie": "notitie ondanks waarschuwing",
}
REVIEW_FAILED = "✉ notitie #{id} voor {name} niet verstuurd: {reason}"
REVIEW_NOT_FEEDBACK = "Dit is geen feedback: alleen feedback krijgt een actie of wordt afgesloten."
REVIEW_DETAIL_FEEDBACK = "Feedback #{id} · {when} · {category}"
REVIEW_DETAIL_ABOUT = "over {person}"
REVIEW_DETAIL_STATUS = "status: {status} · oorzaak: {cause}"
REVIEW_DETAIL_ACTION = "actie: {action} — {owner}"
REVIEW_DETAIL_NO_ACTION = "nog geen actie — Ctrl+A zet er een uit"
REVIEW_DETAIL_CLOSED_NO_ACTION = "afgerond zonder actie"
#: an item key pressed on a row that is not feedback (a client, pattern, warning, failed note)
REVIEW_ONLY_FEEDBACK = {
    "reconstruct": "Enter toont wat de desk toen liet zien, alleen op een feedbackregel (#nummer).",
    "set_action": "Ctrl+A zet een actie uit, alleen op een feedbackregel (#nummer).",
    "close_item": "Ctrl+X rondt een item af, alleen op een feedbackregel (#nummer).",
}
REVIEW_DETAIL_LINKED_CALL = "gesprek #{id}"
REVIEW_DETAIL_LINKED_NOTE = "notitie #{id}"
REVIEW_DETAIL_HINT = "Enter: wat de desk toen liet zien"
REVIEW_NOT_ALLOWED = "Dagoverzicht niet beschikbaar: {reason}"
CAUSES = {"ons": "bij ons", "client": "bij de klant", "onbekend": "onbekend"}
RECONSTRUCTION_TITLE = "Reconstructie — feedback #{id}"
RECONSTRUCTION_SAID = "De klant zei: “{said}”"
RECONSTRUCTION_HINT = "Esc/Enter: sluiten · Ctrl+A: actie uitzetten"
RECONSTRUCTION_LOADING = "Reconstructie laden…"
ACTION_TITLE = "Actie uitzetten — feedback #{id}"
ACTION_WHAT = "Actie (wat gaat er gebeuren?)"
ACTION_OWNER = "Eigenaar (wie pakt het op?)"
ACTION_CAUSE = "Oorzaak"
ACTION_HINT = "Ctrl+S: opslaan (status actie-uitgezet) · Esc: sluiten (getypte tekst blijft)"
ACTION_SAVED = "Actie uitgezet voor feedback #{id}: {owner}."
ACTION_REFUSED = "Niet opgeslagen: {reason}"
CLOSE_TITLE = "Feedback #{id} afsluiten"
CLOSE_TEXT = "“{said}”"
CLOSE_HINT = "Enter: afgerond · o: onterecht (de klant vergiste zich) · Esc: terug"
CLOSED_AS = "Feedback #{id}: {status}."
CHART_TITLE = "{name} — laatste 8 weken"
CHART_CALLS = "gesprekken per week"
CHART_FIRST_TIME_RIGHT = "eerste keer goed %"
CHART_LATEST = "week {label}: {calls} gesprekken · eerste keer goed {ftr} · {feedback} feedback"
CHART_NONE = "Nog geen weekcijfers beschikbaar voor de grafiek."
CHART_LOADING = "Weekcijfers laden…"
KEY_DONE = "Afgerond"
KEY_UNFOUNDED = "Onterecht"


# --- the team lead: the review, the reconstruction and the client report ----------------
#: a roster change in a reconstruction: what was done to which kind of entry
ROSTER_CHANGE_ACTION = {"added": "toegevoegd", "changed": "gewijzigd", "removed": "verwijderd"}
ROSTER_CHANGE_KIND = {
    "shift": "dienst",
    "extra_shift": "extra dienst",
    "absence": "afwezigheid",
    "closure": "sluiting",
    "coverage": "dekking",
}
#: a feedback category as the review and the report name it
FEEDBACK_CATEGORY_TEXT = {
    "doorverbonden-zonder-dienst": "doorverbonden zonder dienst",
    "verkeerde-ontvanger": "notitie naar de verkeerde ontvanger",
    "fout-nummer": "fout terugbelnummer",
    "informatie-ontbrak": "informatie ontbrak",
    "onvolledig": "notitie onvolledig (vragen van de gesprekssoort niet ingevuld)",
    "rooster-niet-actueel": "rooster niet actueel",
    "anders": "overige feedback",
}
#: what we ask of the client, by the cause found
ASK_ABSENCES = "afwezigheden uiterlijk de dag ervoor doorgeven"
ASK_ROSTER = "roosterwijzigingen vóór de dienst invoeren"
ASK_CLOSURES = "sluitingsdagen vooraf doorgeven"
ASK_INFO = "ontbrekende informatie aanvullen in de instructies"
ASK_CALL_TYPES = "de vragen die u bij zo'n melding nodig heeft opnemen in de gesprekssoort"
ASK_NUMBERS = "telefoonnummers en gegevens van medewerkers actueel houden"
ASK_OTHER = "de overige feedback samen bespreken"
#: a roster change that reached us after the call, by the kind of entry
ASK_BY_KIND = {
    "absence": ASK_ABSENCES,
    "shift": ASK_ROSTER,
    "extra_shift": ASK_ROSTER,
    "coverage": ASK_ROSTER,
    "closure": ASK_CLOSURES,
}
#: an item whose cause lies with the client, without a late change on record
ASK_BY_CATEGORY = {
    "doorverbonden-zonder-dienst": ASK_ROSTER,
    "rooster-niet-actueel": ASK_ROSTER,
    "verkeerde-ontvanger": ASK_ABSENCES,
    "informatie-ontbrak": ASK_INFO,
    "onvolledig": ASK_CALL_TYPES,
    "fout-nummer": ASK_NUMBERS,
    "anders": ASK_OTHER,
}

#: every label the report prints
REPORT_CALL_TYPE_LABEL = "Notities: {title}"
REPORT_CALL_TYPE_COMPLETE = (
    "volledig bij eerste opslag (alle vragen beantwoord): {complete} ({pct})"
)
REPORT_LABELS = {
    "title": "Rapportage",
    "period": "Periode",
    "made": "Opgesteld",
    "hours": "uur",
    "indicators": "Kerncijfers",
    "feedback": "Feedback",
    "patterns": "Structurele patronen",
    "asks": "Wat wij van u vragen",
    "definitions": "Definities",
    "no_feedback": "Geen feedback deze week.",
    "no_patterns": "Geen terugkerende oorzaken.",
    "no_asks": "Niets deze week.",
    "structural": "structureel",
    "action": "actie",
    "owner": "eigenaar",
    "status": "status",
    "cause": "oorzaak",
    "provisional": "voorlopig: herhaalde oproepen tot en met {day} zijn nog niet bekend",
    "col_indicator": "Kerncijfer",
    "col_value": "Waarde",
    "col_detail": "Toelichting",
    "col_id": "#",
    "col_when": "Wanneer",
    "col_category": "Categorie",
    "col_said": "Wat de klant zei",
    "not_applicable": "n.v.t.",
}
REPORT_INDICATORS = {
    "calls": "Gesprekken",
    "missed": "Gemiste oproepen",
    "average_handling_seconds": "Gemiddelde gesprekstijd",
    "timing_softphone": "Tijden van de softphone",
    "timing_desk": "Tijden van de desk-timer",
    "notes": "Terugbelnotities",
    "transfers": "Doorverbonden",
    "failed_transfers": "Doorverbinden mislukt",
    "stopped_transfers": "Doorverbinden gestopt door de desk",
    "overrides": "Genegeerde waarschuwingen",
    "feedback": "Feedback",
    "feedback_unfounded": "Feedback onterecht",
    "first_time_right_pct": "First-time-right (%)",
    "first_time_right": "First-time-right (gesprekken)",
    "judgeable": "Te beoordelen gesprekken",
    "not_judgeable": "Niet te beoordelen (geen nummer)",
    "not_measured": "Niet gemeten",
}
FEEDBACK_STATUS_TEXT = {
    "nieuw": "nieuw",
    "actie-uitgezet": "actie uitgezet",
    "afgerond": "afgerond",
    "onterecht": "onterecht",
}
FEEDBACK_CAUSE_TEXT = {"ons": "bij ons", "client": "bij de klant", "onbekend": "onbekend"}


# --- starting and stopping the desk (kccdesk.ui.factory), the ring socket ---------------
NO_CLIENTS_YET = (
    "kccdesk: er zijn nog geen klanten; importeer ze met 'kccdesk import MAP' "
    "of probeer 'kccdesk demo'."
)
DESK_STOPPED = "kccdesk: de desk is gestopt door een fout ({reason}){where}"
CRASH_DETAILS_IN = "; details in {path}"
WAITING_FOR_OWNER = (
    "kccdesk: {error} — de desk wacht en probeert het elke {seconds:.0f} s opnieuw (Ctrl+C stopt)"
)
RING_OTHER_USER = "alleen de eigen gebruiker mag deze desk aansturen"
RING_NO_CLIENT = "onbekend nummer {line}: geen klant met deze lijn"
RING_NOT_READY = "de desk is nog niet klaar"
PHONE_NOT_SET_UP = "geen softphone ingesteld"
ROSTER_MIN_NOT_A_NUMBER = "minimaal aantal '{value}' is geen getal"
ROSTER_CHOOSE_PERSON = "kies een medewerker"
HISTORY_BEFORE = "voor"
HISTORY_AFTER = "na"
DRAFT_NO_NAME = "(geen naam)"


# --- the board (kccdesk.board): unfinished work across every client ---------------------------

BOARD_TITLE = "Bord — openstaand werk, alle klanten"
BOARD_OPEN = "Openstaand — meest dringend en oudste eerst"
BOARD_FAILED = "Notitie voor {name} van {caller} niet afgeleverd: {reason}"
BOARD_REMINDER = "Terug van {agent}: {text}"
BOARD_DRAFT = "Concept op de desk van {agent} ({count}) niet opgeslagen"
BOARD_NOTHING = "Niets openstaand. ✓"
BOARD_DESKS = "Desks online"
BOARD_NO_DESKS = "Geen desks online."
BOARD_DESK_LINE = "{agent}  {client}  {call}"
BOARD_NO_CALL = "geen gesprek"
BOARD_IN_CALL = "in gesprek {duration}"
BOARD_AGE = "{age} geleden"
BOARD_IN = "over {age}"
BOARD_KINDS = {
    "gap": "gat",
    "replacement": "vervanging",
    "failed": "notitie",
    "reminder": "terug",
    "agenda": "agenda",
    "draft": "concept",
}
BOARD_HINT = "Enter: open waar het opgelost wordt · Ctrl+X: herinnering afgehandeld · Esc: terug"
BOARD_REFRESHED = "bijgewerkt {time}"
BOARD_DONE = "Herinnering afgehandeld: {text}"
BOARD_ONLY_LEADS = "Het bord is voor roosteraars en teamleiders."
KEY_BOARD = "Bord"
KEY_REMINDER_DONE = "Herinnering af"
BOARD_ONLY_REMINDERS = (
    "Ctrl+X rondt een herinnering af; dit item verdwijnt vanzelf als het opgelost is (Enter)"
)
TIP_BOARD = "Openstaand werk van alle klanten: gaten, mislukte notities, herinneringen"
KEY_REMIND = "Terugleggen"
TIP_REMIND = "Leg deze notitie of taak weg tot een tijd; ze komt dan terug op uw desk en het bord"
REMIND_TITLE = "Terugleggen tot…"
REMIND_WHAT = "Wat moet er dan gebeuren?"
REMIND_WHEN = "Wanneer? (14:00, morgen 9:30, vr 08:00, over 20 min)"
REMIND_HINT = "Enter: terugleggen · Esc: terug"
REMIND_SET = "Teruggelegd tot {when}: {text}"
REMIND_REFUSED = "Niet teruggelegd: {problem}"
REMIND_BACK = "⏰ Terug: {text} ({client})"
REMIND_PREFILL = "Terugbellen over {name}: "
REMIND_FOR = "Voor {client}"
KEY_HOLD_NOTE = "Terugleggen"
HOLD_NOTE_TEXT = "Notitie voor {name} van {caller} ({phone}) — concept onder F12"
HOLD_NOTE_SET = "Notitie teruggelegd tot {when}; niet verstuurd, het concept staat onder F12"

KEY_OPEN = "Openen"

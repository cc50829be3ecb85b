"""The rules of acknowledgement, as plain Python: signed tokens, replies read as hostile
mail, and who an escalation round goes to — decided at that moment with the roster's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from ack_helpers import WARMTENET, WEDNESDAY_2145
from kccdesk.ack.escalation import (
    DEFAULT_ORDER,
    next_due,
    order_of,
    rounds_of,
    target_of,
)
from kccdesk.ack.replies import MAX_MAIL_BYTES, own_words, read_reply, says_yes
from kccdesk.ack.tokens import BadToken, check_token, form_key, make_token, read_token
from kccdesk.ack.trail import NoteEvent, ack_figures
from kccdesk.clientfile import ImportErrors, parse_client
from kccdesk.clients.model import Absence, EscalationStep
from kccdesk.duty.roster import duty_at

SECRET = bytes(range(32))
UUID = "0b7f3a52-1c1d-4b8e-9a53-2f0e6c1d9a10"
NOW = datetime(2026, 12, 2, 20, 45, tzinfo=UTC)


# --- tokens ----------------------------------------------------------------------------


def test_a_token_names_its_note_and_recipient_and_is_good_until_it_expires():
    token = make_token(SECRET, 42, UUID, "emulder", NOW, days=7)
    claim = check_token(SECRET, token, UUID, NOW + timedelta(days=6))
    assert (claim.note_id, claim.person) == (42, "emulder")
    with pytest.raises(BadToken, match="verlopen"):
        check_token(SECRET, token, UUID, NOW + timedelta(days=7))


def test_a_token_is_worth_nothing_for_another_note_secret_or_after_tampering():
    token = make_token(SECRET, 42, UUID, "emulder", NOW)
    with pytest.raises(BadToken):  # the same id in another database: another UUID
        check_token(SECRET, token, "11111111-1c1d-4b8e-9a53-2f0e6c1d9a10", NOW)
    with pytest.raises(BadToken):
        check_token(bytes(32), token, UUID, NOW)
    body, signature = token.split(".")
    other = make_token(SECRET, 43, UUID, "emulder", NOW).split(".")[0]
    with pytest.raises(BadToken):  # another note's body with this signature
        check_token(SECRET, f"{other}.{signature}", UUID, NOW)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    with pytest.raises(BadToken):
        check_token(SECRET, f"{body}.{flipped}", UUID, NOW)


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "x" * 10_000,
        "abc.def",
        "🙂.🙂",
        "a\x00b.c",
        "../../etc/passwd",
        "A" * 30 + "." + "B" * 22,
    ],
)
def test_anything_else_than_a_token_is_refused_before_it_is_looked_up(token):
    with pytest.raises(BadToken):
        _note, _, _ = read_token(token)
        check_token(SECRET, token, UUID, NOW)


def test_a_token_of_year_9999_or_before_1970_does_not_crash():
    last = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    late = make_token(SECRET, 1, UUID, "x", last, days=7)
    assert check_token(SECRET, late, UUID, last).person == "x"
    early = make_token(SECRET, 1, UUID, "x", datetime(1969, 1, 1, tzinfo=UTC), days=1)
    with pytest.raises(BadToken):
        check_token(SECRET, early, UUID, NOW)
    huge = "OTk5OTk5OTk5OTk5OTk5OTk5OTk6MTpyYm9z." + "A" * 22  # 99999999999999999999:1:rbos
    with pytest.raises(BadToken, match="onleesbaar"):
        read_token(huge)


def test_the_form_key_belongs_to_one_token():
    token = make_token(SECRET, 42, UUID, "emulder", NOW)
    other = make_token(SECRET, 43, UUID, "emulder", NOW)
    assert form_key(SECRET, token) == form_key(SECRET, token)
    assert form_key(SECRET, token) != form_key(SECRET, other)
    assert form_key(SECRET, token) != form_key(bytes(32), token)


# --- replies ---------------------------------------------------------------------------


def mail(body: str, *, headers: str = "", ctype: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        "From: Erik Mulder <E.Mulder@warmtenet.example.nl>\r\n"
        "To: kcc@example.nl\r\nSubject: Re: [DRINGEND] Terugbelverzoek\r\n"
        f"In-Reply-To: <{UUID}.1@kccdesk>\r\nReferences: <{UUID}@kccdesk> <{UUID}.1@kccdesk>\r\n"
        f"Content-Type: {ctype}\r\n{headers}\r\n"
    )
    return (head + body).encode()


@pytest.mark.parametrize(
    "body",
    [
        "ok",
        "OK!",
        "Oké, ik bel hem",
        "gezien",
        "Ja",
        "akkoord.",
        "yes, on my way",
        "Seen",
        "ok\r\n\r\n> Terugbelverzoek voor Erik\r\n> ok",
    ],
)
def test_a_reply_that_says_yes_acknowledges_its_note(body):
    reply = read_reply(mail(body))
    assert reply.acknowledges
    assert reply.notes == (UUID,)
    assert reply.sender == "e.mulder@warmtenet.example.nl"


@pytest.mark.parametrize(
    "body",
    [
        "nee",
        "ok maar ik kan niet, bel Rik",
        "Ja nee, niet vandaag",
        "not ok",
        "wie is dit?",
        "",
        "> ok\r\n> gezien",  # only the quoted mail says it
        "Verstuurd vanaf mijn iPhone\r\n\r\nOp 2 dec. 2026 om 21:50 heeft kcc@example.nl het "
        "volgende geschreven:\r\n> ok",
        "\u202eok",  # a direction mark first: not the word "ok"
        "Yes I won't be able to",
        "OK - unable to go, someone else please",
        "ja maar ben ziek, bel iemand anders",
        "Seen, but I'm abroad",
        "ok\nmaar ik kan niet",
        "ok " + "echt " * 100,  # a long message, not an acknowledgement
    ],
)
def test_a_reply_that_does_not_say_yes_changes_nothing(body):
    assert not read_reply(mail(body)).acknowledges


def test_quoted_text_is_cut_where_mail_programs_start_it():
    assert own_words("ok\n\nOn Wed, Dec 2, 2026 at 21:50 KCC wrote:\n> nee") == "ok"
    assert own_words("gezien\r\n-----Oorspronkelijk bericht-----\r\nVan: kcc") == "gezien"
    assert own_words("ja\n________________________________\nVan: kcc\nnee") == "ja"
    assert says_yes(own_words("  \n  ok  \n"))


def test_an_automatic_reply_never_acknowledges():
    for header in (
        "Auto-Submitted: auto-replied\r\n",
        "Precedence: auto_reply\r\n",
        "X-Autoreply: yes\r\n",
    ):
        assert not read_reply(mail("Ja, ik ben afwezig tot maandag", headers=header)).acknowledges


def test_an_out_of_office_subject_never_acknowledges():
    raw = mail("ok").replace(
        b"Subject: Re: [DRINGEND]", b"Subject: Automatisch antwoord: [DRINGEND]"
    )
    assert not read_reply(raw).acknowledges


def test_a_reply_acknowledges_the_note_it_answers_not_every_note_it_references():
    other = "11111111-2222-4333-8444-555555555555"
    raw = mail("ok").replace(b"References: ", f"References: <{other}@kccdesk> ".encode())
    assert read_reply(raw).notes == (UUID,)  # In-Reply-To names it
    only_references = raw.replace(f"In-Reply-To: <{UUID}.1@kccdesk>\r\n".encode(), b"")
    assert read_reply(only_references).notes == (UUID,)  # the last reference: the parent


@pytest.mark.parametrize(
    "hostile",
    [
        b"From: " + b"," * 200_000 + b"\r\nIn-Reply-To: <" + UUID.encode() + b"@kccdesk>\r\n\r\nok",
        b"Content-Type: text/html\r\n\r\n" + b"<a " * 80_000,
        b"Content-Type: text/html\r\n\r\n" + b"<div>" * 50_000,
        b"Content-Type: text/plain" + b"; a=b" * 40_000 + b"\r\n\r\nok",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + b"--x\r\n\r\nok\r\n" * 20_000,
        b"X: " + b"y" * 70_000 + b"\r\n\r\nok",
    ],
    ids=["from-commas", "unclosed-tags", "divs", "parameters", "parts", "long-header"],
)
def test_a_mail_made_to_be_slow_is_read_quickly(hostile):
    import time

    started = time.perf_counter()
    read_reply(hostile)
    assert time.perf_counter() - started < 1.0


def test_a_reply_is_matched_by_its_message_id_never_by_its_subject():
    raw = ("From: e@x.nl\r\nSubject: Re: notitie 5 <" + UUID + "@kccdesk>\r\n\r\nok").encode()
    assert read_reply(raw).notes == ()
    foreign = mail("ok").replace(b"@kccdesk>", b"@elders.nl>")
    assert read_reply(foreign).notes == ()


def test_an_html_reply_is_read_as_text_and_its_blockquote_ignored():
    body = (
        "<html><head><style>p{}</style><script>alert(1)</script></head><body>"
        "<div>Gezien&nbsp;!</div><blockquote>nee</blockquote></body></html>"
    )
    reply = read_reply(mail(body, ctype="text/html; charset=utf-8"))
    assert reply.acknowledges and "alert" not in reply.text
    reply = read_reply(mail("<div>nee</div><blockquote>ok</blockquote>", ctype="text/html"))
    assert not reply.acknowledges


def test_hostile_mail_is_refused_quietly():
    assert not read_reply(b"\x00\xff" * 100).acknowledges
    assert not read_reply(mail("ok" + "x" * MAX_MAIL_BYTES)).acknowledges
    assert read_reply(mail("ok", ctype="text/plain; charset=klingon-9")).acknowledges not in (None,)
    weird = mail(
        "=E9=E9 ok",
        headers="Content-Transfer-Encoding: quoted-printable\r\n",
        ctype="text/plain; charset=iso-8859-1",
    )
    assert not read_reply(weird).acknowledges  # "éé ok": the first word is not "ok"
    assert read_reply(mail("ok\x1b[31m\x07")).text == "ok[31m"
    many = mail("ok").replace(
        b"References: ", b"References: " + b" ".join(b"<%d@x>" % i for i in range(5000)) + b" "
    )
    assert read_reply(many).notes == (UUID,)  # In-Reply-To; the overlong References dropped


# --- escalation ------------------------------------------------------------------------


@pytest.fixture
def warmtenet(demo_clients):
    return demo_clients[WARMTENET]


def test_the_demo_client_escalates_to_the_recipient_then_whoever_of_techniek_is_on_duty(warmtenet):
    order = order_of(warmtenet, None)
    assert [s.to for s in rounds_of(order)] == [
        "recipient",
        "duty:Techniek",
        "duty:Techniek",
        "meldkamer",
    ]
    saved = datetime(2026, 12, 2, 20, 45, tzinfo=UTC)
    assert next_due(order, 0, saved) == saved + timedelta(minutes=10)
    assert next_due(order, 4, saved) is None
    assert order_of(replace(warmtenet, escalation=()), None) == DEFAULT_ORDER


def test_the_end_of_year_9999_leaves_no_time_to_wait(warmtenet):
    last = datetime(9999, 12, 31, 23, 55, tzinfo=UTC)
    assert next_due(order_of(warmtenet, None), 0, last) is None


def test_each_round_decides_its_recipient_with_the_roster_of_that_moment(warmtenet):
    """Erik Mulder's evening shift ends at 22:00, Rik Bos's night begins: the same step
    names another person before and after."""
    step = EscalationStep(10, "duty:Techniek")
    before = duty_at(warmtenet, WEDNESDAY_2145 + timedelta(minutes=10))
    after = duty_at(warmtenet, WEDNESDAY_2145 + timedelta(minutes=20))
    assert target_of(warmtenet, step, "emulder", before).person == "emulder"
    assert target_of(warmtenet, step, "emulder", after).person == "rbos"
    again = EscalationStep(10, "recipient")
    moved = target_of(warmtenet, again, "emulder", after)
    assert moved.person == "rbos" and "niet in dienst" in moved.why


def test_an_absent_person_is_passed_by_their_replacement_chain(warmtenet):
    night = WEDNESDAY_2145 + timedelta(minutes=20)
    away = Absence("rbos", date(2026, 12, 2), date(2026, 12, 3), "ziek", replaced_by="shoekstra")
    client = replace(warmtenet, absences=(*warmtenet.absences, away))
    status = duty_at(client, night)
    named = target_of(client, EscalationStep(10, "rbos"), "emulder", status)
    assert named.person == "shoekstra" and "vervangt Rik Bos" in named.why
    # Nobody of Techniek on duty (Rik absent, no one covers): only the desks are alerted.
    assert target_of(client, EscalationStep(10, "duty:Techniek"), "emulder", status).person is None
    assert target_of(client, EscalationStep(10, "desk"), "emulder", status).person is None


def test_a_person_named_by_the_step_is_mailed_even_off_duty(warmtenet):
    status = duty_at(warmtenet, WEDNESDAY_2145)  # the control room works days only
    assert target_of(warmtenet, EscalationStep(15, "meldkamer"), "emulder", status).person == (
        "meldkamer"
    )


def test_an_escalation_order_that_cannot_be_followed_is_refused_with_its_line():
    head = '[client]\nid = "k"\nname = "K"\n[[people]]\nid = "a"\nname = "A"\ndepartment = "T"\n'
    for step, says in [
        ('after_minutes = 0\nto = "a"', "after_minutes"),
        ('after_minutes = 10\nto = "b"', "geen persoon"),
        ('after_minutes = 10\nto = "duty:Kantine"', "afdeling 'Kantine'"),
        ('after_minutes = 10\nto = "a"\nrounds = 11', "rounds"),
        ('to = "a"', "after_minutes"),
        ('after_minutes = "tien"\nto = "a"', "geheel getal"),
    ]:
        with pytest.raises(ImportErrors) as caught:
            parse_client(head + "[[escalation]]\n" + step + "\n")
        assert says in str(caught.value)
        assert ":9" in str(caught.value) or "escalatie 1" in str(caught.value)
    fine = parse_client(head + '[[escalation]]\nafter_minutes = 5\nto = "duty:T"\nrounds = 3\n')
    assert fine.escalation == (EscalationStep(5, "duty:T", 3),)


def test_a_call_type_carries_its_own_escalation_and_it_round_trips(warmtenet):
    from kccdesk.clientfile import dump_client

    text = (
        '[client]\nid = "k"\nname = "K"\n[[people]]\nid = "a"\nname = "A"\n'
        '[[escalation]]\nafter_minutes = 30\nto = "a"\n'
        '[[call_types]]\nid = "lek"\ntitle = "Lekkage"\n'
        '[[call_types.escalation]]\nafter_minutes = 5\nto = "desk"\n'
    )
    client = parse_client(text)
    assert order_of(client, client.call_type("lek")) == (EscalationStep(5, "desk"),)
    assert order_of(client, None) == (EscalationStep(30, "a"),)
    again = parse_client(dump_client(client))
    assert again.escalation == client.escalation
    assert again.call_types == client.call_types


# --- figures ---------------------------------------------------------------------------


def test_the_report_figures_count_time_to_acknowledgement_and_escalations():
    saved = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    first = saved + timedelta(minutes=10)
    notes = [(1, saved, first), (2, saved, first), (3, saved, first)]
    events = [
        NoteEvent(1, saved + timedelta(minutes=4), "acked"),
        NoteEvent(2, saved + timedelta(minutes=10), "escalated"),
        NoteEvent(2, saved + timedelta(minutes=16), "acked"),
        NoteEvent(2, saved + timedelta(minutes=30), "acked"),  # a second one changes nothing
        NoteEvent(3, saved + timedelta(minutes=10), "escalated"),
    ]
    figures = ack_figures(notes, events, days=7)
    assert (figures.urgent, figures.acknowledged, figures.escalations) == (3, 2, 2)
    assert figures.median_minutes == 10 and figures.p90_minutes == 16
    assert figures.within_window == pytest.approx(1 / 3)
    assert figures.escalations_per_week == 2
    assert ack_figures([], [], days=7).within_window is None

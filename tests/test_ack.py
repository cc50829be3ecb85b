"""Urgent notes are acknowledged or escalated, with the real parts: the outbox through
aiosmtpd, the page under uvicorn (and in headless Chromium), replies through Dovecot."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import logging
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from ack_helpers import (
    WARMTENET,
    WEDNESDAY_2145,
    Clock,
    Smtp,
    Web,
    ack_settings,
    free_port,
    urgent_note,
    warm_desk,
)
from conftest import DEMO_DIR
from dovecot_helpers import PASSWORD, USER, Dovecot, dovecot_problem
from kccdesk.ack.tokens import BadToken
from kccdesk.core.actor import Actor
from kccdesk.core.errors import StorageError
from kccdesk.core.secret import SecretProblem, load_secret
from kccdesk.notes.mail import message_id
from kccdesk.web.app import create_app

# --- escalation --------------------------------------------------------------------------


def kinds(desk, note_id: int) -> list[str]:
    return [e.kind for e in desk.note_trail(note_id)[1]]


def test_an_urgent_note_escalates_after_its_window_a_normal_one_never(demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    urgent = urgent_note(desk)
    calm = desk.add_note(WARMTENET, "emulder", "Piet", "0612345678", "Meterstand doorgeven")
    assert urgent.escalate_at == clock.now + timedelta(minutes=10)
    assert calm.escalate_at is None
    assert kinds(desk, urgent.id) == ["saved"]
    clock.move(minutes=9, seconds=59)
    assert desk.escalate_due() == []
    clock.move(seconds=1)
    [done] = desk.escalate_due()
    assert (done.note, done.round, done.person) == (urgent.id, 1, "emulder")
    assert desk.escalate_due() == []  # once per round
    assert kinds(desk, calm.id) == ["saved"]


def test_each_round_goes_to_whoever_the_roster_says_then(demo_store):
    """21:45 the note for Erik Mulder; 21:55 him again (on duty until 22:00); 22:05 Techniek's
    duty is Rik Bos; a shift lead reports Rik ill at 22:10: 22:15 nobody of Techniek is on
    duty, the desks are alerted; 22:30 the control room (named by the step)."""
    from kccdesk.clients.model import Absence

    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    seen = []
    for minutes in (10, 10, 10, 15):
        clock.move(minutes=minutes)
        if minutes == 10 and len(seen) == 2:
            lead = warm_desk(demo_store, clock)
            lead.actor = Actor("marieke", True)
            day = WEDNESDAY_2145.date()
            lead.save_roster_entry(WARMTENET, Absence("rbos", day, day, "ziek"))
            desk.sync()
        seen += [(d.round, d.person) for d in desk.escalate_due()]
    assert seen == [(1, "emulder"), (2, "rbos"), (3, None), (4, "meldkamer")]
    note = desk.note_trail(note.id)[0]
    assert note.send_to == "meldkamer" and note.escalate_at is None
    [waiting] = desk.unacknowledged()
    assert waiting.minutes == 45
    assert "⚠ Dringend niet bevestigd: Storingsdienst Warmtenet Noord, 45 min" in waiting.alert


def test_two_desks_at_the_same_moment_escalate_a_round_once(database_url, store, demo_clients):
    clock = Clock(WEDNESDAY_2145)
    first = warm_desk(store, clock)
    first.import_clients(list(demo_clients.values()))
    note = urgent_note(first)
    clock.move(minutes=11)
    from kccdesk.storage import open_store

    others = [warm_desk(open_store(database_url), clock) for _ in range(4)]
    start = threading.Barrier(len(others) + 1)
    done: list = []

    def run(desk) -> None:
        start.wait()
        done.extend(desk.escalate_due())

    threads = [threading.Thread(target=run, args=(d,)) for d in [first, *others]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(d.note, d.round) for d in done] == [(note.id, 1)]
    assert kinds(first, note.id).count("escalated") == 1
    for desk in others:
        desk.close()


def test_an_acknowledged_note_escalates_no_further_and_leaves_the_desks(demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    clock.move(minutes=10)
    desk.escalate_due()
    assert [w.note.id for w in desk.unacknowledged()] == [note.id]
    clock.move(minutes=2)
    assert desk.acknowledge_at_desk(note.id, "Sanne")
    assert not desk.acknowledge_at_desk(note.id, "Karin")  # once
    clock.move(minutes=30)
    assert desk.escalate_due() == [] and desk.unacknowledged() == []
    note, events = desk.note_trail(note.id)
    assert (note.acked_by, note.ack_via) == ("Sanne", "desk")
    assert [e.kind for e in events] == ["saved", "escalated", "acked"]
    from kccdesk.ack.trail import event_text

    assert event_text(events[-1]) == "bevestigd door Sanne via desk (gebeld)"


def test_the_mail_of_each_round_carries_its_link_history_and_own_message_id(demo_store, tmp_path):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock, ack_settings(tmp_path))
    note = urgent_note(desk)
    with Smtp() as smtp:
        assert [o.result for o in desk.deliver_due(smtp.settings)] == ["sent"]
        clock.move(minutes=20)  # the round was due at 21:55; at 22:05 Erik's shift is over
        [round_] = desk.escalate_due()
        assert (round_.person, round_.why) == ("rbos", "Erik Mulder niet in dienst")
        assert [o.result for o in desk.deliver_due(smtp.settings)] == ["sent"]
        first, second = smtp.inbox.messages
    assert first["Message-ID"] == f"<{note.uuid}@kccdesk>"
    assert first["To"] == "e.mulder@warmtenet.example.nl"
    body = first.get_content()
    assert re.search(r"http://127\.0\.0\.1:9/a/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}", body)
    assert second["Message-ID"] == f"<{note.uuid}.1@kccdesk>"
    assert second["To"] == "r.bos@warmtenet.example.nl"
    text = second.get_content()
    assert text.startswith("2e melding: niet bevestigd door Erik Mulder sinds 21:45")
    links = re.findall(r"/a/(\S+)", body + text)
    assert len(set(links)) == 2  # a link of its own for each recipient
    sent = [e for e in desk.note_trail(note.id)[1] if e.kind == "sent"]
    assert [e.who for e in sent] == ["emulder", "rbos"]


def test_a_reply_acknowledges_by_the_message_id_it_answers(demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    other = urgent_note(desk, message="Lekkage")
    reply = (
        "From: Erik Mulder <e.mulder@warmtenet.example.nl>\r\nSubject: Re: iets anders\r\n"
        f"In-Reply-To: {message_id(note)}\r\n\r\nGezien, ik ga erheen\r\n> {other.uuid}\r\n"
    ).encode()
    assert desk.acknowledge_reply(reply) == [note.id]
    assert desk.acknowledge_reply(reply) == []  # again: nothing changes
    acked = desk.note_trail(note.id)[0]
    assert (acked.acked_by, acked.ack_via) == ("emulder", "reply")
    assert desk.note_trail(other.id)[0].acked_at is None
    event = desk.note_trail(note.id)[1][-1]
    assert event.detail == "e.mulder@warmtenet.example.nl: Gezien, ik ga erheen"


# --- the secret --------------------------------------------------------------------------


def test_the_secret_is_made_once_owner_only_and_refused_when_others_can_read_it(tmp_path):
    import os

    path = tmp_path / "keys" / "ack.key"
    old = os.umask(0)
    try:
        first = load_secret(path, create=True)
    finally:
        os.umask(old)
    assert len(first) == 32 and load_secret(path, create=True) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    path.chmod(0o644)
    with pytest.raises(SecretProblem, match="leesbaar voor anderen") as caught:
        load_secret(path)
    assert first.hex() not in str(caught.value)
    path.chmod(0o600)
    path.write_text("kort")
    with pytest.raises(SecretProblem, match="hexadecimale"):
        load_secret(path)
    with pytest.raises(SecretProblem, match="bestaat niet"):
        load_secret(tmp_path / "none.key")


def test_ten_processes_making_the_secret_at_once_agree_on_one(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "ack.key"
    code = (
        "import sys; from pathlib import Path; from kccdesk.core.secret import load_secret;"
        f"print(load_secret(Path({str(path)!r}), create=True).hex())"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(10)
    ]
    assert len({run.communicate()[0] for run in runs}) == 1


# --- the page, under uvicorn -------------------------------------------------------------


class Browser:
    """urllib with cookies, as a phone's browser keeps them."""

    def __init__(self, address: str = "127.0.0.1"):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def get(self, url: str):
        return self._open(urllib.request.Request(url))

    def post(self, url: str, body: bytes, headers: dict | None = None):
        request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
        return self._open(request)

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()
        return response.status, response.headers, response.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.fixture
def served(demo_store, tmp_path):
    """A desk, its note and the page of that note under a real uvicorn."""
    port = free_port()
    clock = Clock(WEDNESDAY_2145)
    ack = ack_settings(tmp_path, port)
    desk = warm_desk(demo_store, clock, ack)
    note = desk.add_note(
        WARMTENET,
        "emulder",
        "Jan <b>de</b> Vries",
        "0612345678",
        "<script>alert('x')</script> geen warmte 🔥",
        urgency="dringend",
    )
    with Web(create_app(desk, ack.base_url), port) as web:
        yield desk, note, web, desk.ack_link(note)


def test_opening_the_link_shows_the_note_and_never_acknowledges_it(served):
    desk, note, _web, link = served
    for _ in range(3):  # a mail scanner, a preview, the recipient
        status, headers, page = Browser().get(link)
        assert status == 200
    assert "Jan &lt;b&gt;de&lt;/b&gt; Vries" in page and "<script>" not in page
    assert "&lt;script&gt;" in page and "🔥" in page and "Gezien — ik handel het af" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "same-origin"
    note = desk.note_trail(note.id)[0]
    assert note.acked_at is None
    assert kinds(desk, note.id) == ["saved", "opened"]  # opened once in the trail


def test_only_the_pages_own_form_acknowledges_once(served):
    desk, note, web, link = served
    browser = Browser()
    _, _, page = browser.get(link)
    key = csrf_of(page)
    assert Browser().post(link, b"")[0] == 403  # a POST without the page (a scanner)
    assert browser.post(link, b"csrf=wrong")[0] == 403
    for elsewhere in ("https://evil.example", "null"):
        assert browser.post(link, f"csrf={key}".encode(), {"Origin": elsewhere})[0] == 403
    assert browser.post(link, b"&".join([b"a=1"] * 50))[0] == 403  # too many fields: no 500
    assert desk.note_trail(note.id)[0].acked_at is None
    own = {"Origin": web.url("")}
    status, headers, done = browser.post(link, f"csrf={key}".encode(), own)
    assert status == 200 and "Location" not in headers
    assert "Bevestigd door Erik Mulder" in done and "<form" not in done
    acked = desk.note_trail(note.id)[0]
    assert (acked.acked_by, acked.ack_via) == ("emulder", "link")
    assert browser.post(link, f"csrf={key}".encode())[0] == 200  # a replay changes nothing
    assert kinds(desk, note.id).count("acked") == 1
    assert "Bevestigd door Erik Mulder" in Browser().get(link)[2]


def test_a_link_shows_only_its_own_note_and_bad_links_are_slowed_down(served, caplog):
    desk, _note, web, link = served
    other = urgent_note(desk, message="Lekkage bij buren")
    token = link.rsplit("/", 1)[1]
    body, signature = token.split(".")
    other_link = desk.ack_link(other)
    other_body = other_link.rsplit("/", 1)[1].split(".")[0]
    browser = Browser()
    caplog.set_level(logging.INFO, "kccdesk.serve")
    assert browser.get(web.url(f"/a/{other_body}.{signature}"))[0] == 404
    assert browser.get(web.url("/a/" + "A" * 40 + "." + "B" * 22))[0] == 404
    assert browser.get(web.url("/a/../../etc/passwd"))[0] == 404
    assert browser.get(web.url("/a/x?next=https://evil.example"))[0] == 404
    assert browser.get(web.url("/elders"))[0] == 404
    assert browser.post(web.url("/a/x"), b"x" * 10_000)[0] in (403, 413)
    for _ in range(20):
        browser.get(web.url(f"/a/{body}.{'C' * 22}"))
    status, headers, _ = browser.get(web.url(f"/a/{body}.{'E' * 22}"))
    assert status == 429 and "Retry-After" in headers
    secret = load_secret(desk._ack.secret_path)
    logged = caplog.text
    assert secret.hex() not in logged and token not in logged and signature not in logged


def test_two_links_opened_one_after_the_other_each_acknowledge(served):
    """From a webmail: the first note's page, then the second's, then the first's button."""
    desk, note, _web, link = served
    other = urgent_note(desk, message="Lekkage")
    browser = Browser()
    first = csrf_of(browser.get(link)[2])
    second_link = desk.ack_link(other)
    second = csrf_of(browser.get(second_link)[2])
    assert browser.post(link, f"csrf={first}".encode())[0] == 200
    assert browser.post(second_link, f"csrf={second}".encode())[0] == 200
    assert browser.post(second_link, f"csrf={first}".encode())[0] == 403  # another page's
    assert desk.note_trail(note.id)[0].acked_at and desk.note_trail(other.id)[0].acked_at


def test_no_redirect_and_no_traceback_whatever_is_asked(served):
    _desk, _note, web, link = served
    browser = Browser()
    status, headers, _ = browser.get(link + "/")
    assert status == 404 and "Location" not in headers
    huge = "OTk5OTk5OTk5OTk5OTk5OTk5OTk6MTpyYm9z." + "A" * 22
    assert browser.get(web.url(f"/a/{huge}"))[0] == 404
    for method in ("PUT", "DELETE", "OPTIONS"):
        request = urllib.request.Request(link, method=method)
        assert browser._open(request)[0] == 404
    assert browser.get(web.url("/healthz"))[0] == 200


def test_a_good_link_still_works_from_an_address_that_tried_bad_ones(served):
    _desk, _note, web, link = served
    browser = Browser()
    body = link.rsplit("/", 1)[1].split(".")[0]
    for _ in range(25):
        browser.get(web.url(f"/a/{body}.{'C' * 22}"))
    assert browser.get(web.url(f"/a/{body}.{'D' * 22}"))[0] == 429
    assert browser.get(link)[0] == 200  # a shared office address is not locked out


def test_a_post_larger_than_a_form_is_refused(served):
    desk, note, _web, link = served
    browser = Browser()
    key = csrf_of(browser.get(link)[2])
    status, _, _ = browser.post(link, f"csrf={key}&x=".encode() + b"y" * 100_000)
    assert status == 413
    assert desk.note_trail(note.id)[0].acked_at is None


def test_an_expired_link_is_refused(served):
    desk, _note, _web, link = served
    desk.clock.move(days=7, seconds=1)
    assert Browser().get(link)[0] == 404


# --- the page in headless Chromium ---------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def chromium():
    import os

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium and chromium-driver are missing (.ci/run installs them)")
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=390,844",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def test_in_chromium_the_page_shows_the_note_and_the_button_acknowledges(served, chromium):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    desk, note, _web, link = served
    chromium.get(link)
    assert "Terugbelverzoek" in chromium.title
    assert (
        "<script>alert('x')</script> geen warmte" in chromium.find_element(By.TAG_NAME, "body").text
    )
    assert desk.note_trail(note.id)[0].acked_at is None  # shown, not acknowledged
    button = chromium.find_element(By.TAG_NAME, "button")
    assert button.text == "Gezien — ik handel het af"
    assert button.size["width"] > 300  # a thumb's width on a phone
    button.click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(chromium, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "Bevestigd door" in d.find_element(By.TAG_NAME, "body").text
    )
    assert "Bevestigd door Erik Mulder" in chromium.find_element(By.TAG_NAME, "body").text
    assert desk.note_trail(note.id)[0].ack_via == "link"
    # the page's own style applies (the CSP allows it by its hash)
    colour = chromium.execute_script(
        "return getComputedStyle(document.querySelector('.done')).backgroundColor"
    )
    assert colour == "rgb(227, 244, 230)"


# --- replies through Dovecot -----------------------------------------------------------


@pytest.fixture
def dovecot():
    import os

    problem = dovecot_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    server = Dovecot()
    server.start()
    yield server
    server.stop()


def test_a_reply_in_the_mailbox_acknowledges_its_note(demo_store, tmp_path, dovecot, monkeypatch):
    """The whole loop: the note mailed through aiosmtpd, Erik's reply (and an out-of-office
    and a "nee") in a real IMAP mailbox, read by the reader `kccdesk serve` runs."""
    from kccdesk.ack.mailbox import read_replies

    monkeypatch.setenv("KCCDESK_IMAP_PASSWORD", PASSWORD)
    clock = Clock(WEDNESDAY_2145)
    ack = ack_settings(
        tmp_path,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security="none",
        imap_user=USER,
        poll_seconds=1,
    )
    desk = warm_desk(demo_store, clock, ack)
    note = urgent_note(desk)
    no = urgent_note(desk, message="Lekkage")
    with Smtp() as smtp:
        desk.deliver_due(smtp.settings)
        mails = {m["Message-ID"]: m for m in smtp.inbox.messages}
    assert "antwoord op deze e-mail" in mails[message_id(note)].get_content()

    def reply(to_note, body: str, extra: str = "") -> bytes:
        sent = mails[message_id(to_note)]
        return (
            f"From: Erik Mulder <e.mulder@warmtenet.example.nl>\r\nTo: {sent['From']}\r\n"
            f"Subject: Re: {sent['Subject']}\r\nIn-Reply-To: {sent['Message-ID']}\r\n"
            f"References: {sent['Message-ID']}\r\n{extra}Content-Type: text/plain; charset=utf-8"
            f"\r\n\r\n{body}\r\n\r\n> {sent.get_content().splitlines()[0]}\r\n"
        ).encode()

    dovecot.deliver(reply(no, "Ja, ik ben afwezig tot maandag", "Auto-Submitted: auto-replied\r\n"))
    dovecot.deliver(reply(no, "nee, bel Rik"))
    stop = threading.Event()
    acked: list[int] = []
    reader = threading.Thread(
        target=lambda: asyncio.run(
            read_replies(ack, lambda raw: acked.extend(desk.acknowledge_reply(raw)), stop.is_set)
        ),
        daemon=True,
    )
    reader.start()
    try:
        deadline = time.monotonic() + 10
        while dovecot.unseen() and time.monotonic() < deadline:
            time.sleep(0.1)
        dovecot.deliver(reply(note, "ok, ik ga erheen"))  # arrives while the reader idles
        while not acked and time.monotonic() < deadline + 10:
            time.sleep(0.1)
    finally:
        stop.set()
        reader.join(15)
    assert acked == [note.id]
    assert desk.note_trail(note.id)[0].acked_by == "emulder"
    assert desk.note_trail(no.id)[0].acked_at is None
    assert dovecot.unseen() == 0  # every mail handled once


def test_a_mailbox_that_refuses_the_login_is_retried_not_fatal(
    tmp_path, dovecot, monkeypatch, caplog
):
    from kccdesk.ack import mailbox

    monkeypatch.setenv("KCCDESK_IMAP_PASSWORD", "fout")
    monkeypatch.setattr(mailbox, "RECONNECT", (0.1,))
    ack = ack_settings(
        tmp_path,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security="none",
        imap_user=USER,
    )
    caplog.set_level(logging.WARNING, "kccdesk.serve")
    started = time.monotonic()
    asyncio.run(
        mailbox.read_replies(ack, lambda raw: None, lambda: time.monotonic() - started > 0.3)
    )
    assert "aanmelden geweigerd voor replies; opnieuw over" in caplog.text
    assert "fout" not in caplog.text  # the password never logged
    assert time.monotonic() - started < 5


def test_a_page_of_a_desk_without_secret_is_a_bad_link(demo_store):
    desk = warm_desk(demo_store, Clock(WEDNESDAY_2145))
    with pytest.raises(BadToken):
        desk.ack_page("x.y")


def test_a_notes_trail_goes_with_it_after_the_retention_period(demo_store):
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    old = urgent_note(desk)
    clock.move(minutes=10)
    desk.escalate_due()
    desk.acknowledge_at_desk(old.id, "Sanne")
    clock.move(days=91)
    kept = urgent_note(desk, message="Vandaag")
    assert desk.purge_expired(90)["notes"] == 1
    assert desk.trails([old.id, kept.id]) == {old.id: [], kept.id: desk.trails([kept.id])[kept.id]}
    assert [e.kind for e in desk.trails([kept.id])[kept.id]] == ["saved"]


def test_a_note_acknowledged_before_its_mail_went_is_mailed_for_the_record_only(
    demo_store, tmp_path
):
    """No desk sent it (no [smtp]); an agent phoned and marked it; `serve` mails it later:
    no 'niet bevestigd', no link asking for what is done."""
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock, ack_settings(tmp_path))
    acked = urgent_note(desk)
    never = urgent_note(desk, message="Lekkage")
    clock.move(minutes=11)
    desk.escalate_due()
    desk.acknowledge_at_desk(acked.id, "Marieke")
    clock.move(hours=3)  # past midnight: the next day
    with Smtp() as smtp:
        desk.deliver_due(smtp.settings)
        mails = {m["Message-ID"]: m.get_content() for m in smtp.inbox.messages}
    first = mails[f"<{acked.uuid}.1@kccdesk>"]
    assert first.startswith("Al bevestigd door Marieke om 02-12-2026 21:56; ter informatie.")
    assert "niet bevestigd" not in first and "/a/" not in first
    other = mails[f"<{never.uuid}.1@kccdesk>"]
    assert other.startswith("Dringend en nog door niemand bevestigd, sinds 02-12-2026 21:45.")
    assert "e melding" not in other and "/a/" in other


def test_the_desk_says_to_phone_whom_the_next_round_would_mail(demo_store):
    """Round 4 of Warmtenet's order is the control room: at 09:30 on a weekday they are
    on duty, and the alert names them — not anyone who happens to be on duty."""
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    for minutes in (10, 10, 10):
        clock.move(minutes=minutes)
        desk.escalate_due()
    clock.move(hours=11, minutes=15)  # Thursday 09:30: Rik's night is over
    [waiting] = desk.unacknowledged()
    assert waiting.note.id == note.id and waiting.call_name == "Meldkamer Warmtenet"
    assert "— bel Meldkamer Warmtenet 050 300 11 00" in waiting.alert
    assert [e.kind for e in waiting.trail][-1] == "escalated"


# --- faults: the mail server away, the database restarted, a name that cannot sign -------


def test_a_round_goes_on_while_the_mail_server_is_away_and_its_mail_follows_once(demo_store):
    """The escalation never waits for the mail: the round happens, every desk is alerted,
    the outbox retries; the mail goes once when the server answers again."""
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    with Smtp() as smtp:
        port = smtp.port
        desk.deliver_due(smtp.settings)
    settings = smtp.settings  # the same address, now nobody answers there
    clock.move(minutes=11)
    [done] = desk.escalate_due()
    assert [o.result for o in desk.deliver_due(settings)] == ["retry"]
    assert [w.note.id for w in desk.unacknowledged()] == [note.id]
    again = Smtp()
    again.port = port
    from aiosmtpd.controller import Controller

    again.controller = Controller(again.inbox, hostname="127.0.0.1", port=port)
    with again:
        clock.move(minutes=1)
        assert [o.result for o in desk.deliver_due(settings)] == ["sent"]
        assert desk.deliver_due(settings) == []
        assert [m["Message-ID"] for m in again.inbox.messages] == [f"<{note.uuid}.1@kccdesk>"]
    kinds_ = [e.kind for e in desk.note_trail(note.id)[1]]
    assert kinds_ == ["saved", "sent", "escalated", "sent"] and done.round == 1


def test_an_agent_name_with_a_control_character_cannot_sign_an_acknowledgement(demo_store):
    from kccdesk.core.errors import InputError

    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(demo_store, clock)
    note = urgent_note(desk)
    for name in ("Ka\x1b[31mrin", "Karin\u202e", "\u200b", "K" * 201):
        with pytest.raises(InputError, match="stuurteken of richtingsteken"):
            desk.acknowledge_at_desk(note.id, name)
    assert desk.note_trail(note.id)[0].acked_at is None


def test_escalation_and_the_page_go_on_after_postgresql_restarts(private_cluster, tmp_path):
    """The server restarted between two passes: the next pass and the next page work on
    new connections; the round is done once."""
    from kccdesk.clientfile import load_clients
    from kccdesk.storage import open_store

    url, restart = private_cluster
    port = free_port()
    ack = ack_settings(tmp_path, port)
    store = open_store(url)
    clock = Clock(WEDNESDAY_2145)
    desk = warm_desk(store, clock, ack)
    desk.import_clients(load_clients([DEMO_DIR]))
    note = urgent_note(desk)
    with Web(create_app(desk, ack.base_url), port) as web:
        link = desk.ack_link(note)
        assert Browser().get(link)[0] == 200
        restart()
        clock.move(minutes=11)
        done = []
        for _ in range(3):  # a pass may meet the connection the restart cut: the next one works
            with contextlib.suppress(StorageError):
                done += desk.escalate_due()
            if done:
                break
        assert [d.round for d in done] == [1]
        assert Browser().get(link)[0] == 200
        assert Browser().get(web.url("/healthz"))[0] == 200
    assert kinds(desk, note.id).count("escalated") == 1
    store.close()

"""The client report: what we ask of the client (from late roster changes and causes with the
client), the patterns as of the week's end, and the four formats; `kccdesk report` with its
refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from kccdesk.cli.main import main
from kccdesk.clients.model import Absence
from kccdesk.core.actor import Actor
from kccdesk.storage import open_store
from kccdesk.teamlead import report as formats
from kccdesk.teamlead.feedback import FeedbackChange
from test_indicators import AMS, BIKES, IMPORTED, desk_on, local, log

#: what the client said, as awkward as it gets: newline, quotes, emoji, right-to-left text
SAID = 'Lisa was "ziek", zei ze; 🤒\nde beller — שלום — werd boos, | <b>echt</b>'


def the_week(store, client) -> dict[str, object]:
    """W48 of the bike shop: a transfer to Lisa whose sick day was entered 40 minutes later,
    two earlier such items (a pattern), missing information (the client's), a wrong number
    (ours), and an unfounded item that looks like a spreadsheet formula."""
    call = log(store, local(2026, 11, 24, 10), 4, "+31612345001", outcome="transferred",
               transferred_to="lisa", timing="softphone")  # fmt: skip
    store.save_roster_entry(
        BIKES,
        Absence("lisa", date(2026, 11, 24), date(2026, 11, 24), "ziek"),
        "marieke",
        now=local(2026, 11, 24, 10, 40),
    )
    desk = desk_on(store)
    late = desk.add_feedback(BIKES, "doorverbonden-zonder-dienst", SAID, call_id=call.id)
    desk.update_feedback(
        late.id, FeedbackChange(status="actie-uitgezet", action="rooster nalopen", owner="Ilse")
    )
    for day in (18, 19):  # the week before: the same mistake about Lisa
        desk.add_feedback(
            BIKES, "doorverbonden-zonder-dienst", "weer Lisa", at=local(2026, 11, day, 9),
            person="lisa",
        )  # fmt: skip
    info = desk.add_feedback(
        BIKES, "informatie-ontbrak", "nieuwe openingstijden ontbraken", at=local(2026, 11, 25, 9),
        cause="client",
    )  # fmt: skip
    desk.add_feedback(BIKES, "fout-nummer", "nummer klopte niet", at=local(2026, 11, 26, 9),
                      cause="ons")  # fmt: skip
    formula = desk.add_feedback(BIKES, "anders", "=1+1 klopt niet", at=local(2026, 11, 27, 9))
    desk.update_feedback(formula.id, FeedbackChange(status="onterecht"))
    return {"late": late, "info": info, "formula": formula}


@pytest.fixture
def week_store(tmp_path, demo_clients):
    store = open_store(f"sqlite:///{tmp_path / 'report.db'}")
    store.import_clients([demo_clients[BIKES]], now=IMPORTED)
    made = the_week(store, demo_clients[BIKES])
    yield store, made
    store.close()


def test_report_asks_the_client_what_would_have_prevented_it(week_store):
    store, made = week_store
    report = desk_on(store).report(BIKES, "2026-W48")
    late, info = made["late"], made["info"]
    assert [(a.text, a.items) for a in report.asks] == [
        ("afwezigheden uiterlijk de dag ervoor doorgeven", (late.id,)),
        ("ontbrekende informatie aanvullen in de instructies", (info.id,)),
    ]
    assert report.asks[0].reasons == (f"afwezigheid toegevoegd 40 min na het gesprek (#{late.id})",)
    items = {i.feedback.id: i for i in report.items}
    assert len(items) == 4  # the week's items, the two of the week before not
    assert items[late.id].late and items[late.id].structural
    assert "40 min na het gesprek" in items[late.id].verdict
    assert not items[info.id].structural and items[info.id].verdict == ""


def test_report_patterns_are_those_at_the_weeks_end(week_store):
    store, _ = week_store
    desk = desk_on(store)
    report = desk.report(BIKES, "2026-W48")
    _, end = report.indicators.week.bounds(AMS)
    assert list(report.patterns) == desk.patterns(BIKES, until=end)
    (pattern,) = report.patterns
    assert pattern.text == (
        "3× doorverbonden zonder dienst bij Fietsenmakerij Van Dijk, steeds L. van Dijk, "
        "rooster 1× te laat bijgewerkt"
    )
    # A week later the pattern's first items have left the fortnight.
    assert desk.report(BIKES, "2026-W50").patterns == ()


def test_json_shape(week_store):
    store, made = week_store
    data = json.loads(formats.to_json(desk_on(store).report(BIKES, "2026-W48")))
    assert set(data) == {
        "client", "name", "timezone", "week", "made_at", "indicators", "feedback", "patterns",
        "asks", "acknowledgement",
    }  # fmt: skip
    assert (data["client"], data["week"], data["timezone"]) == (BIKES, "2026-W48", AMS.key)
    figures = data["indicators"]
    assert figures["calls"] == 1 and figures["timing"] == {"softphone": 1, "desk": 0}
    assert figures["first_time_right"]["calls"] == 0  # the call got (founded) feedback
    assert set(figures["definitions"]) >= {"calls", "first_time_right", "not_measured"}
    first = data["feedback"][0]
    assert (first["said"], first["action"], first["owner"], first["status"]) == (
        SAID,
        "rooster nalopen",
        "Ilse",
        "actie-uitgezet",
    )
    assert first["structural"] and first["late_roster_change"]
    assert data["asks"][0]["items"] == [made["late"].id]
    assert data["patterns"][0]["count"] == 3


def test_csv_parses_back_with_the_csv_module(week_store):
    store, made = week_store
    text = formats.to_csv(desk_on(store).report(BIKES, "2026-W48"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == formats.CSV_COLUMNS
    assert all((r["client"], r["week"]) == (BIKES, "2026-W48") for r in rows)
    figures = {r["sleutel"]: r for r in rows if r["soort"] == "kerncijfer"}
    assert figures["calls"]["waarde"] == "1"
    assert figures["average_handling_seconds"]["waarde"] == "240.0"
    assert figures["first_time_right_pct"]["waarde"] == "0.0"
    assert figures["not_measured"]["waarde"] == ""
    assert "zonder nummer" in figures["first_time_right"]["toelichting"]
    feedback = {int(r["feedback"]): r for r in rows if r["soort"] == "feedback"}
    late = feedback[made["late"].id]
    assert late["wat_de_klant_zei"] == SAID  # newline, quotes, emoji and Hebrew intact
    assert (late["actie"], late["eigenaar"], late["structureel"]) == (
        "rooster nalopen",
        "Ilse",
        "ja",
    )
    assert datetime.fromisoformat(late["tijdstip"]) == local(2026, 11, 24, 10)
    # A spreadsheet must not run what a client said as a formula.
    assert feedback[made["formula"].id]["wat_de_klant_zei"] == "'=1+1 klopt niet"
    (pattern,) = [r for r in rows if r["soort"] == "patroon"]
    assert pattern["waarde"] == "3" and str(made["late"].id) in pattern["feedback"].split()
    asks = [r["omschrijving"] for r in rows if r["soort"] == "vraag"]
    assert asks[0] == "afwezigheden uiterlijk de dag ervoor doorgeven"


def test_markdown_has_headings_and_tables(week_store):
    store, _ = week_store
    text = formats.to_markdown(desk_on(store).report(BIKES, "2026-W48"))
    lines = text.splitlines()
    assert lines[0] == "# Rapportage Fietsenmakerij Van Dijk — week 48, 2026"
    for heading in (
        "## Kerncijfers",
        "## Feedback",
        "## Structurele patronen",
        "## Wat wij van u vragen",
        "## Definities",
    ):
        assert heading in lines
    assert "| Kerncijfer | Waarde | Toelichting |" in lines
    assert (
        "| # | Wanneer | Categorie | Wat de klant zei | Oorzaak | Actie | Eigenaar | Status |"
        in lines
    )
    row = next(line for line in lines if "ziek" in line)
    assert row.count(" | ") == 7  # the pipe in what was said does not add a column
    assert "werd boos, \\| &lt;b&gt;echt&lt;/b&gt;" in row and "<br>" in row
    assert "- **Afwezigheden uiterlijk de dag ervoor doorgeven** (1×)" in text
    assert "tijden: softphone 1, desk-timer 0" in text


def test_plain_text_states_timing_and_definitions(week_store):
    store, _ = week_store
    text = formats.to_text(desk_on(store).report(BIKES, "2026-W48"))
    assert text.startswith("Rapportage Fietsenmakerij Van Dijk (fietsenmakerij-van-dijk)")
    assert "ma 23-11-2026 t/m zo 29-11-2026 (Europe/Amsterdam, 168 uur)" in text
    assert "tijden: softphone 1, desk-timer 0" in text
    assert "First-time-right" in text and "zonder nummer niet te beoordelen" in text
    assert "Niet gemeten: roostertrouw van agents" in text
    assert "Wat wij van u vragen" in text


def test_empty_week_says_so(tmp_path, demo_clients):
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    store.import_clients([demo_clients[BIKES]], now=IMPORTED)
    report = desk_on(store, local(2026, 12, 1, 9)).report(BIKES, "2026-W48")
    text = formats.to_text(report)
    assert "Geen feedback deze week." in text and "n.v.t." in text
    assert "voorlopig: herhaalde oproepen tot en met 06-12-2026" in text
    assert formats.to_markdown(report).count("_Geen") == 1 + 1  # feedback, patterns
    store.close()


def test_report_on_postgresql_too(database_url, demo_clients):
    store = open_store(database_url)
    store.import_clients([demo_clients[BIKES]], now=IMPORTED)
    made = the_week(store, demo_clients[BIKES])
    report = desk_on(store).report(BIKES, "2026-W48")
    assert [a.items for a in report.asks] == [(made["late"].id,), (made["info"].id,)]
    assert report.indicators.calls == 1 and len(report.patterns) == 1
    store.close()


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, demo_clients, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    store.import_clients([demo_clients[BIKES]], now=IMPORTED)
    the_week(store, demo_clients[BIKES])
    store.close()
    monkeypatch.setenv("KCCDESK_DATABASE_URL", url)
    monkeypatch.setenv("KCCDESK_USER", "ilse")
    monkeypatch.setenv("KCCDESK_TEAM_LEADS", "ilse")
    monkeypatch.setenv("KCCDESK_NOW", "2026-12-02T09:00:00+01:00")

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's refusals
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_formats(cli):
    code, out, _ = cli("report", "--client", BIKES, "--week", "2026-W48", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert any(r["wat_de_klant_zei"] == SAID for r in rows)
    code, out, _ = cli("report", "--client", BIKES, "--week", "2026-W48", "--md")
    assert code == 0 and out.startswith("# Rapportage Fietsenmakerij Van Dijk — week 48, 2026")
    code, out, _ = cli("report", "--client", BIKES, "--week", "2026-W48")
    assert code == 0 and "Kerncijfers" in out and "tijden: softphone 1" in out


def test_cli_week_defaults_to_last_week_on_the_clock(cli):
    code, out, _ = cli("report", "--client", BIKES, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["week"] == "2026-W48"  # the clock says Wednesday 2 December (W49)
    assert data["indicators"]["first_time_right"]["provisional"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", "2026-W54"), "kccdesk: --week '2026-W54' bestaat niet: 2026 heeft de weken"),
        (("--week", "2026-W00"), "kccdesk: --week '2026-W00' bestaat niet"),
        (("--week", "vorige"), "kccdesk: --week 'vorige' is geen ISO-week"),
        (("--week", "1999-W01"), "kccdesk: --week '1999-W01': jaar 1999 ligt buiten 2000–2100"),
        (("--json", "--csv"), "argument --csv: niet samen met --json"),
        (("--md", "--csv"), "niet samen met"),
    ],
)
def test_cli_refusals(cli, args, message):
    code, out, err = cli("report", "--client", BIKES, *args)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_cli_unknown_client(cli):
    code, _, err = cli("report", "--client", "bestaat-niet", "--week", "2026-W48")
    assert code == 2 and "kccdesk: onbekende klant 'bestaat-niet'" in err


def test_cli_not_a_team_lead(cli, monkeypatch):
    monkeypatch.setenv("KCCDESK_USER", "piet")
    code, out, err = cli("report", "--client", BIKES, "--week", "2026-W48")
    assert (code, out) == (2, "")
    assert "alleen teamleiders zien het dagoverzicht en de rapportage ('piet'" in err


def test_cli_lists_report_in_help(cli):
    code, out, _ = cli("--help")
    assert code == 0 and "report" in out


def test_a_team_lead_need_not_be_a_shift_lead(week_store):
    store, _ = week_store
    lead = desk_on(store, actor=Actor("ilse", team_lead=True))
    assert lead.report(BIKES, "2026-W48").indicators.calls == 1


def test_markdown_shows_typed_markup_literally():
    """What a client said or a team lead typed never becomes bold, a link or an image when
    the Markdown report is mailed."""
    from kccdesk.teamlead.report import _cell

    cell = _cell("**vet** [klik](http://evil) ![img](http://evil/p.png) `code` <b>x</b> a|b")
    assert "**" not in cell.replace("\\*", "")
    assert "[klik]" not in cell and "![img]" not in cell and "`code`" not in cell
    assert "<b>" not in cell and "a\\|b" in cell

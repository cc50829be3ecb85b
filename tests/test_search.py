"""Search finds what agents mean from a few misspelt letters."""

from datetime import UTC, date, datetime, time, timedelta

from kccdesk.clients.model import WEEKDAYS, Absence, Client, Person, WeeklyShift
from kccdesk.knowledge.search import Catalog, Entry, SearchIndex, entries_for, normalize
from kccdesk.service.desk import Desk

MUNI = "gemeente-oosterwold"


def top(catalog, query, client=MUNI, n=3, today=date(2026, 11, 23)):
    return [(h.kind, h.entry.id) for h in catalog.search(query, client, n, today)]


def test_normalize_strips_accents_and_case():
    assert normalize("Zoë Müller-Dijkstra") == "zoe muller dijkstra"


def test_typos_partial_words_and_roles(demo_clients):
    catalog = Catalog(demo_clients.values())
    assert top(catalog, "burgerzakn", n=1) == [("department", "burgerzaken")]
    assert ("topic", "paspoort-drukte") in top(catalog, "paspoort verlopn")
    wethouders = {p.id for p in demo_clients[MUNI].people if p.role == "Wethouder"}
    assert {pid for _, pid in top(catalog, "wethoder")} == wethouders
    assert top(catalog, "glad", n=1) == [("topic", "gladheid")]
    assert top(catalog, "strooi", n=1) == [("topic", "gladheid")]


def test_accent_insensitive_both_ways(demo_clients):
    catalog = Catalog(demo_clients.values())
    practice = "huisartsen-de-linde"
    assert top(catalog, "patienten bakker", practice, n=1)[0][1] in {"verlof-bakker", "sbakker"}
    assert top(catalog, "coordinator", n=1)[0][0] in ("person", "department")


def test_keywords_count(demo_clients):
    catalog = Catalog(demo_clients.values())
    assert top(catalog, "bakfiets", "fietsenmakerij-van-dijk", n=1) == [("person", "kees")]


def test_topic_outside_window_ranks_below_current_one(demo_clients):
    catalog = Catalog(demo_clients.values())
    hits = catalog.search("actie beurt", "fietsenmakerij-van-dijk", 5, date(2026, 11, 23))
    ids = [h.entry.id for h in hits]
    assert ids.index("winterbeurt") < ids.index("zomerbeurt")
    assert not next(h for h in hits if h.entry.id == "zomerbeurt").current


def test_search_is_scoped_to_one_client_unless_all(demo_clients):
    catalog = Catalog(demo_clients.values())
    assert {h.entry.client for h in catalog.search("paspoort", MUNI, 10)} == {MUNI}
    everywhere = {h.entry.client for h in catalog.search("paspoort", None, 20)}
    assert {"gemeente-kempenhout", MUNI} <= everywhere


def test_highlight_spans_point_at_matched_words(demo_clients):
    index = SearchIndex(entries_for(demo_clients[MUNI]))
    hit = index.search("gladheid", limit=1)[0]
    start, end = hit.highlights[0]
    assert hit.entry.title[start:end] == "Gladheidsbestrijding"


def test_empty_and_nonsense_queries_return_nothing(demo_clients):
    index = SearchIndex(entries_for(demo_clients[MUNI]))
    assert index.search("   ") == []
    assert index.search("qxzqxzqxz") == []


def _people(*names: str, keywords: tuple[str, ...] = ()) -> list[Entry]:
    return [
        Entry("test", "person", normalize(name).replace(" ", "-"), name, "", keywords)
        for name in names
    ]


HEARD = SearchIndex(
    _people(
        "Jan Meijer",
        "Petra Meyer",
        "Karel Meier",
        "Gert de Jongh",
        "Anna de Jong",
        "Lieke van den Berg",
        "Sanne Hendrickx",
        "Thijs Mulder",
        "Els Bouwens",
        "Joris Vandenberghe",
        "Ruud Bergman",
        "Kees 't Hart",
        "Mia op de Beeck",
        "Tessa Hartman",
    )
)


def ids(query: str, n: int = 5) -> list[str]:
    return [h.entry.id for h in HEARD.search(query, limit=n)]


def test_a_sound_alike_family_comes_up_together_the_exact_spelling_first():
    for query, exact in (("meier", "karel-meier"), ("meyer", "petra-meyer")):
        found = ids(query, 3)
        assert found[0] == exact
        assert set(found) == {"jan-meijer", "petra-meyer", "karel-meier"}
    assert set(ids("maier", 3)) == {"jan-meijer", "petra-meyer", "karel-meier"}


def test_names_as_heard_find_the_written_spelling():
    assert ids("hendrix", 1) == ["sanne-hendrickx"]
    assert ids("tijs", 1) == ["thijs-mulder"]
    assert ids("bauwens", 1) == ["els-bouwens"]


def test_particles_glued_or_dropped():
    assert ids("vandenberg", 1) == ["lieke-van-den-berg"]
    assert ids("berg", 1) == ["lieke-van-den-berg"]
    assert ids("dejong", 2) == ["anna-de-jong", "gert-de-jongh"]
    assert ids("dejongh", 2) == ["gert-de-jongh", "anna-de-jong"]
    assert ids("van den berghe", 1) == ["joris-vandenberghe"]
    assert ids("berghe", 1) == ["joris-vandenberghe"]
    assert ids("thart", 1) == ["kees-t-hart"]
    assert ids("opdebeeck", 1) == ["mia-op-de-beeck"]
    assert ids("tessa hartman", 1) == ["tessa-hartman"]  # 'te' + 'ssa' is no particle


def test_a_glued_match_highlights_the_words_of_the_name():
    (hit,) = HEARD.search("vandenberg", limit=1)
    assert [hit.entry.title[a:b] for a, b in hit.highlights] == ["Berg"]


def test_duty_orders_hits_of_nearly_equal_score():
    # names without letters of the query: the four keyword matches score the same
    people = _people("Vos F", "Vos G", "Vos H", "Vos J", keywords=("paspoort",))
    index = SearchIndex([*people, *_people("Paspoort Balie")])
    rank = {"vos-f": 2, "vos-g": 1, "vos-h": 0, "vos-j": 1, "paspoort-balie": 1}
    plain = index.search("paspoort", limit=5)
    assert [h.entry.id for h in plain] == ["paspoort-balie", "vos-f", "vos-g", "vos-h", "vos-j"]
    assert plain[0].score - plain[1].score > 10  # a title match stays above the rest
    ranked = index.search("paspoort", limit=5, duty_rank=lambda e: rank[e.id])
    assert [h.entry.id for h in ranked] == ["paspoort-balie", "vos-h", "vos-g", "vos-j", "vos-f"]


def test_duty_does_not_beat_a_clearly_better_hit():
    index = SearchIndex(_people("Jan Meijer", "Jan Meijers"))
    rank = {"jan-meijer": 1, "jan-meijers": 0}
    hits = index.search("jan meijer", limit=2, duty_rank=lambda e: rank[e.id])
    assert [h.entry.id for h in hits] == ["jan-meijer", "jan-meijers"]
    # and the exact spelling of a sound-alike family stays first whoever is on duty
    rank = {"karel-meier": 2, "jan-meijer": 0, "petra-meyer": 0}
    hits = HEARD.search("meier", limit=3, duty_rank=lambda e: rank.get(e.id, 1))
    assert hits[0].entry.id == "karel-meier"


def test_entry_and_topic_share_one_validity_rule(demo_clients):
    topic = next(t for t in demo_clients[MUNI].topics if t.valid_from and t.valid_until)
    (entry,) = [e for e in entries_for(demo_clients[MUNI]) if e.id == topic.id]
    for day in (topic.valid_from, topic.valid_until):
        assert entry.is_current(day) and topic.is_current(day)
    for day in (topic.valid_from - timedelta(days=1), topic.valid_until + timedelta(days=1)):
        assert not entry.is_current(day) and not topic.is_current(day)
    assert entry.is_current(None)


def test_desk_lists_the_person_on_duty_before_people_off_duty_and_absent_ones_last():
    people = tuple(
        Person(pid, name, keywords=("paspoort",))
        for pid, name in (
            ("pia", "Pia Post"),  # names like the query: without duty these come first
            ("sara", "Sara Poort"),
            ("henk", "Henk Mulder"),
            ("ans", "Ans Spoor"),
        )
    )
    always = (
        WeeklyShift("henk", WEEKDAYS, time(0), time(12)),
        WeeklyShift("henk", WEEKDAYS, time(12), time(0)),
        WeeklyShift("ans", WEEKDAYS, time(0), time(12)),
        WeeklyShift("ans", WEEKDAYS, time(12), time(0)),
    )
    client = Client(
        "balie",
        "Balie",
        people=people,
        shifts=always,
        absences=(Absence("ans", date(2026, 11, 1), date(2026, 12, 31), "ziek", "henk"),),
    )
    desk = Desk(open_store=lambda: None, clients=[client])
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    plain = [h.entry.id for h in Catalog([client]).search("paspoort", "balie", 4)]
    assert plain.index("henk") > plain.index("pia")
    assert plain.index("ans") < plain.index("sara")
    found = [h.entry.id for h in desk.search("paspoort", "balie", 4, at=at)]
    assert found[0] == "henk"
    assert found[-1] == "ans"
    assert found[1:3] == [i for i in plain if i in ("pia", "sara")]


def test_the_person_an_instruction_names_is_found_by_its_word(demo_clients):
    """Issue 23: "Pers altijd naar de woordvoerder." — "pers" finds the spokesman first;
    another person's role is no word about someone ("burgemeester" still finds the mayor)."""
    from kccdesk.knowledge.search import SearchIndex, entries_for

    index = SearchIndex(entries_for(demo_clients["gemeente-oosterwold"]))
    assert index.search("pers")[0].entry.id == "ghoekstra"
    assert index.search("burgemeester")[0].entry.id == "lvandermeer"
    assert index.search("klacht")[:3] and "rvandijk" in [
        h.entry.id for h in index.search("klacht")[:3]
    ]

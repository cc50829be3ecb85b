"""Search finds what agents mean from a few misspelt letters."""

from datetime import date

from kccdesk.search import Catalog, SearchIndex, entries_for, normalize

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

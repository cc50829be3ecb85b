"""The roster kinds are listed once (kccdesk.duty.kinds): every map by kind follows that list,
and the rules of one kind hold whichever door an entry comes through."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from kccdesk import texts
from kccdesk.clientfile import ImportErrors, parse_client
from kccdesk.clients.model import Client, Coverage
from kccdesk.core.actor import Actor
from kccdesk.duty import kinds
from kccdesk.service.desk import Desk, NotAllowed
from kccdesk.storage import base, roles, rows, tables
from kccdesk.ui.screens import roster_forms

TEXT = (
    '[client]\nid = "uden"\nname = "Uden"\n\n'
    '[[people]]\nid = "anna"\nname = "Anna"\ndepartment = "balie"\n'
)


def test_every_map_by_kind_knows_every_kind_and_no_other():
    names = set(kinds.NAMES)
    for where, mapping in {
        "storage.rows.ROSTER_TABLES": rows.ROSTER_TABLES,
        "storage.tables.ROSTER": tables.ROSTER,
        "texts.ROSTER_KINDS": texts.ROSTER_KINDS,
        "texts.ROSTER_FORM_TITLE": texts.ROSTER_FORM_TITLE,
        "ui.roster_forms.FIELDS": roster_forms.FIELDS,
        "texts.ROSTER_CHANGE_KIND": texts.ROSTER_CHANGE_KIND,
        "texts.ASK_BY_KIND": texts.ASK_BY_KIND,
    }.items():
        assert set(mapping) == names, where
    assert set(roles.ROSTER_TABLES) == names
    assert names <= set(base._GUARDED)
    for kind in kinds.KINDS:
        assert rows.ROSTER_TABLES[kind.name].__table__ is tables.ROSTER[kind.name]
        assert tables.ROSTER[kind.name].name == kind.name
        assert {f.name for f in dataclasses.fields(Client)} >= {kind.section}


def test_a_non_shift_lead_cannot_change_coverage_by_import(store):
    store.import_clients([parse_client(TEXT)])
    agent = Desk(store, actor=Actor("piet"))
    covered = dataclasses.replace(
        parse_client(TEXT), coverage=(Coverage(("mon",), time(9), time(17), "balie"),)
    )
    with pytest.raises(NotAllowed, match="alleen roosterbeheerders"):
        agent.import_clients([covered])
    assert store.load_client("uden").coverage == ()
    lead = Desk(store, actor=Actor("marieke", shift_lead=True))
    lead.import_clients([covered])
    assert len(store.load_client("uden").coverage) == 1


def test_the_service_applies_the_client_data_rules_to_a_client_from_any_source(store):
    """A client built in code (not read from a file) meets the same rules: a name with a bidi
    override, a shift of someone who is not of the client, an overlap of two shifts."""
    from kccdesk.clients.model import WeeklyShift

    client = parse_client(TEXT)
    desk = Desk(store, actor=Actor("marieke", shift_lead=True))
    bad_name = dataclasses.replace(client, name="Uden\u202egnikcab")
    stranger = dataclasses.replace(
        client, shifts=(WeeklyShift("nobody", ("mon",), time(9), time(17)),)
    )
    overlap = dataclasses.replace(
        client,
        shifts=(
            WeeklyShift("anna", ("mon",), time(9), time(17)),
            WeeklyShift("anna", ("mon",), time(12), time(20)),
        ),
    )
    for wrong, says in ((bad_name, "name"), (stranger, "nobody"), (overlap, "overlapt")):
        with pytest.raises(ImportErrors, match=says):
            desk.import_clients([wrong])
    assert store.load_clients() == []

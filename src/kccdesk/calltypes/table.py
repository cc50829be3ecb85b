"""A call type as a plain table, in the client file's shape (DESIGN.md `[[call_types]]`):
what the export writes and the database keeps. Checked data only: a file's call types are
checked as it is read (kccdesk.clientfile), field by field with its lines."""

from __future__ import annotations

from typing import Any

from kccdesk.clients.model import AnswerRule, CallType, EscalationStep, Route, TypeField
from kccdesk.core.when import clock_text, parse_clock, parse_end_clock


def call_type_table(call_type: CallType) -> dict[str, Any]:
    """The type in file order, leaving out what equals its default."""
    table: dict[str, Any] = {"id": call_type.id, "title": call_type.title}
    if call_type.keywords:
        table["keywords"] = list(call_type.keywords)
    if call_type.instructions:
        table["instructions"] = call_type.instructions
    if call_type.urgency:
        table["urgency"] = call_type.urgency
    if call_type.route_to:
        table["route_to"] = call_type.route_to
    if call_type.fields:
        table["fields"] = [_field_table(f) for f in call_type.fields]
    if call_type.routes:
        table["routes"] = [
            {
                "days": list(r.days),
                "start": clock_text(r.start),
                "end": clock_text(r.end),
                "route_to": r.route_to,
            }
            for r in call_type.routes
        ]
    if call_type.escalation:
        table["escalation"] = [escalation_table(s) for s in call_type.escalation]
    return table


def _field_table(field: TypeField) -> dict[str, Any]:
    table: dict[str, Any] = {"id": field.id, "label": field.label, "kind": field.kind}
    if field.required:
        table["required"] = True
    if field.choices:
        table["choices"] = list(field.choices)
    if field.when is not None:
        rule: dict[str, Any] = {"answer": field.when.answer}
        if field.when.urgency:
            rule["urgency"] = field.when.urgency
        if field.when.say:
            rule["say"] = field.when.say
        table["when"] = rule
    return table


def call_type_from_table(table: dict[str, Any]) -> CallType:
    """The type a table written by call_type_table describes."""
    return CallType(
        id=table["id"],
        title=table["title"],
        keywords=tuple(table.get("keywords", ())),
        instructions=table.get("instructions", ""),
        urgency=table.get("urgency"),
        route_to=table.get("route_to"),
        fields=tuple(
            TypeField(
                id=f["id"],
                label=f["label"],
                kind=f.get("kind", "text"),
                required=bool(f.get("required", False)),
                choices=tuple(f.get("choices", ())),
                when=AnswerRule(
                    f["when"]["answer"], f["when"].get("urgency"), f["when"].get("say", "")
                )
                if f.get("when")
                else None,
            )
            for f in table.get("fields", ())
        ),
        routes=tuple(
            Route(
                tuple(r["days"]), parse_clock(r["start"]), parse_end_clock(r["end"]), r["route_to"]
            )
            for r in table.get("routes", ())
        ),
        escalation=tuple(escalation_step(s) for s in table.get("escalation", ())),
    )


def escalation_table(step: EscalationStep) -> dict[str, Any]:
    """One `[[escalation]]` step as the file writes it (rounds left out when 1)."""
    table: dict[str, Any] = {"after_minutes": step.after_minutes, "to": step.to}
    if step.rounds != 1:
        table["rounds"] = step.rounds
    return table


def escalation_step(table: dict[str, Any]) -> EscalationStep:
    return EscalationStep(
        int(table["after_minutes"]), str(table["to"]), int(table.get("rounds", 1))
    )

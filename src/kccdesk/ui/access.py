"""Typed access from any widget or screen to the desk application and its service."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from kccdesk.service.desk import Desk
    from kccdesk.ui.app import KccDeskApp


def app_of(node: DOMNode) -> KccDeskApp:
    """The running desk app (typed, so screens need no `self.app.desk` guesswork)."""
    return cast("KccDeskApp", node.app)


def desk_of(node: DOMNode) -> Desk:
    """The service: the only way the interface reaches data and rules."""
    return app_of(node).desk

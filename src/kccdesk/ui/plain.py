"""Text from outside is shown, never obeyed.

Client files, callers, phones, the database and people all bring text that may hold `[`,
`[/]` or `[@click=…]`: Textual reads a plain `str` given to a widget as console markup, so an
instruction "notitie naar [teamleider KCC]" lost its person and `[/]` crashed the desk. Every
widget of the interface that shows such text comes from here, with markup off; what the
interface styles itself it builds as Rich `Text` or Textual `Content`, never as markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import Label as _Label
from textual.widgets import OptionList as _OptionList
from textual.widgets import Static as _Static


def plain(text: object) -> Content:
    """Any text as literal content (for titles, prompts and cells that take markup)."""
    return Content(str(text))


def literal(text: object) -> Text:
    """Any text as a Rich Text without markup (for DataTable cells and labels)."""
    return Text(str(text))


class Static(_Static):
    """Textual's Static with markup off: `update("…[/]…")` shows the brackets."""

    def __init__(self, content: Any = "", *args: Any, markup: bool = False, **kwargs: Any):
        super().__init__(content, *args, markup=markup, **kwargs)


class Label(_Label):
    """Textual's Label with markup off."""

    def __init__(self, content: Any = "", *args: Any, markup: bool = False, **kwargs: Any):
        super().__init__(content, *args, markup=markup, **kwargs)


class OptionList(_OptionList):
    """Textual's OptionList with markup off: an option's prompt is shown as written."""

    def __init__(self, *content: Any, markup: bool = False, **kwargs: Any):
        super().__init__(*content, markup=markup, **kwargs)

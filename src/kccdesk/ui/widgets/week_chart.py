"""A small chart of a client's last weeks: calls per week and first-time-right, side by side.

The figures come from the service (`Desk.weekly_series`); this widget only draws them. It
takes plain points, so a test or a fixture can hand it figures worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual_plotext import PlotextPlot

from kccdesk import texts
from kccdesk.teamlead import indicators
from kccdesk.ui.plain import Static


@dataclass(frozen=True)
class WeekPoint:
    """One week's figures as the chart shows them."""

    label: str  # "2026-W48" or "W48"
    calls: int
    first_time_right: float | None = None  # percent; None in a week without calls
    feedback: int = 0

    @property
    def tick(self) -> str:
        """The short label under the bar: "W48"."""
        return self.label.rsplit("-", 1)[-1]


def points_from(series: Iterable[indicators.WeekPoint]) -> list[WeekPoint]:
    """The service's weekly figures (Desk.weekly_series) as chart points."""
    return [WeekPoint(p.week, p.calls, p.first_time_right_pct, p.feedback) for p in series]


def _nice_top(value: float) -> int:
    """A round upper bound for the calls axis (10, 20, 50, 100, 200, ...)."""
    if value <= 10:
        return 10
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


class WeekChart(Vertical):
    """Title, the two plots, and the latest week's figures in words."""

    DEFAULT_CSS = """
    WeekChart {
        height: 12;
        border: round $primary;
        border-title-color: $primary;
        padding: 0 1;
    }
    WeekChart.-empty {
        height: auto;
    }
    WeekChart PlotextPlot {
        height: 1fr;
    }
    WeekChart #chart-latest, WeekChart #chart-message {
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points: list[WeekPoint] = []

    def compose(self) -> ComposeResult:
        yield Static(texts.CHART_LOADING, id="chart-message")
        yield PlotextPlot(id="chart-plot")
        yield Static(id="chart-latest")

    def on_mount(self) -> None:
        self.query_one(PlotextPlot).display = False

    def show_message(self, title: str, message: str) -> None:
        self.border_title = title
        self.add_class("-empty")
        self.points = []
        self.query_one("#chart-message", Static).update(message)
        self.query_one("#chart-message").display = True
        self.query_one(PlotextPlot).display = False
        self.query_one("#chart-latest", Static).update("")

    def show(self, name: str, points: list[WeekPoint]) -> None:
        self.border_title = texts.CHART_TITLE.format(name=name)
        if not points:
            self.show_message(self.border_title, texts.CHART_NONE)
            return
        self.points = points
        self.remove_class("-empty")
        self.query_one("#chart-message").display = False
        plot = self.query_one(PlotextPlot)
        plot.display = True
        plt = plot.plt
        plt.clear_figure()
        plt.subplots(1, 2)
        xs = [float(x) for x in range(1, len(points) + 1)]
        ticks = [p.tick for p in points]
        calls = plt.subplot(1, 1)
        calls.title(texts.CHART_CALLS)
        calls.bar(xs, [p.calls for p in points], color="blue", width=0.5)
        calls.xticks(xs, ticks)
        top = _nice_top(max(p.calls for p in points))
        calls.ylim(0, top)
        calls.yticks([0, top // 2, top], ["0", str(top // 2), str(top)])
        right = plt.subplot(1, 2)
        right.title(texts.CHART_FIRST_TIME_RIGHT)
        known = [
            (x, p.first_time_right)
            for x, p in zip(xs, points, strict=True)
            if p.first_time_right is not None
        ]
        if known:
            right.plot([x for x, _ in known], [v for _, v in known], color="green")
            low = max(0, math.floor(min(v for _, v in known) / 10) * 10)
            right.ylim(low, 100)
            right.yticks([low, 100], [str(low), "100"])
        right.xlim(0.5, len(points) + 0.5)
        right.xticks(xs, ticks)
        plot.refresh()
        last = points[-1]
        ftr = "—" if last.first_time_right is None else f"{last.first_time_right:.0f}%"
        self.query_one("#chart-latest", Static).update(
            texts.CHART_LATEST.format(
                label=last.tick, calls=last.calls, ftr=ftr, feedback=last.feedback
            )
        )

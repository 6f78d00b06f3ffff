"""Chart geometry for server-side SVG: bars, labels and grid lines, no script needed."""

from __future__ import annotations

from dataclasses import dataclass, field

from .service import Group

SERIES = (
    ("top_tier_share", "Published top-tier paper"),
    ("production_share", "Toward or in production"),
    ("both_share", "Both"),
)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    width: int
    height: int
    title: str
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[tuple[float, float, float, float]] = field(default_factory=list)
    series: tuple[tuple[str, str], ...] = SERIES


def _percent(value: float | None) -> str:
    return "no projects" if value is None else f"{value * 100:.0f} %"


def trend_by_year(groups: list[Group]) -> Chart:
    """Grouped vertical bars: the three shares for each year, on a 0–100 % axis."""
    left, top, plot_h, bar_w, gap = 44, 12, 180, 16, 24
    slot_w = bar_w * len(SERIES) + gap
    width = max(320, left + slot_w * len(groups) + gap)
    chart = Chart(width=width, height=top + plot_h + 40, title="Outcome shares by year")
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * tick / 100
        chart.grid.append((left, y, width - 4, y))
        chart.labels.append(Label(left - 6, y + 4, f"{tick} %", "end"))
    for i, group in enumerate(groups):
        x0 = left + gap / 2 + i * slot_w
        for s, (attr, name) in enumerate(SERIES):
            value = getattr(group.figures, attr) or 0.0
            h = plot_h * value
            title = f"{group.label}: {name} {_percent(getattr(group.figures, attr))}"
            chart.bars.append(Bar(x0 + s * bar_w, top + plot_h - h, bar_w - 2, h, s, title))
        chart.labels.append(Label(x0 + bar_w * len(SERIES) / 2, top + plot_h + 18, group.label))
    return chart


def comparison_across_teams(groups: list[Group], limit: int = 12) -> Chart:
    """Horizontal bars per team (the largest by projects): the three shares side by side."""
    shown = groups[:limit]
    label_w, top, plot_w, bar_h, gap = 220, 24, 380, 8, 12
    row_h = bar_h * len(SERIES) + gap
    height = top + row_h * len(shown) + 8
    chart = Chart(width=label_w + plot_w + 16, height=max(height, 60),
                  title="Outcome shares by team")
    for tick in (0, 50, 100):
        x = label_w + plot_w * tick / 100
        chart.grid.append((x, top - 6, x, height - 4))
        chart.labels.append(Label(x, top - 10, f"{tick} %"))
    for i, group in enumerate(shown):
        y0 = top + i * row_h
        text = group.label if len(group.label) <= 34 else group.label[:33] + "…"
        chart.labels.append(Label(label_w - 8, y0 + row_h / 2, text, "end"))
        for s, (attr, name) in enumerate(SERIES):
            value = getattr(group.figures, attr) or 0.0
            title = f"{group.label}: {name} {_percent(getattr(group.figures, attr))}"
            chart.bars.append(Bar(label_w, y0 + s * bar_h, plot_w * value, bar_h - 1, s, title))
    return chart

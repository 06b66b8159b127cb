"""Server-side SVG charts: no JavaScript, no external library, readable when printed.

Each function returns a small geometry object that a template in
``templates/cockpit/charts/`` draws; labels stay text so they print and can be
read by screen readers.
"""

from dataclasses import dataclass, field


@dataclass
class Bar:
    label: str
    value: float
    # Where the bar starts and its length, in SVG units.
    y: float = 0
    width: float = 0
    note: str = ""


@dataclass
class BarChart:
    """Horizontal bars, one per row: long Chinese labels fit on the left."""

    title: str
    bars: list = field(default_factory=list)
    unit: str = ""
    max_value: float = 0
    row_height: int = 28
    label_width: int = 220
    plot_width: int = 360

    @property
    def height(self):
        return max(1, len(self.bars)) * self.row_height + 8

    @property
    def width(self):
        return self.label_width + self.plot_width + 70


def bar_chart(title, rows, *, unit="", max_value=None, row_height=28, plot_width=360):
    """``rows`` is a list of ``(label, value)`` or ``(label, value, note)``; ``max_value`` defaults to the largest."""
    rows = [tuple(r) + ("",) * (3 - len(r)) for r in rows]
    top = max_value if max_value is not None else max((float(r[1]) for r in rows), default=0)
    chart = BarChart(title=title, unit=unit, max_value=top, row_height=row_height, plot_width=plot_width)
    for i, (label, value, note) in enumerate(rows):
        value = float(value or 0)
        width = 0 if top <= 0 else plot_width * min(value, top) / top
        chart.bars.append(Bar(label=str(label), value=value, y=i * row_height + 4, width=round(width, 1), note=note))
    return chart


@dataclass
class Column:
    label: str
    value: float
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class ColumnChart:
    """Vertical columns over time (e.g. completions per week)."""

    title: str
    columns: list = field(default_factory=list)
    max_value: float = 0
    plot_height: int = 160
    column_width: int = 34

    @property
    def width(self):
        return max(1, len(self.columns)) * self.column_width + 40

    @property
    def height(self):
        return self.plot_height + 44


def column_chart(title, rows, *, plot_height=160, column_width=34):
    top = max((float(v) for _, v in rows), default=0)
    chart = ColumnChart(title=title, max_value=top, plot_height=plot_height, column_width=column_width)
    for i, (label, value) in enumerate(rows):
        value = float(value or 0)
        height = 0 if top <= 0 else plot_height * value / top
        chart.columns.append(
            Column(label=str(label), value=value, x=20 + i * column_width, y=round(10 + plot_height - height, 1),
                   height=round(height, 1))
        )
    return chart


def funnel(title, stages):
    """A funnel is a bar chart scaled to its first stage, each bar noting the share of the first."""
    first = float(stages[0][1]) if stages else 0
    rows = []
    for label, value in stages:
        share = f"{round(100 * value / first)}%" if first else "–"
        rows.append((label, value, share))
    return bar_chart(title, rows, max_value=first or None)

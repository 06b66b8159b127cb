"""Server-side SVG charts: no JavaScript, no external library, readable when printed.

Each function returns a small geometry object that a template in
``templates/cockpit/charts/`` draws; labels stay text so they print and can be
read by screen readers.

Readable at every size (16.4): a chart is drawn in a narrow frame (``FRAME`` SVG units wide, about a phone's
card) and scaled to its card, never below ``MIN_SCALE`` (the dashboard's grid keeps chart cards at least 300 px
wide), so ``FONT`` units of text are at least 12 px on screen. A bar's label sits on its own line(s) above the
bar, full length (a clause code with its title), and the value is drawn inside the frame.
"""

import unicodedata
from dataclasses import dataclass, field

FRAME = 320  # SVG units; the chart's viewBox width
FONT = 14  # SVG units: ≥ 12 px on screen at the smallest card (278 px of drawing area → scale 0.87)
LINE = 18  # SVG units between lines of a label
MAX_LABEL_LINES = 2


def text_width(text):
    """Width of ``text`` in FONT-sized ems: CJK and full-width characters are one em, others about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def wrap(text, ems=FRAME / FONT, lines=MAX_LABEL_LINES):
    """``text`` cut into at most ``lines`` lines of at most ``ems`` ems; a cut-off last line ends with …."""
    out, line, width = [], "", 0.0
    for ch in text:
        w = text_width(ch)
        if width + w > ems:
            out.append(line)
            line, width = "", 0.0
            if len(out) == lines:
                break
        line += ch
        width += w
    else:
        out.append(line)
        return [part for part in out if part] or [""]
    last = out[-1]
    while last and text_width(last + "…") > ems:
        last = last[:-1]
    return out[:-1] + [last + "…"]


@dataclass
class Bar:
    label: str
    value: float
    # Where the row starts, the bar's top and its length, in SVG units.
    y: float = 0
    width: float = 0
    note: str = ""
    lines: list = field(default_factory=list)
    bar_y: float = 0
    value_text: str = ""

    @property
    def label_lines(self):
        """``[(y, text)]`` of the label's lines (baselines)."""
        return [(self.y + FONT + i * LINE, text) for i, text in enumerate(self.lines)]


@dataclass
class BarChart:
    """Horizontal bars, one per row, each under its label."""

    title: str
    bars: list = field(default_factory=list)
    unit: str = ""
    max_value: float = 0
    bar_height: int = 14
    plot_width: float = FRAME
    width: int = FRAME
    height: float = 0
    font_size: int = FONT


def _number(value):
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(title, rows, *, unit="", max_value=None, plot_width=None):
    """``rows`` is a list of ``(label, value)`` or ``(label, value, note)``; ``max_value`` defaults to the largest.

    The longest bar leaves room for the longest value text, so no number is clipped at the frame's edge.
    """
    rows = [tuple(r) + ("",) * (3 - len(r)) for r in rows]
    top = max_value if max_value is not None else max((float(r[1]) for r in rows), default=0)
    texts = [f"{_number(float(value or 0))}{unit}" + (f" · {note}" if note else "") for _, value, note in rows]
    if plot_width is None:
        plot_width = FRAME - 8 - max((text_width(t) for t in texts), default=0) * FONT
    chart = BarChart(title=title, unit=unit, max_value=top, plot_width=plot_width)
    y = 4
    for (label, value, note), value_text in zip(rows, texts):
        value = float(value or 0)
        width = 0 if top <= 0 else plot_width * min(value, top) / top
        lines = wrap(str(label))
        bar_y = y + len(lines) * LINE + 2
        chart.bars.append(Bar(label=str(label), value=value, y=y, width=round(width, 1), note=note, lines=lines,
                              bar_y=bar_y, value_text=value_text))
        y = bar_y + chart.bar_height + 12
    chart.height = max(y, 24)
    return chart


@dataclass
class Column:
    label: str
    value: float
    x: float = 0
    y: float = 0
    height: float = 0
    label_y: float = 0
    center: float = 0
    bar_x: float = 0


@dataclass
class ColumnChart:
    """Vertical columns over time (e.g. completions per week): the value above each column, its label below,
    every other label one line lower so neighbouring labels never overlap."""

    title: str
    columns: list = field(default_factory=list)
    max_value: float = 0
    plot_height: int = 150
    column_width: float = 36
    width: int = FRAME

    @property
    def bar_width(self):
        return max(4, round(self.column_width - 8, 1))
    font_size: int = FONT

    @property
    def axis_y(self):
        return 10 + FONT + self.plot_height

    @property
    def height(self):
        return self.axis_y + 8 + FONT + LINE


def column_chart(title, rows, *, plot_height=150):
    top = max((float(v) for _, v in rows), default=0)
    column_width = (FRAME - 8) / max(1, len(rows))
    chart = ColumnChart(title=title, max_value=top, plot_height=plot_height, column_width=round(column_width, 1))
    for i, (label, value) in enumerate(rows):
        value = float(value or 0)
        height = 0 if top <= 0 else plot_height * value / top
        chart.columns.append(
            Column(label=str(label), value=value, x=round(4 + i * column_width, 1),
                   y=round(10 + FONT + plot_height - height, 1), height=round(height, 1),
                   label_y=chart.axis_y + 4 + FONT + (i % 2) * LINE,
                   center=round(4 + (i + 0.5) * column_width, 1), bar_x=round(4 + i * column_width + 4, 1))
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

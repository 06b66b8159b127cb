"""Server-side SVG charts: proportions right, labels escaped, empty data handled."""

from django.template.loader import render_to_string

from cockpit.charts import FONT, FRAME, bar_chart, column_chart, funnel, text_width


def test_bars_are_proportional_to_the_largest_value():
    chart = bar_chart("通过率", [("甲", 50), ("乙", 100)], plot_width=200)
    assert [b.width for b in chart.bars] == [100.0, 200.0]


def test_a_fixed_maximum_caps_the_bar():
    chart = bar_chart("通过率", [("甲", 150)], max_value=100, plot_width=200)
    assert chart.bars[0].width == 200.0


def test_funnel_notes_each_stage_as_a_share_of_the_first():
    chart = funnel("认证漏斗", [("新员工", 40), ("课程完成", 30), ("已认证", 10)])
    assert [b.note for b in chart.bars] == ["100%", "75%", "25%"]


def test_columns_grow_upwards_from_the_axis():
    chart = column_chart("每周完成", [("W1", 0), ("W2", 4), ("W3", 2)], plot_height=100)
    assert [c.height for c in chart.columns] == [0.0, 100.0, 50.0]
    assert chart.columns[1].y + chart.columns[1].height == chart.axis_y == chart.columns[0].y


def test_the_svg_escapes_labels_and_keeps_them_as_text():
    html = render_to_string("cockpit/charts/bar.svg", {"chart": bar_chart("题", [("<b>WIN-05</b>", 3)])})
    assert "&lt;b&gt;WIN-05&lt;/b&gt;" in html
    assert "<svg" in html and "<b>" not in html


def test_an_empty_chart_shows_the_empty_text():
    html = render_to_string("cockpit/charts/bar.svg", {"chart": bar_chart("题", []), "empty_text": "暂无数据"})
    assert "暂无数据" in html and "<svg" not in html


# The smallest drawing area of a chart card: the dashboard's grid keeps cards at least 300 px wide (less padding).
SMALLEST_DRAWING = 300 - 22


def test_chart_text_is_at_least_12_px_in_the_smallest_card():
    assert FONT * SMALLEST_DRAWING / FRAME >= 12
    html = render_to_string("cockpit/charts/bar.svg", {"chart": bar_chart("题", [("甲", 3)])})
    assert f'viewBox="0 0 {FRAME} ' in html and f'font-size="{FONT}"' in html


def test_labels_and_values_stay_inside_the_frame():
    long_label = "FIRST-02 首问负责制：第一位被询问的员工负责到底，直到客户的问题得到解决为止，不得以任何理由推诿或拖延"
    chart = bar_chart("出错最多的条款", [(long_label, 100, "40/40"), ("WIN-05 一次性告知", 7.5, "3/40")], unit="%",
                      max_value=100)
    for bar in chart.bars:
        assert all(text_width(line) * FONT <= FRAME for line in bar.lines)
        assert bar.width + 6 + text_width(bar.value_text) * FONT <= FRAME, bar.value_text
    assert chart.bars[0].lines[0].startswith("FIRST-02 首问负责制")
    assert chart.bars[0].lines[-1].endswith("…")
    html = render_to_string("cockpit/charts/bar.svg", {"chart": chart})
    assert long_label in html  # the whole label in the bar's tooltip


def test_week_labels_of_neighbouring_columns_do_not_overlap():
    rows = [(f"11-{d:02d}", d) for d in range(1, 9)]
    chart = column_chart("每周完成", rows)
    for left, right in zip(chart.columns, chart.columns[1:]):
        same_line = left.label_y == right.label_y
        assert not same_line
    for a, b in zip(chart.columns, chart.columns[2:]):
        assert b.center - a.center >= text_width(a.label) * FONT
    assert all(c.center + text_width(c.label) * FONT / 2 <= chart.width for c in chart.columns)

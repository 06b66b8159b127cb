"""Server-side SVG charts: proportions right, labels escaped, empty data handled."""

from django.template.loader import render_to_string

from cockpit.charts import bar_chart, column_chart, funnel


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
    assert chart.columns[1].y == 10.0


def test_the_svg_escapes_labels_and_keeps_them_as_text():
    html = render_to_string("cockpit/charts/bar.svg", {"chart": bar_chart("题", [("<b>WIN-05</b>", 3)])})
    assert "&lt;b&gt;WIN-05&lt;/b&gt;" in html
    assert "<svg" in html and "<b>" not in html


def test_an_empty_chart_shows_the_empty_text():
    html = render_to_string("cockpit/charts/bar.svg", {"chart": bar_chart("题", []), "empty_text": "暂无数据"})
    assert "暂无数据" in html and "<svg" not in html

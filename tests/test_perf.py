"""Tests of budgetkit.shenzhen.perf: 表12 整体支出绩效目标表.

Expected values are read off the seed source text
(data/raw/2023-longhua-iit-department-budget.txt; line numbers are those of
SourceText, i.e. an editor's: the file starts with two blank lines and has no
newline after its last line, so `wc -l` says 786 but there are 787 lines and
line 787 is an indicator row) or computed independently by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetkit.errors import AmountError, ParseError
from budgetkit.shenzhen.perf import (
    LEVEL2_BY_LEVEL1,
    TABLE_LABEL,
    Table12,
    Target,
    find_table12,
    parse_table12,
    parse_target,
)
from budgetkit.text import SourceText

START, END = 699, 787  # "表 12" heading .. the last line of the file


@pytest.fixture(scope="module")
def src(raw_path) -> SourceText:
    return SourceText.from_path(raw_path)


@pytest.fixture(scope="module")
def t12(src: SourceText) -> Table12:
    return parse_table12(src, START, END)


def edited(src: SourceText, changes: dict[int, str]) -> SourceText:
    """A copy of ``src`` with some lines replaced (line numbers unchanged)."""
    lines = list(src.lines)
    for n, text in changes.items():
        lines[n - 1] = text
    return SourceText("\n".join(lines), name=src.name)


def replace_in_line(src: SourceText, n: int, old: str, new: str) -> SourceText:
    line = src.line(n)
    assert line.count(old) == 1, (n, old)
    return edited(src, {n: line.replace(old, new)})


# --------------------------------------------------------------------------
# locating the region


def test_find_table12(src):
    # line 699 "表 12"; line 787 "\t其他满意度\t不适用\t不适用\t" is the file's last line
    assert find_table12(src) == (START, END)
    assert src.line(START) == "表 12"
    assert len(src) == END


def test_find_table12_falls_back_to_the_title(src):
    # a mis-numbered heading (the seed prints "表 1" above tables 2, 4 and 5)
    bad = edited(src, {699: "表 1"})
    assert find_table12(bad) == (START, END)


def test_find_table12_stops_at_the_next_heading(src):
    # put a following table's heading on blank line 770: region ends at 769
    bad = edited(src, {770: "表 13"})
    assert find_table12(bad) == (START, 769)


# --------------------------------------------------------------------------
# metadata and coverage


def test_metadata(t12):
    assert t12.heading == "表 12"  # line 699
    assert t12.title == "整体支出绩效目标表"  # line 701
    assert t12.department == "深圳市龙华区工业和信息化局"  # line 703
    assert t12.unit == "万元"  # line 705 "单位：万元"
    assert (t12.start, t12.end) == (START, END)
    assert len(t12.notes) == 0  # no 注 line in 699..787


def test_every_nonblank_line_is_accounted_for_once(src, t12):
    nonblank = [n for n in range(START, END + 1) if src.line(n).strip()]
    # blank lines in the region (page breaks and spacing), counted by hand
    blank = {700, 702, 704, 706, 712, 717, 723, 737, 756, 770}
    assert set(range(START, END + 1)) - set(nonblank) == blank
    layout = t12.layout
    assert layout["line"].tolist() == nonblank  # each once, in order
    parts = dict(zip(layout["line"], layout["part"]))
    assert parts[699] == "heading" and parts[701] == "title"
    assert parts[703] == "department" and parts[705] == "unit"
    assert parts[707] == parts[708] == "task_header"
    assert parts[722] == "tasks_total" and parts[724] == "goals"
    assert parts[725] == "indicator_header"
    # rows of the three data frames are exactly the task/indicator lines
    assert [n for n, p in parts.items() if p == "task"] == t12.tasks["line"].tolist()
    assert [n for n, p in parts.items() if p == "indicator"] == t12.indicators["line"].tolist()


# --------------------------------------------------------------------------
# 年度主要任务


# (line, 任务名称, 总额, 财政拨款, 其他资金) as printed on lines 709-721, in 万元
TASKS = [
    (709, "行政运行及一般管理事务", "3016.72", "3016.72", "0"),
    (710, "产业发展工作", "51918.5", "51918.5", "0"),
    (711, "制造业技术改造升级资助", "48860.21", "48860.21", "0"),
    (713, "工业信息化和重大产业工作", "1483.8", "1483.8", "0"),
    (714, "工业园区供电环境提升和能源建设管理工作", "216.87", "216.87", "0"),
    (715, "对外经贸工作", "1997", "1997", "0"),
    (716, "商贸流通管理及商贸服务业促进工作", "4010", "4010", "0"),
    (718, "金融发展工作", "8769", "8769", "0"),
    (719, "金融服务工作", "4705", "4705", "0"),
    (720, "对口帮扶及乡村振兴工作", "1929", "929", "1000"),
    (721, "数字经济发展工作", "5327.74", "5327.74", "0"),
]
# the same amounts in 元, multiplied out by hand (1 万元 = 10,000 元)
TASK_YUAN = [
    (30_167_200, 30_167_200, 0),
    (519_185_000, 519_185_000, 0),
    (488_602_100, 488_602_100, 0),
    (14_838_000, 14_838_000, 0),
    (2_168_700, 2_168_700, 0),
    (19_970_000, 19_970_000, 0),
    (40_100_000, 40_100_000, 0),
    (87_690_000, 87_690_000, 0),
    (47_050_000, 47_050_000, 0),
    (19_290_000, 9_290_000, 10_000_000),
    (53_277_400, 53_277_400, 0),
]


def test_tasks(t12):
    tasks = t12.tasks
    assert list(tasks.columns) == ["task", "content", "total", "fiscal", "other", "line", "line_end"]
    assert [str(d) for d in tasks.dtypes] == ["string", "string"] + ["Int64"] * 5
    assert len(tasks) == 11
    assert tasks["line"].tolist() == [row[0] for row in TASKS]
    assert tasks["line_end"].tolist() == [row[0] for row in TASKS]  # every row fits on one line
    assert tasks["task"].tolist() == [row[1] for row in TASKS]
    got = list(zip(tasks["total"], tasks["fiscal"], tasks["other"]))
    assert got == TASK_YUAN


def test_task_amounts_match_the_printed_figures_exactly():
    # independent of the parser: Decimal arithmetic on the printed strings
    for (_, _, *printed), yuan in zip(TASKS, TASK_YUAN):
        assert tuple(int(Decimal(p) * 10_000) for p in printed) == yuan


def test_task_content(t12):
    content = dict(zip(t12.tasks["line"], t12.tasks["content"]))
    assert content[709].startswith("负责综合协调、联络工作，承担局内文电")
    assert content[709].endswith("统筹本系统人才工作。")
    assert content[718].startswith("贯彻执行上级有关金融发展的方针、政策和法律法规,")
    assert content[718].endswith("推进金融服务实体经济具体工作。")
    assert content[721].endswith("开展数字经济宣传工作。")
    assert not any("\t" in c or "<" in c for c in content.values())


def test_fiscal_plus_other_is_total_per_task(t12):
    for row in t12.tasks.itertuples():
        assert row.fiscal + row.other == row.total, row.line


def test_tasks_total(t12):
    total = t12.tasks_total
    assert list(total.columns) == list(t12.tasks.columns)
    assert list(total.dtypes) == list(t12.tasks.dtypes)
    assert len(total) == 1
    row = total.iloc[0]
    assert row["task"] == "金额合计" and pd.isna(row["content"])
    assert (row["line"], row["line_end"]) == (722, 722)
    # line 722: 132233.84 / 131233.84 / 1000 万元
    assert (row["total"], row["fiscal"], row["other"]) == (1_322_338_400, 1_312_338_400, 10_000_000)


def test_tasks_sum_to_the_total_row(t12):
    # independent arithmetic on the printed figures of lines 709-721 vs line 722
    printed = [Decimal(r[2]) for r in TASKS], [Decimal(r[3]) for r in TASKS], [Decimal(r[4]) for r in TASKS]
    assert [sum(col) for col in printed] == [Decimal("132233.84"), Decimal("131233.84"), Decimal("1000")]
    total = t12.tasks_total.iloc[0]
    assert t12.tasks["total"].sum() == total["total"]
    assert t12.tasks["fiscal"].sum() == total["fiscal"]
    assert t12.tasks["other"].sum() == total["other"]
    assert total["fiscal"] + total["other"] == total["total"]


# --------------------------------------------------------------------------
# 年度总体目标


def test_goals(t12):
    goals = t12.goals
    assert list(goals.columns) == ["no", "text", "line"]
    assert [str(d) for d in goals.dtypes] == ["Int64", "string", "Int64"]
    assert goals["no"].tolist() == list(range(1, 9))  # <p>1. … <p>8. on line 724
    assert set(goals["line"]) == {724}
    text = goals["text"].tolist()
    assert text[0] == "高标准开展核心区规划研究，大力发展软件和信息服务业，推动企业“上云用数赋智”，全力建设数字经济核心区；"
    assert text[2].startswith("围绕“20+8”、“12+4”产业集群")
    assert text[7] == "巩固拓展对口帮扶和扶贫协作成果，加强产业合作交流，深化拓展消费帮扶形式，推动乡村振兴工作全面展开。"
    assert not any("<" in t or ">" in t for t in text)


# --------------------------------------------------------------------------
# 年度绩效指标

# Indicator lines, counted by hand from the source (header 725 excluded;
# 737, 756 and 770 are blank page breaks):
#   726-736  11   产出/数量
#   738-755  18   产出/数量
#   757-769  13   757-760 产出/数量 (trailing tab), 761-769 产出/质量 (shifted)
#   771-787  17   771-776 质量, 777 时效, 778 成本, 779 经济效益,
#                 780-783 社会效益, 784 可持续影响, 785 生态效益,
#                 786 服务对象满意度, 787 其他满意度
#   total    59
INDICATOR_LINES = [*range(726, 737), *range(738, 756), *range(757, 770), *range(771, 788)]
N_INDICATORS = 59

LEVEL2_COUNTS = {
    "数量": 11 + 18 + 4,  # 726-736, 738-755, 757-760
    "质量": 9 + 6,  # 761-769, 771-776
    "时效": 1,  # 777
    "成本": 1,  # 778
    "经济效益": 1,  # 779
    "社会效益": 4,  # 780-783
    "可持续影响": 1,  # 784
    "生态效益": 1,  # 785
    "服务对象满意度": 1,  # 786
    "其他满意度": 1,  # 787
}


def test_indicator_columns(t12):
    ind = t12.indicators
    assert list(ind.columns) == [
        "level1", "level2", "level3", "target", "op", "value", "unit", "quantitative", "shifted", "line",
    ]
    assert [str(d) for d in ind.dtypes] == [
        "string", "string", "string", "string", "string", "Float64", "string", "bool", "bool", "Int64",
    ]


def test_indicator_count_and_lines(t12):
    assert len(INDICATOR_LINES) == N_INDICATORS
    assert t12.indicators["line"].tolist() == INDICATOR_LINES


def test_counts_per_level(t12):
    ind = t12.indicators
    assert sum(LEVEL2_COUNTS.values()) == N_INDICATORS
    assert dict(Counter(ind["level2"])) == LEVEL2_COUNTS
    assert dict(Counter(ind["level1"])) == {"产出": 33 + 15 + 1 + 1, "效益": 1 + 4 + 1 + 1, "满意度": 2}
    for l1, l2 in zip(ind["level1"], ind["level2"]):
        assert l2 in LEVEL2_BY_LEVEL1[l1]


# (line, level1, level2, level3, target) of every row whose cells are not in
# the header's positions (header 725: "\t一级指标\t二级指标\t三级指标\t目标值")
SHIFTED = [
    # "\t质量\t\t\t…\t100%": 质量 (a 二级指标) in the 一级指标 column, name 1 column right
    (761, "产出", "质量", "企业数字化咨询诊断报告验收合格率", "100%"),
    # "\t\t\t\t…": 三级指标 one column right of the header's, 质量 carried
    (762, "产出", "质量", "制造业资助项目评审准确率", "≥95%"),
    (763, "产出", "质量", "展厅装修装饰建设完成、多媒体硬件、软件安装调试合格率", "100%"),
    (764, "产出", "质量", "服务贸易统计重点企业名录验收合格率", "100%"),
    (765, "产出", "质量", "互联网大数据金融风险整改率", "100%"),
    (766, "产出", "质量", "金融产业专项资金服务项目验收合格率", "100%"),
    (767, "产出", "质量", "生活必需品市场供应及成品油保供应突发事件应急演练参与率", "100%"),
    (768, "产出", "质量", "购物节活动商家参与率", "100%"),
    (769, "产出", "质量", "外贸专项资助合规性审查准确率", "100%"),
    # "\t\t辖区企业核心竞争力提升\t有效提升\t": 三级指标 in the 二级指标 column
    (783, "效益", "社会效益", "辖区企业核心竞争力提升", "有效提升"),
    # "\t生态效益\t…\t有效促进\t": 生态效益 (a 二级指标) in the 一级指标 column
    (785, "效益", "生态效益", "促进企业绿色循环低碳发展", "有效促进"),
    # "满意度\t服务对象满意度\t…": 一级指标 in the section column
    (786, "满意度", "服务对象满意度", "辖区企业满意度", "≥90%"),
    # "\t其他满意度\t不适用\t不适用\t": 二级指标 in the 一级指标 column
    (787, "满意度", "其他满意度", "不适用", "不适用"),
]


def test_shifted_rows(t12):
    ind = t12.indicators.set_index("line")
    for line, l1, l2, l3, target in SHIFTED:
        row = ind.loc[line]
        assert (row["level1"], row["level2"], row["level3"], row["target"]) == (l1, l2, l3, target), line
    assert ind.index[ind["shifted"]].tolist() == [row[0] for row in SHIFTED]


def test_rows_in_standard_positions(t12):
    ind = t12.indicators.set_index("line")
    # line 726 "年度绩效指标\t产出\t数量\t采购电脑数量\t5 台"
    assert tuple(ind.loc[726, ["level1", "level2", "level3", "target"]]) == ("产出", "数量", "采购电脑数量", "5 台")
    # lines 757-760 end with an empty cell (trailing tab) but nothing moved
    assert tuple(ind.loc[757, ["level2", "level3", "target"]]) == ("数量", "稿件采纳数量", "≥25 篇")
    assert not ind.loc[757:760, "shifted"].any()
    # line 771 after the blank 770: 质量 carried across the page break
    assert tuple(ind.loc[771, ["level2", "level3"]]) == ("质量", "深圳海关解决企业诉求达成率")
    # line 779 "\t效益\t经济效益\t不适用\t不适用"
    assert tuple(ind.loc[779, ["level1", "level2", "level3", "target"]]) == ("效益", "经济效益", "不适用", "不适用")
    # line 784 "\t\t可持续影响\t不适用\t不适用"
    assert tuple(ind.loc[784, ["level1", "level2"]]) == ("效益", "可持续影响")


def test_indicator_targets(t12):
    ind = t12.indicators.set_index("line")

    def parsed(line):
        row = ind.loc[line]
        return (
            None if pd.isna(row["op"]) else row["op"],
            None if pd.isna(row["value"]) else float(row["value"]),
            None if pd.isna(row["unit"]) else row["unit"],
            bool(row["quantitative"]),
        )

    assert parsed(726) == ("=", 5.0, "台", True)  # "5 台"
    assert parsed(730) == ("≥", 100.0, "篇", True)  # "≥100 篇"
    assert parsed(738) == ("=", 1.0, "套", True)  # "1套"
    assert parsed(751) == ("≥", 100.0, "宗", True)  # "≥100宗"
    assert parsed(762) == ("≥", 95.0, "%", True)  # "≥95%"
    assert parsed(778) == ("≤", 100.0, "%", True)  # "≤100%"
    assert parsed(780) == (None, None, None, False)  # "有效促进"
    # not quantitative: 779, 784, 787 不适用; 780, 785 有效促进; 781 有效提高; 782, 783 有效提升
    assert ind.index[~ind["quantitative"]].tolist() == [779, 780, 781, 782, 783, 784, 785, 787]
    assert ind.loc[~ind["quantitative"], ["op", "value", "unit"]].isna().all().all()


# --------------------------------------------------------------------------
# parse_target


@pytest.mark.parametrize(
    "text, op, value, unit",
    [
        ("5 台", "=", 5, "台"),
        ("≥2 篇", "≥", 2, "篇"),
        ("≥100 篇", "≥", 100, "篇"),
        ("100%", "=", 100, "%"),
        ("≥95%", "≥", 95, "%"),
        ("≤100%", "≤", 100, "%"),
        ("1套", "=", 1, "套"),
        ("≥150家", "≥", 150, "家"),
        ("12 份", "=", 12, "份"),
        ("＞＝90％", "≥", 90, "%"),  # full width
        (">=3次", "≥", 3, "次"),
        ("≥ 95 %", "≥", 95, "%"),
        ("不低于95%", "≥", 95, "%"),
        ("不少于10次", "≥", 10, "次"),
        ("<=5天", "≤", 5, "天"),
        ("＜＝5天", "≤", 5, "天"),
        ("不高于100%", "≤", 100, "%"),
        ("不超过3个", "≤", 3, "个"),
        (">90%", ">", 90, "%"),
        ("<1%", "<", 1, "%"),
        ("=100%", "=", 100, "%"),
        ("0.3", "=", 0.3, None),
        ("99.5%", "=", 99.5, "%"),
        ("≥0.5万元", "≥", 0.5, "万元"),
        ("1,000 人", "=", 1000, "人"),
        ("１２份", "=", 12, "份"),  # full-width digits
        ("90%以上", "≥", 90, "%"),
        ("100%及以上", "≥", 100, "%"),
        ("10个工作日以内", "≤", 10, "个工作日"),
        ("≥4人", "≥", 4, "人"),
        ("≥30宗", "≥", 30, "宗"),
        ("≥10 期", "≥", 10, "期"),
        ("≥4场", "≥", 4, "场"),
        ("<p>≥90%</p>", "≥", 90, "%"),
    ],
)
def test_parse_target_quantitative(text, op, value, unit):
    t = parse_target(text)
    assert t == Target(op=op, value=float(value), unit=unit, quantitative=True, raw=text)


@pytest.mark.parametrize(
    "text",
    ["有效促进", "有效提高", "有效提升", "不适用", "", "   ", "是", "90%-100%", "≥90%以下", "约5台", "≥", "%", "5 台 电脑 设备 若干 ok"],
)
def test_parse_target_not_quantitative(text):
    assert parse_target(text) == Target(op=None, value=None, unit=None, quantitative=False, raw=text)


@given(st.text())
def test_parse_target_never_raises(text):
    t = parse_target(text)
    assert isinstance(t, Target) and t.raw == text
    if t.quantitative:
        assert t.op in {"≥", "≤", "=", ">", "<"}
        assert isinstance(t.value, float) and math.isfinite(t.value)
    else:
        assert (t.op, t.value, t.unit) == (None, None, None)


_SPELLINGS = {"": "=", "≥": "≥", ">=": "≥", "不低于": "≥", "不少于": "≥", "≤": "≤", "<=": "≤", "不高于": "≤"}
_UNITS = ["", "台", "篇", "%", "个", "家", "份", "期", "套", "场", "次", "人", "宗", "个工作日"]


@given(
    st.sampled_from(sorted(_SPELLINGS)),
    st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(_UNITS),
    st.sampled_from(["", " "]),
)
def test_parse_target_round_trip(spelling, number, unit, space):
    text = f"{spelling}{number}{space}{unit}"
    t = parse_target(text)
    assert t == Target(
        op=_SPELLINGS[spelling], value=float(number), unit=unit or None, quantitative=True, raw=text
    )


# --------------------------------------------------------------------------
# errors


def assert_located(exc: ParseError, line: int) -> None:
    assert exc.table == TABLE_LABEL == "表12 整体支出绩效目标表"
    assert exc.line == line
    assert f"line {line}" in str(exc) and TABLE_LABEL in str(exc)


def test_unknown_level2_word_raises(src):
    # line 777 "\t\t时效\t工作完成及时率\t100%": 时效 → 时间 (not a 二级指标)
    bad = replace_in_line(src, 777, "时效", "时间")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 777)
    assert "时间" in str(info.value)


def test_unknown_level2_word_in_the_level1_column_raises(src):
    # line 761 "\t质量\t\t\t…": 质量 → 品质
    bad = replace_in_line(src, 761, "质量", "品质")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 761)


def test_level2_of_another_level1_raises(src):
    # line 785 "\t生态效益\t…": 生态效益 → 数量, which belongs to 产出, not 效益
    bad = replace_in_line(src, 785, "生态效益", "数量")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 785)
    assert "does not belong" in str(info.value)


def test_level1_without_its_level2_raises(src):
    # line 786 without 服务对象满意度: a 满意度 row must say which 二级指标
    bad = replace_in_line(src, 786, "服务对象满意度\t", "")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 786)


def test_indicator_row_with_an_extra_cell_raises(src):
    bad = edited(src, {770: "\t\t\t稿件采纳数量\t≥25 篇\t多余"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 770)


def test_indicator_row_without_target_raises(src):
    bad = edited(src, {770: "\t\t\t稿件采纳数量"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 770)


def test_bad_task_amount_raises(src):
    # line 713 "…\t1483.8\t1483.8\t0": 总额 → 12a.5
    bad = replace_in_line(src, 713, "\t1483.8\t1483.8\t", "\t12a.5\t1483.8\t")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert isinstance(info.value, AmountError)
    assert_located(info.value, 713)
    assert "12a.5" in str(info.value)


def test_task_amount_below_one_yuan_raises(src):
    # 216.87005 万元 = 2,168,700.5 元 is not a whole number of 元
    bad = replace_in_line(src, 714, "\t216.87\t216.87\t", "\t216.87005\t216.87\t")
    with pytest.raises(AmountError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 714)


def test_task_row_broken_by_a_page_end_is_joined(src):
    # move the first half of line 713's 主要内容 onto the blank line 712
    task, content = "工业信息化和重大产业工作", src.line(713).split("\t")[2]
    half = content.index("。") + 1
    first, second = content[:half], content[half:]
    bad = edited(src, {712: f"\t{task}\t{first}", 713: f"\t\t{second}\t1483.8\t1483.8\t0"})
    t = parse_table12(bad, START, END)
    row = t.tasks[t.tasks["task"] == task].iloc[0]
    assert (row["line"], row["line_end"]) == (712, 713)
    assert row["content"] == content  # line 713 holds no markup, so cleaning keeps it
    assert row["total"] == 14_838_000
    assert len(t.tasks) == 11


def test_task_row_without_amounts_raises(src):
    # line 713 loses its amounts; line 714 starts the next task
    bad = replace_in_line(src, 713, "\t1483.8\t1483.8\t0", "")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 714)
    assert "713" in str(info.value)


def test_text_that_continues_no_task_raises(src):
    bad = edited(src, {712: "\t\t一段无归属的文字"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 712)


def test_stray_cell_in_a_task_row_raises(src):
    bad = edited(src, {712: src.line(711) + "\t99"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 712)


def test_unexpected_preamble_line_raises(src):
    bad = edited(src, {704: "随便什么"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 704)


def test_missing_unit_raises(src):
    bad = edited(src, {705: ""})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 707)


def test_goal_numbering_gap_raises(src):
    bad = replace_in_line(src, 724, "<p>3.", "<p>4.")
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 724)


def test_truncated_table_raises(src):
    # the region ends at the blank line 723, before 年度总体目标 and the indicators
    with pytest.raises(ParseError) as info:
        parse_table12(src, START, 723)
    assert_located(info.value, 723)


def test_start_must_be_the_heading(src):
    with pytest.raises(ParseError) as info:
        parse_table12(src, 701, END)
    assert_located(info.value, 701)


def test_repeated_level1_after_a_page_break_keeps_level2(src):
    # a PDF may repeat a merged 一级指标 cell on the next page: line 771 (after
    # the blank 770) with 产出 in its column still belongs to 质量
    bad = edited(src, {771: "\t产出" + src.line(771)[1:]})
    assert bad.line(771) == "\t产出\t\t深圳海关解决企业诉求达成率\t≥90%"
    t = parse_table12(bad, START, END)
    row = t.indicators.set_index("line").loc[771]
    assert (row["level1"], row["level2"], row["shifted"]) == ("产出", "质量", False)
    assert dict(Counter(t.indicators["level2"])) == LEVEL2_COUNTS


def test_goals_cell_broken_by_a_page_end(src):
    # line 724's cell split before item 5: label and items 1-4 on (blank) line
    # 723, items 5-8 on line 724 — the eight goals come out unchanged
    goals_cell = src.line(724).split("\t")[1]
    cut = goals_cell.index("<p>5.")
    bad = edited(src, {723: "年度总体目标\t" + goals_cell[:cut], 724: goals_cell[cut:] + "\t\t\t"})
    t = parse_table12(bad, START, END)
    good = parse_table12(src, START, END)
    assert t.goals["text"].tolist() == good.goals["text"].tolist()
    assert t.goals["line"].tolist() == [723] * 4 + [724] * 4


def test_goals_empty_raises(src):
    bad = edited(src, {724: "年度总体目标\t\t\t"})
    with pytest.raises(ParseError) as info:
        parse_table12(bad, START, END)
    assert_located(info.value, 724)

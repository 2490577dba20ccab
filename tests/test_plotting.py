"""Tests of budgetkit.plotting: Chinese fonts, money axes, bar charts."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from budgetkit import plotting  # noqa: E402
from budgetkit.text import SourceText, split_cells  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_LABEL = 40

CJK_FONT = plotting.font_status().family
needs_cjk_font = pytest.mark.skipif(
    CJK_FONT is None,
    reason="no CJK font installed (e.g. `sudo apt-get install fonts-noto-cjk`); "
    "Chinese glyph rendering cannot be checked",
)


@pytest.fixture(autouse=True)
def _isolated_matplotlib():
    """Every test gets its own rcParams and leaves no figure open."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


def dataset_labels() -> list[str]:
    """Every CJK-bearing cell of the raw source, cleaned, in pieces of <= 40 chars.

    A line without tabs is one cell. Long (narrative) cells are cut into
    consecutive pieces of at most 40 characters, so every character of the
    text is rendered, not only each cell's first 40.
    """
    src = SourceText.from_path(RAW)
    seen: set[str] = set()
    out: list[str] = []
    for line in src.lines:
        for cell in split_cells(line):
            if not CJK_RE.search(cell):
                continue
            for i in range(0, len(cell), MAX_LABEL):
                piece = cell[i : i + MAX_LABEL].strip()
                if piece and piece not in seen:
                    seen.add(piece)
                    out.append(piece)
    return out


def render_labels(labels: list[str]):
    """Draw all labels on one Agg figure, as tick labels and free texts."""
    fig, ax = plt.subplots(figsize=(12, 40))
    ticks = labels[:200]
    ax.set_yticks(range(len(ticks)), ticks, fontsize=5)
    for i, label in enumerate(labels[200:]):
        fig.text(0.5, (i % 400) / 400, label, fontsize=5)
    fig.canvas.draw()
    return fig


# ---------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------


def test_dataset_labels_cover_the_document():
    labels = dataset_labels()
    assert len(labels) > 300
    assert all(len(label) <= MAX_LABEL for label in labels)
    joined = "".join(labels)
    for expected in ("一般公共服务支出", "预算准备金", "科目名称", "工业和信息化局"):
        assert expected in joined
    # every CJK character of the source is among the labels
    source_chars = set(CJK_RE.findall(RAW.read_text(encoding="utf-8")))
    assert source_chars <= set(joined)


@needs_cjk_font
def test_every_dataset_label_renders_without_missing_glyphs():
    family = plotting.use_chinese_font()
    assert family == CJK_FONT
    labels = dataset_labels()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render_labels(labels)


@needs_cjk_font
def test_glyph_check_is_real_without_cjk_font():
    """Control: the same drawing with only DejaVu Sans does warn (so the test above can fail)."""
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    with pytest.warns(UserWarning, match="missing from font"):
        render_labels(dataset_labels()[:20])


@needs_cjk_font
def test_every_dataset_label_renders_under_W_error(tmp_path):
    labels_file = tmp_path / "labels.json"
    labels_file.write_text(json.dumps(dataset_labels(), ensure_ascii=False), encoding="utf-8")
    code = f"""
        import json, sys
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from budgetkit.plotting import use_chinese_font
        family = use_chinese_font()
        assert family, "no CJK font found"
        labels = json.loads(open({str(labels_file)!r}, encoding="utf-8").read())
        fig, ax = plt.subplots(figsize=(12, 40))
        ax.set_yticks(range(200), labels[:200], fontsize=5)
        for i, label in enumerate(labels[200:]):
            fig.text(0.5, (i % 400) / 400, label, fontsize=5)
        fig.canvas.draw()
        print("OK", family, len(labels))
        """
    proc = _run_python(code, {}, "-W", "error")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["OK", *CJK_FONT.split(), str(len(dataset_labels()))]


@needs_cjk_font
def test_use_chinese_font_sets_rcparams_idempotently():
    before = list(matplotlib.rcParams["font.sans-serif"])
    family = plotting.use_chinese_font()
    first = list(matplotlib.rcParams["font.sans-serif"])
    assert plotting.use_chinese_font() == family
    assert list(matplotlib.rcParams["font.sans-serif"]) == first
    assert first[0] == family and first.count(family) == 1
    # the previous fonts stay behind it, as fallbacks, in their order
    assert [f for f in first[1:]] == [f for f in before if f != family]
    assert list(matplotlib.rcParams["font.family"]) == ["sans-serif"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    status = plotting.font_status()
    assert status.found and status.active and status.family == family
    assert Path(status.path).is_file()


@needs_cjk_font
def test_font_follows_preference_order():
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    first_installed = next(f for f in plotting.CJK_FONT_PREFERENCE if f in installed)
    assert CJK_FONT == first_installed


@needs_cjk_font
def test_ttc_collection_face_is_the_one_rendered():
    """matplotlib >= 3.11 opens the right face of a .ttc collection.

    Noto CJK ships all regions in one .ttc; the SC and JP faces draw some
    characters differently (e.g. 骨, 直, 述). If matplotlib rendered face 0
    for every family, both images would be identical.
    """
    if not (
        plotting.font_status().path.lower().endswith(".ttc") and CJK_FONT == "Noto Sans CJK SC"
    ):
        pytest.skip("the CJK font in use is not the Noto Sans CJK .ttc collection")
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    if "Noto Sans CJK JP" not in installed:
        pytest.skip("Noto Sans CJK JP face not listed")
    found = font_manager.findfont("Noto Sans CJK SC", fallback_to_default=False)
    assert getattr(found, "face_index", 0) == plotting.font_status().face_index
    assert font_manager.get_font(found).family_name == "Noto Sans CJK SC"

    def pixels(family):
        fig = plt.figure(figsize=(2, 1), dpi=100)
        fig.text(0.05, 0.2, "骨直述", fontsize=40, family=family)
        fig.canvas.draw()
        return bytes(fig.canvas.buffer_rgba())

    assert pixels("Noto Sans CJK SC") != pixels("Noto Sans CJK JP")
    assert pixels("Noto Sans CJK SC") == pixels("Noto Sans CJK SC")


@pytest.fixture
def no_cjk_fonts(monkeypatch):
    """Font discovery finds nothing; fresh lookup cache and warn-once state."""
    monkeypatch.setattr(plotting, "_discover", lambda: None)
    monkeypatch.setattr(plotting, "_cache", plotting._UNSET)
    monkeypatch.setattr(plotting, "_warned", False)


def test_missing_font_warns_once_and_names_the_fixes(no_cjk_fonts):
    rc_before = {
        key: copy.deepcopy(matplotlib.rcParams[key])
        for key in ("font.family", "font.sans-serif", "axes.unicode_minus")
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [plotting.use_chinese_font() for _ in range(4)]
    assert results == [None] * 4
    ours = [w for w in caught if issubclass(w.category, plotting.MissingCJKFontWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert len(caught) == 1
    assert ours[0].filename == __file__  # points at the caller
    message = str(ours[0].message)
    for fix in (
        "sudo apt-get install fonts-noto-cjk",
        "rm -rf ~/.cache/matplotlib",
        "conda install -c conda-forge font-ttf-noto-cjk",
        "brew install --cask font-noto-sans-cjk-sc",
        "PingFang SC",
        "Microsoft YaHei",
        "SimHei",
    ):
        assert fix in message
    assert issubclass(plotting.MissingCJKFontWarning, UserWarning)
    # settings untouched and still usable
    for key, value in rc_before.items():
        assert matplotlib.rcParams[key] == value
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("ASCII only")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    status = plotting.font_status()
    assert not status.found and status.family is None and status.path is None
    assert not status.active


def test_missing_font_without_warn_is_silent_then_warns_once(no_cjk_fonts):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plotting.use_chinese_font(warn=False) is None
        assert plotting.use_chinese_font() is None
        assert plotting.use_chinese_font() is None
    assert [w.category for w in caught] == [plotting.MissingCJKFontWarning]


def test_missing_font_warning_can_be_an_error(no_cjk_fonts):
    with warnings.catch_warnings():
        warnings.simplefilter("error", plotting.MissingCJKFontWarning)
        with pytest.raises(plotting.MissingCJKFontWarning, match="fonts-noto-cjk"):
            plotting.use_chinese_font()


def test_lookup_is_cached(monkeypatch):
    calls = []

    def fake():
        calls.append(1)
        return None

    monkeypatch.setattr(plotting, "_discover", fake)
    monkeypatch.setattr(plotting, "_cache", plotting._UNSET)
    monkeypatch.setattr(plotting, "_warned", True)
    for _ in range(3):
        plotting.use_chinese_font()
    plotting.font_status()
    assert len(calls) == 1
    plotting.use_chinese_font(refresh=True)
    assert len(calls) == 2


@needs_cjk_font
def test_fonts_missing_from_a_stale_matplotlib_cache_are_registered(monkeypatch):
    """A font installed after matplotlib cached its font list is still found."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    stale = copy.copy(font_manager.fontManager)
    ttflist = font_manager.fontManager.ttflist
    cjk_files = {e.fname for e in ttflist if e.name in plotting.CJK_FONT_PREFERENCE}
    stale.ttflist = [e for e in ttflist if e.fname not in cjk_files]  # as if installed after caching
    monkeypatch.setattr(font_manager, "fontManager", stale)
    assert plotting._find_in(stale) is None
    found = plotting._discover()
    assert found is not None
    assert found.registered_at_runtime
    assert found.family == CJK_FONT


def _run_python(code: str, env_extra: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MPL_IGNORE_SYSTEM_FONTS"}
    env.update(MPLBACKEND="Agg", PYTHONPATH=str(REPO), **env_extra)
    return subprocess.run(
        [sys.executable, *flags, "-c", textwrap.dedent(code)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@needs_cjk_font
def test_stale_matplotlib_font_cache_end_to_end(tmp_path):
    """A real stale cache: built while fonts were hidden, read when they are not."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    env = {"MPLCONFIGDIR": str(tmp_path)}
    build = _run_python(
        "import matplotlib.font_manager as fm; print(len(fm.fontManager.ttflist))",
        {**env, "MPL_IGNORE_SYSTEM_FONTS": "1"},
    )
    assert build.returncode == 0, build.stderr
    assert list(tmp_path.glob("fontlist-*.json"))
    proc = _run_python(
        """
        import matplotlib.font_manager as fm
        names = {e.name for e in fm.fontManager.ttflist}
        from budgetkit.plotting import CJK_FONT_PREFERENCE, font_status, use_chinese_font
        assert not names & set(CJK_FONT_PREFERENCE), "cache is not stale"
        family = use_chinese_font()
        status = font_status()
        assert status.registered_at_runtime and status.active, status
        import matplotlib.pyplot as plt
        fig = plt.figure()
        fig.text(0.1, 0.5, "部门预算支出总表（万元）")
        fig.canvas.draw()
        print(family)
        """,
        env,
        "-W",
        "error",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == CJK_FONT


def test_no_cjk_font_end_to_end(tmp_path):
    """With every installed font hidden from matplotlib: one warning, rcParams intact."""
    proc = _run_python(
        """
        import warnings
        import matplotlib
        from budgetkit.plotting import MissingCJKFontWarning, font_status, use_chinese_font
        before = list(matplotlib.rcParams["font.sans-serif"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = [use_chinese_font() for _ in range(3)]
        assert results == [None, None, None], results
        assert [w.category for w in caught] == [MissingCJKFontWarning], caught
        assert "sudo apt-get install fonts-noto-cjk" in str(caught[0].message)
        assert list(matplotlib.rcParams["font.sans-serif"]) == before
        assert not font_status().found
        print("warned once")
        """,
        {"MPLCONFIGDIR": str(tmp_path), "MPL_IGNORE_SYSTEM_FONTS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "warned once"


def test_preference_order_matches_the_brief():
    pref = plotting.CJK_FONT_PREFERENCE
    assert pref[0] == "Noto Sans CJK SC"
    assert pref.index("Source Han Sans SC") < pref.index("WenQuanYi Zen Hei") < pref.index("SimHei")
    assert pref.index("SimHei") < pref.index("Noto Sans CJK JP")
    assert pref.index("SimHei") < pref.index("Noto Sans CJK TC")


# ---------------------------------------------------------------------------
# Money formatting
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yuan", "unit", "text"),
    [
        # 1,322,340,000 / 10,000 = 132,234 ; / 100,000,000 = 13.2234
        (1_322_340_000, "万元", "132,234"),
        (1_322_340_000, "亿元", "13.22"),
        (1_322_340_000, "元", "1,322,340,000"),
        # 6,132,000 / 10,000 = 613.2
        (6_132_000, "万元", "613.2"),
        # 9,389,913 / 10,000 = 938.9913 -> 938.99
        (9_389_913, "万元", "938.99"),
        # 1,322,500,000 / 1e8 = 13.225 exactly: half up gives 13.23 (a binary float gives 13.22)
        (1_322_500_000, "亿元", "13.23"),
        # 125 / 10,000 = 0.0125 -> 0.01 ; 150 -> 0.015 -> 0.02
        (125, "万元", "0.01"),
        (150, "万元", "0.02"),
        (0, "万元", "0"),
        # -5,000 / 10,000 = -0.5
        (-5_000, "万元", "-0.5"),
        # rounds to zero: no "-0"
        (-1, "万元", "0"),
        (25_000_000.0, "万元", "2,500"),
    ],
)
def test_money_formatter_values(yuan, unit, text):
    matplotlib.rcParams["axes.unicode_minus"] = False
    assert plotting.money_formatter(unit).format_value(yuan) == text
    assert plotting.money_formatter(unit)(yuan) == text


def test_money_formatter_numpy_and_missing():
    import numpy as np

    fmt = plotting.money_formatter("万元")
    assert fmt.format_value(np.int64(1_322_340_000)) == "132,234"
    assert fmt.format_value(np.float64(1_322_340_000.0)) == "132,234"
    assert fmt.format_value(float("nan")) == ""
    assert fmt.format_value(None) == ""
    assert fmt.format_data_short(6_132_000) == "613.2 万元"


def test_money_formatter_unicode_minus_follows_rcparams():
    matplotlib.rcParams["axes.unicode_minus"] = True
    assert plotting.money_formatter().format_value(-5_000) == "\N{MINUS SIGN}0.5"


def test_money_formatter_ticks_share_decimals():
    wan = plotting.money_formatter("万元")
    assert wan.format_ticks([0, 5_000_000, 10_000_000, 15_000_000]) == ["0", "500", "1,000", "1,500"]
    yi = plotting.money_formatter("亿元")
    assert yi.format_ticks([0, 25_000_000, 50_000_000]) == ["0.00", "0.25", "0.50"]
    assert yi.format_ticks([0, 500_000_000, 1_000_000_000]) == ["0", "5", "10"]
    fixed = plotting.money_formatter("亿元", decimals=1)
    assert fixed.format_ticks([0, 1_322_340_000]) == ["0.0", "13.2"]


def test_money_formatter_rejects_unknown_unit():
    with pytest.raises(ValueError, match="千元"):
        plotting.money_formatter("千元")


def test_money_axis_labels_and_ticks_on_a_drawn_axis():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plotting.MissingCJKFontWarning)
        plotting.use_chinese_font()
    fig, ax = plt.subplots()
    ax.bar([0, 1], [1_322_340_000, 613_200_000])
    assert plotting.money_axis(ax) is ax
    assert ax.get_ylabel() == "金额（万元）"
    fig.canvas.draw()
    locs = ax.get_yticks()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(locs) > 2
    for loc, label in zip(locs, labels):
        assert float(label.replace(",", "")) * 10_000 == pytest.approx(loc)
    assert any("," in label for label in labels)

    plotting.money_axis(ax, unit="亿元", axis="x", label="")
    assert ax.get_xlabel() == ""
    plotting.money_axis(ax, unit="亿元", axis="y")
    assert ax.get_ylabel() == "金额（亿元）"
    with pytest.raises(ValueError):
        plotting.money_axis(ax, axis="z")


# ---------------------------------------------------------------------------
# Figure furniture and bar chart
# ---------------------------------------------------------------------------


def test_source_note_sits_below_the_axes():
    note_text = "数据来源：2023 年深圳市龙华区工业和信息化局部门预算"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plotting.MissingCJKFontWarning)
        plotting.use_chinese_font()
    for layout in (None, "constrained", "tight"):
        fig, ax = plt.subplots(figsize=(6, 4), layout=layout)
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("x")
        note = plotting.source_note(fig, note_text)
        assert note.get_text() == note_text
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        note_box = note.get_window_extent(renderer)
        ax_box = ax.get_tightbbox(renderer)
        assert note_box.y1 <= ax_box.y0 + 1, layout  # under the axes and its labels
        assert note_box.y0 >= 0 and note_box.x0 >= 0, layout  # inside the figure
        # Jupyter's inline backend saves with bbox_inches="tight": the note must
        # lie inside that crop, or students never see where the numbers come from.
        tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
        assert tight.y0 <= note_box.y0 + 1 and tight.x0 <= note_box.x0 + 1, layout


def test_titled_places_subtitle_between_title_and_axes():
    fig, ax = plt.subplots()
    plotting.titled(ax, "Title", "Subtitle")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert ax.get_title(loc="left") == "Title"
    title_box = ax._left_title.get_window_extent(renderer)
    sub = next(t for t in ax.texts if t.get_text() == "Subtitle")
    sub_box = sub.get_window_extent(renderer)
    assert sub_box.y1 <= title_box.y0 + 1
    assert sub_box.y0 >= ax.get_window_extent(renderer).y1 - 1


def test_bar_chart_labels_values_and_order():
    labels = ["一般公共服务支出", "科学技术支出"]
    values = [1_322_340_000, 6_132_000]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plotting.MissingCJKFontWarning)
        ax = plotting.bar_chart(
            labels,
            values,
            title="2023 年支出",
            unit="万元",
            source="数据来源：2023 年深圳市龙华区工业和信息化局部门预算",
            percent=True,
        )
    fig = ax.figure
    with warnings.catch_warnings():
        if CJK_FONT is not None:  # bar_chart switched the CJK font on: no missing glyphs
            warnings.simplefilter("error")
        fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert ax.yaxis_inverted()  # first label on top
    widths = [p.get_width() for p in ax.patches]
    assert widths == values  # axis data stays in exact 元
    # shares: 1,322,340,000 / 1,328,472,000 = 99.54 % ; 6,132,000 / 1,328,472,000 = 0.46 %
    bar_texts = [t.get_text() for t in ax.texts if t.get_text().endswith("%）")]
    assert bar_texts == ["132,234（99.5%）", "613.2（0.46%）"]  # below 1 %: two decimals
    assert ax.get_xlabel() == "金额（万元）"
    assert ax.get_title(loc="left") == "2023 年支出"
    assert any(t.get_text().startswith("数据来源") for t in fig.texts)
    colors = {p.get_facecolor() for p in ax.patches}
    assert colors == {matplotlib.colors.to_rgba(plotting.BAR_COLOR)}


def test_bar_chart_is_deterministic_and_handles_negatives():
    def render():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", plotting.MissingCJKFontWarning)
            ax = plotting.bar_chart(["收入", "支出", "结余"], [300_000_000, -120_000_000, 0], unit="亿元")
        ax.figure.canvas.draw()
        data = bytes(ax.figure.canvas.buffer_rgba())
        texts = [t.get_text() for t in ax.texts]
        facecolors = [p.get_facecolor() for p in ax.patches]
        plt.close(ax.figure)
        return data, texts, facecolors

    first, second = render(), render()
    assert first == second
    assert first[1] == ["3", "-1.2", "0"]
    assert first[2][1] == matplotlib.colors.to_rgba(plotting.NEGATIVE_BAR_COLOR)


def test_bar_chart_into_existing_axes_and_bad_input():
    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plotting.MissingCJKFontWarning)
        assert plotting.bar_chart(["a"], [10_000], ax=ax) is ax
        with pytest.raises(ValueError, match="2 labels but 1 values"):
            plotting.bar_chart(["a", "b"], [1])
        with pytest.raises(ValueError, match="'b'"):
            plotting.bar_chart(["a", "b"], [1, float("nan")])
    assert [t.get_text() for t in ax.texts] == ["1"]

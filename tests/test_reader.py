"""budgetkit.reader: read() for text and PDF, both templates; read_many(); the parse-many command.

The PDFs here are generated in the test with matplotlib's PDF backend: text
placed at known x positions (numbers right-aligned in their cells, as budget
tables print them), with or without ruling lines. Which cell an amount belongs
to is known by construction, so the expected values need no parser.
"""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import pdf as bkpdf
from budgetkit.errors import BudgetkitError, TemplateError
from budgetkit.reader import add_cli, read, read_many, read_text
from test_national import NATIONAL_DOC

W, H = 842.0, 595.0  # A4 landscape, points


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"):
        if name in names:
            return name
    return None


def make_pdf(path, pages: list[list[tuple]], font: str | None = None) -> None:
    """Pages of ("text", x, y, s, ha) and ("vrule", x, y0, y1) items → a PDF (y from the top)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.lines import Line2D

    with PdfPages(path) as out:
        for items in pages:
            fig = plt.figure(figsize=(W / 72, H / 72))
            for item in items:
                if item[0] == "text":
                    _, x, y, s, ha = item
                    kw = {"family": font} if font else {}
                    fig.text(x / W, 1 - y / H, s, ha=ha, va="baseline", fontsize=9, **kw)
                else:
                    _, x, y0, y1 = item
                    fig.add_artist(Line2D([x / W, x / W], [1 - y0 / H, 1 - y1 / H], lw=0.6, color="black"))
            out.savefig(fig)
            plt.close(fig)


# Column cells (x from, x to): code | name | total | basic | project
COLS = [(50, 110), (110, 330), (330, 480), (480, 630), (630, 780)]


def _row_items(y: float, cells: list[str]) -> list[tuple]:
    out = []
    for (x0, x1), s in zip(COLS, cells):
        if not s:
            continue
        if s[0].isdigit() and "," in s or s == "0":
            out.append(("text", x1 - 6, y, s, "right"))  # amounts right-aligned
        else:
            out.append(("text", x0 + 4, y, s, "left"))
    return out


def test_pdf_geometry_places_amount_in_its_cell(tmp_path):
    """ASCII-only: an empty middle cell stays empty because the rules say where cells are."""
    rows = [["code", "name", "total", "basic", "project"],
            ["2011301", "run", "9,389,913.00", "9,389,913.00", ""],
            ["2011302", "admin", "4,545,000.00", "", "4,545,000.00"]]
    items = [("vrule", x, 80, 160) for x in (50, 110, 330, 480, 630, 780)]
    for i, r in enumerate(rows):
        items += _row_items(100 + 20 * i, r)
    p = tmp_path / "grid.pdf"
    make_pdf(p, [items])
    doc = bkpdf.extract(p)
    lines = [ln for ln in doc.text.splitlines() if ln.startswith("20113")]
    assert lines == ["2011301\trun\t9,389,913.00\t9,389,913.00\t", "2011302\tadmin\t4,545,000.00\t\t4,545,000.00"]
    assert doc.page_count == 1 and all(pg == 1 for pg in doc.line_pages)


# ---- hand-written PDFs: drawing operators that matplotlib does not produce

GRID_ROWS = [["code", "name", "total", "basic", "project"],
             ["2011301", "run", "9,389,913.00", "9,389,913.00", ""],
             ["2011302", "admin", "4,545,000.00", "", "4,545,000.00"]]
GRID_LINES = ["code\tname\ttotal\tbasic\tproject",
              "2011301\trun\t9,389,913.00\t9,389,913.00\t",
              "2011302\tadmin\t4,545,000.00\t\t4,545,000.00"]
XS = [x for x, _ in COLS] + [COLS[-1][1]]
TOP, BOTTOM = 500, 500 - 20 * len(GRID_ROWS)  # PDF user space (y up)


def _grid_text() -> str:
    """Content-stream text of GRID_ROWS (Helvetica 10 pt), one row every 20 pt, left in each cell."""
    out = ""
    for i, row in enumerate(GRID_ROWS):
        for (x0, _), s in zip(COLS, row):
            if s:
                out += f"BT /F1 10 Tf 1 0 0 1 {x0 + 4} {TOP - 20 * i - 14} Tm ({s}) Tj ET\n"
    return out


def write_pdf(path, pages: list[dict], encrypt: bool = False) -> None:
    """A PDF written by hand (Helvetica as /F1).

    Each page is a dict: ``content`` (its content stream), optional ``rotate``,
    ``media`` (MediaBox) and ``forms`` ({name: (matrix, content)}: Form XObjects).
    """
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(head: str, data: str) -> bytes:
        raw = data.encode("latin-1")
        return f"<< {head} /Length {len(raw)} >>\nstream\n".encode() + raw + b"\nendstream"

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    res = f"/Resources << /Font << /F1 {font} 0 R >> >>"

    def form(matrix, data: str) -> int:
        head = f"/Type /XObject /Subtype /Form /BBox [0 0 2000 2000] /Matrix [{' '.join(map(str, matrix))}] {res}"
        return add(stream(head, data))

    tree = add(b"")  # the page tree, filled in below
    kids = []
    for page in pages:
        forms = " ".join(f"/{name} {form(m, data)} 0 R" for name, (m, data) in page.get("forms", {}).items())
        content = add(stream("", page["content"]))
        media = " ".join(map(str, page.get("media", (0, 0, W, H))))
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /Contents {content} 0 R /MediaBox [{media}] "
                        f"/Rotate {page.get('rotate', 0)} /Resources << /Font << /F1 {font} 0 R >> "
                        f"/XObject << {forms} >> >> >>".encode()))
    objs[tree - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    root = add(f"<< /Type /Catalog /Pages {tree} 0 R >>".encode())
    trailer = f"/Root {root} 0 R"
    if encrypt:  # the standard security handler with a user password that is not empty
        enc = add(f"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <{'11' * 32}> /U <{'22' * 32}> >>".encode())
        trailer += f" /Encrypt {enc} 0 R"
        trailer += f" /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def _table_lines(doc) -> list[str]:
    return [ln for ln in doc.text.splitlines() if "\t" in ln]


def test_pdf_rules_from_one_path_holding_the_grid(tmp_path):
    """A single stroked path object with every vertical and horizontal line of the table."""
    grid = " ".join(f"{x} {TOP} m {x} {BOTTOM} l" for x in XS)
    grid += " " + " ".join(f"{XS[0]} {y} m {XS[-1]} {y} l" for y in range(BOTTOM, TOP + 1, 20))
    p = tmp_path / "onepath.pdf"
    write_pdf(p, [{"content": _grid_text() + f"0.5 w {grid} S\n"}])
    doc = bkpdf.extract(p)
    assert _table_lines(doc) == GRID_LINES
    assert [round(r.x, 1) for r in doc.pages[0].rules] == XS
    assert all((round(r.top), round(r.bottom)) == (H - TOP, H - BOTTOM) for r in doc.pages[0].rules)


@pytest.mark.parametrize("kind", ["thin filled rectangles", "stroked cell boxes", "2-point curves"])
def test_pdf_rules_inside_a_form_xobject(tmp_path, kind):
    """Rules drawn inside a Form XObject (its /Matrix and the cm before Do both apply), text outside it."""
    if kind == "thin filled rectangles":
        drawing = " ".join(f"{(x - 0.5) / 2} {BOTTOM / 2 - 5} 0.5 {(TOP - BOTTOM) / 2} re" for x in XS) + " f"
    elif kind == "stroked cell boxes":
        drawing = "0.25 w " + " ".join(f"{a / 2} {y / 2 - 5} {(b - a) / 2} 10 re"
                                       for a, b in zip(XS, XS[1:]) for y in range(BOTTOM, TOP, 20)) + " S"
    else:
        drawing = " ".join(f"{x / 2} {TOP / 2 - 5} m {x / 2} {TOP / 2 - 10} {x / 2} {BOTTOM / 2} {x / 2} {BOTTOM / 2 - 5} c"
                           for x in XS) + " S"
    # form space ×2 by its /Matrix, then moved up 10 pt by the cm
    page = {"content": _grid_text() + "q 1 0 0 1 0 10 cm /Fm1 Do Q\n", "forms": {"Fm1": ((2, 0, 0, 2, 0, 0), drawing)}}
    p = tmp_path / "form.pdf"
    write_pdf(p, [page])
    doc = bkpdf.extract(p)
    assert _table_lines(doc) == GRID_LINES
    assert [round(r.x) for r in doc.pages[0].rules] == XS


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_pdf_rotated_page_reads_as_shown(tmp_path, rotate):
    """A landscape table on a /Rotate page, drawn turned so that it reads upright as shown."""
    grid = "0.5 w " + " ".join(f"{x} {TOP} m {x} {BOTTOM} l" for x in XS) + " S\n"
    turn = {90: f"0 1 -1 0 {H} 0", 180: f"-1 0 0 -1 {W} {H}", 270: f"0 -1 1 0 0 {W}"}[rotate]
    media = (0, 0, H, W) if rotate in (90, 270) else (0, 0, W, H)
    # plus text drawn unturned: vertical (or upside down) as shown, and left out
    # as pdfplumber did — except upside down, which pdfminer calls upright too
    stray = "BT /F1 10 Tf 1 0 0 1 20 20 Tm (stray) Tj ET\n" if rotate != 180 else ""
    p = tmp_path / f"rot{rotate}.pdf"
    write_pdf(p, [{"content": f"q {turn} cm\n" + _grid_text() + grid + "Q\n" + stray, "rotate": rotate, "media": media}])
    doc = bkpdf.extract(p)
    assert (doc.pages[0].width, doc.pages[0].height) == (W, H)
    assert doc.text.splitlines() == GRID_LINES
    assert [round(r.x, 1) for r in doc.pages[0].rules] == XS


def test_pdf_blank_text_keeps_its_line(tmp_path):
    """Text objects of spaces only (pdfium's text page drops them) still make an empty printed line."""
    text = "BT /F1 10 Tf 1 0 0 1 50 500 Tm (first) Tj ET\n"
    text += "BT /F1 10 Tf 1 0 0 1 50 480 Tm (   ) Tj ET BT /F1 10 Tf 1 0 0 1 70 480 Tm ( ) Tj ET\n"
    text += "BT /F1 10 Tf 1 0 0 1 50 460 Tm (two) Tj ET BT /F1 10 Tf 1 0 0 1 70 460 Tm (   ) Tj ET "
    text += "BT /F1 10 Tf 1 0 0 1 80 460 Tm (words) Tj ET\n"
    p = tmp_path / "blank.pdf"
    write_pdf(p, [{"content": text}])
    doc = bkpdf.extract(p)
    assert doc.text == "first\n\ntwo words\n"


def test_pdf_errors_encrypted_and_no_pages(tmp_path):
    p = tmp_path / "locked.pdf"
    write_pdf(p, [{"content": _grid_text()}], encrypt=True)
    with pytest.raises(TemplateError, match="encrypted") as ei:
        bkpdf.extract(p)
    assert ei.value.file == str(p)
    write_pdf(p, [{"content": _grid_text()}])
    assert "2011301 run 9,389,913.00 9,389,913.00" in bkpdf.extract(p).text  # the same file unlocked reads
    empty = tmp_path / "empty.pdf"
    write_pdf(empty, [])
    with pytest.raises(TemplateError, match="no pages"):
        bkpdf.extract(empty)


def _national_pdf_items(ruled: bool) -> list[list[tuple]]:
    """The national document's 表1 and 表3 (two pages) drawn at known positions."""
    p1 = [("text", 300, 60, "2025年部门财务收支预算总表", "left"),
          ("text", 50, 80, "编制部门：示例区示例局", "left"), ("text", 780, 80, "单位：元", "right")]
    bal_cols = [(50, 250), (250, 400), (400, 620), (620, 780)]
    bal = [["项目", "预算数", "项目", "预算数"],
           ["一、财政拨款收入", "1,800,000.00", "一、一般公共服务支出", "1,500,000.00"],
           ["", "", "二、社会保障和就业支出", "300,000.00"],
           ["收入总计", "1,800,000.00", "支出总计", "1,800,000.00"]]
    for i, r in enumerate(bal):
        y = 110 + 20 * i
        for (x0, x1), s in zip(bal_cols, r):
            if s:
                p1.append(("text", x1 - 6, y, s, "right") if s[0].isdigit() else ("text", x0 + 4, y, s, "left"))
    if ruled:
        p1 += [("vrule", x, 95, 190) for x in (50, 250, 400, 620, 780)]
    p2 = [("text", 320, 60, "2025年部门支出预算总表", "left"),
          ("text", 50, 80, "编制部门：示例区示例局", "left"), ("text", 780, 80, "单位：元", "right"),
          ("text", 150, 110, "功能分类科目名称", "left"), ("text", 405, 110, "合计", "center"),
          ("text", 555, 110, "基本支出", "center"), ("text", 705, 110, "项目支出", "center")]
    rows = [["201", "一般公共服务支出", "1,500,000.00", "1,000,000.00", "500,000.00"],
            ["20113", "商贸事务", "1,500,000.00", "1,000,000.00", "500,000.00"],
            ["2011301", "行政运行", "1,000,000.00", "1,000,000.00", ""],
            ["2011302", "一般行政管理事务", "500,000.00", "", "500,000.00"],
            ["208", "社会保障和就业支出", "300,000.00", "300,000.00", ""],
            ["20805", "行政事业单位养老支出", "300,000.00", "300,000.00", ""],
            ["2080505", "机关事业单位基本养老保险缴费支出", "300,000.00", "300,000.00", ""],
            ["合计", "", "1,800,000.00", "1,300,000.00", "500,000.00"]]
    for i, r in enumerate(rows):
        p2 += _row_items(135 + 20 * i, r)
    if ruled:
        p2 += [("vrule", x, 95, 300) for x, _ in COLS] + [("vrule", 780, 95, 300)]
    return [p1, p2]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_read_generated_national_pdf(tmp_path, ruled):
    font = _cjk_font()
    if font is None:
        pytest.skip("no CJK font for matplotlib (install fonts-noto-cjk)")
    p = tmp_path / "generated.pdf"
    make_pdf(p, _national_pdf_items(ruled), font=font)
    b = read(p)
    assert b.meta["template"] == "national-9" and b.meta["pages"] == 2 and b.meta["source_format"] == "pdf"
    t3 = b.table(3).set_index("code")
    assert t3.loc["2011301", ["total", "basic", "project"]].tolist() == [1_000_000, 1_000_000, 0]
    assert t3.loc["2011302", ["total", "basic", "project"]].tolist() == [500_000, 0, 500_000]
    assert (t3["page"] == 2).all()
    t1 = b.table(1)
    assert t1.loc[t1["name"] == "社会保障和就业支出", "amount"].item() == 300_000
    assert b.expenditure["total"][b.expenditure["level"] == 1].sum() == 1_800_000


def test_read_text_file_both_templates(tmp_path, raw_path):
    seed = read(raw_path)
    assert seed.meta["template"] == "shenzhen-12"
    again = bk.parse_text(raw_path)
    assert all(seed.frame(n).equals(again.frame(n)) for n in again.frame_names)
    # the expenditure accessor has the same columns for both templates
    nat = read_text(NATIONAL_DOC)
    assert list(seed.expenditure.columns) == list(nat.expenditure.columns)


def test_read_errors(tmp_path):
    with pytest.raises(TemplateError):
        read(tmp_path / "missing.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a pdf")
    with pytest.raises(TemplateError) as ei:
        read(bad)
    assert ei.value.file == str(bad)
    blank = tmp_path / "blank.pdf"
    make_pdf(blank, [[]])
    with pytest.raises(TemplateError, match="no text layer"):
        read(blank)
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(TemplateError):
        read(binary)
    with pytest.raises(BudgetkitError):
        read(tmp_path)


def test_read_many_never_stops(tmp_path, raw_path):
    (tmp_path / "a_national.txt").write_text(NATIONAL_DOC, encoding="utf-8")
    (tmp_path / "b_seed.txt").write_text(raw_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "c_broken.pdf").write_bytes(b"%PDF-1.7\n%%EOF")
    (tmp_path / "d_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x\n1\n", encoding="utf-8")
    res = read_many(tmp_path)
    assert [b.meta["template"] for b in res.budgets] == ["national-9", "shenzhen-12"]
    assert list(res.failures["source"]) == ["c_broken.pdf", "d_empty.txt"]
    assert set(res.failures["error"]) == {"TemplateError"}
    assert res.failures["reason"].str.len().min() > 0
    exp = res.expenditure
    assert list(exp.columns[:4]) == ["department", "year", "template", "source"]
    assert set(exp["template"]) == {"national-9", "shenzhen-12"}
    # the long table holds exactly each Budget's expenditure lines
    assert len(exp) == sum(len(b.expenditure) for b in res.budgets)
    docs = res.documents.set_index("source")
    assert docs.loc["a_national.txt", "total"] == 1_800_000
    t3 = res.frame("table3")
    assert set(t3["source"]) == {"a_national.txt", "b_seed.txt"}


def test_parse_many_cli(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text(NATIONAL_DOC, encoding="utf-8")
    (folder / "two.pdf").write_bytes(b"not a pdf at all")
    parser = argparse.ArgumentParser()
    add_cli(parser.add_subparsers(dest="command"))
    out = tmp_path / "out" / "all.csv"
    args = parser.parse_args(["parse-many", str(folder), "--out", str(out), "--quiet"])
    assert args.func(args) == 1  # one document failed, the rest was written
    df = pd.read_csv(out)
    assert len(df) == 7 and set(df["department"]) == {"示例区示例局"}
    fails = pd.read_csv(out.with_name("all.failures.csv"))
    assert list(fails["source"]) == ["two.pdf"]
    err = capsys.readouterr().err
    assert "two.pdf" in err


# ---------------------------------------------------------------- the top-level API and the budgetkit command


def test_top_level_read_functions():
    assert bk.read is read and bk.read_many is read_many and bk.read_text is read_text
    assert {"read", "read_many", "read_text"} <= set(dir(bk)) and {"read", "read_many"} <= set(bk.__all__)


def test_parse_text_reads_the_national_template(tmp_path):
    path = tmp_path / "national.txt"
    path.write_text(NATIONAL_DOC, encoding="utf-8")
    via_parse_text, via_read = bk.parse_text(path), read(path)
    assert via_parse_text.meta["template"] == "national-9"
    # the hand-made document's 表3 合计 row prints 1,800,000.00 元
    assert via_parse_text.expenditure["total"][via_parse_text.expenditure["level"] == 1].sum() == 1_800_000
    assert all(via_parse_text.frame(n).equals(via_read.frame(n)) for n in via_read.frame_names)
    with pytest.raises(TemplateError, match="national 9-table"):
        bk.parse_text("这不是一份预算公开文件。\n第二行。\n")


def test_command_line_reads_any_template(tmp_path, capsys):
    from budgetkit.cli import main

    path = tmp_path / "national.txt"
    path.write_text(NATIONAL_DOC, encoding="utf-8")
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "national-9" in out and "示例区示例局" in out
    assert main(["parse", str(path), "--out", str(tmp_path / "dp")]) == 0
    capsys.readouterr()
    back = bk.read_datapackage(tmp_path / "dp")
    assert back.equals(read(path))
    status = main(["check", str(path), "--format", "json"])
    report = capsys.readouterr().out
    # the hand-made document prints the tables but none of the required explanations
    # (职责, 机构 …), so the completeness rule fails and the exit status says so
    assert status == 1 and '"department": "示例区示例局"' in report
    assert '"rule": "completeness.explanations"' in report and '"status": "fail"' in report
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "one.txt").write_text(NATIONAL_DOC, encoding="utf-8")
    assert main(["parse-many", str(folder), "--out", str(tmp_path / "all.csv"), "--quiet"]) == 0
    assert len(pd.read_csv(tmp_path / "all.csv")) == 7  # the document's seven 表3 lines
    assert main(["info", str(tmp_path / "nothing-here.pdf")]) == 2  # a budgetkit error, reported, not a traceback
    assert "nothing-here.pdf" in capsys.readouterr().err

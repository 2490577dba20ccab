"""The bundled dataset: shipped files = parser output, Data Package validity, load(), CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit.cli import main as cli_main
from budgetkit.errors import DataError, MissingTableError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
SHIPPED = ROOT / "data" / "longhua-iit-2023"


@pytest.fixture(scope="module")
def parsed():
    return bk.parse_text(RAW)


@pytest.fixture(scope="module")
def loaded():
    return bk.load()


def test_datasets():
    assert bk.datasets() == ["longhua-iit-2023"]


def test_load_equals_parse_exactly(parsed, loaded):
    assert sorted(parsed.frame_names) == sorted(loaded.frame_names)
    for name in parsed.frame_names:
        pd.testing.assert_frame_equal(parsed.frame(name), loaded.frame(name), check_exact=True, obj=name)
    strip = lambda m: {k: v for k, v in m.items() if k != "source"}
    assert strip(parsed.meta) == strip(loaded.meta)
    assert parsed.equals(loaded)


def test_shipped_files_are_the_parser_output(tmp_path):
    """Regenerating the data package from data/raw reproduces every shipped byte (no hand edits)."""
    (tmp_path / "raw").mkdir()
    raw_copy = tmp_path / "raw" / RAW.name  # the same layout as data/, so relative paths agree
    raw_copy.write_bytes(RAW.read_bytes())
    bk.write_datapackage(bk.parse_text(raw_copy), tmp_path / "longhua-iit-2023", source_path=raw_copy)
    fresh = sorted(p.name for p in (tmp_path / "longhua-iit-2023").iterdir())
    shipped = sorted(p.name for p in SHIPPED.iterdir())
    assert fresh == shipped
    for name in shipped:
        assert (tmp_path / "longhua-iit-2023" / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_datapackage_is_valid_frictionless():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(SHIPPED / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_datapackage_declares_types_units_keys():
    pkg = json.loads((SHIPPED / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    t3 = {f["name"]: f for f in res["table3"]["schema"]["fields"]}
    assert t3["total"]["type"] == "integer" and t3["total"]["unit"] == "元"
    assert t3["code"]["type"] == "string" and t3["line"]["type"] == "integer"
    assert res["table3"]["schema"]["primaryKey"] == "line"
    assert res["table1"]["schema"]["primaryKey"] == ["side", "line"]
    assert res["projects"]["schema"]["primaryKey"] == "project_no"
    meta = pkg["budgetkit"]
    assert meta["source_sha256"] == hashlib.sha256(RAW.read_bytes()).hexdigest()
    assert (SHIPPED / meta["source"]).resolve() == RAW.resolve()


def test_loaded_budget_has_source_text(loaded):
    row = loaded.table(3).iloc[1]
    assert "201\t一般公共服务支出" in loaded.source_lines(int(row["line"]), numbered=False)


def test_load_missing_tables_and_errors(loaded):
    with pytest.raises(MissingTableError, match="listed in the contents but absent.*derived_table"):
        loaded.table(2)
    with pytest.raises(DataError, match="no bundled dataset 'nope'"):
        bk.load("nope")
    with pytest.raises(DataError, match="no table 'nope'"):
        loaded.frame("nope")


def test_derived_tables_are_labelled_and_exact(loaded):
    # 表3 line 376: 合计 132,234 = 基本支出 1,881 + 项目支出 130,353 (万元)
    t5 = loaded.derived_table(5)
    assert t5.attrs["derived"] is True and t5.attrs["published"] is False
    assert "非公开" in t5.attrs["title"] and t5.attrs["derived_from"].startswith("表3")
    total = t5[t5["kind"] == "total"]
    assert total["total"].tolist() == [130_353 * 10_000] and total["line"].tolist() == [376]
    t4 = loaded.derived_table(4)
    assert t4.loc[t4["kind"] == "total", "total"].tolist() == [1_881 * 10_000]
    with pytest.raises(MissingTableError):
        loaded.table(5)  # deriving it published nothing


def test_read_datapackage_reports_bad_files(tmp_path, parsed):
    out = tmp_path / "pkg"
    bk.write_datapackage(parsed, out, source_path=RAW)
    (out / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match=r"datapackage\.json.*line 1"):
        bk.read_datapackage(out)
    bk.write_datapackage(parsed, out, source_path=RAW)
    text = (out / "table3.csv").read_text(encoding="utf-8").replace("1322340000", "13223400x0", 1)
    (out / "table3.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"table3\.csv"):
        bk.read_datapackage(out)


def test_expenditure_view(loaded):
    exp = loaded.expenditure
    assert list(exp.columns[:6]) == ["code", "name", "level", "total", "basic", "project"]
    assert len(exp) == 39  # 表3 rows minus the unit's total row
    assert exp.loc[exp["code"] == "2011301", "total"].item() == 1_219 * 10_000  # line 379


def test_cli_info_and_parse(tmp_path, capsys):
    assert cli_main(["info"]) == 0
    out = capsys.readouterr().out
    assert "深圳市龙华区工业和信息化局" in out and "listed in the contents, NOT published" in out
    assert "132,234 万元" in out
    assert cli_main(["parse", str(RAW), "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "datapackage.json").is_file()
    bad = tmp_path / "bad.txt"
    bad.write_text(RAW.read_text(encoding="utf-8").replace("\t2011301\t行政运行\t1,219", "\t2011301\t行政运行\t1,2l9"),
                   encoding="utf-8")
    assert cli_main(["parse", str(bad), "--out", str(tmp_path / "y")]) == 2
    err = capsys.readouterr().err
    assert "bad.txt" in err and "表3 支出总表" in err and "line 379" in err


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "budgetkit.cli", "datasets"], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["longhua-iit-2023"]

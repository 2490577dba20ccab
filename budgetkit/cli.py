"""The ``budgetkit`` command line.

``budgetkit info [DATASET|PATH]``   what a dataset or a disclosure holds
``budgetkit parse SOURCE --out DIR`` source text → CSV tables + datapackage.json
``budgetkit datasets``               list bundled datasets
``budgetkit check [DATASET|PATH]``   audit a budget (exit status 1 when a rule fails)
``budgetkit parse-many DIR --out F`` every disclosure in a folder → one long CSV

PATH is a disclosure (.txt or .pdf, either template) or a data package folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import BudgetkitError
from .io import datasets, load, write_datapackage
from .money import format_wan


def _open(target: str | None):
    if target is None or target in datasets():
        return load(target)
    path = Path(target)
    if path.is_dir() or path.name == "datapackage.json":
        from .io import read_datapackage

        return read_datapackage(path)
    from .reader import read

    return read(path)


def cmd_info(args: argparse.Namespace) -> int:
    b = _open(args.target)
    m = b.meta
    out = [
        f"{m['year']} 年 {m['department']} 部门预算",
        f"  template:        {m['template']}",
        f"  source:          {m['source']}",
        f"  published unit:  {m['currency_unit']} (stored as exact integer 元)",
    ]
    contents = b.contents
    out.append("  tables (contents list → published?):")
    for r in contents.itertuples():
        if r.published:
            df = b.table(int(r.number))
            status = f"{len(df):>3} rows"
        else:
            status = "listed in the contents, NOT published"
        out.append(f"    表{int(r.number):<3} {r.title:<28} {status}")
    t1 = b.table(1)
    total = t1.loc[(t1["side"] == "income") & (t1["name"] == "收入总计"), "amount"]
    if len(total):
        out.append(f"  收入总计 (表1):    {format_wan(int(total.iloc[0]))}")
    extra = [n for n in b.frame_names if not n.startswith("table")]
    out.append("  other tables:    " + ", ".join(f"{n} ({len(b.frame(n))})" for n in extra))
    for w in m.get("warnings", []):
        out.append(f"  warning: {w}")
    print("\n".join(out))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from .reader import read

    b = read(Path(args.source))
    target = write_datapackage(b, args.out, source_path=args.source)
    print(f"wrote {len(b.frame_names)} tables and {target}")
    return 0


def cmd_datasets(args: argparse.Namespace) -> int:
    for d in datasets():
        print(d)
    return 0


_STATUSES = ("ok", "rounding", "fail", "not_applicable")


def _statuses(text: str) -> list[str]:
    wanted = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in wanted if s not in _STATUSES]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown status {', '.join(bad)}; choose from {', '.join(_STATUSES)}")
    return wanted


def cmd_check(args: argparse.Namespace) -> int:
    from . import checks

    b = _open(args.target)
    report = checks.run(b, rules=args.rule or None)
    failed = bool((report["status"] == "fail").any())
    if args.format == "text":
        show = args.status if args.status is not None else (None if args.all else ("rounding", "fail", "not_applicable"))
        print(checks.format_text(report, show=show))
        return 1 if failed else 0
    shown = report if args.status is None else report[report["status"].isin(args.status)]
    if args.format == "csv":
        sys.stdout.write(shown.to_csv(index=False, lineterminator="\n"))
    else:
        money = {"expected", "actual", "difference", "tolerance"}
        records = [
            {k: (None if checks._get(row, k) is None else int(v) if k in money else str(v)) for k, v in row.items()}
            for row in shown.to_dict("records")
        ]
        counts = report["status"].value_counts()
        out = {
            "department": b.meta.get("department"), "year": b.meta.get("year"), "source": b.meta.get("source"),
            "summary": {s: int(counts.get(s, 0)) for s in _STATUSES},
            "failed": failed,
            "findings": records,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="budgetkit", description="Explore Chinese department budget disclosures.")
    p.add_argument("--version", action="version", version=f"budgetkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("info", help="what a dataset or a disclosure holds")
    s.add_argument("target", nargs="?", help="bundled dataset id, data package folder, or a disclosure .txt/.pdf (default: the bundled dataset)")
    s.set_defaults(func=cmd_info)
    s = sub.add_parser("parse", help="parse a disclosure (.txt or .pdf) into CSV tables + datapackage.json")
    s.add_argument("source", help="the disclosure: a UTF-8 text or a PDF file, either template")
    s.add_argument("--out", required=True, help="output folder")
    s.set_defaults(func=cmd_parse)
    s = sub.add_parser("datasets", help="list bundled datasets")
    s.set_defaults(func=cmd_datasets)
    s = sub.add_parser(
        "check", help="audit a budget: balances, cross-table and text-vs-table consistency, stated changes",
        description="Run budgetkit's audit rules. Exit status: 0 when no rule fails, 1 when one does, "
                    "2 when the budget cannot be read.",
    )
    s.add_argument("target", nargs="?", help="bundled dataset id, data package folder, or a disclosure .txt/.pdf (default: the bundled dataset)")
    s.add_argument("--format", choices=("text", "csv", "json"), default="text", help="output format (default: text)")
    s.add_argument("--rule", action="append", metavar="ID", help="only these rules (id, glob such as 'cross.*', or category); repeatable")
    s.add_argument("--status", type=_statuses, metavar="LIST", help="only findings with these statuses, e.g. fail,rounding")
    s.add_argument("--all", action="store_true", help="text format: list every finding, including ok ones")
    s.set_defaults(func=cmd_check)
    from .reader import add_cli

    add_cli(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BudgetkitError as exc:
        print(f"budgetkit: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Reader benchmarks: text documents parsed per second, PDF pages per second.

    python benchmarks/bench_reader.py [--corpus DIR]     (DIR defaults to $BUDGETKIT_CORPUS)

* national-template text (the hand-made document of tests/test_national.py) — target ≥ 50 documents/s
* the seed's Shenzhen-template text — reported
* PDF: every PDF of the corpus, pages/s for extraction alone and for extraction + parsing
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from budgetkit import pdf as bkpdf  # noqa: E402
from budgetkit.reader import read, read_text  # noqa: E402

SEED = ROOT / "data" / "raw" / "2023-longhua-iit-department-budget.txt"


def per_second(fn, seconds: float = 2.0) -> float:
    fn()  # warm-up (imports, reference lists)
    runs = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(runs) < 5:
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return 1 / statistics.median(runs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("BUDGETKIT_CORPUS"))
    args = ap.parse_args(argv)
    from test_national import NATIONAL_DOC

    seed = SEED.read_text(encoding="utf-8")
    nat = per_second(lambda: read_text(NATIONAL_DOC))
    sz = per_second(lambda: read_text(seed))
    print(f"{'national-9 text (hand-made, 9 tables)':45s} {nat:8.1f} documents/s  (target ≥ 50) "
          f"{'OK' if nat >= 50 else 'BELOW TARGET'}")
    print(f"{'shenzhen-12 text (the seed)':45s} {sz:8.1f} documents/s")
    if args.corpus and Path(args.corpus).is_dir():
        pdfs = sorted(Path(args.corpus).glob("*.pdf"))
        pages = 0
        t = time.perf_counter()
        for p in pdfs:
            pages += bkpdf.extract(p).page_count
        t_extract = time.perf_counter() - t
        t = time.perf_counter()
        for p in pdfs:
            read(p)
        t_read = time.perf_counter() - t
        print(f"{'PDF extraction (pypdfium2 + geometry)':45s} {pages / t_extract:8.1f} pages/s  "
              f"({len(pdfs)} PDFs, {pages} pages)")
        print(f"{'PDF read (extraction + parsing)':45s} {pages / t_read:8.1f} pages/s  "
              f"({t_read / len(pdfs):.2f} s per document)")
    else:
        print("PDF: no corpus (set BUDGETKIT_CORPUS or pass --corpus DIR)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

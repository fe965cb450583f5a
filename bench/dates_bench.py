"""Exact-date accuracy of marsad's Arabic date parser next to dateparser and htmldate.

Reads ``bench/data/dates.tsv`` (expression, expected ISO date, system) and prints, per
system and overall, how many expressions each parser turns into exactly the expected date,
plus throughput.  Run from the repository root::

    .venv/bin/python bench/dates_bench.py            # all three parsers
    .venv/bin/python bench/dates_bench.py --only marsad

Baselines are used as documented, on the same expression strings:

* dateparser: ``dateparser.parse(expr, languages=["ar"], settings={"DATE_ORDER": "DMY",
  "REQUIRE_PARTS": ["day", "month", "year"]})`` (REQUIRE_PARTS so it is never credited for a
  date it completed from today's date).
* dateparser.search.search_dates with the same settings, first hit (its running-text
  mode, so labels and bylines around the date are not held against it).
* htmldate: the expression wrapped in a minimal article page, ``find_date(page,
  extensive_search=True, outputformat="%Y-%m-%d", original_date=True)``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.arabic.dates import parse_date  # noqa: E402

DATA = ROOT / "bench" / "data" / "dates.tsv"

Parser = Callable[[str], "str | None"]


def load_rows(path: Path = DATA) -> list[tuple[str, str, str]]:
    """(expression, expected ISO date, system) rows of the labeled set."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["expression"], r["expected"], r["system"]) for r in reader]


def marsad_parser(expr: str) -> str | None:
    found = parse_date(expr)
    return found.isoformat() if found else None


def make_dateparser() -> Parser:
    import dateparser

    settings = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]}

    def run(expr: str) -> str | None:
        found = dateparser.parse(expr, languages=["ar"], settings=settings)
        return found.date().isoformat() if found else None

    return run


def make_dateparser_search() -> Parser:
    """dateparser's running-text mode, so labels and bylines around the date do not hurt it."""
    from dateparser.search import search_dates

    settings = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]}

    def run(expr: str) -> str | None:
        found = search_dates(expr, languages=["ar"], settings=settings)
        return found[0][1].date().isoformat() if found else None

    return run


def make_htmldate() -> Parser:
    from htmldate import find_date

    def run(expr: str) -> str | None:
        page = (
            '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            "<title>خبر</title></head><body><article><h1>عنوان الخبر</h1>"
            f'<p class="date">{html.escape(expr)}</p>'
            "<p>قال مسؤولون إن الاجتماع ناقش عدة ملفات.</p></article></body></html>"
        )
        return find_date(page, extensive_search=True, outputformat="%Y-%m-%d", original_date=True)

    return run


def evaluate(name: str, parser: Parser, rows: list[tuple[str, str, str]]) -> dict[str, float]:
    """Print per-system accuracy and throughput for one parser; return overall numbers."""
    per_system: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[tuple[str, str, str | None]] = []
    started = time.perf_counter()
    for expr, expected, system in rows:
        try:
            got = parser(expr)
        except Exception as exc:  # a baseline crashing on input counts as a miss
            got = f"error: {type(exc).__name__}"
        per_system[system][1] += 1
        if got == expected:
            per_system[system][0] += 1
        else:
            misses.append((expr, expected, got))
    elapsed = time.perf_counter() - started
    correct = sum(c for c, _ in per_system.values())
    total = len(rows)
    print(
        f"\n== {name}: {correct}/{total} exact = {correct / total:.1%}   "
        f"({total / elapsed:,.0f} expr/s)"
    )
    for system in sorted(per_system):
        c, n = per_system[system]
        print(f"   {system:<10} {c:>3}/{n:<3} {c / n:6.1%}")
    return {"accuracy": correct / total, "per_second": total / elapsed, "misses": len(misses)}


def marsad_throughput(rows: list[tuple[str, str, str]], repeat: int = 20) -> float:
    """Steady-state expressions/second of parse_date (regexes already compiled)."""
    exprs = [r[0] for r in rows] * repeat
    started = time.perf_counter()
    for expr in exprs:
        parse_date(expr)
    return len(exprs) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["marsad", "dateparser", "dateparser-search", "htmldate"])
    ap.add_argument("--show-misses", action="store_true", help="print marsad's misses")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    rows = load_rows()
    print(
        f"{len(rows)} labeled expressions from {DATA.relative_to(ROOT)} "
        f"({dt.date.today().isoformat()})"
    )
    if args.only in (None, "marsad"):
        evaluate("marsad", marsad_parser, rows)
        print(f"   steady-state parse_date throughput: {marsad_throughput(rows):,.0f} expr/s")
        if args.show_misses:
            for expr, expected, _ in rows:
                got = marsad_parser(expr)
                if got != expected:
                    print(f"   MISS {expr!r}: expected {expected}, got {got}")
    if args.only in (None, "dateparser"):
        evaluate("dateparser", make_dateparser(), rows)
    if args.only in (None, "dateparser-search"):
        evaluate("dateparser.search.search_dates (first hit)", make_dateparser_search(), rows)
    if args.only in (None, "htmldate"):
        evaluate("htmldate", make_htmldate(), rows)


if __name__ == "__main__":
    main()

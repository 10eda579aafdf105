"""``python -m evals.routing [--json] [--questions FILE] [--personas-dir DIR] [--min-accuracy 0.9]``.

Prints primary and exact-set accuracy, per-persona recall, a confusion table and the misrouted questions; exits 1
when primary accuracy is below the minimum, so CI can gate on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from evals.routing.accuracy import QUESTIONS_FILE, RoutingReport, evaluate, load_questions
from personas import load_personas

__all__ = ["main", "render"]


def render(report: RoutingReport, console: Console) -> None:
    """Print ``report`` as rich tables: summary, confusion (expected rows x routed columns), misrouted questions."""
    console.print(
        f"[bold]{report.total}[/] questions  primary accuracy [bold]{report.primary_accuracy:.1%}[/]  "
        f"exact-set accuracy [bold]{report.exact_accuracy:.1%}[/]"
    )
    names = list(report.confusion)
    confusion = Table(title="Confusion: expected primary (rows) -> routed primary (columns)", box=box.SIMPLE_HEAD)
    confusion.add_column("expected", no_wrap=True)
    for name in names:
        confusion.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    for expected in names:
        row = report.confusion[expected]
        cells = [f"[green]{row[n]}[/]" if n == expected and row[n] else str(row[n] or ".") for n in names]
        confusion.add_row(expected, *cells)
    console.print(confusion)
    recall = "  ".join(f"{name} {value:.0%}" for name, value in report.recall.items())
    console.print(f"recall (questions expecting a persona whose decision includes it): {recall}")
    if report.misrouted:
        misses = Table(title="Misrouted")
        for column in ("question", "expected", "got", "reason"):
            misses.add_column(column, overflow="fold")
        for miss in report.misrouted:
            misses.add_row(miss.question, ", ".join(miss.expected), ", ".join(miss.got), miss.reason)
        console.print(misses)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the routing evaluation; return the process exit code (1 when below ``--min-accuracy``)."""
    parser = argparse.ArgumentParser(prog="python -m evals.routing", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--questions", type=Path, default=QUESTIONS_FILE, help="routing set YAML")
    parser.add_argument("--personas-dir", type=Path, default=None, help="custom persona directory")
    parser.add_argument("--min-accuracy", type=float, default=0.90, help="minimum primary accuracy (0..1)")
    args = parser.parse_args(argv)
    report = evaluate(load_personas(args.personas_dir), load_questions(args.questions))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        render(report, Console())
    return 0 if report.primary_accuracy >= args.min_accuracy else 1


if __name__ == "__main__":
    sys.exit(main())

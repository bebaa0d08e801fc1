"""`make bench`: every figure of issue #13 with its goal beside it, printed and written to
bench/RESULTS.md with the machine they came from. Figures, never assertions: the exit status
is 0 whatever they are.

Usage: .venv/bin/python bench/run.py [--seconds 4] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import delta, first_screen, first_visit, lighthouse, server, sync
from bench.common import LOCALES, ROOT, Figures, machine


def write_results(figures: Figures, seconds: float, machine_info: str) -> Path:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    lines = [
        "# Benchmark results (issue #13)",
        "",
        f"Written by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"`{commit}`, {seconds:g} s per load step. Figures, not assertions: compare within one "
        "run (nginx and the app share the machine and the run).",
        "",
        "## Machine",
        "",
        machine_info,
        "- load average when the run ended: " + " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "",
    ]
    section = None
    for fig in figures.items:
        if fig.section != section:
            section = fig.section
            lines += [
                "",
                f"## {section}",
                "",
                "| figure | measured | goal | |",
                "|---|---|---|---|",
            ]
        mark = {True: "met", False: "**not met**", None: ""}[fig.met]
        lines.append(f"| {fig.name.strip()} | {fig.value} | {fig.goal} | {mark} |")
    lines += ["", "## Notes", ""] + [f"- {n}" for n in figures.notes]
    path = ROOT / "bench" / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--quick", action="store_true", help="en and ar first visits only")
    args = parser.parse_args()
    machine_info = machine()  # the load when the run starts
    print(machine_info)
    figures = Figures()
    first_visit.main(figures, ("en", "ar") if args.quick else LOCALES)
    first_screen.main(figures)
    server.main(figures, args.seconds)
    sync.main(figures, args.seconds)
    delta.main(figures)
    lighthouse.main(figures)
    print(f"\nwritten to {write_results(figures, args.seconds, machine_info)}")


if __name__ == "__main__":
    main()

"""Fail unless builder/'s line coverage and branch coverage each reach their floor.

coverage.py's own `fail_under` checks one number that mixes lines and branches, so this reads the
JSON report that `make test` asks pytest-cov for and checks the two figures separately.
Usage: python tests/coverage_floor.py coverage.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LINE_FLOOR = 95.0
BRANCH_FLOOR = 90.0


def main(report: Path) -> int:
    totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    lines = 100.0 * totals["covered_lines"] / totals["num_statements"]
    branches = 100.0 * totals["covered_branches"] / totals["num_branches"]
    print(f"coverage of builder/: lines {lines:.1f}% (floor {LINE_FLOOR:.0f}%), "
          f"branches {branches:.1f}% (floor {BRANCH_FLOOR:.0f}%)")
    failed = [f"{what} {value:.1f}% < {floor:.0f}%" for what, value, floor in
              (("lines", lines, LINE_FLOOR), ("branches", branches, BRANCH_FLOOR)) if value < floor]
    for failure in failed:
        print(f"coverage below the floor: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

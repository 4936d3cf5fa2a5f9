"""Print the load benchmark's table from locust's CSV statistics (`--csv PREFIX` writes
PREFIX_stats.csv): per page p50, p95 and p99 in ms, requests and failures, the trivial view's
beside them, and the goals. Exits 1 if a goal is missed.

    python bench/loadtest_report.py var/loadtest/run_stats.csv

Goals (issue 11): every page's p95 under 150 ms (dashboards under 300 ms), within 5x the
trivial view's p95, and no error at all (the sign-in included).
"""

import csv
import sys

TRIVIAL = "trivial: login page"
PAGE_GOAL_MS = 150
DASHBOARD_GOAL_MS = 300
TRIVIAL_FACTOR = 5
# Once per simulated user, at its start: measured, but not a page people wait on all day.
SIGN_IN = ("sign-in form", "sign-in")


def main(path: str) -> int:
    with open(path, newline="") as stats:
        rows = [
            row
            for row in csv.DictReader(stats)
            if row["Name"] != "Aggregated" and int(row["Request Count"]) > 0
        ]
    if not rows:
        print(f"{path}: no requests")
        return 1
    by_name = {row["Name"]: row for row in rows}
    trivial = by_name.get(TRIVIAL)
    trivial_p95 = float(trivial["95%"]) if trivial else None
    header = f"{'page':34} {'p50':>6} {'p95':>6} {'p99':>6} {'requests':>9} {'failures':>9}  goal"
    print(header)
    print("-" * len(header))
    missed = 0
    total_failures = 0
    for row in sorted(rows, key=lambda r: (r["Name"] == TRIVIAL, r["Name"])):
        name = row["Name"]
        p95 = float(row["95%"])
        failures = int(row["Failure Count"])
        total_failures += failures
        goal = DASHBOARD_GOAL_MS if "dashboard" in name else PAGE_GOAL_MS
        verdicts = []
        if name not in (TRIVIAL, *SIGN_IN):
            verdicts.append(f"p95<{goal}:{'ok' if p95 < goal else 'MISS'}")
            if trivial_p95:
                ok = p95 <= TRIVIAL_FACTOR * trivial_p95
                verdicts.append(f"≤{TRIVIAL_FACTOR}×trivial:{'ok' if ok else 'MISS'}")
        if failures:
            verdicts.append("ERRORS")
        missed += sum("MISS" in v or v == "ERRORS" for v in verdicts)
        print(
            f"{name:34} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
            f"{row['Request Count']:>9} {failures:>9}  {' '.join(verdicts)}"
        )
    total = sum(int(r["Request Count"]) for r in rows)
    print("-" * len(header))
    print(
        f"{total} requests, {total_failures} failures; trivial view p95 "
        f"{trivial_p95 if trivial_p95 is not None else '(not measured)'} ms; "
        f"{'all goals met' if not missed else f'{missed} goal(s) missed'}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

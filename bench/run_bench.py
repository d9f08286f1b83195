"""Benchmark: the main job on a 100,000-row export (the Excel export limit) against a bare
`pandas.read_excel(engine="calamine")` of the same file, in the same run.

    python bench/run_bench.py [--rows 100000] [--repeat 3]

Each measurement runs in its own process (so one cannot warm the other's caches or memory);
the time is the best of --repeat runs of the operation itself, after imports. Prints a table
and writes bench/out/results.json. Ratios matter, not seconds: machines here are noisy.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

MEASURE = r"""
import json, resource, sys, time
path, what, out = sys.argv[1], sys.argv[2], sys.argv[3]
import pandas as pd
if what != "read_excel":
    from analyzer import analyse, Options
    from analyzer.report import render_report
start = time.perf_counter()
if what == "read_excel":
    frame = pd.read_excel(path, engine="calamine")
    rows = len(frame)
elif what == "analyse":
    result = analyse([path], Options(now="2026-12-01T00:00"))
    rows = result.summary["rows"]["read"]
else:  # main job: analyse + render the HTML report
    result = analyse([path], Options(now="2026-12-01T00:00"))
    html = render_report(result.summary, result.measures)
    open(out, "w", encoding="utf-8").write(html)
    rows = result.summary["rows"]["read"]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_export(rows: int) -> Path:
    path = OUT / f"bench-{rows}.xlsx"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "sample_exports"))
    from make_samples import build_alerts, write_excel

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_excel(build_alerts(n_rows=rows), path)
    print(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return path


def run(path: Path, what: str) -> dict:
    report = OUT / f"bench-{what}.html"
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), what, str(report)], capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if what == "main_job":
        result["report_mb"] = report.stat().st_size / 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = make_export(args.rows)
    results: dict[str, dict] = {}
    # Interleave the measurements so a noisy moment hurts all of them alike.
    for _ in range(args.repeat):
        for what in ("read_excel", "analyse", "main_job"):
            measured = run(path, what)
            best = results.get(what)
            if best is None or measured["seconds"] < best["seconds"]:
                results[what] = measured
    base = results["read_excel"]["seconds"]
    print(f"{'measure':<12} {'rows':>8} {'best s':>8} {'ratio':>6} {'max RSS MB':>11}")
    for what, r in results.items():
        r["ratio_to_read_excel"] = r["seconds"] / base
        print(f"{what:<12} {r['rows']:>8,} {r['seconds']:>8.2f} {r['ratio_to_read_excel']:>6.2f} {r['max_rss_mb']:>11.0f}")
    if "report_mb" in results["main_job"]:
        print(f"report size: {results['main_job']['report_mb']:.2f} MB")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"rows": args.rows, "repeat": args.repeat, "results": results},
                                                 indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

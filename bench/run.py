"""k8scheck benchmark: documents/s and peak memory for 100, 1,000 and 5,000 apps.

    python bench/run.py                 # all sizes
    python bench/run.py --apps 100      # one size (what CI's smoke test runs)

Each size runs `k8scheck lint` in a fresh process (median of --repeat runs) and,
in-process, the loader alone (load + position index), so the phases can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def run_cli(corpus: Path) -> tuple[float, float, dict]:
    """Wall seconds, peak RSS MB, and the JSON summary of one lint run."""
    code = (
        "import resource, subprocess, sys, time;"
        "t=time.perf_counter();"
        "p=subprocess.run([sys.executable,'-m','k8scheck','lint',sys.argv[1],'--format','json'],capture_output=True,text=True);"
        "w=time.perf_counter()-t;"
        "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
        "print(w, r); print(p.stdout)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True, check=True).stdout
    first, _, rest = out.partition("\n")
    wall, rss = map(float, first.split())
    return wall, rss, json.loads(rest)["summary"]


def time_loader(corpus: Path) -> float:
    from k8scheck.loader import load

    start = time.perf_counter()
    load([str(corpus)])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = args.apps or [100, 1000, 5000]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'apps':>6} {'docs':>7} {'lint wall s':>12} {'docs/s':>8} {'peak MB':>8} {'load s':>7} {'load docs/s':>12} findings")
    for apps in sizes:
        corpus = HERE / "out" / f"corpus-{apps}"
        generate(apps, corpus)
        runs = [run_cli(corpus) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        summary = runs[0][2]
        load_s = statistics.median(time_loader(corpus) for _ in range(args.repeat))
        docs = summary["objects"]
        print(f"{apps:>6} {docs:>7} {wall:>12.2f} {docs / wall:>8.0f} {rss:>8.0f} {load_s:>7.2f} {docs / load_s:>12.0f} {summary['findings']}")


if __name__ == "__main__":
    main()

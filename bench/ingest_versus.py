"""Benchmark: cold ingest of corpus/ by this tree against another commit, in the same run.

Run: ``.venv/bin/python bench/ingest_versus.py 9e62cc7 [--rounds 2]``. The other commit is
checked out in a temporary git worktree; each round ingests the corpus cold once with each
tree (alternating, so a slower minute of the machine hits both), each in its own process
with this venv, and the ratio of the medians is printed. A change is within its budget when
the ratio is (for instance) ≤ 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside the tree under test: cold ingest of that tree's corpus into a fresh data dir.
_PROBE = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from api.container import build_container
from domain.settings import Settings
with tempfile.TemporaryDirectory() as data:
    container = build_container(Settings(data_dir=Path(data)))
    start = time.perf_counter()
    results = container.ingestor.ingest_paths([Path(sys.argv[1]) / "corpus"])
    print(time.perf_counter() - start, sum(r.chunks for r in results))
    container.close()
"""


def _cold(tree: Path) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tree)],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    ).stdout.split()
    return float(out[-2]), int(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", help="the commit to compare with (e.g. 9e62cc7)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        try:
            times: dict[str, list[float]] = {"baseline": [], "this tree": []}
            chunks: dict[str, int] = {}
            for _ in range(args.rounds):
                for name, tree in (("baseline", base), ("this tree", ROOT)):
                    seconds, count = _cold(tree)
                    times[name].append(seconds)
                    chunks[name] = count
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, timeout=120
            )
    for name, values in times.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(
            f"{name}: cold ingest {statistics.median(values):.1f} s ({runs}); {chunks[name]} chunks"
        )
    ratio = statistics.median(times["this tree"]) / statistics.median(times["baseline"])
    print(f"ratio this tree / baseline ({args.baseline}): {ratio:.2f}")


if __name__ == "__main__":
    main()

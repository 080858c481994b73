"""Throughput and peak memory, side by side in one run (see benchmarks/README.md)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

VARIANTS = ["edutag-jobs1", "edutag-jobsall", "edutag-jobsall-whole", "naive", "fasttext"]
RESULTS = {}


def _run(benchmark, variant: str, path: Path) -> dict:
    """One variant in a fresh process (its peak RSS is its own), timed once."""
    script = Path(__file__).with_name("variants.py")

    def run():
        out = subprocess.run([sys.executable, str(script), variant, str(path)],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    return benchmark.pedantic(run, rounds=1, iterations=1)


@pytest.mark.parametrize("variant", VARIANTS)
def test_throughput(benchmark, corpus_text, variant):
    result = _run(benchmark, variant, corpus_text)
    benchmark.extra_info.update(result)
    RESULTS[variant] = result
    assert result["units"] > 0


def test_memory_on_a_large_archive(benchmark, corpus_archive):
    """Peak RSS of `edutag tag --jobs all` on a .zip of BENCH_ARCHIVE_MB: main process and the
    largest worker (each is bounded by the batch size, not by the archive)."""
    result = _run(benchmark, "edutag-jobsall", corpus_archive)
    benchmark.extra_info.update(result)
    print(f"\narchive {result['mb']:.0f} MB: {result['mb_per_s']:.2f} MB/s, peak RSS main "
          f"{result['main_rss_mb']:.0f} MB, largest worker {result['worker_rss_mb']:.0f} MB")
    assert result["units"] > 0


def test_ratios(corpus_text):
    """Print the rows of the table in benchmarks/README.md, with throughput relative to naive."""
    if len(RESULTS) < len(VARIANTS):
        pytest.skip("run the whole file to compare")
    naive = RESULTS["naive"]["mb_per_s"]
    print("\n| pipeline | MB/s | units/s | peak RSS (MB) | × naive |")
    for name, r in RESULTS.items():
        print(f"| {name} | {r['mb_per_s']:.2f} | {r['units_per_s']:.0f} | {r['peak_rss_mb']:.0f} |"
              f" {r['mb_per_s'] / naive:.2f} |")

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("EDUTAG_CORPUS", REPO.parent / "shared" / "corpus"))
# 50 MB for the table in benchmarks/README.md; CI runs a quick 1 MB pass to check it works.
SIZE_MB = float(os.environ.get("BENCH_MB", "50"))


@pytest.fixture(scope="session")
def corpus_text(tmp_path_factory):
    """At least SIZE_MB of text built by repeating the corpus documents (bodies only)."""
    if not CORPUS.is_dir():
        pytest.skip(f"needs the corpus at {CORPUS} (set EDUTAG_CORPUS)")
    bodies = ["\n".join(p.read_text("utf-8").split("\n")[2:]) for p in sorted(CORPUS.glob("*/*.txt"))]
    block = "\n".join(bodies)
    path = tmp_path_factory.mktemp("bench") / "corpus.txt"
    with path.open("w", encoding="utf-8") as f:
        written = 0
        while written < SIZE_MB * 1e6:
            f.write(block + "\n")
            written += len(block.encode("utf-8")) + 1
    return path

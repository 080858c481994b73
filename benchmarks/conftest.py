import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("EDUTAG_CORPUS", REPO.parent / "shared" / "corpus"))
# 50 MB for the table in benchmarks/README.md; CI runs a quick 1 MB pass to check it works.
SIZE_MB = float(os.environ.get("BENCH_MB", "50"))
# The memory check tags an archive of this size (1 GB for the table; CI: 1 MB).
ARCHIVE_MB = float(os.environ.get("BENCH_ARCHIVE_MB", "1000"))


def _bodies():
    if not CORPUS.is_dir():
        pytest.skip(f"needs the corpus at {CORPUS} (set EDUTAG_CORPUS)")
    return [(p.name, "\n".join(p.read_text("utf-8").split("\n")[2:]))
            for p in sorted(CORPUS.glob("*/*.txt"))]


@pytest.fixture(scope="session")
def corpus_archive(tmp_path_factory):
    """A .zip of at least ARCHIVE_MB of text: the corpus documents, repeated as members."""
    import zipfile

    bodies = _bodies()
    path = tmp_path_factory.mktemp("bench") / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        written, n = 0, 0
        while written < ARCHIVE_MB * 1e6:
            name, body = bodies[n % len(bodies)]
            z.writestr(f"{n:07d}-{name}", body)
            written += len(body.encode("utf-8"))
            n += 1
    return path


@pytest.fixture(scope="session")
def corpus_text(tmp_path_factory):
    """At least SIZE_MB of text built by repeating the corpus documents (bodies only)."""
    block = "\n".join(body for _, body in _bodies())
    path = tmp_path_factory.mktemp("bench") / "corpus.txt"
    with path.open("w", encoding="utf-8") as f:
        written = 0
        while written < SIZE_MB * 1e6:
            f.write(block + "\n")
            written += len(block.encode("utf-8")) + 1
    return path

"""Every default of edutag in one place, so the CLI, the API and the docs agree."""

import os
from pathlib import Path

MAX_UNIT_CHARS = 300          # run-on text is re-cut at sentence ends into units this long
SEED = 20261123               # training, cross-validation and the test split
TEXT_COLUMN = "text"          # column read from .csv/.jsonl inputs
BATCH_CHARS = 500_000         # characters segmented and tagged per batch (edutag tag --batch-chars)


def corpus_dir() -> Path:
    """Where stand-off labels are resolved: $EDUTAG_CORPUS, else ../shared/corpus."""
    return Path(os.environ.get("EDUTAG_CORPUS", "../shared/corpus"))

# Archive limits: refuse zip bombs before inflating them, and stop at nested archives.
MAX_ARCHIVE_DEPTH = 3
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def packaged(package: str, *parts: str):
    """A file shipped with edutag: ``data/...`` or ``models/...`` of the repository.

    Installed, they are the packages edutag.data and edutag.models; run from a source
    checkout (python -m pytest), the repository folders themselves.
    """
    from importlib import resources

    try:
        return resources.files(f"edutag.{package}").joinpath(*parts)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent.joinpath(package, *parts)

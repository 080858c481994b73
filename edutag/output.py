"""Output and report: tagged paragraphs as JSONL or CSV, the per-file report, atomically.

Stage five of the pipeline. Files are written to a temporary name beside the target and
renamed into place when complete, so an interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from edutag.ingest import FileReport
from edutag.model import Paragraph

__all__ = ["ParagraphWriter", "report_path", "FORMATS"]

FORMATS = ("jsonl", "csv")


def report_path(out: str | os.PathLike) -> Path:
    """Where the per-file report of an output goes: ``OUT.files.jsonl``."""
    return Path(f"{out}.files.jsonl")


class _AtomicFile:
    def __init__(self, target: Path, newline: str | None = None, encoding: str = "utf-8"):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self.handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)

    def commit(self):
        self.handle.close()
        os.replace(self.tmp, self.target)

    def abort(self):
        self.handle.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


class ParagraphWriter:
    """Writes paragraphs to OUT (jsonl or csv) and file reports to OUT.files.jsonl.

    Use as a context manager: on success both files appear at once; on an exception
    (including KeyboardInterrupt) neither is left half-written.

    >>> with ParagraphWriter("out.jsonl") as w:  # doctest: +SKIP
    ...     w.write(paragraph); w.report(FileReport("a.txt", "tagged", "", 3))
    """

    def __init__(self, out: str | os.PathLike, fmt: str = "jsonl"):
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.out, self.fmt = Path(out), fmt
        self.counts = {"tagged": 0, "skipped": 0, "failed": 0}
        self.paragraphs = 0

    def __enter__(self):
        self._data = _AtomicFile(self.out, newline="" if self.fmt == "csv" else None,
                                 encoding="utf-8-sig" if self.fmt == "csv" else "utf-8")
        self._report = _AtomicFile(report_path(self.out))
        if self.fmt == "csv":
            self._csv = csv.writer(self._data.handle)
            self._csv.writerow(["doc", "para", "start", "end", "text", "labels", "scores"])
        return self

    def write(self, p: Paragraph):
        self.paragraphs += 1
        if self.fmt == "jsonl":
            self._data.handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        else:
            top = {k: v for k, v in p.scores.items() if k in p.labels}
            self._csv.writerow([p.doc, p.para, p.start, p.end, p.text, "|".join(p.labels),
                                json.dumps(top, ensure_ascii=False)])

    def report(self, r: FileReport):
        self.counts[r.status] = self.counts.get(r.status, 0) + 1
        self._report.handle.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")

    def __exit__(self, kind, value, tb):
        for f in (self._data, self._report):
            f.commit() if kind is None else f.abort()
        return False

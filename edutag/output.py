"""Output and report: tagged paragraphs as JSONL or CSV, the per-file report, atomically.

Stage five of the pipeline. Beside OUT go the per-file report ``OUT.files.jsonl`` and the
audit of dropped boilerplate ``OUT.dropped.jsonl``. While a run is going, records go to
``.partial`` files with a checkpoint after each finished file; only a complete run is
renamed to the final names, so an interrupted run never leaves half a file under them,
and ``--resume`` continues it from the last finished file.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import orjson

from edutag.ingest import FileReport
from edutag.model import Paragraph

__all__ = ["ParagraphWriter", "report_path", "dropped_path", "FORMATS"]

FORMATS = ("jsonl", "csv")
CSV_HEADER = ["doc", "para", "start", "end", "text", "labels", "scores"]


def report_path(out: str | os.PathLike) -> Path:
    """Where the per-file report of an output goes: ``OUT.files.jsonl``."""
    return Path(f"{out}.files.jsonl")


def dropped_path(out: str | os.PathLike) -> Path:
    """Where the boilerplate dropped from the inputs is listed: ``OUT.dropped.jsonl``."""
    return Path(f"{out}.dropped.jsonl")


def _json_line(record) -> str:
    """One dataclass as a line of JSON, its fields in order (orjson: ~10× json.dumps)."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


class ParagraphWriter:
    """Writes paragraphs to OUT (jsonl or csv), file reports to OUT.files.jsonl and dropped
    boilerplate to OUT.dropped.jsonl.

    Use as a context manager. On success both files appear at once. On any exception
    (KeyboardInterrupt included) the final names are untouched and the partial files stay
    for ``resume=True``, which keeps every file finished before the interruption
    (`done`) and drops the records of the file that was cut off.

    >>> with ParagraphWriter("out.jsonl") as w:  # doctest: +SKIP
    ...     w.write(paragraph); w.report(FileReport("a.txt", "tagged", "", 3))
    """

    def __init__(self, out: str | os.PathLike, fmt: str = "jsonl", *, resume: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.out, self.fmt, self.resume = Path(out), fmt, resume
        self.report_out = report_path(self.out)
        self.dropped_out = dropped_path(self.out)
        self.checkpoint = self.out.with_name(self.out.name + ".resume.json")
        self.counts = {"tagged": 0, "skipped": 0, "failed": 0}
        self.paragraphs = 0
        self.done: set[str] = set()

    def __enter__(self):
        self.out.parent.mkdir(parents=True, exist_ok=True)
        sizes = self._resume_point() if self.resume else None
        encoding = "utf-8-sig" if self.fmt == "csv" and not sizes else "utf-8"
        self._data = open(_partial(self.out), "a" if sizes else "w", encoding=encoding,
                          newline="" if self.fmt == "csv" else None)
        self._report = open(_partial(self.report_out), "a" if sizes else "w", encoding="utf-8")
        self._dropped = open(_partial(self.dropped_out), "a" if sizes else "w", encoding="utf-8")
        if self.fmt == "csv":
            self._csv = csv.writer(self._data)
            if not sizes:
                self._csv.writerow(CSV_HEADER)
        self._save_checkpoint()
        return self

    def _resume_point(self) -> dict | None:
        """Truncate the partial files to the last checkpoint and learn which files are done."""
        data, report, dropped = (_partial(p) for p in (self.out, self.report_out, self.dropped_out))
        if not all(p.is_file() for p in (self.checkpoint, data, report, dropped)):
            return None
        sizes = json.loads(self.checkpoint.read_text("utf-8"))
        for path, size in ((data, sizes["data"]), (report, sizes["report"]),
                           (dropped, sizes["dropped"])):
            with open(path, "r+b") as f:
                f.truncate(size)
        for line in report.read_text("utf-8").splitlines():
            record = json.loads(line)
            self.done.add(record["file"])
            self.counts[record["status"]] = self.counts.get(record["status"], 0) + 1
            self.paragraphs += record["paragraphs"]
        return sizes

    def _save_checkpoint(self):
        for f in (self._data, self._report, self._dropped):
            f.flush()
        tmp = self.checkpoint.with_name(self.checkpoint.name + ".tmp")
        tmp.write_text(json.dumps({"data": os.path.getsize(self._data.name),
                                   "report": os.path.getsize(self._report.name),
                                   "dropped": os.path.getsize(self._dropped.name)}), "utf-8")
        os.replace(tmp, self.checkpoint)

    def write(self, p: Paragraph):
        self.paragraphs += 1
        if self.fmt == "jsonl":
            self._data.write(_json_line(p))
        else:
            top = {k: v for k, v in p.scores.items() if k in p.labels}
            self._csv.writerow([p.doc, p.para, p.start, p.end, p.text, "|".join(p.labels),
                                json.dumps(top, ensure_ascii=False)])

    def write_dropped(self, d):
        """Record a span of boilerplate the segmenter dropped (a `DroppedSpan`)."""
        self._dropped.write(_json_line(d))

    def report(self, r: FileReport):
        """Record a finished file; everything written so far becomes resumable."""
        self.counts[r.status] = self.counts.get(r.status, 0) + 1
        self._report.write(_json_line(r))
        self._save_checkpoint()

    def __exit__(self, kind, value, tb):
        for f in (self._data, self._report, self._dropped):
            f.close()
        if kind is None:
            for final in (self.out, self.report_out, self.dropped_out):
                os.replace(_partial(final), final)
            self.checkpoint.unlink(missing_ok=True)
        return False

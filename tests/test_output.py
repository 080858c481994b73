import json

import pytest

from edutag.ingest import FileReport
from edutag.model import Paragraph
from edutag.output import ParagraphWriter, report_path

P = Paragraph("a.txt", 0, 0, 8, "开展防溺水教育", ["safety"], {"safety": 0.9, "party": 0.01})


def test_writer_writes_jsonl_and_report(tmp_path):
    out = tmp_path / "out.jsonl"
    with ParagraphWriter(out) as w:
        w.write(P)
        w.report(FileReport("a.txt", "tagged", "", 1))
    record = json.loads(out.read_text("utf-8"))
    assert record["labels"] == ["safety"] and record["doc"] == "a.txt"
    assert json.loads(report_path(out).read_text("utf-8"))["status"] == "tagged"


def test_writer_csv_has_a_bom_for_excel(tmp_path):
    out = tmp_path / "out.csv"
    with ParagraphWriter(out, "csv") as w:
        w.write(P)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "safety" in raw.decode("utf-8-sig")


def test_writer_leaves_nothing_behind_when_interrupted(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        with ParagraphWriter(out) as w:
            w.write(P)
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="jsonl, csv"):
        ParagraphWriter(tmp_path / "x", "xml")

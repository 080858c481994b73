import json

import pytest

from edutag.ingest import FileReport
from edutag.model import Paragraph
from edutag.batch import DroppedSpan
from edutag.output import ParagraphWriter, dropped_path, report_path

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


def test_writer_leaves_no_half_written_output_when_interrupted(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        with ParagraphWriter(out) as w:
            w.write(P)
            raise KeyboardInterrupt
    assert not out.exists() and not report_path(out).exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_writer_resume_keeps_finished_files_and_drops_the_cut_one(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    with pytest.raises(KeyboardInterrupt):
        with ParagraphWriter(out, fmt) as w:
            w.write(P)
            w.report(FileReport("a.txt", "tagged", "", 1))
            w.write(Paragraph("b.txt", 0, 0, 4, "新建教学楼", ["facilities"], {}))  # cut off
            raise KeyboardInterrupt
    with ParagraphWriter(out, fmt, resume=True) as w:
        assert w.done == {"a.txt"} and w.paragraphs == 1
        w.write(Paragraph("b.txt", 0, 0, 4, "新建教学楼", ["facilities"], {}))
        w.report(FileReport("b.txt", "tagged", "", 1))
    text = out.read_text("utf-8-sig")
    assert text.count("a.txt") == 1 and text.count("b.txt") == 1
    if fmt == "csv":
        assert text.startswith("doc,para") and text.count("doc,para") == 1
    assert [json.loads(x)["file"] for x in report_path(out).read_text("utf-8").splitlines()] == ["a.txt", "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, report_path(out).name, dropped_path(out).name])


def test_writer_resume_without_a_partial_run_starts_afresh(tmp_path):
    out = tmp_path / "out.jsonl"
    with ParagraphWriter(out, resume=True) as w:
        w.write(P)
    assert out.read_text("utf-8").count("a.txt") == 1


def test_writer_refuses_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="jsonl, csv"):
        ParagraphWriter(tmp_path / "x", "xml")


def test_writer_lists_dropped_boilerplate_beside_the_output(tmp_path):
    out = tmp_path / "out.jsonl"
    with ParagraphWriter(out) as w:
        w.write_dropped(DroppedSpan("a.txt", 10, 18, "page counter", "第1页 共3页"))
        w.report(FileReport("a.txt", "tagged", "", 0))
    record = json.loads(dropped_path(out).read_text("utf-8"))
    assert record == {"doc": "a.txt", "start": 10, "end": 18, "reason": "page counter",
                      "text": "第1页 共3页"}

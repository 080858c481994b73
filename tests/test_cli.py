import json
import zipfile

import pytest
from typer.testing import CliRunner

from edutag.cli import app

runner = CliRunner()
COMMANDS = [["tag"], ["train"], ["evaluate"], ["explain"], ["labels", "check"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: edutag" in result.output


def test_cli_without_arguments_shows_help():
    result = runner.invoke(app, [])
    assert "tag" in result.output and "train" in result.output


def _inputs(tmp_path):
    good = tmp_path / "report.txt"
    good.write_text("一、安全工作\n开展防溺水专题教育，签订安全责任书。\n", encoding="utf-8")
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "新建教学楼两栋，改造旱厕12所。".encode("gbk"))
        z.writestr("b.docx", b"broken")
    return good, archive


def test_cli_tag_writes_jsonl_and_a_report_for_every_file(tiny_model_dir, tmp_path):
    good, archive = _inputs(tmp_path)
    out = tmp_path / "tagged.jsonl"
    result = runner.invoke(app, ["tag", str(good), str(archive), "-o", str(out),
                                 "--model", str(tiny_model_dir), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # b.docx failed
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["doc"] for r in records} == {str(good), f"{archive}!a.txt"}
    assert set(records[0]) == {"doc", "para", "start", "end", "text", "labels", "scores"}
    report = [json.loads(line) for line in (tmp_path / "tagged.jsonl.files.jsonl").read_text("utf-8").splitlines()]
    assert [r["status"] for r in report] == ["tagged", "tagged", "failed"]
    assert "2 files tagged, 0 skipped, 1 failed" in result.output


def test_cli_tag_exits_0_when_nothing_failed(tiny_model_dir, tmp_path):
    good, _ = _inputs(tmp_path)
    out = tmp_path / "tagged.csv"
    result = runner.invoke(app, ["tag", str(good), "-o", str(out), "-f", "csv",
                                 "--model", str(tiny_model_dir), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_tag_rejects_an_unknown_format(tiny_model_dir, tmp_path):
    good, _ = _inputs(tmp_path)
    result = runner.invoke(app, ["tag", str(good), "-o", str(tmp_path / "x"), "-f", "xml"])
    assert result.exit_code == 2 and "jsonl, csv" in result.output


def test_cli_tag_with_a_missing_model_says_how_to_fix(tmp_path):
    good, _ = _inputs(tmp_path)
    result = runner.invoke(app, ["tag", str(good), "-o", str(tmp_path / "x"), "--model", str(tmp_path)])
    assert result.exit_code == 1 and "edutag train" in result.output


def test_cli_train_then_evaluate_a_plain_csv(tmp_path, paragraphs):
    import csv

    data = tmp_path / "train.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "labels"])
        for text, labels in paragraphs * 3:
            w.writerow([text, "|".join(labels)])
    model = tmp_path / "model"
    result = runner.invoke(app, ["train", str(data), "-o", str(model), "--cv", "3"])
    assert result.exit_code == 0, result.output
    assert "cross-validated" in result.output and (model / "model.skops").is_file()
    scores = tmp_path / "scores.json"
    result = runner.invoke(app, ["evaluate", str(data), "--model", str(model), "--json", str(scores)])
    assert result.exit_code == 0, result.output
    assert json.loads(scores.read_text())["micro"]["f1"] > 0.8


def test_cli_train_names_the_bad_row(tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("text,labels\n开展防溺水教育,sport\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m")])
    assert result.exit_code == 1 and f"{data}:2" in result.output and "'sport'" in result.output


def test_cli_explain_shows_themes_and_terms(tiny_model_dir):
    result = runner.invoke(app, ["explain", "开展防溺水专题教育，签订安全责任书", "--model", str(tiny_model_dir)])
    assert result.exit_code == 0 and "safety" in result.output


def test_cli_labels_check_counts_and_flags_problems(tmp_path, labelled_csv):
    result = runner.invoke(app, ["labels", "check", str(labelled_csv)])
    assert result.exit_code == 0 and "3 units in 1 files, 0 problems" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("text,labels\n开展防溺水教育,sport\n", encoding="utf-8")
    result = runner.invoke(app, ["labels", "check", str(bad)])
    assert result.exit_code == 1 and "unknown theme id 'sport'" in result.output


def test_cli_tag_resume_continues_without_duplicates(tiny_model_dir, tmp_path, monkeypatch):
    import edutag.batch

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_text("开展防溺水专题教育。\n新建教学楼两栋。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    real = edutag.batch.tag_inputs

    def interrupted(*args, **kwargs):  # SIGINT arrives while the third file is being tagged
        for n, event in enumerate(real(*args, **kwargs)):
            if n == 7:
                raise KeyboardInterrupt
            yield event
    monkeypatch.setattr(edutag.batch, "tag_inputs", interrupted)
    args = ["tag", str(folder), "-o", str(out), "--model", str(tiny_model_dir), "-j", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 130 and "--resume" in result.output and not out.exists()
    monkeypatch.setattr(edutag.batch, "tag_inputs", real)
    result = runner.invoke(app, [*args, "--resume"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["doc"][-5:], r["para"]) for r in records] == [(f"{i}.txt", p) for i in range(4) for p in (0, 1)]
    assert "4 files tagged" in result.output

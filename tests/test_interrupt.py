"""A real Ctrl-C halfway through an archive: no half-written output, and --resume finishes it."""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_leaves_no_output_and_resume_completes(tiny_model_dir, tmp_path, jobs):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(300):
            z.writestr(f"{i:03}.txt", "开展防溺水专题教育，签订安全责任书。\n新建教学楼两栋。\n" * 400)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "edutag", "tag", str(archive), "-o", str(out),
               "--model", str(tiny_model_dir), "--jobs", jobs, "--batch-chars", "20000"]
    # SIG_DFL in the child: a CI started in the background without job control runs with
    # SIGINT ignored, which Python would inherit, and then Ctrl-C could not be tested.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    checkpoint = tmp_path / "out.jsonl.resume.json"
    deadline = time.time() + 120
    while time.time() < deadline and not (checkpoint.exists() and json.loads(checkpoint.read_text() or "{}").get("report")):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    assert not out.exists() and not (tmp_path / "out.jsonl.files.jsonl").exists()

    done = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = [json.loads(line) for line in (tmp_path / "out.jsonl.files.jsonl").read_text("utf-8").splitlines()]
    assert [r["file"] for r in report] == [f"{archive}!{i:03}.txt" for i in range(300)]
    docs = [json.loads(line)["doc"] for line in out.read_text("utf-8").splitlines()]
    assert len(docs) == 300 * 800 and docs == sorted(docs)
    assert not [p for p in os.listdir(tmp_path) if p.endswith((".partial", ".resume.json"))]

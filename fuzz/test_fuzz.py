"""Fuzzing ingest and segmentation with hypothesis — run on its own, not in the default tests:

    pip install ".[test]" && python -m pytest fuzz -p no:cacheprovider

Set FUZZ_EXAMPLES (default 2000) for longer runs. Every crash found becomes a regression test
in tests/ (see tests/test_hostile.py).
"""

import io
import os
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st

from edutag.ingest import Document, FileReport, read_bytes
from edutag.segment import segment

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
SUFFIXES = ["a.txt", "a.html", "a.docx", "a.csv", "a.jsonl", "a.zip", "a.tar.gz", "a.md", "a.bin"]
_cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=50)
_texty = st.lists(st.one_of(_cjk, st.sampled_from(["\n", "1、", "一、", "（二）", "。", "第3页", "相关推荐",
                                                    "下载本文档", "\r\n", "\u3000"]), st.text(max_size=20)),
                  max_size=40).map("".join)


def _events_are_sane(events, name):
    for e in events:
        assert isinstance(e, (Document, FileReport))
        assert e.file.startswith(name)
        if isinstance(e, FileReport):
            assert e.status in {"skipped", "failed"} and e.reason


@fuzz
@given(st.sampled_from(SUFFIXES), st.binary(max_size=4000))
def test_fuzz_read_bytes_never_raises_on_random_bytes(name, data):
    _events_are_sane(list(read_bytes(data, name)), name)


@fuzz
@given(st.sampled_from(SUFFIXES[:5]), _texty, st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]))
def test_fuzz_read_bytes_on_encoded_text(name, text, encoding):
    data = text.encode(encoding, errors="ignore")
    _events_are_sane(list(read_bytes(data, name)), name)


@fuzz
@given(st.dictionaries(st.text(min_size=1, max_size=30).filter(lambda n: "\x00" not in n),
                       st.binary(max_size=500), max_size=5))
def test_fuzz_zip_members_with_any_names_and_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    _events_are_sane(list(read_bytes(buffer.getvalue(), "x.zip")), "x.zip")


@fuzz
@given(st.one_of(_texty, st.text(max_size=2000)), st.integers(min_value=1, max_value=500))
def test_fuzz_segment_tiles_any_text(text, max_chars):
    seg = segment(text, max_chars=max_chars)
    spans = sorted([(u.start, u.end) for u in seg.units] + [(d.start, d.end) for d in seg.dropped])
    pos = 0
    for start, end in spans:
        assert start == pos and end > start
        pos = end
    assert pos == len(text)
    assert all(0 < len(u.text) <= max_chars for u in seg.units)

"""Coverage-guided fuzzing of ingest + segmentation with atheris (optional; pip install atheris):

    python fuzz/atheris_ingest.py -atheris_runs=200000

A crash writes the input to crash-*; turn it into a test in tests/test_hostile.py.
"""

import sys

import atheris

with atheris.instrument_imports(include=["edutag"]):
    from edutag.ingest import read_bytes
    from edutag.segment import segment

SUFFIXES = ["a.txt", "a.html", "a.docx", "a.csv", "a.jsonl", "a.zip", "a.tar.gz"]


def one_input(data: bytes):
    if not data:
        return
    name = SUFFIXES[data[0] % len(SUFFIXES)]
    for event in read_bytes(data[1:], name):
        text = getattr(event, "text", None)
        if text is not None:
            segment(text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

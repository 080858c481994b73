"""Build examples/bureau-reports.zip from examples/texts/ (all invented documents).

The archive mixes what real collections hold: UTF-8 text, a GBK file, a .docx, an HTML page.
Run from the repository root: python examples/make_archive.py
"""

import io
import zipfile
from pathlib import Path

import docx

HERE = Path(__file__).parent
TEXTS = HERE / "texts"


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main():
    with zipfile.ZipFile(HERE / "bureau-reports.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(TEXTS.iterdir()):
            text = path.read_text("utf-8")
            if path.name.startswith("2024"):
                archive.writestr(path.name, text.encode("gbk"))           # a legacy GBK file
            elif path.name.startswith("2025"):
                archive.writestr(path.with_suffix(".docx").name, _docx(text))
            else:
                archive.writestr(path.name, text.encode("utf-8"))
            info = archive.getinfo(archive.namelist()[-1])
            print(f"{info.filename}: {info.file_size} bytes")


if __name__ == "__main__":
    main()

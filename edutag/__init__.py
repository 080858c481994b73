"""edutag: tag Chinese education-administration documents with policy themes.

>>> from edutag import Tagger
>>> tagger = Tagger.load()                                            # doctest: +SKIP
>>> tagger.predict(["今年共招聘新教师420名，并组织全员参加暑期师德培训"])  # doctest: +SKIP
[['teachers']]
"""

__version__ = "0.1.0"

from edutag.errors import EdutagError, InputError, LabelError, ModelError, NotFittedError
from edutag.ingest import Document, FileReport, read_inputs
from edutag.labels import Example, read_labelled, theme_ids
from edutag.model import Paragraph, Tagger
from edutag.segment import Segmentation, Unit, segment

__all__ = [
    "Tagger", "Paragraph", "segment", "Segmentation", "Unit", "read_inputs", "Document",
    "FileReport", "read_labelled", "Example", "theme_ids", "EdutagError", "InputError",
    "LabelError", "ModelError", "NotFittedError", "__version__",
]

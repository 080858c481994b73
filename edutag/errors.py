"""One error hierarchy: every message names the file, row or value at fault and the fix."""


class EdutagError(Exception):
    """Base class of every error edutag raises on purpose."""


class InputError(EdutagError):
    """An input file that cannot be read (encoding, format, damaged archive)."""


class LabelError(EdutagError):
    """A labelled CSV that breaks the format of ../shared/taxonomy.md."""


class ModelError(EdutagError):
    """A model file that is missing, of a newer format, untrusted or mismatched."""


class NotFittedError(ModelError, ValueError):
    """`predict` was called on a Tagger before `fit` or `load`."""

"""Features: text normalisation, jieba words with a domain dictionary, character n-grams.

Stage three of the pipeline. Tokenisers are module-level functions so that a saved model
refers to them by name (skops loads them without pickle) and the model is always run with
exactly the tokeniser it was trained with.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from edutag.defaults import packaged

__all__ = ["normalize", "words", "words_plain", "build_features"]

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError as e:  # pragma: no cover - opencc is a dependency
        raise ImportError("edutag needs OpenCC for traditional Chinese: pip install opencc") from e
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Fold what should not matter: traditional→simplified, full-width forms, numbers.

    >>> normalize("２０１９年，學校新建教學樓")
    '0年,学校新建教学楼'
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _t2s().convert(text)
    return _DIGITS.sub("0", text)


@lru_cache(maxsize=2)
def _jieba(user_dict: bool):
    try:
        import jieba
    except ImportError as e:  # pragma: no cover - jieba is a dependency
        raise ImportError("edutag needs jieba: pip install jieba") from e
    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    if user_dict:
        entries = packaged("data", "userdict.txt").read_text("utf-8")
        for line in entries.splitlines():
            if line.strip():
                word, freq, *tag = line.split()
                tokenizer.add_word(word, int(freq), tag[0] if tag else None)
    return tokenizer


def _tokens(text: str, user_dict: bool) -> list[str]:
    return [t for t in _jieba(user_dict).lcut(text, HMM=False) if _KEEP.search(t)]


def words(text: str) -> list[str]:
    """jieba words (HMM off, domain dictionary on) of normalised text; punctuation dropped.

    >>> words("全面改薄和控辍保学")
    ['全面改薄', '和', '控辍保学']
    """
    return _tokens(text, True)


def words_plain(text: str) -> list[str]:
    """As `words`, without the domain dictionary (kept to measure what the dictionary buys)."""
    return _tokens(text, False)


def build_features(*, word_ngrams=(1, 2), char_ngrams=(1, 3), user_dict=True, chars=True,
                   min_df=2, max_features=None) -> FeatureUnion:
    """The TF-IDF feature union: words always, character n-grams unless `chars` is False."""
    parts = [("words", TfidfVectorizer(
        tokenizer=words if user_dict else words_plain, preprocessor=normalize,
        token_pattern=None, lowercase=False, ngram_range=tuple(word_ngrams), min_df=min_df,
        max_features=max_features, sublinear_tf=True, dtype=np.float32))]
    if chars:
        parts.append(("chars", TfidfVectorizer(
            analyzer="char", preprocessor=normalize, lowercase=False,
            ngram_range=tuple(char_ngrams), min_df=min_df, max_features=max_features,
            sublinear_tf=True, dtype=np.float32)))
    return FeatureUnion(parts)

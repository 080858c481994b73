"""Features: normalised text → rjieba word n-grams and character n-grams → TF-IDF.

Stage three of the pipeline. A whole batch of units is processed at once, as arrays: the
units are joined, normalised and tokenised in one call each; tokens are hashed with prefix
sums, and n-grams become int64 keys that are looked up in direct tables and a hash table
and counted with one sort. Python never runs once per n-gram — this is what makes batch
tagging fast.

The numbers are exactly those of scikit-learn's `TfidfVectorizer` (sublinear tf, smooth
idf, l2 norm per feature group) given the same analyzers, `word_ngrams` and `char_ngrams`
(the tests check this), and the same code builds the features at training and at tagging
time, so a model always runs with the tokeniser it was trained with.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

__all__ = ["normalize", "words", "char_ngrams", "TfidfFeatures"]

SEP = "\x01"                     # joins the units of a batch; never part of a unit
_SEP, _SPACE, _ZERO = 1, 32, 48
_MAX_CODE = 0x110000
_CHAR_MAX_N = 3                  # three 21-bit code points fill an int64 key
_WORD_CHAR = np.zeros(_MAX_CODE, dtype=bool)   # characters words are made of
_WORD_CHAR[0x3400:0xA000] = _WORD_CHAR[ord("A"):ord("Z") + 1] = True
_WORD_CHAR[ord("a"):ord("z") + 1] = _WORD_CHAR[_SEP] = True


# --- normalisation ------------------------------------------------------------------------
class _Fold:
    """Per-code-point folding: NFKC, every digit → 0, every space → ' ', all by one table.

    The table is filled lazily, for the code points met so far, so importing is free.
    Code points whose NFKC form is longer than one character (①, ㎡, ½) are marked and
    replaced in the string before the table applies.
    """

    def __init__(self):
        self.table = np.arange(_MAX_CODE, dtype=np.uint32)
        self.known = np.zeros(_MAX_CODE, dtype=bool)
        self.expand: dict[str, str] = {}
        self._expanding: re.Pattern[str] | None = None

    def learn(self, codes: np.ndarray) -> None:
        for cp in np.unique(codes[~self.known[codes]]).tolist():
            self.known[cp] = True
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) != 1:
                self.expand[chr(cp)] = folded
                self._expanding = None
                folded = " "  # never looked up: `expanded` replaces these characters first
            if folded.isdigit():
                folded = "0"
            elif folded.isspace() or cp == 0:
                folded = " "
            self.table[cp] = ord(folded)

    def expanded(self, text: str) -> str:
        """`text` with the characters whose NFKC form is longer replaced by that form."""
        if not self.expand:
            return text
        if self._expanding is None:
            self._expanding = re.compile("[" + "".join(map(re.escape, sorted(self.expand))) + "]")
        return self._expanding.sub(lambda m: self.expand[m.group()], text)


_FOLD = _Fold()


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError as e:  # pragma: no cover - opencc is a dependency
        raise ImportError("edutag needs OpenCC for traditional Chinese: pip install opencc") from e
    return opencc.OpenCC("t2s")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _normalized_codes(texts: list[str]) -> np.ndarray:
    """The normalised code points of all `texts`, joined by SEP (1)."""
    joined = SEP.join(t.replace(SEP, " ") if SEP in t else t for t in texts)
    codes = _codes(joined)
    _FOLD.learn(codes)
    joined = _FOLD.expanded(joined)
    if not joined.isascii():
        joined = _t2s().convert(joined)
    codes = _codes(joined)
    _FOLD.learn(codes)
    codes = _FOLD.table[codes]
    return _collapse(codes)


def _collapse(codes: np.ndarray) -> np.ndarray:
    """Runs of digits become one 0, runs of spaces one space; no space next to a unit edge."""
    if codes.size == 0:
        return codes
    digit, space, sep = codes == _ZERO, codes == _SPACE, codes == _SEP
    edge_before = np.concatenate(([True], sep[:-1]))
    edge_after = np.concatenate((sep[1:], [True]))
    drop = (digit & np.concatenate(([False], digit[:-1]))) | \
           (space & (np.concatenate(([False], space[:-1])) | edge_before | edge_after))
    codes = codes[~drop]
    # dropping a space may leave another space at an edge (" \x01"): drop those too
    space, sep = codes == _SPACE, codes == _SEP
    if space.any():
        edge = np.concatenate(([True], sep[:-1])) | np.concatenate((sep[1:], [True]))
        codes = codes[~(space & edge)]
    return codes


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def normalize(text: str) -> str:
    """Fold what should not matter: traditional→simplified, full-width forms, numbers, spaces.

    >>> normalize(" ２０１９年，學校新建教學樓  3.5 萬平方米 ")
    '0年,学校新建教学楼 0.0 万平方米'
    """
    return _text(_normalized_codes([text]))


# --- tokens ---------------------------------------------------------------------------------
def _word_codes(codes: np.ndarray) -> np.ndarray:
    """Normalised code points for the word tokeniser: each non-word run becomes one space."""
    word = _WORD_CHAR[codes]
    keep = word | np.concatenate(([True], word[:-1]))   # the first of a non-word run
    return np.where(word, codes, _SPACE)[keep].astype(np.uint32)


_P = np.uint64(0x100000001B3)                  # odd, so invertible modulo 2**64
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))


def _token_keys(codes: np.ndarray, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A 63-bit hash of every token, computed with array operations, and its first code.

    `tokens` concatenate to `codes` (the tokeniser loses nothing). With prefix sums
    S[k] = Σ c_i·P^i (mod 2⁶⁴), a span's hash is (S[end] − S[start])·P^−start: one pass for
    all tokens instead of one dict lookup per token. Two different words share a key with
    probability ~2⁻⁶³ per pair: the sum is mixed (an odd multiplier, a bijection) before
    its lowest bit is dropped, else 上 and 下 (adjacent code points) would share a key.
    """
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(len(codes) + 1, _P, dtype=np.uint64))
        powers = np.concatenate(([np.uint64(1)], powers[:-1]))
        inverse = np.cumprod(np.full(len(codes) + 1, _P_INVERSE, dtype=np.uint64))
        inverse = np.concatenate(([np.uint64(1)], inverse[:-1]))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes.astype(np.uint64) * powers[:-1])))
        keys = (prefix[ends] - prefix[starts]) * inverse[starts]
        keys = keys * _GOLDEN   # mix: a one-character token's sum is just its code point
    first = codes[np.minimum(starts, len(codes) - 1)] if len(codes) else starts
    return (keys >> np.uint64(1)).astype(np.int64), first


@lru_cache(maxsize=1)
def _cut():
    try:
        import rjieba
    except ImportError as e:  # pragma: no cover - rjieba is a dependency
        raise ImportError("edutag needs rjieba: pip install rjieba") from e
    return lambda text: rjieba.cut(text, False)   # HMM off: faster, and no worse here


def _hash_of(tokens: list[str]) -> np.ndarray:
    return _token_keys(_codes("".join(tokens)), tokens)[0]


def words(text: str) -> list[str]:
    """Word tokens of already normalised text (rjieba, HMM off); punctuation dropped.

    >>> words("加强教师队伍建设,开展防溺水教育")
    ['加强', '教师队伍', '建设', '开展', '防', '溺水', '教育']
    """
    return [t for t in _cut()(_text(_word_codes(_codes(text)))) if not t.isspace()]


def char_ngrams(text: str, ngram_range=(1, 3)) -> list[str]:
    """Character n-grams of already normalised text, as scikit-learn's char analyzer makes them."""
    lo, hi = ngram_range
    return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]


# --- n-gram keys ------------------------------------------------------------------------------
def _ngram_keys(ids: np.ndarray, rows: np.ndarray, ngram_range, base: int):
    """For each n: every n-gram inside one row as an int64 key (digits of `ids` in `base`),
    and its row. Keys of different lengths never collide because no id is 0.
    """
    lo, hi = ngram_range
    out = []
    for n in range(lo, hi + 1):
        m = max(len(ids) - n + 1, 0)
        key = ids[:m]
        for k in range(1, n):
            key = key * base + ids[k:k + m]
        if n > 1:
            same_row = rows[:m] == rows[n - 1:n - 1 + m]
            out.append((n, key[same_row], rows[:m][same_row]))
        else:
            out.append((n, key, rows))
    return out


def _joined(keys_by_n):
    return (np.concatenate([k for _, k, _ in keys_by_n]),
            np.concatenate([r for _, _, r in keys_by_n]))


def _digits(keys: np.ndarray, base: int, n: int) -> np.ndarray:
    """The `n` digits of each key, most significant first (0 where a key is shorter)."""
    out = np.zeros((len(keys), n), dtype=np.int64)
    for k in range(n - 1, -1, -1):
        keys, out[:, k] = np.divmod(keys, base)
    return out


def _undigits(digits: np.ndarray, base: int) -> np.ndarray:
    keys = np.zeros(len(digits), dtype=np.int64)
    for k in range(digits.shape[1]):
        keys = keys * base + digits[:, k]
    return keys


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class _KeyIndex:
    """Column of each n-gram key, by direct table for small keys and hashing for the rest.

    `numpy.searchsorted` over a vocabulary of 10⁵ keys costs ~250 ns a lookup; a gather from
    a table (single words, single characters) or an open-addressing hash table with linear
    probing, filled and probed with whole-array operations, costs a few tens.
    """

    def __init__(self, keys: np.ndarray, direct_below: int):
        cols = np.arange(len(keys), dtype=np.int32)
        small = keys < direct_below
        self.direct = np.full(direct_below, -1, dtype=np.int32)
        self.direct[keys[small]] = cols[small]
        keys, cols = keys[~small], cols[~small]
        self.bits = max(4, (4 * len(keys)).bit_length())   # load factor below 1/4
        self.slots = np.full(1 << self.bits, -1, dtype=np.int64)
        self.cols = np.full(1 << self.bits, -1, dtype=np.int32)
        slot, pending = self._hash(keys), np.arange(len(keys))
        while pending.size:
            s = slot[pending]
            free = self.slots[s] == -1
            taken, first = np.unique(s[free], return_index=True)   # one key per free slot
            winners = pending[free][first]
            self.slots[taken], self.cols[taken] = keys[winners], cols[winners]
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slot[pending] = (slot[pending] + 1) & ((1 << self.bits) - 1)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * _GOLDEN) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, keys: np.ndarray, n: int) -> np.ndarray:
        """The column of every n-gram key, -1 where it is not in the vocabulary. Single
        words and characters (n = 1) are read from the direct table, the rest hashed."""
        if n == 1:
            return self.direct[keys]
        return self._probe(keys)

    def _probe(self, keys: np.ndarray) -> np.ndarray:
        slot = self._hash(keys)
        found = self.slots[slot]
        hit = found == keys
        out = np.where(hit, self.cols[slot], -1)
        todo = np.flatnonzero(~hit & (found != -1))   # collided: probe on
        mask = (1 << self.bits) - 1
        while todo.size:
            slot_t = (slot[todo] + 1) & mask
            slot[todo] = slot_t
            found = self.slots[slot_t]
            hit = found == keys[todo]
            out[todo[hit]] = self.cols[slot_t[hit]]
            todo = todo[~hit & (found != -1)]
        return out


class _Group:
    """One TF-IDF feature group: the sorted n-gram keys of its vocabulary and their idf."""

    def __init__(self, keys: np.ndarray, idf: np.ndarray, base: int):
        self.keys, self.idf = keys, idf
        self.index = _KeyIndex(keys, base)

    @classmethod
    def fit(cls, keys, rows, n_rows: int, min_df: int, base: int) -> _Group:
        order = np.lexsort((rows, keys))
        keys, rows = keys[order], rows[order]
        first = np.ones(len(keys), dtype=bool)       # first time a key is met in a row
        first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
        vocab, df = np.unique(keys[first], return_counts=True)
        keep = df >= min_df
        vocab, df = vocab[keep], df[keep]
        idf = np.log((1 + n_rows) / (1 + df)) + 1.0
        return cls(vocab.astype(np.int64), idf.astype(np.float64), base)

    def entries(self, keys_by_n):
        """(row, column, tf) of the distinct vocabulary n-grams of each row, row-major.

        One SIMD sort of row·V + column does the counting; no per-row Python.
        """
        pairs = []
        for n, keys, rows in keys_by_n:
            col = self.index.find(keys, n)
            hit = col >= 0
            pairs.append(rows[hit] * len(self.keys) + col[hit])
        pair = np.sort(np.concatenate(pairs))
        if pair.size == 0:
            return pair, pair, pair
        starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))
        tf = np.diff(np.append(starts, len(pair)))
        row, col = np.divmod(pair[starts], len(self.keys))
        return row, col, tf

    def matrix(self, keys_by_n, n_rows: int) -> sp.csr_matrix:
        """Sublinear tf × idf, l2-normalised rows, as float32 CSR (sorted indices)."""
        row, col, tf = self.entries(keys_by_n)
        w = ((np.log(tf) + 1.0) * self.idf[col]).astype(np.float32)
        norms = np.sqrt(np.bincount(row, weights=w.astype(np.float64) ** 2, minlength=n_rows))
        w /= np.where(norms > 0, norms, 1.0)[row].astype(np.float32)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n_rows))))
        X = sp.csr_matrix((w, col.astype(np.int32), indptr), shape=(n_rows, len(self.keys)))
        X.has_sorted_indices = True
        return X


class TfidfFeatures:
    """Word (rjieba) and character n-gram TF-IDF of raw unit texts, built batch-wise.

    `fit` learns the vocabularies (n-grams in at least `min_df` units) and idf weights;
    `transform` maps texts to a CSR float32 matrix: the word block, then the char block.
    """

    def __init__(self, *, word_ngrams=(1, 2), char_ngrams=(1, 3), chars=True, min_df=5):
        if chars and not 1 <= char_ngrams[0] <= char_ngrams[1] <= _CHAR_MAX_N:
            raise ValueError(f"char_ngrams must lie within (1, {_CHAR_MAX_N}), not {char_ngrams}")
        if not 1 <= word_ngrams[0] <= word_ngrams[1] <= 3:
            raise ValueError(f"word_ngrams must lie within (1, 3), not {word_ngrams}")
        self.word_ngrams, self.char_ngrams = tuple(word_ngrams), tuple(char_ngrams)
        self.chars, self.min_df = chars, min_df

    # --- the arrays of one batch ---
    def _analyse(self, texts: list[str], *, learn: bool = False):
        """(word ids, word rows, char codes, char rows) of a batch.

        Word ids number the vocabulary words from 1; unknown words get len + 1. With
        `learn`, every word seen gets an id instead, and `self._seen` lists them.
        """
        codes = _normalized_codes(texts)
        sep = codes == _SEP
        char_rows = np.cumsum(sep)
        word_codes = _word_codes(codes)
        tokens = _cut()(_text(word_codes))
        keys, first = _token_keys(word_codes, tokens)
        is_sep = first == _SEP
        kept = ~is_sep & (first != _SPACE)
        rows = np.cumsum(is_sep)[kept]
        keys = keys[kept]
        if learn:
            _, where, ids = np.unique(keys, return_index=True, return_inverse=True)
            kept_at = np.flatnonzero(kept)
            self._seen = [tokens[i] for i in kept_at[where].tolist()]
            ids = ids.reshape(-1) + 1
        else:
            ids = self._token_index._probe(keys) + 1
            ids[ids == 0] = len(self.word_tokens_) + 1
        return ids.astype(np.int64), rows, codes[~sep].astype(np.int64), char_rows[~sep]

    def fit_transform(self, texts: list[str]) -> sp.csr_matrix:
        n = len(texts)
        ids, wrows, codes, crows = self._analyse(texts, learn=True)
        seen, base, width = self._seen, len(self._seen) + 2, self.word_ngrams[1]
        del self._seen
        words = _Group.fit(*_joined(_ngram_keys(ids, wrows, self.word_ngrams, base)), n,
                           self.min_df, base)
        # Keep only words that spell a kept n-gram, and number them afresh. (An n-gram found
        # in min_df units has all its words in min_df units, so nothing else is lost.)
        digits = _digits(words.keys, base, width)
        used = np.unique(digits[digits > 0])
        by_id = [""] + list(seen)
        self._set_words([by_id[i] for i in used.tolist()])
        renumber = np.full(base, len(used) + 1, dtype=np.int64)   # unused words: unknown
        renumber[0] = 0
        renumber[used] = np.arange(1, len(used) + 1)
        keys = _undigits(renumber[digits], self._word_base)
        order = np.argsort(keys)
        self.words_ = _Group(keys[order], words.idf[order], self._word_base)
        if self.chars:
            self.chars_ = _Group.fit(*_joined(_ngram_keys(codes, crows, self.char_ngrams, _MAX_CODE)),
                                     n, self.min_df, _MAX_CODE)
        # the training texts are already analysed: renumber their words, don't cut them again
        return sp.hstack(self._blocks(renumber[ids], wrows, codes, crows, n), format="csr",
                         dtype=np.float32)

    def fit(self, texts: list[str]) -> TfidfFeatures:
        self.fit_transform(texts)
        return self

    def _set_words(self, tokens: list[str]) -> None:
        self.word_tokens_ = list(tokens)
        self._word_base = len(self.word_tokens_) + 2
        self._token_index = _KeyIndex(_hash_of(self.word_tokens_), 0)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """The feature matrix: the word block, then the char block."""
        return sp.hstack(self.blocks(texts), format="csr", dtype=np.float32)

    def blocks(self, texts: list[str]) -> list[sp.csr_matrix]:
        """The feature blocks (words, chars) separately: scoring needs no stacked copy."""
        return self._blocks(*self._analyse(texts), len(texts))

    def _blocks(self, ids, wrows, codes, crows, n: int) -> list[sp.csr_matrix]:
        blocks = [self.words_.matrix(_ngram_keys(ids, wrows, self.word_ngrams, self._word_base), n)]
        if self.chars:
            blocks.append(self.chars_.matrix(_ngram_keys(codes, crows, self.char_ngrams, _MAX_CODE), n))
        return blocks

    @property
    def n_features_(self) -> int:
        return len(self.words_.keys) + (len(self.chars_.keys) if self.chars else 0)

    def feature_names(self) -> list[str]:
        """Readable names of the columns: 词:教师 招聘, 字:溺水."""
        tokens = [""] + self.word_tokens_
        names = ["词:" + " ".join(tokens[d] for d in row if d)
                 for row in _digits(self.words_.keys, self._word_base, self.word_ngrams[1]).tolist()]
        if self.chars:
            names += ["字:" + "".join(chr(d) for d in row if d)
                      for row in _digits(self.chars_.keys, _MAX_CODE, self.char_ngrams[1]).tolist()]
        return names

    # --- saving: plain arrays and one string, nothing to unpickle ---
    def state(self) -> dict:
        out = {"word_tokens": "\n".join(self.word_tokens_), "word_keys": self.words_.keys,
               "word_idf": self.words_.idf}
        if self.chars:
            out.update(char_keys=self.chars_.keys, char_idf=self.chars_.idf)
        return out

    @classmethod
    def from_state(cls, state: dict, **params) -> TfidfFeatures:
        features = cls(**params)
        tokens = state["word_tokens"].split("\n") if state["word_tokens"] else []
        features._set_words(tokens)
        features.words_ = _Group(state["word_keys"], state["word_idf"], features._word_base)
        if features.chars:
            features.chars_ = _Group(state["char_keys"], state["char_idf"], _MAX_CODE)
        return features


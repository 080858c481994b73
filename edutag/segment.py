"""Clean and segment: cut a document's text into paragraph units, drop web boilerplate.

Stage two of the pipeline (ingest → **segment** → features → model → output). Every
character of the input ends up in exactly one `Unit` span or one `Dropped` span, so what
was thrown away can always be audited.

>>> seg = segment("一、加强师资培训\\n今年共招聘新教师420名。\\n下载本文档")
>>> [u.text for u in seg.units]
['一、加强师资培训', '今年共招聘新教师420名。']
>>> [d.reason for d in seg.dropped if d.reason != "separator"]
['download or share prompt']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from edutag.defaults import MAX_UNIT_CHARS

__all__ = ["Unit", "Dropped", "Segmentation", "segment", "sentences"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One paragraph (or piece of a run-on paragraph) to be tagged.

    `start`/`end` are offsets into the text given to `segment`; `text` is that span with
    page-chunk markers and the line breaks of rejoined halves removed.
    """

    index: int
    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Dropped:
    """A span left out of tagging, with the reason (boilerplate kind or ``separator``)."""

    start: int
    end: int
    text: str
    reason: str


@dataclass
class Segmentation:
    units: list[Unit] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


# --- boilerplate of scraped essay and document-sharing pages -------------------------------
# Each rule applies to a whole short line only (see _MAX_BOILERPLATE_LINE), so a long policy
# paragraph that happens to mention 版权 or 下载 is never thrown away.
_BOILERPLATE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("upload info", re.compile(
        r"上传(人|者|时间|日期|用户)|会员上传|用户上传|文档编号|文档(格式|大小|页数)|"
        r"^\W*(格式|页数|大小|文件大小|字数|分类|标签|所属栏目|贡献者)\s*[:：]|"
        r"(?:doc|pdf|ppt|txt|wps)x?\s*(格式|文档)|下载(积分|券|次数)|文档贡献")),
    ("page counter", re.compile(
        r"第\s*\d+\s*页|共\s*\d+\s*页|已阅读\s*\d+|还剩\s*\d+\s*页|本文档共|"
        r"\.(docx?|pdf|pptx?)_第|^\s*\d+\s*/\s*\d+\s*$|^\s*-\s*\d+\s*-\s*$|"
        r"^\W*(上一页|下一页)|展开阅读全文")),
    ("related list", re.compile(
        r"^\W*(相关(推荐|文章|阅读|文档|资料|范文|搜索|热词)|猜你喜欢|热门(推荐|文章|文档|标签)|"
        r"推荐阅读|延伸阅读|精选(推荐|范文)|更多(相关|精彩|推荐)|最新(文章|更新)|"
        r"上一篇|下一篇|返回(首页|列表|顶部)|您可能(还)?(感兴趣|喜欢))")),
    ("download or share prompt", re.compile(
        r"下载本文档|免费下载|立即下载|点击下载|下载(全文|原文|word|WORD|Word|docx?)|"
        r"继续(免费)?阅读|阅读全文|^\W*分享到|一键(复制|分享)|收藏本(站|文|页)|加入收藏|"
        r"^\W*(举报|收藏|分享|打印|关闭)\W*$|我要举报|开通\s*VIP|VIP会员|"
        r"打印本(文|页)|关闭窗口|复制链接|扫一扫|扫码(关注|下载|阅读)")),
    ("advertisement or contact", re.compile(
        r"^\W*(广告|客服|在线客服|商务合作|联系我们)|^\W*(QQ|qq|微信|邮箱|E-?mail)\s*[:：]|"
        r"咨询热线\s*[:：]|免费领取|限时(优惠|免费)")),
    ("copyright or ICP line", re.compile(
        r"版权(所有|声明|说明|归)|Copyright|copyright|©|ICP\s*(备|证)|公网安备|如有侵权|侵权(请|删除|联系)|"
        r"All [Rr]ights [Rr]eserved|all [Rr]ights [Rr]eserved|本站(所有|部分|文章)|转载请|免责声明|进行举报或认领")),
    ("reading count or page metadata", re.compile(
        r"阅读(量|数|次数)\s*[:：]?\s*\d+|浏览(量|数|次数)\s*[:：]?\s*\d+|点击(量|数|次数)\s*[:：]?\s*\d+|"
        r"\d+\s*(人|次)(阅读|浏览|下载)|"
        r"^\W*(阅读|浏览|下载|点击|收藏)\s*[:：]\s*[\d.]+\s*万?\s*次?|"
        r"发布(时间|日期)\s*[:：]|更新(时间|日期)\s*[:：]|上传(时间|日期)\s*[:：]|录入(时间|日期)\s*[:：]|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}|"
        r"^\W*(来源|作者|编辑|责任编辑|文章来源|信息来源)\s*[:：]|我要投稿|"
        r"以下是.{0,20}(小编|本站|为大家|为您)|小编(为|给)大家|希望对(大家|您)有所帮助|"
        r"欢迎(阅读|借鉴|参考|品鉴)|仅供参考|供大家参考|^\W*(首页|当前位置)\s*[>＞:：]")),
]
_MAX_BOILERPLATE_LINE = 90


def _alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i = pattern.index("]", i + 2 if pattern[i + 1] in "]^" else i + 1)
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return out + [pattern[start:]]


def _quick_filter():
    """Most lines match no rule; tell them fast. The same alternatives as the rules, grouped
    so that Python's regex engine can skip ahead: anchored ones tried at the line start,
    those that open with a literal merged into one pattern (scanned by first character),
    and the few others (opening with a digit) one by one. Rules stay fast when their
    alternatives open with a literal: write ``阅读量|浏览量``, not ``(阅读|浏览)量``."""
    alternatives = [a for _, p in _BOILERPLATE_RULES for a in _alternatives(p.pattern)]
    anchored = [a for a in alternatives if a.startswith("^")]
    literal = [a for a in alternatives if a not in anchored and (a[0] not in "\\([" or a[:2] == "\\.")]
    others = [re.compile(a) for a in alternatives if a not in anchored and a not in literal]

    def join(parts):
        return re.compile("|".join(f"(?:{a})" for a in parts))

    at_start, anywhere = join(anchored), join(literal)
    def may_match(line: str) -> bool:
        if at_start.match(line) or anywhere.search(line):
            return True
        for p in others:
            if p.search(line):
                return True
        return False

    return may_match


_MAY_BE_BOILERPLATE = _quick_filter()
# After a 相关推荐-style header, the list items that follow (short titles, often dated)
# are part of the list until a line long enough to be prose.
_LIST_ITEM_MAX = 60

# --- headings and page chunks ---------------------------------------------------------------
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节部分条]|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])")
_HEADING_MAX = 40
# Characters a heading can open with (cheap test before the regex); \d is any decimal digit.
_HEADING_FIRST = frozenset("第一二三四五六七八九十（(") | {chr(c) for c in range(0x2460, 0x2474)}
_CHUNK_NUMBER = re.compile(r"\s*(\d{1,3})、")  # used with .match: anchored at the start
_SENTENCE_END = "。！？!?；;…"
_CLOSERS = "”’」』）)】\"'"
_SENTENCE = re.compile(rf"[^{_SENTENCE_END}]*(?:[{_SENTENCE_END}]+[{_CLOSERS}]*|$)")
_CLAUSE = re.compile(rf"[^，,：:、]*(?:[，,：:、]+[{_CLOSERS}]*|$)")
# A page chunk of a document-sharing site is long and stops mid-sentence.
_CHUNK_MIN_PREVIOUS = 80


def segment(text: str, *, max_chars: int = MAX_UNIT_CHARS, separators: bool = True) -> Segmentation:
    """Cut `text` into paragraph units and dropped spans that together tile the whole text.

    Lines are paragraphs; boilerplate lines of scraped pages are dropped with a reason;
    numbered page chunks (``1、`` ``2、`` …) that cut a sentence in half are rejoined; a
    heading at the start of a line becomes a unit of its own; anything longer than
    `max_chars` is re-cut at sentence (then clause) ends. With `separators` False, the
    blank stretches between units are not recorded (the batch predictor needs only the
    boilerplate), and the spans no longer tile the text.
    """
    if not isinstance(text, str):
        raise TypeError(f"segment() takes a str, not {type(text).__name__}")
    blocks, dropped = _blocks(text)
    units: list[Unit] = []
    for pieces, heading in blocks:
        for start, end, clean in _cut(text, pieces, max_chars):
            units.append(Unit(len(units), start, end, clean, heading))
    return Segmentation(units, _fill_gaps(text, units, dropped) if separators else dropped)


def sentences(text: str) -> list[str]:
    """The sentences of one unit, each with its closing punctuation and quotes; pieces with
    no words (blank, or punctuation only) are left out.

    >>> sentences("新建教学楼两栋。开展“防溺水”教育！")
    ['新建教学楼两栋。', '开展“防溺水”教育！']
    """
    return [m.group() for m in _SENTENCE.finditer(text)
            if m.group().strip(_SENTENCE_END + _CLOSERS + " \t\r\n\u3000")]


def _lines(text: str):
    """Yield (start, end) of each line's stripped content; blank lines are skipped."""
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if body:
            lead = len(line) - len(line.lstrip())
            yield pos + lead, pos + lead + len(body)
        pos += len(line)


def _boilerplate_reason(line: str) -> str | None:
    if len(line) > _MAX_BOILERPLATE_LINE or not _MAY_BE_BOILERPLATE(line):
        return None
    for reason, pattern in _BOILERPLATE_RULES:
        if pattern.search(line):
            return reason
    return None


def _blocks(text: str):
    """Group lines into logical paragraphs: a list of (pieces, heading), pieces being spans.

    A numbered chunk that continues a sentence cut in half is appended to the previous
    block, with its number left out of the pieces (it becomes part of a separator gap).
    """
    blocks: list[tuple[list[tuple[int, int]], bool]] = []
    dropped: list[Dropped] = []
    in_related_list = False
    follows_block = False  # chunks rejoin only across a line break, never across a drop
    last_chunk = 0         # number of the page chunk the last block came from (0: none)
    for start, end in _lines(text):
        line = text[start:end]
        reason = _boilerplate_reason(line)
        if reason == "related list":
            in_related_list = True
        elif in_related_list and not reason and len(line) <= _LIST_ITEM_MAX:
            reason = "related list"
        else:
            in_related_list = False
        if reason:
            dropped.append(Dropped(start, end, line, reason))
            follows_block = False
            continue
        chunk = _CHUNK_NUMBER.match(line)
        if chunk and follows_block and _is_page_chunk(text, blocks[-1], int(chunk.group(1)), last_chunk):
            body_start = start + chunk.end()
            if last_chunk == 1:  # the first chunk is only known to be one now
                _strip_chunk_number(text, blocks[-1])
            last_chunk += 1
            if body_start < end and _continues(text, blocks[-1]):
                blocks[-1][0].append((body_start, end))
            elif body_start < end:
                blocks.extend(_split_heading(text, body_start, end))
            continue
        last_chunk = 1 if chunk and chunk.group(1) == "1" else 0
        blocks.extend(_split_heading(text, start, end))
        follows_block = True
    return blocks, dropped


def _is_page_chunk(text: str, block, number: int, last_chunk: int) -> bool:
    """A numbered line is a page chunk when it continues a run of long numbered chunks, or
    when it follows a long line cut in the middle of a sentence."""
    if last_chunk and number == last_chunk + 1:
        pieces = block[0]
        return pieces[-1][1] - pieces[0][0] >= _CHUNK_MIN_PREVIOUS
    return _continues(text, block)


def _strip_chunk_number(text: str, block) -> None:
    pieces = block[0]
    start, end = pieces[0]
    m = _CHUNK_NUMBER.match(text, start, end)
    if m and m.end() < end:
        pieces[0] = (m.end(), end)


def _continues(text: str, block) -> bool:
    pieces, heading = block
    last_start, last_end = pieces[-1]
    if heading or last_end - pieces[0][0] < _CHUNK_MIN_PREVIOUS:
        return False
    return text[last_end - 1] not in _SENTENCE_END + _CLOSERS + "：:"


def _split_heading(text: str, start: int, end: int):
    """A line that opens with a numbered heading: the heading alone, then the body."""
    line = text[start:end]
    first = line.lstrip()[:1]
    if not (first in _HEADING_FIRST or first.isdecimal()) or not _HEADING.match(line):
        return [([(start, end)], False)]
    if len(line) <= _HEADING_MAX and not any(c in line[:-1] for c in "。！？；"):
        return [([(start, end)], True)]
    first = re.match(r"[^。！？；：:]*[。！？；：:]", line)
    if first and len(first.group()) <= _HEADING_MAX and end - start - first.end() >= 20:
        cut = start + first.end()
        body = cut + len(text[cut:end]) - len(text[cut:end].lstrip())
        return [([(start, cut)], True), ([(body, end)], False)]
    return [([(start, end)], False)]


def _cut(text: str, pieces, max_chars: int):
    """Cut one block into units of at most `max_chars`, at sentence then clause ends.

    Yields (start, end, clean_text) with offsets into `text`.
    """
    if len(pieces) == 1 and pieces[0][1] - pieces[0][0] <= max_chars:  # the usual case
        (start, end), = pieces
        yield start, end, text[start:end]   # lines come stripped, so nothing to trim
        return
    clean = "".join(text[a:b] for a, b in pieces)
    # clean offset where each piece begins, to map clean offsets back to `text`
    bounds = list(accumulate((b - a for a, b in pieces), initial=0))

    def origin(i: int) -> int:
        k = bisect_right(bounds, i) - 1
        return pieces[k][0] + i - bounds[k]

    for cs, ce in _pack(clean, max_chars):
        while cs < ce and clean[cs].isspace():
            cs += 1
        while ce > cs and clean[ce - 1].isspace():
            ce -= 1
        if cs < ce:
            yield origin(cs), origin(ce - 1) + 1, clean[cs:ce]


def _pack(clean: str, max_chars: int):
    """Greedy packing of sentences into spans of at most `max_chars` characters."""
    if len(clean) <= max_chars:
        yield 0, len(clean)
        return
    start = end = 0
    for piece_start, piece_end in _pieces(clean, max_chars):
        if piece_end - start > max_chars and end > start:
            yield start, end
            start = end
        end = piece_end
    if end > start:
        yield start, end


def _pieces(clean: str, max_chars: int):
    """Sentences; a sentence longer than `max_chars` is split into clauses, then hard-cut."""
    for m in _SENTENCE.finditer(clean):
        if m.start() == m.end():
            continue
        if m.end() - m.start() <= max_chars:
            yield m.start(), m.end()
            continue
        sentence = clean[m.start():m.end()]
        for c in _CLAUSE.finditer(sentence):
            if c.start() == c.end():
                continue
            for s in range(c.start(), c.end(), max_chars):
                yield m.start() + s, m.start() + min(c.end(), s + max_chars)


def _fill_gaps(text: str, units: list[Unit], dropped: list[Dropped]) -> list[Dropped]:
    """Record every stretch no unit or boilerplate span covers (blank space, chunk numbers)."""
    spans = sorted([(u.start, u.end) for u in units] + [(d.start, d.end) for d in dropped])
    gaps: list[Dropped] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            gaps.append(Dropped(pos, start, text[pos:start], "separator"))
        pos = max(pos, end)
    if pos < len(text):
        gaps.append(Dropped(pos, len(text), text[pos:], "separator"))
    return sorted(dropped + gaps, key=lambda d: d.start)

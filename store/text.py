"""Text helpers shared by the readers: decoding, cleaning names, amounts, region and year."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from store.errors import DecodeError

_WS = re.compile(r"\s+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_NUMBERING = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d{1,3}\s*[、.．](?!\d)|[（(]\d{1,3}[)）])\s*")
_TRAILING = "。；;"
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。、；：“”（）])\s+|\s+(?=[{_CJK}，。、；：“”（）])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029\x85]")
_MAX_DAMAGE = 64  # more replaced bytes than this: the wrong encoding, or not text at all
_SHOWN_DAMAGE = 5  # damaged places named one by one in the warnings; the rest are counted


@dataclass(frozen=True, slots=True)
class Damage:
    """Bytes that are not valid in the document's encoding, replaced by U+FFFD when decoding."""

    offset: int  # in bytes, from the start of the file
    size: int
    line: int  # in the decoded text, counted as the readers count lines
    at_end: bool  # the file stops inside a multi-byte character


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text (line ends normalised to \\n), the encoding it was read in, and what was replaced."""

    text: str
    encoding: str
    damage: tuple[Damage, ...] = ()

    def warnings(self) -> list[tuple[int, str]]:
        """(line, message) for each damaged place, the first few by byte offset, the rest counted."""
        found = []
        for damage in self.damage[:_SHOWN_DAMAGE]:
            if damage.at_end:
                found.append((damage.line, f"the file ends inside a multi-byte character at byte {damage.offset} "
                                           f"(cut off?); the last {damage.size} byte(s) replaced by \ufffd"))
            else:
                found.append((damage.line, f"{damage.size} byte(s) not valid {self.encoding} at byte {damage.offset}"
                                           " replaced by \ufffd"))
        if len(self.damage) > _SHOWN_DAMAGE:
            rest = self.damage[_SHOWN_DAMAGE:]
            found.append((rest[0].line, f"{len(rest)} more invalid byte sequences replaced by \ufffd (bytes "
                                        f"{rest[0].offset} to {rest[-1].offset})"))
        return found


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a byte order mark: NUL bytes (the high half of ASCII characters) on one side of
    every pair."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    firsts, seconds = sample[0::2], sample[1::2]
    even, odd = firsts.count(0), seconds.count(0)
    if odd >= 2 and odd >= 9 * even:
        codec, lows = "utf-16-le", [low for low, high in zip(firsts, seconds, strict=True) if high == 0]
    elif even >= 2 and even >= 9 * odd:
        codec, lows = "utf-16-be", [low for high, low in zip(firsts, seconds, strict=True) if high == 0]
    else:
        return None
    # the characters with a zero high byte are the ASCII ones: tabs, line ends, digits, punctuation
    texty = sum(1 for low in lows if low in (9, 10, 13) or 32 <= low < 127)
    return codec if texty >= 0.95 * len(lows) else None


def _decode_counting(data: bytes, encoding: str) -> tuple[str, list[tuple[int, int, int]]] | None:
    """Decode with U+FFFD for invalid bytes: the text and (byte offset, size, text index) of each replacement;
    None past _MAX_DAMAGE replacements."""
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError:
        pass
    pieces: list[str] = []
    damage: list[tuple[int, int, int]] = []
    position = 0
    length = 0
    while True:
        try:
            piece = data[position:].decode(encoding)
        except UnicodeDecodeError as exc:
            good = data[position: position + exc.start].decode(encoding)
            if not good and damage and damage[-1][0] + damage[-1][1] == position + exc.start:
                start, size, index = damage[-1]  # bad bytes right after bad bytes: one damaged place
                damage[-1] = (start, size + exc.end - exc.start, index)
                position += exc.end
                continue
            pieces.append(good)
            length += len(good)
            damage.append((position + exc.start, exc.end - exc.start, length))
            if len(damage) > _MAX_DAMAGE:
                return None
            pieces.append("\ufffd")
            length += 1
            position += exc.end
            continue
        pieces.append(piece)
        return "".join(pieces), damage


def _choose(data: bytes) -> tuple[str, str, list[tuple[int, int, int]]]:
    """The encoding of text without a byte order mark: UTF-8 (even with a few damaged bytes) or GB18030."""
    utf8 = _decode_counting(data, "utf-8")
    if utf8 is not None and not utf8[1]:
        return utf8[0], "UTF-8", []
    gb = _decode_counting(data, "gb18030")
    if utf8 is not None:
        # text that is UTF-8 has many valid multi-byte characters for each damaged place; GB18030 read as
        # UTF-8 has damage nearly everywhere
        multibyte = sum(1 for char in utf8[0] if char > "\x7f" and char != "\ufffd")
        if multibyte >= 4 * len(utf8[1]) and (gb is None or gb[1] or multibyte >= 20 * len(utf8[1])):
            return utf8[0], "UTF-8", utf8[1]
    if gb is not None:
        multibyte = sum(1 for char in gb[0] if char > "\x7f" and char != "\ufffd")
        if not gb[1] or multibyte >= 4 * len(gb[1]):
            return gb[0], "GB18030", gb[1]
    raise DecodeError("not text in UTF-8, UTF-16 or GB18030")


def _bom(data: bytes) -> tuple[str, str, int] | None:
    """(codec, name, BOM length) when the bytes start with a byte order mark."""
    for mark, codec, name in ((b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
                              (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
                              (b"\xfe\xff", "utf-16-be", "UTF-16")):
        if data.startswith(mark):
            return codec, name, len(mark)
    return None


def decode_document(data: bytes) -> Decoded:
    """Decode a document: UTF-8 (with or without BOM), UTF-16 (with or without BOM), UTF-32 with BOM, or GB18030.

    A few invalid bytes (a stray byte, a file cut inside a character) do not refuse the document: they become
    U+FFFD and :meth:`Decoded.warnings` names them by byte offset and line. Line ends (CRLF, CR, U+2028,
    U+2029, NEL) become \\n. DecodeError when the bytes are not text.
    """
    if not data:
        return Decoded("", "UTF-8")
    skip = 0
    bom = _bom(data)
    if bom is not None:
        codec, encoding, skip = bom
        decoded = _decode_counting(data[skip:], codec)
        if decoded is None:
            raise DecodeError(f"not valid {encoding} text although it starts with a {encoding} byte order mark")
        text, damage = decoded
    else:
        wide = _utf16_without_bom(data[:4096])
        if wide is not None:
            decoded = _decode_counting(data, wide)
            if decoded is None:
                raise DecodeError("binary data (NUL bytes), not a text document")
            text, damage = decoded
            encoding = "UTF-16"
        elif b"\x00" in data[:4096]:
            raise DecodeError("binary data (NUL bytes), not a text document")
        else:
            text, encoding, damage = _choose(data)
    if text:
        sample = text[:20000]
        controls = len(_CONTROL.findall(sample))
        if controls > max(8, len(sample) // 50):
            raise DecodeError("binary data (control bytes), not a text document")
    found = []
    for offset, size, index in damage:
        line = 1 + len(_LINE_BREAK.findall(text, 0, index))
        found.append(Damage(offset + skip, size, line, offset + size + skip >= len(data) and size < 4))
    return Decoded(_normalise_line_ends(text), encoding, tuple(found))


def _normalise_line_ends(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for separator in ("\u2028", "\u2029", "\x85"):
        if separator in text:
            text = text.replace(separator, "\n")
    return text


def decode(data: bytes) -> str:
    """A document's text (see :func:`decode_document`); invalid bytes become U+FFFD."""
    return decode_document(data).text


def decode_exact(data: bytes) -> str:
    """Text that must be exact (a mapping, a lexicon): UTF-8 (BOM allowed), UTF-16 or GB18030, nothing
    replaced; DecodeError otherwise. Line ends are left as they are."""
    bom = _bom(data)
    if bom is not None:
        codec, encoding, skip = bom
        try:
            return data[skip:].decode(codec)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid {encoding} (byte {exc.start + skip})") from exc
    wide = _utf16_without_bom(data[:4096])
    candidates = ((wide, "UTF-16"),) if wide else (("utf-8", "UTF-8"), ("gb18030", "GB18030"))
    for codec, _name in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not text in UTF-8, UTF-16 or GB18030 (invalid byte at {exc.start})") from exc
    raise DecodeError("not text in UTF-8, UTF-16 or GB18030")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def strip_html(text: str) -> str:
    return _HTML_TAG.sub(" ", text) if "<" in text else text


def squash(text: str) -> str:
    """Remove all whitespace (OCR puts spaces between CJK characters)."""
    return "".join(text.split())


def clean_cell(text: str) -> str:
    """A table cell without HTML tags and surrounding whitespace."""
    return (_HTML_TAG.sub(" ", text) if "<" in text else text).strip()


def clean_name(text: str, *, squash_all: bool = False) -> str:
    """An indicator or project name: numbering and trailing 。；; gone, OCR spaces between CJK gone."""
    text = strip_html(text).strip()
    if text[:1].isdigit() or text.startswith(("指标", "(", "（")):
        text = _NUMBERING.sub("", text)
    if squash_all:
        text = squash(text)
    elif " " in text or "\u3000" in text or "\xa0" in text or "\t" in text:
        text = _SPACE_BETWEEN_CJK.sub("", text)
    return text.strip().rstrip(_TRAILING).strip()


def clean_value(text: str | None, *, squash_all: bool = False) -> str | None:
    """A target value as written, trimmed; None when nothing is left."""
    if text is None:
        return None
    text = strip_html(text).strip()
    if squash_all:
        text = squash(text)
    text = text.rstrip(_TRAILING).strip()
    return text or None


def key_name(name: str) -> str:
    """The identity of an indicator name: NFKC, no whitespace, no numbering or trailing 。；;,，."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    if text.startswith("指标"):
        text = re.sub(r"^指标\d+[:：]", "", text)
    return text.rstrip("。;；,，")


_AMOUNT = re.compile(r"^-?\d[\d,，]*(?:\.\d+)?$")


def parse_amount(text: str | None) -> float | None:
    """A money cell ("711, 435. 67", "3,372.44", "29814.84") as a float, or None."""
    if not text:
        return None
    compact = squash(nfkc(text)).replace("，", ",")
    if not _AMOUNT.match(compact):
        return None
    try:
        return float(compact.replace(",", ""))
    except ValueError:
        return None


# words that end in 市 / 区 but name no place: "洪湖市城市管理执法局" is 洪湖市's, not a county "城市"'s
_NOT_A_COUNTY = r"(?!城市|城区|市区|社区|园区|小区|景区|校区|片区|辖区|山区|矿区|林区|牧区|灾区|库区|老区|特区)"
_REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?"
    r"(?:[\u4e00-\u9fff]{2,7}?(?:市|自治州|地区|盟))?"
    rf"(?:{_NOT_A_COUNTY}[\u4e00-\u9fff]{{1,6}}?(?:县|区|旗|市))?)"
)
_ORG_PREFIX = re.compile(r"^[\[【(（]?\d*[\]】)）]?[-—]?\d*[-—]?")


def strip_org_code(name: str) -> str:
    """'[054]金寨县医疗保障局' / '112001-韶关市…' / '071002抚顺市…-210400000' -> the plain name."""
    name = squash(nfkc(name))
    name = _ORG_PREFIX.sub("", name)
    name = re.sub(r"-\d{6,}$", "", name)
    return name


def region_of(organisation: str | None) -> str | None:
    """The region an organisation name starts with: 广州市医疗保障局 -> 广州市, 韶关市曲江区… -> 韶关市曲江区."""
    if not organisation:
        return None
    name = strip_org_code(organisation)
    match = _REGION.match(name)
    if not match or not match.group(1):
        return None
    region = match.group(1)
    if len(region) >= len(name):
        return None
    return region


_ADMIN_UNITS = re.compile(
    r"^(?P<province>[\u4e00-\u9fff]{2,7}?(?:省|自治区))?"
    r"(?P<city>[\u4e00-\u9fff]{2,7}?(?:市|自治州|地区|盟))?"
    rf"(?P<county>{_NOT_A_COUNTY}[\u4e00-\u9fff]{{1,6}}?(?:县|区|旗|市))?"
)


def short_region(region: str | None) -> str | None:
    """The lowest administrative unit of a region: 天津市宁河区 -> 宁河区, 临沧市永德县 -> 永德县."""
    if not region:
        return None
    match = _ADMIN_UNITS.match(region)
    if match is None:
        return region
    return match.group("county") or match.group("city") or match.group("province") or region


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*[-—–~至]\s*(?:(?:19|20)\d{2})\s*年?")
_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def title_year(lines: list[str]) -> int | None:
    """A year stated in a heading ("2024年市级…", "( 2025 年度)")."""
    for line in lines:
        text = squash(nfkc(line))
        if not text or len(text) > 80:
            continue
        if any(word in text for word in ("年度", "绩效目标", "预算", "批复")):
            match = _YEAR_IN_TITLE.search(text)
            if match:
                return int(match.group(1))
    return None


def year_from_names(names: list[str]) -> int | None:
    """The budget year implied by dated project names: the newest start year ("2025-2026年" counts 2025)."""
    best: int | None = None
    for name in names:
        text = nfkc(name)
        starts = {int(m.group(1)) for m in _YEAR_RANGE.finditer(text)}
        covered = {m.span() for m in _YEAR_RANGE.finditer(text)}
        for match in _YEAR_ANY.finditer(text):
            if any(start <= match.start() < end for start, end in covered):
                continue
            starts.add(int(match.group(1)))
        for year in starts:
            if best is None or year > best:
                best = year
    return best


_DOUBLED = re.compile(r"([\u4e00-\u9fff])\1")


def canonical_spellings(names: list[str]) -> dict[str, str]:
    """Map each spelling of an organisation to the document's correct one.

    Spellings one edit apart are the same organisation ("韶关市曲江江区…", "韶关市曲江医疗保障局",
    "韶关市曲江区医疗保障局"). The correct one has no doubled character (a typing slip) and the
    fullest administrative region (市 + 区 over 市 alone); ties go to the most frequent.
    """
    from rapidfuzz.distance import Levenshtein

    distinct = list(dict.fromkeys(n for n in names if n))
    groups: list[list[str]] = []
    for name in distinct:
        joined = [g for g in groups if any(Levenshtein.distance(name, other) <= 1 for other in g)]
        merged = [name]
        for group in joined:
            merged.extend(group)
            groups.remove(group)
        groups.append(merged)

    def rank(name: str) -> tuple[int, int, int]:
        region = region_of(name) or ""
        levels = sum(region.count(s) for s in ("省", "市", "州", "县", "区", "旗"))
        return (0 if _DOUBLED.search(name) else 1, levels, names.count(name))

    mapping: dict[str, str] = {}
    for group in groups:
        best = max(group, key=rank)
        for name in group:
            mapping[name] = best
    return mapping


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's top table (see :func:`store.files.read_toml`: FileError, a ValueError, names the problem)."""
    from store.files import read_toml as read

    return read(path, what)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_UNTONED = "aaaaeeeeiiiioooouuuuüüüünnnm"
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[(（]([a-zü{_TONED}]{{1,6}})[)）]")
_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|üan|ian|iao|ai|ei|ao|ou|an|en|in|un|ün|ia|ie|iu|ua|uo|ui|ue|üe|"
    r"a|o|e|i|u|ü|v)"
    r"|a|o|e|ai|ei|ao|ou|an|en|ang|eng|er|ng|hm|hng|m|n"
)


def _is_syllable(gloss: str) -> bool:
    return bool(_SYLLABLE.fullmatch(gloss.translate(str.maketrans(_TONED, _UNTONED))))


def drop_pinyin_glosses(text: str) -> str:
    """Text without the pinyin some mirror sites put after characters (項(xiàng)目 -> 項目).

    A gloss is a pinyin syllable in brackets right after a Chinese character. One with a tone mark is
    always a gloss; an untoned one (the neutral tone, 的(de)) only in a text that has toned glosses, so
    that a unit such as 面积(m) in an ordinary table is left alone.
    """
    if "(" not in text and "（" not in text:
        return text
    toned = [m for m in _GLOSS.finditer(text) if any(c in _TONED for c in m.group(1)) and _is_syllable(m.group(1))]
    if not toned:
        return text
    many = len(toned) >= 3

    def replace(match: re.Match[str]) -> str:
        gloss = match.group(1)
        if _is_syllable(gloss) and (many or any(c in _TONED for c in gloss)):
            return ""
        return match.group(0)

    return _GLOSS.sub(replace, text)


# Traditional spellings of the template's own words: a document holding any of them is a traditional copy.
_TRADITIONAL_WORDS = ("指標", "績效", "項目", "預算", "單位", "實施", "資金", "滿意", "數量", "質量", "產出", "級指")


def looks_traditional(text: str) -> bool:
    """Whether a document is written in traditional characters (judged by the template's own words in its
    first pages: a traditional copy uses them from the title on)."""
    head = text[:100_000]
    return any(word in head for word in _TRADITIONAL_WORDS)


@cache
def _t2s() -> Any:
    """OpenCC's traditional-to-simplified converter, loaded once and only when a mirror copy needs it."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters converted to simplified with OpenCC's t2s tables (phrases first, then
    characters); line breaks and everything not Chinese stay where they are."""
    return _t2s().convert(text)

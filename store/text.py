"""Text helpers shared by the readers: decoding, cleaning names, amounts, region and year."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_NUMBERING = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d{1,3}\s*[、.．](?!\d)|[（(]\d{1,3}[)）])\s*")
_TRAILING = "。；;"
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。、；：“”（）])\s+|\s+(?=[{_CJK}，。、；：“”（）])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; normalise line ends."""
    if not data:
        return ""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:4096]:
            raise DecodeError("binary data (NUL bytes), not a text document")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise DecodeError("not text in UTF-8 or GB18030") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text:
        controls = len(_CONTROL.findall(text[:20000]))
        if controls > max(8, len(text[:20000]) // 50):
            raise DecodeError("binary data (control bytes), not a text document")
    return text


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
    """A TOML file's top table (a BOM is allowed); ValueError names the file and the problem (no such file,
    not TOML, unreadable)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ValueError(f"{path}: no such file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a TOML {what} ({exc})") from exc
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror})") from exc


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

"""Variants of the seed documents that other regions publish: other encodings and line ends, half-width
punctuation, another region's name, blocks in another order. Tests read each and expect the same records."""

from __future__ import annotations

import random
import re

HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "。": "."})


def gb18030_crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("gb18030")


def half_width(text: str) -> str:
    """Full-width punctuation written half-width (as many offices' templates do); 。 kept."""
    return text.translate({k: v for k, v in HALF_WIDTH.items() if k != ord("。")})


def other_region(text: str, old: str, new: str) -> str:
    return text.replace(old, new)


def blocks(text: str, marker: str) -> tuple[str, list[str]]:
    """Split a document at lines starting with ``marker``: (head, blocks)."""
    parts = re.split(rf"(?m)^(?={re.escape(marker)})", text)
    return parts[0], parts[1:]


def shuffled_blocks(text: str, marker: str, seed: int = 7) -> str:
    head, items = blocks(text, marker)
    items = [item if item.endswith("\n") else item + "\n" for item in items]
    random.Random(seed).shuffle(items)
    return head + "".join(items)

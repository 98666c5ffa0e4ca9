"""Benchmark: a 5 MB document that is one line answers in under a second, with or without template words in it.

Target: each case under 1 s of CPU in-process (the command adds its start-up), whether the answer is records,
warnings or "no known layout".

    python tests/bench/bench_long_line.py [--megabytes 5]
"""

from __future__ import annotations

import argparse
import random
import time

from store.readers import ReadError, detect_layout, read_text

PROSE = "今天天气很好，我们一起去公园散步，看见许多人在锻炼身体。"
HEADER = " 一级指标 二级指标 三级指标 指标值 "


def cases(size: int) -> dict[str, str]:
    """One-line texts of about ``size`` UTF-8 bytes: prose, letters, random common characters, a table header
    before prose, a header every 2,000 characters of prose, nothing but header and level words (cells apart by
    runs of spaces, or by one space)."""
    rng = random.Random(7)
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    chars = size // 3
    return {
        "prose": (PROSE * (chars // len(PROSE) + 1))[:chars],
        "letters": "a" * size,
        "random characters": "".join(rng.choice(common) for _ in range(chars)),
        "a header, then prose": ("项目名称：某某项目" + HEADER + PROSE * (chars // len(PROSE) + 1))[:chars],
        "a header every 2,000 characters": ((PROSE * 60 + HEADER) * (chars // 1800 + 1))[:chars],
        "only template words": ((HEADER + "产出指标 数量指标 ") * (chars // 30 + 1))[:chars],
        "only template words, one space apart": (("一级指标 二级指标 三级指标 指标值 产出指标 数量指标 ")
                                                 * (chars // 30 + 1))[:chars],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=5)
    args = parser.parse_args()
    for label, text in cases(int(args.megabytes * 1024 * 1024)).items():
        started = time.process_time()
        layout = detect_layout(text)
        detected = time.process_time() - started
        try:
            document = read_text(text, "line.txt")
            answer = f"{document.layout}: {document.indicator_count} indicators, {len(document.warnings)} warnings"
        except ReadError as exc:
            answer = f"ReadError: {exc}"
        total = time.process_time() - started
        print(f"{label} ({len(text.encode()) / 1e6:.1f} MB): detect {detected:.2f} s ({layout}), "
              f"answer {total:.2f} s CPU: {answer[:90]}")


if __name__ == "__main__":
    main()

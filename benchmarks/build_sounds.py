"""Build the table of what each Chinese character sounds like, which ``xigao.sounds`` reads
(``src/xigao/sounds.tsv``): a copy whose characters were swapped for others that sound alike
(同音字: 正府 for 政府, 书据 for 数据, 易情 for 疫情, the way posts dodge keyword filters) reads
as its original where both are written by sound.

    pip install pypinyin==0.55.0   # (for this script only; xigao does not import it)
    python -m benchmarks.build_sounds

Each character of the CJK Unified Ideographs block (U+4E00–U+9FFF) is written as its most
common reading in pypinyin's tables, without the tone (书 shū and 数 shù are one sound: a
swap keeps the syllable, rarely the tone); a character with several readings (行 xíng / háng)
is read by its first. One line per sound, the sound and its characters.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "xigao" / "sounds.tsv"


def build() -> dict[str, str]:
    from pypinyin import Style, pinyin

    by: dict[str, list[str]] = defaultdict(list)
    for cp in range(0x4E00, 0xA000):
        c = chr(cp)
        got = pinyin(c, style=Style.NORMAL, heteronym=False, errors="ignore")
        if got and got[0] and got[0][0].isascii() and got[0][0].isalpha():
            by[got[0][0]].append(c)
    return {sound: "".join(chars) for sound, chars in sorted(by.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    table = build()
    args.out.write_text("".join(f"{s}\t{cs}\n" for s, cs in table.items()), encoding="utf-8")
    print(f"{sum(map(len, table.values()))} characters in {len(table)} sounds: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

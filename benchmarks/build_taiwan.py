"""Build the table of Taiwan-usage words ``xigao.normalize`` reads back as the mainland words
they stand for (``src/xigao/taiwan_phrases.tsv``).

    python -m benchmarks.build_taiwan [--shared ../shared]

OpenCC's Taiwan conversion (``s2twp``, the usual one for a mainland story reposted in Taiwan)
changes words as well as characters, by its table ``TWPhrases`` (818 words, read from the
OpenCC wheel with its own ``opencc_dict``): 互联网 → 網際網路, 人工智能 → 人工智慧, 数据 → 資料,
支持 → 支援, 高端 → 高階. Read back, a Taiwan word may stand for several mainland words (高阶
for 高端 and for 高级), and many are mainland words too (资料, 支援, 智慧), which a plain
traditional repost (``s2t``) writes as they are.

Each Taiwan word is folded into the mainland word it stands for, in every text, whatever its
script (``xigao.normalize``): a copy reads as its original whether the copy or the original
was converted, or neither (资讯 in a Taiwan story reposted in simplified characters, 资讯 in
the story as indexed). Folding 资料 into 数据 in a mainland text that means "materials" folds it
in its copy too; what it merges is two words OpenCC's conversion writes alike.

Which mainland word: the one a converted text most often writes the Taiwan word for, counted
in the public-domain statutes, government work reports, classic novels and works of 鲁迅 of
``../shared/data/public_domain`` and the 35,926 CCTV stories of ``../shared/data/news`` (as
``benchmarks.build_idf`` counts them for the shipped bigram weights: the words of an index of
news or of fiction). 高阶 is written for 高级 and for 高端; it is folded only when one of them
makes up 75% of those uses, and a Taiwan word written fewer than five times in all is left out.
Where the mainland writes the Taiwan word itself more than half as often as the conversion
writes it for its mainland word (执行 for 运行, 建立 for 创建, 档案 for 文件), the fold would
change far more mainland text than converted text: it is left out. 资料 for 数据 (0.43) and
智慧 for 智能 (0.39) are folded.
A Taiwan word that is itself a mainland word the conversion changes (程序, written for 进程
while the mainland's own 程序 becomes 程式) is left out: folding it would merge two mainland
words. The cut points were set before any check was run with them.

The words are OpenCC's (Apache License 2.0); the counts are ours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import opencc

from benchmarks.data import load_cctv, shared_root

OUT = Path(__file__).resolve().parent.parent / "src" / "xigao" / "taiwan_phrases.tsv"
SHARE, OWN, LEAST = 0.75, 0.5, 5


def forward_table() -> dict[str, str]:
    """OpenCC's ``TWPhrases``: each mainland word (traditional script) and the Taiwan word
    ``s2twp`` writes for it (the first of its choices)."""
    clib = Path(opencc.__file__).parent / "clib"
    env = {**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64")}
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "twphrases.txt"
        subprocess.run(
            [str(clib / "bin" / "opencc_dict"), "-i",
             str(clib / "share" / "opencc" / "TWPhrases.ocd2"),
             "-o", str(dest), "-f", "ocd2", "-t", "text"],
            check=True, env=env,
        )  # fmt: skip
        rows = [line.rstrip("\n").split("\t") for line in dest.open(encoding="utf-8")]
    return {mainland: taiwan.split(" ")[0] for mainland, taiwan in rows}


def weigh(text: str) -> list[tuple[str, str, int, int, int]]:
    """``(taiwan, mainland, uses, total, own)`` of each Taiwan word (simplified script) folded:
    of the ``total`` times ``text`` writes a mainland word the conversion turns into it, ``uses``
    are of ``mainland``; ``own``: how often ``text`` writes the Taiwan word itself."""
    t2s = opencc.OpenCC("t2s").convert
    table = forward_table()
    converted = {t2s(mainland) for mainland in table}
    sources: dict[str, list[str]] = {}
    for mainland, taiwan in table.items():
        m, t = t2s(mainland), t2s(taiwan)
        if m != t:
            sources.setdefault(t, []).append(m)
    rows = []
    for t, ms in sources.items():
        # a Taiwan word the conversion writes for another mainland word (程序 for 进程, while
        # the mainland's own 程序 becomes 程式) would fold two mainland words into one: left out
        if t in converted or any(t in m or m in t for m in ms):  # (哈萨克 for 哈萨克斯坦)
            continue
        counts = {m: text.count(m) for m in ms}
        total = sum(counts.values())
        m = max(counts, key=lambda k: (counts[k], k))
        own = text.count(t)
        if total >= LEAST and counts[m] >= SHARE * total and own <= OWN * counts[m]:
            rows.append((t, m, counts[m], total, own))
    return sorted(rows, key=lambda r: (-r[3], r[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    root = shared_root(a.shared)
    text = "\n".join(
        [
            json.loads(line)["body"]
            for name in (
                "laws.jsonl",
                "gov_work_reports.jsonl",
                "classic_novels_chapters.jsonl",
                "luxun_works.jsonl",
            )
            for line in (root / "data" / "public_domain" / name).open(encoding="utf-8")
        ]
        + [d["body"] for d in load_cctv(root)]
    )
    rows = weigh(text)
    with a.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write(
            "# Taiwan-usage words (as simplified) and the mainland words they stand for, from "
            "OpenCC's TWPhrases (Apache License 2.0), weighed by benchmarks/build_taiwan.py\n"
            "# taiwan\tmainland\tconverted uses of the mainland word\tof all the words "
            "converted to it\tthe mainland's own uses of the Taiwan word "
            f"(in {len(text):,} characters of statutes, work reports, novels, 鲁迅 and CCTV "
            "stories)\n"
        )
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    print(f"{a.out}: {len(rows)} Taiwan words folded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

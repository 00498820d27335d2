"""Build the table of Taiwan-usage words ``xigao.normalize`` reads back as the mainland words
they stand for (``src/xigao/taiwan_phrases.tsv``).

    python -m benchmarks.build_taiwan [--shared ../shared]

OpenCC's Taiwan conversion (``s2twp``, the usual one for a mainland story reposted in Taiwan)
changes words as well as characters, by its table ``TWPhrases`` (818 words, read from the
OpenCC wheel with its own ``opencc_dict``): 互联网 → 網際網路, 人工智能 → 人工智慧, 数据 → 資料,
支持 → 支援, 高端 → 高階. Read back, a Taiwan word may stand for several mainland words (高阶
for 高端 and for 高级), and many are mainland words too (资料, 支援, 智慧), which a plain
traditional repost (``s2t``) writes as they are.

So each Taiwan word is weighed by what a converted mainland text writes it for: in the
public-domain statutes, government work reports, classic novels and works of 鲁迅 of
``../shared/data/public_domain`` and the 35,926 CCTV stories of ``../shared/data/news`` (as
``benchmarks.build_idf`` counts them for the shipped bigram weights: the words of an index of
news or of fiction), each mainland word the conversion turns into it is counted, and so is the
Taiwan word itself where the mainland writes it and the conversion keeps it. The likeliest
mainland word is read for it. Where that is at least 99% of its uses and the mainland writes
the Taiwan word itself at most 1% as often, it is a **marker** (网际网路, 资讯: read back
wherever a traditional sentence writes it, as a plain repost's may); where it is at least 75%
and the mainland writes it at most 25% as often, it is read back only in a text that writes
two markers or more (a text in Taiwan usage: 支援); otherwise it is left alone (资料, 智慧, 执行;
程序, which the conversion writes for 进程, turning the mainland's own 程序 into 程式, but which
a text written in Taiwan writes as the mainland does). A Taiwan word written fewer than five times in all is
left out: there is no evidence to weigh it by. The cut points were set before any check was
run with them.

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
MARKER, TAIWAN, LEAST = 0.99, 0.75, 5


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


def weigh(text: str) -> list[tuple[str, str, str, int, int, int]]:
    """``(taiwan, mainland, tier, uses, total, own)`` of each Taiwan word (simplified script)
    read back: converted, ``text`` writes it ``uses`` of ``total`` times for ``mainland``, and
    ``own`` times it writes the word itself."""
    t2s = opencc.OpenCC("t2s").convert
    sources: dict[str, list[str]] = {}
    for mainland, taiwan in forward_table().items():
        m, t = t2s(mainland), t2s(taiwan)
        if m != t:
            sources.setdefault(t, []).append(m)
    converted = {t2s(mainland) for mainland in forward_table()}
    rows = []
    for t, ms in sources.items():
        counts = {m: text.count(m) for m in ms}
        if t not in converted:  # the mainland's own word, which the conversion keeps
            counts[t] = text.count(t)
        total = sum(counts.values())
        m = max(counts, key=lambda k: (counts[k], k))
        # the mainland's own uses of the Taiwan word weigh too, converted or not: a marker
        # is read back in any traditional text, a plain repost's too, and a Taiwan text may
        # be written by hand (程序 stands for 进程 in a converted text, but is a mainland word)
        native = text.count(t)
        if total < LEAST or m == t:
            continue
        if counts[m] < TAIWAN * total or native > (1 - TAIWAN) * counts[m]:
            continue
        marker = counts[m] >= MARKER * total and native <= (1 - MARKER) * counts[m]
        tier = "marker" if marker else "taiwan"
        rows.append((t, m, tier, counts[m], total, native))
    return sorted(rows, key=lambda r: (r[2], -r[4], r[0]))


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
            "# taiwan\tmainland\ttier\tuses for the mainland word, converted\tuses in all, "
            "converted\tthe mainland's own uses of the Taiwan word "
            f"(in {len(text):,} characters of statutes, work reports, novels, 鲁迅 and CCTV "
            "stories)\n"
        )
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    markers = sum(r[2] == "marker" for r in rows)
    print(f"{a.out}: {markers} markers, {len(rows) - markers} words of Taiwan usage")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A whole book scanned chapter by chapter against the classic novels and 鲁迅, as one command.

    python -m benchmarks.book [--chars 300000] [--work bench-out/book]

The book (seeded, about ``--chars`` characters in 30 chapters headed 第N章) is made of three
kinds of chapter, ten of each, in a shuffled order:

- **own**: THUCNews articles strung together (no novel in them): must come back ``original``;
- **pasted**: a passage of 1,500-3,000 characters of a novel chapter or 鲁迅 work, verbatim,
  inside THUCNews text: ``partial`` with that chapter as the source;
- **edition**: a whole novel chapter in traditional script (OpenCC s2t), as another edition
  prints it: ``repost`` of that chapter.

The originals are the 460 chapters of the four classic novels and 鲁迅's 306 works (766, the
realistic-washes benchmark's literature index, built if missing). The scan is the CLI a user
types, timed as a whole process: ``xigao scan book.txt --split chapters --index DIR``; the
palette of the book is written with ``xigao report --palette``. Results go to
``bench-out/book/results.json`` and the markdown to standard output.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, shared_root

KINDS = ("own", "pasted", "edition")


def _thuc(root: Path) -> list[str]:
    out = []
    with open(root / "data" / "news" / "thucnews_1k.tsv", encoding="utf-8") as f:
        for line in f:
            body = line.rstrip("\n").partition("\t")[2]
            if len(body) > 300:
                out.append(body)
    return out


def make_book(root: Path, chars: int, seed: int = 0) -> tuple[str, list[dict[str, Any]]]:
    """The book's text and, per chapter in order, its kind and expected source."""
    import opencc

    rng = random.Random(seed)
    pd = root / "data" / "public_domain"
    novels = [
        d
        for name in ("classic_novels_chapters.jsonl", "luxun_works.jsonl")
        for d in read_jsonl(pd / name)
        if len(d["body"]) >= 3500
    ]
    thuc = _thuc(root)
    per = chars * 12 // 300  # own and pasted chapters; an edition is a whole novel chapter
    t2s = opencc.OpenCC("s2t").convert

    def filler(n: int) -> str:
        out = ""
        while len(out) < n:
            out += rng.choice(thuc) + "\n"
        return out[:n]

    plan = [k for k in KINDS for _ in range(10)]
    rng.shuffle(plan)
    picked = rng.sample(novels, 20)
    chapters, truth = [], []
    for i, kind in enumerate(plan, 1):
        if kind == "own":
            body, src = filler(per), None
        elif kind == "pasted":
            d = picked.pop()
            n = rng.randint(1500, 3000)
            at = rng.randrange(0, len(d["body"]) - n)
            side = (per - n) // 2
            body, src = filler(side) + "\n" + d["body"][at : at + n] + "\n" + filler(side), d["id"]
        else:
            d = picked.pop()
            body, src = t2s(d["body"]), d["id"]
        chapters.append(f"第{i}章\n{body.strip()}\n")
        truth.append({"chapter": i, "kind": kind, "source": src})
    return "\n".join(chapters), truth


def run_book(shared: str | None, work: Path, chars: int) -> dict[str, Any]:
    from benchmarks.washes import ensure_index

    root = shared_root(shared)
    idx = ensure_index("literature", None, shared)
    index_path = Path(idx.store.path)
    idx.close()
    work.mkdir(parents=True, exist_ok=True)
    text, truth = make_book(root, chars)
    book = work / "book.txt"
    book.write_text(text, encoding="utf-8")
    results = work / "results.jsonl"
    shutil.rmtree(work / "palette", ignore_errors=True)  # counted below: none left from a last run
    xigao = [str(Path(sys.executable).with_name("xigao"))]  # the console script a user types
    t0 = time.perf_counter()
    subprocess.run(
        [*xigao, "scan", str(book), "--split", "chapters", "--index", str(index_path),
         "-o", str(results), "--quiet"],
        check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    subprocess.run(
        [*xigao, "report", str(results), "--index", str(index_path), "--out",
         str(work / "report"), "--inputs", str(book), "--split", "chapters",
         "--palette", str(work / "palette"), "--quiet"],
        check=True,
    )  # fmt: skip
    got = {r["id"]: r for r in read_jsonl(results)}
    right = {k: [0, 0] for k in KINDS}
    wrong = []
    for t in truth:
        r = got.get(f"book.txt#{t['chapter']:03d}", {"verdict": "missing", "matches": []})
        want = {"own": "original", "pasted": "partial", "edition": "repost"}[t["kind"]]
        top = (r.get("matches") or [{}])[0].get("source_id")
        ok = r["verdict"] == want and (t["source"] is None or top == t["source"])
        right[t["kind"]][1] += 1
        right[t["kind"]][0] += ok
        if not ok:
            wrong.append({**t, "verdict": r["verdict"], "top": top})
    out = {
        "chars": len(text),
        "chapters": len(truth),
        "seconds": round(seconds, 1),
        "right": right,
        "wrong": wrong,
        "palettes": len(list((work / "palette").glob("*.html"))),
    }
    (work / "results.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return out


def markdown(out: dict[str, Any]) -> str:
    rows = [
        f"A book of {out['chars']:,} characters in {out['chapters']} chapters, scanned against "
        f"the 766 chapters of the classic novels and 鲁迅 with `xigao scan book.txt --split "
        f"chapters` in **{out['seconds']:.0f} s** (whole process, model load included; "
        f"{out['palettes']} palettes written by `xigao report --palette`).",
        "",
        "| chapters | n | right |",
        "|---|---:|---:|",
    ]
    names = {
        "own": "own text (must stay original)",
        "pasted": "a novel passage pasted in (partial, right chapter)",
        "edition": "a chapter in traditional script (repost, right chapter)",
    }
    for k, (ok, n) in out["right"].items():
        rows.append(f"| {names[k]} | {n} | {ok}/{n} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--work", type=Path, default=Path("bench-out/book"))
    ap.add_argument("--chars", type=int, default=300_000)
    a = ap.parse_args(argv)
    print(markdown(run_book(a.shared, a.work, a.chars)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

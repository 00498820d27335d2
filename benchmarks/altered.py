"""Altered facts: are the ones a match lists true, and are the true ones listed?

Our own news washes (``benchmarks/washfit``) were written to keep their sources' facts (the
writers were told "no facts that contradict the source"), so every altered fact xigao lists on
the match with a wash's true source is a false one, to a first approximation (a writer's
rounding, 30989 → 约3.1万, is one too). Each wash is then doctored by a script, as a falsifying
writer would: two of the figures it shares with its source changed by a digit, a province or a
country it names renamed everywhere, a person's name of three characters given another given
name everywhere (郭凯 → 郭建国), and one of 增长/增加/上升/提高/扩大 turned into its opposite.
The doctored wash is checked again, and each change counts as listed when an altered fact of
the true source's match (or near miss) names its new value. The changes are made by a script,
not by people: they say which changes are read, not how often a writer makes each.

    python -m benchmarks.altered --shared ../shared [--split fit|held-out|both] [--release REF]
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.washes import WORK, ensure_index, found, own_cases, run_release

#: Provinces and countries a doctored wash may be moved to.
PLACES = (
    "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "武汉", "成都", "西安", "沈阳", "长沙", "郑州",
    "济南", "青岛", "厦门", "昆明", "兰州", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "新疆", "西藏",
    "宁夏", "内蒙古", "广西",
)  # fmt: skip
GIVEN = ("建国", "志强", "海燕", "立新", "晓明", "文华", "国栋", "春梅")
OPPOSITE = (
    ("增长", "下降"),
    ("增加", "减少"),
    ("上升", "下降"),
    ("提高", "降低"),
    ("扩大", "缩小"),
)
FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(%|万|亿|人|名|个|家|吨|公里|米|元|项|次|辆)")
KINDS = ("number", "place", "name", "opposite")


def doctor(body: str, source: str, rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    """``body`` with some of the facts it shares with ``source`` changed, and the changes
    (kind, as the wash wrote it, as changed)."""
    from xigao.tokenize import default_tokenizer

    tags = default_tokenizer().tag(body)
    edits: list[tuple[int, int, str, tuple[str, str, str]]] = []
    figures = [m for m in FIGURE.finditer(body) if m.group(1) in source]
    rng.shuffle(figures)
    for m in figures[:2]:
        old = m.group(1)
        k = rng.choice([i for i, c in enumerate(old) if c.isdigit()])
        new = old[:k] + str((int(old[k]) + rng.randint(1, 8)) % 10) + old[k + 1 :]
        if new != old and new.lstrip("0."):
            unit = m.group(2)
            edits.append((m.start(1), m.end(1), new, ("number", old + unit, new + unit)))
    places = [w for w, t in tags if t == "ns" and w in PLACES and w in source]
    if places:
        w = rng.choice(places)
        new = rng.choice([p for p in PLACES if p not in body and p not in source])
        edits += [(m.start(), m.end(), new, ("place", w, new)) for m in re.finditer(w, body)]
    people = [w for w, t in tags if t == "nr" and len(w) == 3 and w in source]
    if people:
        w = rng.choice(people)
        new = w[0] + rng.choice([g for g in GIVEN if g not in body])
        edits += [(m.start(), m.end(), new, ("name", w, new)) for m in re.finditer(w, body)]
    for a, b in OPPOSITE:
        m = re.search(a, body)
        if m and a in source:
            edits.append((m.start(), m.end(), b, ("opposite", a, b)))
            break
    kept: list[tuple[int, int, str, tuple[str, str, str]]] = []
    for e in sorted(edits):
        if not kept or e[0] >= kept[-1][1]:
            kept.append(e)
    changes: dict[tuple[str, str, str], None] = {}
    for lo, hi, new, change in sorted(kept, reverse=True):
        body = body[:lo] + new + body[hi:]
        changes[change] = None
    return body, list(changes)


def listed(result: dict[str, Any], truth: Sequence[str]) -> list[dict[str, Any]]:
    """The altered facts of the matches (and near miss) with a true source."""
    out = []
    miss = result.get("near_miss") or {}
    for m in [*result.get("matches", []), *([miss] if miss else [])]:
        if m.get("source_id") in truth:
            out += m.get("altered") or []
    return out


def _value(written: str) -> float | None:
    from xigao.facts import quantities

    got = quantities(written)
    return got[0][0] if got else None


def is_listed(change: tuple[str, str, str], alt: dict[str, Any]) -> bool:
    """Whether an altered fact names the change's new value: for a figure, its digits on the
    suspect's side of the words (原文为 2.7万亿元，此处为 2.1万亿元), or its value in the detail
    (a release whose words were values)."""
    kind, _, new = change
    if kind != "number":
        return new in alt.get("text", "") or new in alt.get("detail", "")
    if alt.get("kind") != "number":
        return False
    digits = re.match(r"[\d.]+", new)
    assert digits is not None
    figure = rf"(?<![\d.]){re.escape(digits.group())}(?![\d.])"
    if re.search(figure, alt.get("text", "").rpartition("此处为")[2]):
        return True
    v = _value(new)
    nums = alt.get("detail", "").partition("→")[2]
    return v is not None and any(
        abs(float(x) - v) < 1e-6 * max(1.0, abs(v)) for x in re.findall(r"\d+(?:\.\d+)?", nums)
    )


def score(
    cases: Sequence[dict[str, Any]], doctored: dict[str, tuple[str, list]], results: dict
) -> dict[str, Any]:
    out: dict[str, Any] = {"washes": 0, "found": 0, "false_cases": 0, "false": Counter()}
    out.update(doctored=0, doctored_found=0, changes=Counter(), changes_listed=Counter())
    out["other"] = Counter()
    for c in cases:
        r = results[c["id"]]
        out["washes"] += 1
        out["found"] += found(c, r)
        alts = listed(r, c["truth"])
        out["false_cases"] += bool(alts)
        out["false"].update(a["kind"] for a in alts)
        if c["id"] not in doctored:
            continue
        _, changes = doctored[c["id"]]
        r2 = results[c["id"] + "~doctored"]
        out["doctored"] += 1
        out["doctored_found"] += found(c, r2)
        alts2 = listed(r2, c["truth"])
        hit: set[int] = set()
        for ch in changes:
            out["changes"][ch[0]] += 1
            got = [i for i, a in enumerate(alts2) if is_listed(ch, a)]
            out["changes_listed"][ch[0]] += bool(got)
            hit |= set(got)
        out["other"].update(a["kind"] for i, a in enumerate(alts2) if i not in hit)
    return out


def run(shared: str | None, split: str, release: str | None, seed: int = 7) -> dict[str, Any]:

    splits = {"fit": [False], "held-out": [True], "both": [False, True]}[split]
    cases = [
        c
        for held in splits
        for c in own_cases(held)
        if c["collection"] == "news" and not c["negative"]
    ]
    idx = ensure_index("news", None, shared)
    rng = random.Random(seed)
    doctored: dict[str, tuple[str, list]] = {}
    for c in cases:
        src = idx.get(c["truth"][0])
        body, changes = doctor(c["body"], src.body if src is not None else "", rng)
        if changes:
            doctored[c["id"]] = (body, changes)
    asked = [*cases, *({**c, "id": c["id"] + "~doctored", "body": doctored[c["id"]][0]}
                       for c in cases if c["id"] in doctored)]  # fmt: skip
    t0 = time.perf_counter()
    today = {
        c["id"]: idx.check(c["body"], title=c.get("title"), id=c["id"]).to_dict() for c in asked
    }
    took = time.perf_counter() - t0
    data = {"split": split, "seconds": took, "xigao": score(cases, doctored, today)}
    if release:
        index = WORK / "index-news"
        data[f"release {release}"] = score(cases, doctored, run_release(release, index, asked))
    return data


def section(data: dict[str, Any]) -> list[str]:
    systems = [k for k in data if k == "xigao" or k.startswith("release ")]
    head = "| " + " | ".join(["our own news washes, " + data["split"], *systems]) + " |"
    rows = [head, "|---|" + "---:|" * len(systems)]

    def row(label: str, f: Any) -> None:
        rows.append(f"| {label} | " + " | ".join(f(data[s]) for s in systems) + " |")

    row("washes (faithful to their sources)", lambda d: str(d["washes"]))
    row("… with any altered fact listed (false)", lambda d: f"{d['false_cases']}")
    for kind in ("number", "ordinal", "name", "place", "organization", "opposite", "negation"):
        row(f"… false {kind}", lambda d, k=kind: str(d["false"].get(k, 0)))
    row("doctored washes", lambda d: str(d["doctored"]))
    row(
        "… still found (their faithful selves found)",
        lambda d: f"{d['doctored_found']} ({d['found']})",
    )
    for kind in KINDS:
        row(
            f"… {kind} changes listed",
            lambda d, k=kind: f"{d['changes_listed'].get(k, 0)}/{d['changes'].get(k, 0)}",
        )
    row("… other altered facts listed on them", lambda d: str(sum(d["other"].values())))
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--split", choices=["fit", "held-out", "both"], default="fit")
    ap.add_argument("--release", default="", help="git ref beside today's ('' for none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    a = ap.parse_args(argv)
    data = run(a.shared, a.split, a.release or None)
    if a.json:
        a.json.write_text(json.dumps(data, ensure_ascii=False, default=dict), encoding="utf-8")
    print("\n".join(section(data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

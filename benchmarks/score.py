"""Score results (the interface's result JSON, one per case) against the generated ground truth.

``python -m benchmarks.score --cases CASES.jsonl --results RESULTS.jsonl`` prints markdown.
Document level: per-verdict precision/recall/F1, macro F1, confusion matrix, false-alarm rate on
``original`` cases, source retrieval (top-1 and any); passage level: PAN plagdet on the evidence
spans of every match, all evidence kinds together. Everything is broken down per case kind,
subkind and strength.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.data import read_jsonl
from benchmarks.plagdet import Passage, PlagdetScore, plagdet

VERDICTS = ("repost", "partial", "rewrite", "original")


def truth_passages(case: dict) -> list[Passage]:
    """Ground-truth PAN cases: one per span pair (a contiguous verbatim passage for reposts and
    partial copies, one rewritten sentence for rewrites)."""
    return [
        (case["id"], src["source_id"], (int(s[0]), int(s[1])), (int(o[0]), int(o[1])))
        for src in case["sources"]
        for s, o in src["spans"]
    ]


def detected_passages(case_id: str, result: dict) -> list[Passage]:
    out: list[Passage] = []
    for m in result.get("matches", []):
        for ev in m.get("evidence", []):
            s, o = ev["suspect"], ev["source"]
            out.append(
                (case_id, str(m["source_id"]), (int(s[0]), int(s[1])), (int(o[0]), int(o[1])))
            )
    return out


@dataclass
class GroupScore:
    name: str
    n: int
    correct: float  # share with verdict == kind
    flagged: float  # share with verdict != original
    top1: float | None
    any_: float | None
    pd: PlagdetScore | None


@dataclass
class Report:
    n: int
    missing: int
    per_verdict: dict[str, tuple[float, float, float, int]]  # P, R, F1, support
    macro_f1: float
    accuracy: float
    confusion: dict[str, dict[str, int]]
    false_alarm: dict[str, float]
    groups: list[GroupScore]
    has_evidence: bool

    def group(self, name: str) -> GroupScore | None:
        return next((g for g in self.groups if g.name == name), None)


def _prf(cases: Sequence[dict], results: dict[str, dict]) -> tuple[dict, float, dict]:
    conf = {t: dict.fromkeys(VERDICTS, 0) for t in VERDICTS}
    for c in cases:
        conf[c["kind"]][results[c["id"]]["verdict"]] += 1
    per: dict[str, tuple[float, float, float, int]] = {}
    for v in VERDICTS:
        tp = conf[v][v]
        pred = sum(conf[t][v] for t in VERDICTS)
        sup = sum(conf[v].values())
        p = tp / pred if pred else 0.0
        r = tp / sup if sup else 0.0
        per[v] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, sup)
    present = [v for v in VERDICTS if per[v][3] > 0]
    macro = sum(per[v][2] for v in present) / len(present) if present else 0.0
    return per, macro, conf


def _group(name: str, cases: list[dict], results: dict[str, dict]) -> GroupScore:
    n = len(cases)
    correct = sum(results[c["id"]]["verdict"] == c["kind"] for c in cases) / n
    flagged = sum(results[c["id"]]["verdict"] != "original" for c in cases) / n
    pos = [c for c in cases if c["sources"]]
    top1 = any_ = None
    pd = None
    if pos:
        hits1 = hitsany = 0
        for c in pos:
            truth = {s["source_id"] for s in c["sources"]}
            ids = [str(m["source_id"]) for m in results[c["id"]].get("matches", [])]
            hits1 += bool(ids) and ids[0] in truth
            hitsany += bool(truth & set(ids))
        top1, any_ = hits1 / len(pos), hitsany / len(pos)
    if pos or any(results[c["id"]].get("matches") for c in cases):
        truth_p = [p for c in cases for p in truth_passages(c)]
        det_p = [p for c in cases for p in detected_passages(c["id"], results[c["id"]])]
        pd = plagdet(truth_p, det_p) if truth_p else None
    return GroupScore(name, n, correct, flagged, top1, any_, pd)


def score(cases: Sequence[dict], results: Sequence[dict] | dict[str, dict]) -> Report:
    """Score ``results`` (list or id -> result) against ``cases``; missing results count as
    ``original`` with no matches."""
    by_id = results if isinstance(results, dict) else {str(r["id"]): r for r in results}
    empty = {"verdict": "original", "score": 0.0, "matches": []}
    res = {c["id"]: by_id.get(c["id"], empty) for c in cases}
    missing = sum(c["id"] not in by_id for c in cases)
    per, macro, conf = _prf(cases, res)
    acc = sum(conf[v][v] for v in VERDICTS) / len(cases) if cases else 0.0
    negs = [c for c in cases if c["kind"] == "original"]
    fa: dict[str, float] = {}
    for label, sel in [("all", negs)] + [
        (sub, [c for c in negs if c["subkind"] == sub]) for sub in ("unrelated", "same-topic")
    ]:
        if sel:
            fa[label] = sum(res[c["id"]]["verdict"] != "original" for c in sel) / len(sel)
    named: dict[str, list[dict]] = {"all": list(cases)}
    for v in VERDICTS:
        named[v] = [c for c in cases if c["kind"] == v]
    for c in sorted(cases, key=lambda c: (VERDICTS.index(c["kind"]), c["subkind"])):
        named.setdefault(f"{c['kind']}/{c['subkind']}", []).append(c)
    for c in sorted(cases, key=lambda c: str(c.get("strength"))):
        if c["kind"] == "rewrite" and c.get("strength"):
            named.setdefault(f"rewrite@{c['strength']}", []).append(c)
    groups = [_group(name, sel, res) for name, sel in named.items() if sel]
    has_ev = any(m.get("evidence") for r in res.values() for m in r.get("matches", []))
    return Report(len(cases), missing, per, macro, acc, conf, fa, groups, has_ev)


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def markdown(rep: Report, *, title: str | None = None) -> str:
    """Per-verdict table, confusion matrix and the per-group breakdown, as markdown."""
    lines: list[str] = []
    if title:
        lines += [f"#### {title}", ""]
    lines += [
        f"{rep.n} cases, macro F1 **{rep.macro_f1:.3f}**, accuracy {rep.accuracy:.3f}, "
        f"false alarms on originals {_f(rep.false_alarm.get('all'))} "
        f"(unrelated {_f(rep.false_alarm.get('unrelated'))}, same-topic "
        f"{_f(rep.false_alarm.get('same-topic'))})"
        + (f"; {rep.missing} results missing" if rep.missing else ""),
        "",
        "| verdict | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for v in VERDICTS:
        p, r, f, s = rep.per_verdict[v]
        lines.append(f"| {v} | {p:.3f} | {r:.3f} | {f:.3f} | {s} |")
    lines += ["", "| true \\ predicted | " + " | ".join(VERDICTS) + " |", "|---|" + "---:|" * 4]
    for t in VERDICTS:
        lines.append(f"| {t} | " + " | ".join(str(rep.confusion[t][p]) for p in VERDICTS) + " |")
    lines += ["", breakdown_table(rep)]
    return "\n".join(lines)


def breakdown_table(rep: Report) -> str:
    lines = [
        "| cases | n | right verdict | flagged | top-1 source | any source | plagdet P | R | gran | plagdet |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in rep.groups:
        pd = g.pd if rep.has_evidence else None
        cells = [
            g.name,
            str(g.n),
            _f(g.correct),
            _f(g.flagged),
            _f(g.top1),
            _f(g.any_),
            _f(pd.precision if pd else None),
            _f(pd.recall if pd else None),
            _f(pd.granularity if pd else None, 2),
            _f(pd.plagdet if pd else None),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(rep: Report) -> dict[str, Any]:
    """Headline numbers for the comparison tables."""
    out: dict[str, Any] = {"macro_f1": rep.macro_f1, "accuracy": rep.accuracy}
    for v in VERDICTS:
        out[f"f1_{v}"] = rep.per_verdict[v][2]
    out["false_alarm"] = rep.false_alarm.get("all")
    out["false_alarm_same_topic"] = rep.false_alarm.get("same-topic")
    g = rep.group("all")
    if g:
        out["top1"], out["any"] = g.top1, g.any_
        out["plagdet"] = g.pd.plagdet if g.pd and rep.has_evidence else None
    for g in rep.groups:
        out[f"correct:{g.name}"] = g.correct
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True)
    ap.add_argument("--results", required=True)
    a = ap.parse_args(argv)
    rep = score(read_jsonl(a.cases), read_jsonl(a.results))
    print(markdown(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

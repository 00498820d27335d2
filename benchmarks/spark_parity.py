"""Does the Spark engine answer as the local one? The bench harness's cases, both engines.

    python -m benchmarks.spark_parity [--index bench-out/speed/xigao] [--splits test,dev]
                                      [--out docs/scaling.md]

The local index the bench harness checks its cases against (35,926 CCTV originals, static
vectors) is converted into a Parquet index (``xigao index convert``); every case of the splits
is checked by the local engine (``Index.check_iter``) and by the Spark engine on ``local[2]``
(``xigao.spark.check_iter``), full detection. Per case kind: the share with identical results
(the JSON a user reads), with the same verdict and top source (the issue's measure, ≥ 99.5%),
and, for reposts and partial copies found, with identical evidence spans.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl
from benchmarks.spark_scale import put_section

START = "<!-- spark-parity:start -->"
END = "<!-- spark-parity:end -->"


def _top(r: dict[str, Any]) -> tuple[str, str | None]:
    return r["verdict"], (r["matches"][0]["source_id"] if r["matches"] else None)


def _spans(r: dict[str, Any]) -> list[Any]:
    return [
        (m["source_id"], m["evidence"]) for m in r["matches"] if m["kind"] in ("repost", "partial")
    ]


def compare(cases: list[dict[str, Any]], local: list[Any], spark: list[Any]) -> dict[str, Any]:
    """Agreement per case kind and overall."""
    rows: dict[str, dict[str, int]] = {}
    for c, a, b in zip(cases, local, spark, strict=True):
        row = rows.setdefault(c["kind"], {"cases": 0, "identical": 0, "top": 0, "spans": 0})
        row["cases"] += 1
        row["identical"] += a == b
        row["top"] += _top(a) == _top(b)
        row["spans"] += _spans(a) == _spans(b)
    total = {k: sum(r[k] for r in rows.values()) for k in ("cases", "identical", "top", "spans")}
    return {"by_kind": rows, "all": total}


def markdown(got: dict[str, Any], cmd: str) -> str:
    lines = [
        START,
        "## Spark `local[2]` answers as the local engine",
        "",
        f"Measured by `benchmarks/spark_parity.py` (its docstring says how); command: `{cmd}`. "
        f"{got['originals']:,} originals indexed; full detection; local engine "
        f"{got['local_s']:.0f} s, Spark {got['spark_s']:.0f} s (one job, its join tables "
        "derived first).",
        "",
        "| cases | n | identical results | same verdict and top source | same repost/partial spans |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, r in [*got["by_kind"].items(), ("all", got["all"])]:
        n = r["cases"]
        lines.append(
            f"| {kind} | {n} | {r['identical']} ({r['identical'] / n:.1%}) | "
            f"{r['top']} ({r['top'] / n:.1%}) | {r['spans']} ({r['spans'] / n:.1%}) |"
        )
    lines += ["", END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/speed/xigao"))
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    ap.add_argument("--splits", default="test,dev")
    ap.add_argument("--out", type=Path, default=None, help="add the section to this page")
    a = ap.parse_args(argv)
    from xigao import Failed, Index
    from xigao import spark as xs
    from xigao.types import Document

    cases = [c for s in a.splits.split(",") for c in read_jsonl(a.cases / s / "cases.jsonl")]
    docs = [Document(f"{i}", c["body"], c.get("title")) for i, c in enumerate(cases)]

    def plain(rs: Any) -> list[Any]:
        return [{"failed": r.reason} if isinstance(r, Failed) else r.to_dict() for r in rs]

    work = Path(tempfile.mkdtemp(prefix="spark-parity-"))
    try:
        n = xs.export_index(a.index, work / "pq")
        t0 = time.perf_counter()
        with Index.open(a.index) as idx:
            local = plain(idx.check_iter(docs))
        local_s = time.perf_counter() - t0
        spark = xs.session("local[2]", {"spark.ui.enabled": "false", "spark.driver.memory": "8g"})
        t0 = time.perf_counter()
        theirs = plain(xs.check_iter(xs.SparkIndex(spark, work / "pq"), docs))
        spark_s = time.perf_counter() - t0
        spark.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    got = {**compare(cases, local, theirs), "originals": n, "local_s": local_s, "spark_s": spark_s}
    Path("bench-out").mkdir(exist_ok=True)
    Path("bench-out/spark-parity.json").write_text(json.dumps(got, indent=1), "utf-8")
    command = "python -m benchmarks.spark_parity " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    page = markdown(got, command.strip())
    print(page)
    if a.out:
        put_section(a.out, page, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

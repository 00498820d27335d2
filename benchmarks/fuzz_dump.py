"""A hostile dump: every record ends up in the results or in the errors file, none lost.

    python -m benchmarks.fuzz_dump [--records 10000] [--work bench-out/fuzz]

Writes a JSONL dump of ``--records`` lines (seeded), each one of: a good record (Chinese text
of random length, some of it copied from the indexed originals), random bytes, a record in GBK
inside the UTF-8 file, a record whose body is over the length limit, JSON nested 5,000 deep,
a record missing its id or body, fields of the wrong type (a number, a list, null), an empty or
blank body, NUL and control characters, an escaped lone surrogate, a duplicate id, and a line
that is not JSON at all. Then runs ``xigao scan`` on it against an index of the bundled
originals (``corpora/originals.jsonl``, built if missing) and accounts for every line: its
record's result (by id) or an error naming its line. Prints the markdown row and writes
``bench-out/fuzz/results.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KINDS = (
    "good", "copied", "bytes", "gbk", "huge", "deep", "no_id", "no_body", "wrong_type",
    "empty", "control", "surrogate", "duplicate", "not_json",
)  # fmt: skip
MAX_CHARS = 20_000


def _cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def make_dump(n: int, seed: int = 0) -> tuple[bytes, list[str]]:
    """``n`` JSONL lines and the kind of each."""
    rng = random.Random(seed)
    originals = [
        json.loads(line)["body"]
        for line in (REPO / "corpora" / "originals.jsonl").read_text("utf-8").splitlines()
    ]
    lines: list[bytes] = []
    kinds: list[str] = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)] if i < len(KINDS) else rng.choice(KINDS)
        rid = f"r{i}"
        rec: Any
        if kind == "good":
            rec = {"id": rid, "title": _cjk(rng, 8), "body": _cjk(rng, rng.randint(1, 3000))}
        elif kind == "copied":
            src = rng.choice(originals)
            rec = {"id": rid, "body": "转载：" + src[: rng.randint(50, 4000)]}
        elif kind == "gbk":
            line = json.dumps({"id": rid, "body": "国务院常务会议" * 20}, ensure_ascii=False)
            lines.append(line.encode("gbk"))
            kinds.append(kind)
            continue
        elif kind == "bytes":
            lines.append(bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))).replace(
                b"\n", b" "))  # fmt: skip
            kinds.append(kind)
            continue
        elif kind == "huge":
            rec = {"id": rid, "body": "长" * (MAX_CHARS + rng.randint(1, 5000))}
        elif kind == "deep":
            lines.append(
                b'{"id": "' + rid.encode() + b'", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
            )
            kinds.append(kind)
            continue
        elif kind == "no_id":
            rec = {"body": _cjk(rng, 100)}
        elif kind == "no_body":
            rec = {"id": rid, "title": "只有标题"}
        elif kind == "wrong_type":
            rec = {"id": rid, "body": rng.choice([12345, ["列", "表"], None, {"a": 1}, True])}
        elif kind == "empty":
            rec = {"id": rid, "body": rng.choice(["", "   ", "\n\t\u3000"])}
        elif kind == "control":
            rec = {
                "id": rid,
                "body": _cjk(rng, 50) + "\x00\x01\x1b[31m\u200b\ufeff" + _cjk(rng, 50),
            }
        elif kind == "surrogate":
            lines.append(('{"id": "' + rid + '", "body": "坏\\ud800字"}').encode())
            kinds.append(kind)
            continue
        elif kind == "duplicate":
            rec = {"id": "dup", "body": _cjk(rng, 200)}
        else:
            lines.append(b"this is not json {" + rid.encode())
            kinds.append(kind)
            continue
        lines.append(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
        kinds.append(kind)
    return b"\n".join(lines) + b"\n", kinds


def account(results: Path, errors: Path, kinds: list[str]) -> dict[str, Any]:
    """Every line's fate: a result (by line, through its id) or an error naming its line."""
    seen_lines: dict[int, str] = {}
    for line in errors.read_text("utf-8").splitlines():
        e = json.loads(line)
        if isinstance(e.get("line"), int):
            seen_lines[e["line"]] = "error"
    results_n = sum(1 for _ in results.open(encoding="utf-8"))
    errors_n = len(seen_lines)
    return {
        "records": len(kinds),
        "results": results_n,
        "errors": errors_n,
        "accounted": results_n + errors_n,
        "per_kind": {
            k: {
                "n": kinds.count(k),
                "errors": sum(1 for i, x in enumerate(kinds, 1) if x == k and i in seen_lines),
            }
            for k in KINDS
        },
    }


def run_fuzz(records: int, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    xigao = str(Path(sys.executable).with_name("xigao"))
    index = work / "index"
    if not (index / "index.sqlite").exists():
        subprocess.run(
            [xigao, "index", "build", str(REPO / "corpora" / "originals.jsonl"), "--index",
             str(index), "--no-vectors", "--overwrite", "-q"],
            check=True,
        )  # fmt: skip
    data, kinds = make_dump(records)
    dump = work / "dump.jsonl"
    dump.write_bytes(data)
    results, errors = work / "results.jsonl", work / "errors.jsonl"
    t0 = time.perf_counter()
    p = subprocess.run(
        [xigao, "scan", str(dump), "--index", str(index), "-o", str(results), "--errors",
         str(errors), "--max-chars", str(MAX_CHARS), "--detect", "repost,partial", "-q"],
        capture_output=True, text=True,
    )  # fmt: skip
    out = account(results, errors, kinds) | {
        "seconds": round(time.perf_counter() - t0, 1),
        "exit_status": p.returncode,
        "crash": "Traceback" in p.stderr,
    }
    (work / "results.json").write_text(json.dumps(out, indent=1), "utf-8")
    return out


def markdown(out: dict[str, Any]) -> str:
    bad = ", ".join(f"{k} {v['errors']}/{v['n']}" for k, v in out["per_kind"].items())
    return (
        "| records | results | errors | accounted | seconds | exit status | crashed |\n"
        "|---:|---:|---:|---:|---:|---:|---|\n"
        f"| {out['records']:,} | {out['results']:,} | {out['errors']:,} | "
        f"{out['accounted']:,} | {out['seconds']} | {out['exit_status']} | "
        f"{'yes' if out['crash'] else 'no'} |\n\nErrors by kind of record: {bad}."
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=Path("bench-out/fuzz"))
    a = ap.parse_args(argv)
    print(markdown(run_fuzz(a.records, a.work)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the bigram document frequencies ``xigao.compare`` weighs facts by when there is no
index to count them in (``src/xigao/idf/{news,fiction}.npz``).

    python -m benchmarks.build_idf [--shared ../shared]

A check weighs the character bigrams a suspect shares with an original by how rare they are
among the indexed originals (``xigao.terms``). ``compare`` has two texts and no index, so it
weighs them as the benchmark's indexes do: ``news`` counts the 35,926 CCTV stories and 1,000
THUCNews articles (the index the realistic washes are checked against), ``fiction`` the 766
chapters of the classic novels and works of 鲁迅. Each file holds only the 32-bit hash of every
bigram written in two documents or more, its document count and the number of documents: no
text (a bigram in one document weighs as one never seen, the highest weight, either way).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks.washes import ensure_index

OUT = Path(__file__).resolve().parent.parent / "src" / "xigao" / "idf"
COLLECTIONS = {"news": "news", "fiction": "literature"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for genre, name in COLLECTIONS.items():
        idx = ensure_index(name, None, a.shared)
        table = idx.store.terms().idf_table()
        idx.close()
        keep = table.df >= 2
        dest = a.out / f"{genre}.npz"
        np.savez_compressed(
            dest, keys=table.keys[keep], df=table.df[keep].astype(np.uint32), n=np.int64(table.n)
        )
        print(f"{dest}: {table.n} documents, {int(keep.sum())} bigrams, {dest.stat().st_size} B")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

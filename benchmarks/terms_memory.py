"""Peak memory of building the fact table (xigao/terms.py) for N originals of the scaling corpus.

python -m benchmarks.terms_memory [N]
"""

import sys
import time
from pathlib import Path

from benchmarks.data import shared_root
from benchmarks.scale import corpus, harness_originals
from benchmarks.speed import peak_rss_mb
from xigao.storage import _keys
from xigao.terms import Terms

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
cp = Path("bench-out/cases/main/test/cases.jsonl")
docs = list(corpus(shared_root(None), n, set(), harness_originals(cp)))
keys = _keys([d["body"] for d in docs])
del docs
base = peak_rss_mb()
t = time.time()
terms = Terms.of(list(range(1, n + 1)), keys)
print(
    f"{n} postings {len(terms.keys):,} seconds {time.time() - t:.1f} peak over base {peak_rss_mb() - base:.0f} MB = {(peak_rss_mb() - base) * 1e6 / len(terms.keys):.1f} B/posting; kept {(terms.keys.nbytes + terms.rows.nbytes) / 1e6:.0f} MB"
)

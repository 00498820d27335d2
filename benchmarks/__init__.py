"""The xigao benchmark: PAN-style cases built from real Chinese text, a scorer, baselines.

Run everything with ``python -m benchmarks.run --shared ../shared --out docs/benchmarks.md``;
see ``benchmarks/run.py`` for the stages and ``docs/benchmarks.md`` for the results page.
"""

"""Score the hand-written credit-line sets alone, quickly (what ``benchmarks.attribution``
reports for them, without the templated stories and the reposts):

    python -m benchmarks.attribution_set.score_files [helper-7 helper-8 ...] [-v]

``-v`` lists each set's missed and wrong credits."""

from __future__ import annotations

import sys

from benchmarks.attribution import conventions, labelled_files, score_credits


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")]
    for name, rows in labelled_files().items():
        if names and name not in names:
            continue
        got = score_credits(conventions(rows))
        print(
            f"{name}: recall {got['recall']:.3f} ({got['found']}/{got['credits']}) "
            f"precision {got['precision']:.3f} ({got['right']}/{got['reported']})"
        )
        if "-v" in argv:
            for key in ("misses", "false_credits"):
                for item in got.get(key, []):
                    print(f"   {key}: {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

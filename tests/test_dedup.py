from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from xigao import Index
from xigao.cli import cli
from xigao.dedup import dedup
from xigao.report import write_clusters
from xigao.types import Document

EVIL = '<script>alert("x")</script>'


def _dump(stories: list[dict]) -> list[Document]:
    """40 stories, two reposts of story 3 (one dated earlier), a partial copy of story 5,
    pasted into another text, and a repeated id."""
    docs = [Document(s["id"], s["body"], s["title"], {"time": "2023-05-02"}) for s in stories[:40]]
    docs += [
        Document(
            "copy-a", "来源：某网站\n" + stories[3]["body"], "转载" + EVIL, {"time": "2023-05-03"}
        ),
        Document("copy-b", stories[3]["body"] + "\n（完）", "早一天", {"time": "2023-05-01"}),
        Document("part", "编者按：这是一段引言，谈的是别的事情。" * 3 + stories[5]["body"][:300]),
        Document(stories[0]["id"], "同一个编号的另一篇文章。" * 10),
    ]
    return docs


def test_dedup_groups_reuse_and_names_the_earliest(stories: list[dict]) -> None:
    got = dedup(_dump(stories), workers=1)
    assert got.documents == 43
    assert got.errors == [
        {"id": stories[0]["id"], "reason": "duplicate id: the first document kept"}
    ]
    by_member = {m.id: c for c in got.clusters for m in c.members}
    repost = by_member["copy-a"]
    assert {m.id for m in repost.members} == {stories[3]["id"], "copy-a", "copy-b"}
    assert repost.canonical == "copy-b"  # a day earlier than the story it copies
    kinds = {(e.a, e.b): e.match.kind for e in repost.edges}
    assert all(k == "repost" for k in kinds.values()) and len(kinds) == 3
    part = by_member["part"]
    assert {m.id for m in part.members} == {stories[5]["id"], "part"}
    assert [e.match.kind for e in part.edges] == ["partial"]
    d = part.to_dict(1)
    assert d["edges"][0]["evidence"] and d["size"] == 2 and d["cluster"] == 1
    assert stories[10]["id"] not in by_member  # the rest stand alone


def test_dedup_in_worker_processes_agrees(stories: list[dict]) -> None:
    docs = _dump(stories) + [
        Document(f"x{i}", "一段与其他文章都无关的文字，谈的是第" + str(i) + "个村子的故事。" * 8)
        for i in range(40)
    ]
    one = dedup(docs, workers=1)
    two = dedup(docs, workers=2)  # more than 64 documents: checked by two workers
    assert [c.to_dict(1) for c in one.clusters] == [c.to_dict(1) for c in two.clusters]


def test_dedup_links_clusters_to_an_index(tmp_path: Path, stories: list[dict]) -> None:
    idx = Index.build(stories[:10], tmp_path / "idx", vectors=None)
    got = dedup(_dump(stories)[40:43], index=idx, workers=1)
    (c,) = got.clusters
    assert {o["source_id"] for o in c.originals} == {stories[3]["id"]}
    assert sorted(c.originals[0]["by"]) == ["copy-a", "copy-b"]


def test_cli_dedup_writes_clusters_and_pages(tmp_path: Path, stories: list[dict]) -> None:
    dump = tmp_path / "dump.jsonl"
    rows = [{"id": d.id, "title": d.title, "body": d.body, **d.meta} for d in _dump(stories)[:-1]]
    dump.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "{broken\n", "utf-8"
    )
    out, html = tmp_path / "out" / "clusters.jsonl", tmp_path / "html"
    r = CliRunner().invoke(
        cli,
        ["dedup", str(dump), "-o", str(out), "--html", str(html), "--errors", str(tmp_path / "e")],
    )
    assert r.exit_code == 1, r.output  # the broken line
    clusters = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [c["size"] for c in clusters] == [3, 2]
    assert clusters[0]["canonical"] == "copy-b" and clusters[0]["members"][0]["time"]
    assert "43 documents: 2 clusters holding 5, 38 on their own" in r.stderr
    page = (html / "c" / "1.html").read_text("utf-8")
    assert "copy-b" in page and '<mark class="v' in page
    assert '<script>alert("x")' not in page and "&lt;script&gt;" in page
    assert (html / "index.html").exists()
    bad = (tmp_path / "e").read_text("utf-8")
    assert "invalid JSON" in bad


def test_cli_dedup_writes_every_single_document_with_singles(
    tmp_path: Path, stories: list[dict]
) -> None:
    """``--singles``: each document that joined no cluster is a cluster of one after the
    clusters, so that every input is in the output or the errors (black-box review 17)."""
    docs = [*_dump(stories)[:-1], Document("blank", " ")]
    dump = tmp_path / "dump.jsonl"
    rows = [{"id": d.id, "title": d.title, "body": d.body, **d.meta} for d in docs]
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "clusters.jsonl"
    r = CliRunner().invoke(cli, ["dedup", str(dump), "-o", str(out), "--singles", "-q",
                                 "--errors", str(tmp_path / "e")])  # fmt: skip
    assert r.exit_code == 1, r.output  # the blank one
    clusters = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [c["size"] for c in clusters] == [3, 2] + [1] * 38
    assert [c["cluster"] for c in clusters] == list(range(1, 41))
    singles = [c["members"][0]["id"] for c in clusters[2:]]
    grouped = {m["id"] for c in clusters[:2] for m in c["members"]}
    assert singles == [d.id for d in docs if d.id not in grouped and d.id != "blank"]
    assert all(c["canonical"] == c["members"][0]["id"] and not c["edges"] for c in clusters[2:])
    assert "originals" in clusters[0] and "originals" not in clusters[2]


def test_write_clusters_without_texts(tmp_path: Path) -> None:
    c = {"cluster": 1, "canonical": "a", "members": [{"id": "a"}, {"id": "b"}], "edges": []}
    page = write_clusters([c], {}, tmp_path)
    assert "Clusters" in page.read_text("utf-8")


def test_a_document_that_cannot_be_stored_is_an_error_not_the_end(stories: list[dict]) -> None:
    """One empty body among the documents: listed with the errors, the rest grouped."""
    from xigao import Document
    from xigao.dedup import dedup

    docs = [Document(d["id"], d["body"]) for d in stories[:6]]
    docs.append(Document("copy", stories[2]["body"]))
    docs.append(Document("blank", " \n "))
    got = dedup(docs, workers=1)
    assert [e["id"] for e in got.errors] == ["blank"] and "empty body" in got.errors[0]["reason"]
    assert any({m.id for m in c.members} == {stories[2]["id"], "copy"} for c in got.clusters)

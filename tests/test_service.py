"""The HTTP service, against real servers on loopback with a real HTTP client."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from xigao import Index

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 200_000
TRACE = re.compile(r"Traceback|File \"|\.py\"|line \d+", re.I)


class Server:
    """``xigao serve`` in a subprocess on a port the OS picks; stops on ``close()``."""

    def __init__(self, index: Path, *args: str, env: dict[str, str] | None = None) -> None:
        cmd = [sys.executable, "-c", "from xigao.cli import main; main()", "serve"]
        cmd += ["--index", str(index), "--port", "0", *args]
        self.proc = subprocess.Popen(
            cmd,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.log: list[str] = []
        found = threading.Event()
        self.url = ""

        def drain() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                self.log.append(line)
                m = re.search(r"running on (http://\S+)", line)
                if m and not found.is_set():
                    self.url = m.group(1)
                    found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(60) or not self.url:
            self.close()
            raise RuntimeError("server did not start:\n" + "".join(self.log))
        deadline = time.monotonic() + 30
        while httpx.get(self.url + "/v1/health").status_code != 200:  # pragma: no cover
            if time.monotonic() > deadline:
                raise RuntimeError("server not healthy")
            time.sleep(0.1)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory, stories: list[dict]) -> Path:
    path = tmp_path_factory.mktemp("svc") / "idx"
    Index.build(stories[:200], path).close()
    return path


@pytest.fixture(scope="module")
def server(index_path: Path) -> Iterator[Server]:
    s = Server(index_path, "--max-body-bytes", str(LIMIT), env={"XIGAO_TOKEN": TOKEN})
    yield s
    s.close()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=30) as c:
        yield c


def test_health_needs_no_token(server: Server, stories: list[dict]) -> None:
    r = httpx.get(server.url + "/v1/health")
    assert r.status_code == 200
    d = r.json()
    assert d["status"] == "ok" and d["documents"] >= 200 and d["version"]


def test_check_repost_and_original(client: httpx.Client, stories: list[dict]) -> None:
    orig = stories[12]
    body = "原标题：" + orig["title"] + "\n" + orig["body"] + "\n如有侵权请联系删除"
    r = client.post("/v1/check", json={"title": "震惊！", "body": body, "id": "s-1"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["id"] == "s-1" and d["verdict"] == "repost"
    m = d["matches"][0]
    assert m["source_id"] == orig["id"] and m["evidence"]
    s0, s1 = m["evidence"][0]["suspect"]
    assert body[s0:s1] in body and 0 <= s0 < s1 <= len(body)
    other = "这是一篇全新的文章，写的是山里的小学和一位骑摩托车送教的老师。" * 5
    r = client.post("/v1/check", json={"body": other, "detect": ["repost", "partial"]})
    assert r.status_code == 200 and r.json() == {
        "id": None,
        "verdict": "original",
        "score": 0.0,
        "matches": [],
        "copy_ratio": 0.0,
        "attribution": [],
        "summary": "原创：未发现转载、部分抄袭或洗稿。",
    }
    assert d["summary"].startswith("转载：照搬《")  # the repost above, in plain Chinese


def test_offsets_in_utf16_for_a_browser(client: httpx.Client, stories: list[dict]) -> None:
    """``"offsets": "utf16"``: every span as JavaScript indexes the texts (black-box review 13:
    two emoji before a span moved it by two)."""
    body = stories[30]["body"].split("：", 1)[-1][:300]
    original = {"id": "emo-1", "title": "表情", "body": "🎉" + body[:100] + "𠮷" + body[100:]}
    assert client.post("/v1/originals", json={"documents": [original]}).status_code == 200
    suspect = "😀😀" + original["body"][1:] + "👍"
    plain = client.post("/v1/check", json={"body": suspect}).json()
    r = client.post("/v1/check", json={"body": suspect, "offsets": "utf16"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["offsets"] == "utf16" and "offsets" not in plain
    m, m16 = plain["matches"][0], d["matches"][0]
    assert m["source_id"] == m16["source_id"] == "emo-1"
    units, o_units = suspect.encode("utf-16-le"), original["body"].encode("utf-16-le")
    for e, e16 in zip(m["evidence"], m16["evidence"], strict=True):
        (a, b), (c, d16) = e16["suspect"], e16["source"]
        assert units[2 * a : 2 * b].decode("utf-16-le") == suspect[slice(*e["suspect"])]
        assert o_units[2 * c : 2 * d16].decode("utf-16-le") == original["body"][slice(*e["source"])]
    batch = client.post(
        "/v1/check/batch", json={"documents": [{"body": suspect, "offsets": "utf16"}]}
    )
    assert batch.json()["results"][0]["matches"][0]["evidence"] == m16["evidence"]
    bad = client.post("/v1/check", json={"body": suspect, "offsets": "bytes"})
    assert bad.status_code == 422 and "offsets" in bad.text
    client.delete("/v1/originals/emo-1")


def test_added_originals_are_seen_by_later_checks(
    client: httpx.Client, stories: list[dict]
) -> None:
    new = stories[250]  # not in the 200 indexed
    body = "转自某网站：" + new["body"]
    assert client.post("/v1/check", json={"body": body}).json()["verdict"] == "original"
    docs = [{"id": new["id"], "title": new["title"], "body": new["body"], "url": "https://x"}]
    r = client.post("/v1/originals", json={"documents": docs})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["added"] == 1 and d["replaced"] == 0 and d["documents"] >= 201
    res = client.post("/v1/check", json={"body": body}).json()
    assert res["verdict"] == "repost" and res["matches"][0]["source_id"] == new["id"]
    again = client.post("/v1/originals", json={"documents": docs}).json()
    assert again["added"] == 0 and again["replaced"] == 1


def test_an_edited_post_is_checked_without_itself(
    client: httpx.Client, stories: list[dict]
) -> None:
    """A platform adds each accepted post; checking an edit of it again must leave the post
    itself out (black-box review 13), as ``Index.check(exclude=)`` and ``--leave-own-out`` do."""
    post = {"id": "post-7", "body": stories[260]["body"]}
    assert client.post("/v1/originals", json={"documents": [post]}).status_code == 200
    edited = post["body"] + "\n【编辑补充】谢谢大家的点赞。"
    own = client.post("/v1/check", json={"body": edited, "id": "post-7"}).json()
    assert own["verdict"] == "repost" and own["matches"][0]["source_id"] == "post-7"
    r = client.post("/v1/check", json={"body": edited, "id": "post-7", "exclude": ["post-7"]})
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == "original" and r.json()["matches"] == []
    batch = {"documents": [{"body": edited, "exclude": ["post-7"]}, {"body": edited}]}
    got = client.post("/v1/check/batch", json=batch).json()["results"]
    assert [g["verdict"] for g in got] == ["original", "repost"]
    r = client.post("/v1/check", json={"body": edited, "exclude": "post-7"})
    assert r.status_code == 422 and r.json()["message"].startswith("exclude:")


def test_a_compilation_says_more_sources_were_left_and_a_larger_limit_aligns_them(
    client: httpx.Client, stories: list[dict]
) -> None:
    """A 搬运合集 of 40 indexed posts: the default 20 originals aligned explain part of it,
    and the result says that more were left out (black-box review 13: 28% copied, 20 matches,
    nothing said); a larger ``limit`` aligns them all."""
    body = "\n".join(s["body"] for s in stories[:40])
    fast = {"body": body, "detect": "repost,partial"}
    some = client.post("/v1/check", json=fast).json()
    assert len(some["matches"]) == 20 and some["more_sources"] is True
    assert some["copy_ratio"] < 0.9
    every = client.post("/v1/check", json={**fast, "limit": 100}).json()
    assert every["copy_ratio"] >= 0.99 and "more_sources" not in every
    alone = client.post("/v1/check", json={"body": stories[0]["body"], **{"detect": "repost"}})
    assert "more_sources" not in alone.json()
    for bad in (0, 501, "many"):
        r = client.post("/v1/check", json={**fast, "limit": bad})
        assert r.status_code == 422 and r.json()["message"].startswith("limit:")


def test_an_id_twice_in_one_addition_is_refused(client: httpx.Client, stories: list[dict]) -> None:
    """Neither of two documents with one id can be told to win: the request is refused and
    nothing is added (black-box review 13: the first was lost, reported as ``replaced``)."""
    docs = [
        {"id": "dup-1", "body": stories[261]["body"]},
        {"id": "dup-1", "body": stories[262]["body"]},
    ]
    r = client.post("/v1/originals", json={"documents": docs})
    assert r.status_code == 422
    assert "documents.1 repeats the id 'dup-1' of documents.0" in r.json()["message"]
    assert client.get("/v1/originals/dup-1").status_code == 404


def test_auth(server: Server) -> None:
    body = {"body": "一段文字" * 10}
    r = httpx.post(server.url + "/v1/check", json=body)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in r.json()["message"]
    bad = {"Authorization": "Bearer wrong"}
    assert httpx.post(server.url + "/v1/check", json=body, headers=bad).status_code == 401
    docs = {"documents": []}
    assert httpx.post(server.url + "/v1/originals", json=docs).status_code == 401
    assert httpx.post(server.url + "/v1/check", json=body, headers=AUTH).status_code == 200


def test_body_limit(client: httpx.Client) -> None:
    r = client.post("/v1/check", json={"body": "长" * LIMIT})
    assert r.status_code == 413 and "limit" in r.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes read are counted
        yield b'{"body": "'
        for _ in range(LIMIT // 10_000 + 2):
            yield b"x" * 10_000
        yield b'"}'

    r = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"body": ', "malformed JSON"),
        (b"not json at all", "malformed JSON"),
        (b'{"title": "x"}', "body: Field required"),
        (b'{"body": 12}', "body"),
        (b'{"body": "   "}', "body is empty"),
        (b'{"body": "x", "detect": "everything"}', "unknown detect kind"),
        (b'{"body": "x", "bogus": 1}', "bogus"),
        (b"[1, 2]", "body"),
        (b"", "the request body is empty"),
    ],
)
def test_bad_requests_get_422_with_a_message(
    client: httpx.Client, content: bytes, needle: str
) -> None:
    r = client.post("/v1/check", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    d = r.json()
    assert needle in d["message"] and d["detail"]
    assert not TRACE.search(r.text)


def test_bad_originals(client: httpx.Client) -> None:
    r = client.post("/v1/originals", json={"documents": [{"id": "x"}]})
    assert r.status_code == 422 and "no body" in r.json()["message"]
    r = client.post("/v1/originals", json={"docs": []})
    assert r.status_code == 422 and "documents" in r.json()["message"]
    r = client.post("/v1/originals", json={"documents": [{"id": "  ", "body": "新闻" * 30}]})
    assert r.status_code == 422 and "blank id" in r.json()["message"]
    r = client.post("/v1/originals", json={"documents": [{"id": "n", "body": 5}]})
    assert r.status_code == 422 and r.json()["message"].startswith("documents.0.body:")


def test_concurrent_checks_while_adding(client: httpx.Client, stories: list[dict]) -> None:
    bodies = ["转载：" + s["body"] for s in stories[20:60]]
    new = [{"id": f"conc-{i}", "body": s["body"]} for i, s in enumerate(stories[260:290])]

    def check(body: str) -> int:
        return client.post("/v1/check", json={"body": body}).status_code

    with ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(check, b) for b in bodies]
        added = pool.submit(lambda: client.post("/v1/originals", json={"documents": new}))
        futures += [pool.submit(check, b) for b in bodies]
        codes = [f.result() for f in futures]
    assert added.result().status_code == 200
    assert codes == [200] * len(codes)
    res = client.post("/v1/check", json={"body": "转载：" + stories[270]["body"]}).json()
    assert res["matches"][0]["source_id"] == "conc-10"


def test_openapi_docs(server: Server) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    assert {"/v1/check", "/v1/originals", "/v1/health"} <= set(spec["paths"])
    assert httpx.get(server.url + "/docs").status_code == 200


class Broken(Index):
    def check(self, body: str, **kw: object):  # type: ignore[override]
        raise RuntimeError("secret internal detail /srv/xigao/pipeline.py")


@contextlib.contextmanager
def thread_server(app: Any) -> Iterator[str]:
    """uvicorn in a thread of this process (so a test can hand it any app); yields its URL."""
    import uvicorn

    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not (srv.started and srv.servers):
        assert time.monotonic() < deadline, "in-thread server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    finally:
        srv.should_exit = True
        t.join(10)


def test_internal_errors_are_generic(index_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from xigao.service import create_app

    with thread_server(create_app(Broken.open(index_path))) as url:
        with caplog.at_level("ERROR", logger="xigao.service"):
            r = httpx.post(f"{url}/v1/check", json={"body": "正文" * 20})
        assert r.status_code == 500
        assert r.json()["error"] == "internal_error"
        assert "secret" not in r.text and not TRACE.search(r.text)
        assert any("secret internal detail" in str(rec.exc_info) for rec in caplog.records)
        # the connection stays open: the client's next request on it is served (it was reset)
        with httpx.Client() as client:
            for _ in range(3):
                assert client.post(f"{url}/v1/check", json={"body": "正文" * 20}).status_code == 500
                assert client.get(f"{url}/v1/health").status_code == 200


def test_the_app_checks_when_mounted_in_another(index_path: Path, stories: list[dict]) -> None:
    # Starlette never runs a mounted app's startup: nothing a check needs may be made there
    from fastapi import FastAPI

    from xigao.service import create_app

    parent = FastAPI()
    with Index.open(index_path) as idx:
        parent.mount("/xigao", create_app(idx))
        with thread_server(parent) as url:
            r = httpx.post(f"{url}/xigao/v1/check", json={"body": stories[0]["body"]})
            assert r.status_code == 200, r.text
            assert r.json()["verdict"] == "repost"
            docs = [{"id": "a", "body": stories[1]["body"]}]
            r = httpx.post(f"{url}/xigao/v1/check/batch", json={"documents": docs})
            assert r.status_code == 200, r.text
            assert r.json()["results"][0]["verdict"] == "repost"


def test_full_detection_and_a_lexical_index(
    client: httpx.Client, tmp_path: Path, stories: list[dict]
) -> None:
    body = "转载：" + stories[30]["body"]
    r = client.post("/v1/check", json={"body": body, "detect": "repost,partial,rewrite"})
    assert r.status_code == 200 and r.json()["verdict"] == "repost"
    from xigao.service import create_app

    lexical = Index.build(stories[:20], tmp_path / "lex", vectors=None)
    with thread_server(create_app(lexical)) as url:
        r = httpx.post(f"{url}/v1/check", json={"body": body, "detect": "rewrite"})
        assert r.status_code == 422 and "rewrite" in r.json()["message"]
        r = httpx.post(f"{url}/v1/check", json={"body": body})
        assert r.status_code == 200


def test_check_takes_metadata_and_can_leave_quotations_out(
    client: httpx.Client, stories: list[dict]
) -> None:
    orig = stories[30]["body"].replace("\n", "")
    body = "来源：新华社\n" + "代表们说：“" + orig + "”"
    r = client.post("/v1/check", json={"body": body, "meta": {"time": "2001-01-01"}})
    assert r.status_code == 200, r.text
    d = r.json()
    assert {"kind": "source", "names": ["新华社"], "span": [0, 6]} in d["attribution"]
    m = d["matches"][0]
    assert m["source_id"] == stories[30]["id"] and m["credited"] is False
    assert m["quoted_chars"] > 0.8 * len(orig)
    r = client.post("/v1/check", json={"body": body, "exclude_quotes": True})
    assert r.status_code == 200 and r.json()["verdict"] == "original"
    r = client.post("/v1/check", json={"body": body, "meta": "not a mapping"})
    assert r.status_code == 422


def test_get_and_delete_an_original(client: httpx.Client, stories: list[dict]) -> None:
    doc = {"id": "svc/extra 1", "title": "额外", "body": stories[250]["body"], "source": "某报"}
    assert client.post("/v1/originals", json={"documents": [doc]}).status_code == 200
    r = client.get("/v1/originals/svc/extra 1")
    assert r.status_code == 200 and r.json() == doc
    hit = client.post("/v1/check", json={"body": doc["body"], "detect": "repost,partial"})
    assert any(m["source_id"] == doc["id"] for m in hit.json()["matches"])
    r = client.delete("/v1/originals/svc/extra 1")
    assert r.status_code == 200 and r.json()["removed"] == doc["id"]
    gone = client.post("/v1/check", json={"body": doc["body"], "detect": "repost,partial"})
    assert all(m["source_id"] != doc["id"] for m in gone.json()["matches"])
    for method in (client.get, client.delete):
        r = method("/v1/originals/svc/extra 1")
        assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert httpx.get(client.base_url.join("/v1/originals/x")).status_code == 401  # token


def test_check_batch_answers_each_document(client: httpx.Client, stories: list[dict]) -> None:
    docs = [
        {"id": "b1", "body": stories[20]["body"], "detect": "repost,partial"},
        {"id": "b2", "body": "   "},
        {"id": "b3", "body": "这是一篇与索引无关的原创文章，写的是家乡的秋天和稻田里的蛙声。" * 4},
        {"id": "b4", "body": "正文", "unknown": 1},
        "not an object",
    ]
    r = client.post("/v1/check/batch", json={"documents": docs})
    assert r.status_code == 200, r.text
    got = r.json()["results"]
    assert [g.get("id") for g in got] == ["b1", "b2", "b3", "b4", None]
    assert got[0]["verdict"] == "repost" and got[2]["verdict"] == "original"
    assert got[1]["error"] == got[3]["error"] == got[4]["error"] == "invalid_request"
    assert "empty" in got[1]["message"] and "unknown" in got[3]["message"]
    too_many = {"documents": [{"body": "正文"}] * 101}
    r = client.post("/v1/check/batch", json=too_many)
    assert r.status_code == 422 and "at most 100" in r.json()["message"]
    # the limits add up to at most 100 × 20: past that, a document with a large limit gets
    # its own error; one at the default limit never does (diff review 15)
    costly = [{"id": f"c{i}", "body": "正文很短", "limit": 500} for i in range(5)]
    costly.append({"id": "plain", "body": "正文很短"})
    got = client.post("/v1/check/batch", json={"documents": costly}).json()["results"]
    assert [g.get("verdict") for g in got] == ["original"] * 3 + [None, None, "original"]
    assert got[3]["message"].startswith(
        "documents.3: with its limit of 500 the batch would align up to 2040 originals"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("limit", True),
        ("limit", "5"),
        ("limit", 5.0),
        ("exclude_quotes", "yes"),
        ("exclude_quotes", 1),
    ],
)
def test_a_limit_or_flag_of_another_type_is_refused_as_the_library_refuses_it(
    client: httpx.Client, field: str, value: object
) -> None:
    """``"limit": true`` (a client's bug) was checked at limit 1; the library says a limit is
    a positive int (black-box review 19)."""
    r = client.post("/v1/check", json={"body": "正文很短", field: value})
    assert r.status_code == 422 and r.json()["message"].startswith(field), r.text


def test_half_a_character_is_never_a_500(client: httpx.Client) -> None:
    """A lone surrogate escape (an emoji cut in two by JavaScript's ``slice``): in an id, which
    comes back as given, a 422 saying where; in a credit line, the body or the metadata, U+FFFD
    (one character for one) and a result. In a batch the other documents still get theirs,
    with messages worded as /v1/check's."""
    r = client.post(
        "/v1/check",
        content=b'{"id": "upload-17\\ud83d", "body": "\xe6\xb5\x8b\xe8\xaf\x95"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert "half of a character" in r.json()["message"] and not TRACE.search(r.text)
    for content in (
        '{"body": "来源：人民日报\\ud83d\\n今天天气很好，我们去公园散步。"}'.encode(),
        '{"body": "正文正文", "meta": {"source": "x\\udc00"}}'.encode(),
    ):
        r = client.post("/v1/check", content=content, headers={"content-type": "application/json"})
        assert r.status_code == 200 and r.json()["verdict"] == "original", r.text
    batch = b'{"documents": [{"id": "ok", "body": "\xe6\xad\xa3\xe6\x96\x87"}, {"id": "bad\\ud83d", "body": "x"}, 5]}'
    r = client.post("/v1/check/batch", content=batch, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    ok, bad, five = r.json()["results"]
    assert ok["verdict"] == "original" and bad["error"] == five["error"] == "invalid_request"
    assert bad["id"] == "bad\ufffd" and bad["message"].startswith("documents.1: ")
    assert "Value error" not in bad["message"]
    assert five["message"] == "documents.2: must be an object with a body, not a number"


def test_json_sent_as_a_form_or_in_gbk_says_what_to_send(client: httpx.Client) -> None:
    r = client.post("/v1/check", content='{"body": "测试文本"}'.encode())  # curl -d: a form
    assert r.status_code == 422 and "Content-Type: application/json" in r.json()["message"]
    gbk = '{"body": "测试文本测试文本"}'.encode("gbk")
    r = client.post("/v1/check", content=gbk, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request" and "UTF-8" in r.json()["message"]


def test_tokens_are_read_as_a_request_can_send_them(index_path: Path) -> None:
    """A token read from a secrets file keeps its newline; an empty or unsendable one would
    leave the service open or shut for good: it is stripped, or refused at the start."""
    from xigao.service import check_token, create_app

    assert check_token(" s3cret\n") == "s3cret" and check_token(None) is None
    for bad in ("", "  \n", "密钥2026", "two words"):
        with pytest.raises(ValueError, match="token"):
            check_token(bad)
    idx = Index.open(index_path)
    try:
        with thread_server(create_app(idx, token="s3cret\n")) as url:
            body = {"body": "一段文字" * 10}
            ok = httpx.post(
                url + "/v1/check", json=body, headers={"Authorization": "Bearer s3cret"}
            )
            assert ok.status_code == 200
            assert httpx.post(url + "/v1/check", json=body).status_code == 401
    finally:
        idx.close()
    for env in ({"XIGAO_TOKEN": ""}, {"XIGAO_TOKEN": "  "}):
        proc = subprocess.run(
            [sys.executable, "-c", "from xigao.cli import main; main()", "serve", "--index",
             str(index_path), "--port", "0"],
            env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 2 and "token is empty" in proc.stderr
        assert not TRACE.search(proc.stderr)


def test_docs_open_offline(server: Server) -> None:
    """/docs loads Swagger UI from the server itself, never from a CDN."""
    page = httpx.get(server.url + "/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text and "//unpkg" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = httpx.get(f"{server.url}/docs-assets/{asset}")
        assert r.status_code == 200 and len(r.content) > 10_000
    assert httpx.get(server.url + "/openapi.json").json()["paths"]["/v1/check/batch"]


def _access_lines(server: Server, rid: str, wait: float = 5.0) -> list[dict]:
    import json

    deadline = time.monotonic() + wait
    while True:
        got = []
        for line in list(server.log):
            if line.startswith("{") and f'"{rid}"' in line:
                got.append(json.loads(line))
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def test_requests_carry_an_id_and_log_one_json_line(
    server: Server, client: httpx.Client, stories: list[dict]
) -> None:
    r = client.post(
        "/v1/check",
        json={"id": "q1", "body": stories[3]["body"]},
        headers={"X-Request-ID": "req-abc.123"},
    )
    assert r.status_code == 200 and r.headers["x-request-id"] == "req-abc.123"
    (line,) = _access_lines(server, "req-abc.123")
    assert line["method"] == "POST" and line["path"] == "/v1/check" and line["status"] == 200
    assert line["verdict"] == "repost" and line["id"] == "q1" and line["ms"] > 0
    # none given, or a hostile one: the server makes its own
    for headers in ({}, {"X-Request-ID": "<script>alert(1)</script>"}):
        rid = client.get("/v1/health", headers=headers).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{16}", rid)
    # refusals are logged too
    bad = httpx.post(
        server.url + "/v1/check", json={"body": "x"}, headers={"X-Request-ID": "no-auth"}
    )
    assert bad.status_code == 401 and bad.headers["x-request-id"] == "no-auth"
    assert _access_lines(server, "no-auth")[0]["status"] == 401


def test_settings_come_from_flags_then_environment_then_a_toml_file(
    index_path: Path, tmp_path: Path
) -> None:
    config = tmp_path / "xigao.toml"
    config.write_text('[serve]\ntoken = "from-file"\nmax-batch = 3\n', "utf-8")
    s = Server(index_path, "--config", str(config), env={"XIGAO_MAX_BATCH": "2"})
    try:
        body = {"documents": [{"body": "一段文字。" * 5}] * 3}
        assert httpx.post(s.url + "/v1/check/batch", json=body).status_code == 401
        auth = {"Authorization": "Bearer from-file"}
        r = httpx.post(s.url + "/v1/check/batch", json=body, headers=auth, timeout=30)
        assert r.status_code == 422 and "at most 2" in r.text  # the variable beats the file
    finally:
        s.close()


def test_serve_config_names_the_index_and_refuses_unknown_settings(
    index_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from xigao.cli import cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    config = tmp_path / "xigao.toml"
    config.write_text(f'index = "{index_path}"\nport = 8123\nlog-level = "warning"\n', "utf-8")
    run = CliRunner().invoke(cli, ["serve", "--config", str(config)])
    assert run.exit_code == 0, run.output
    assert seen["port"] == 8123 and seen["log_level"] == "warning"
    assert seen["app"].state.index.store.path == index_path
    # the container's way: everything from the environment
    env = {"XIGAO_INDEX": str(index_path), "XIGAO_HOST": "0.0.0.0", "XIGAO_PORT": "8200",
           "XIGAO_TOKEN": "t"}  # fmt: skip
    run = CliRunner().invoke(cli, ["serve"], env=env)
    assert run.exit_code == 0, run.output
    assert (seen["host"], seen["port"]) == ("0.0.0.0", 8200)
    assert seen["app"].state.index.store.path == index_path
    config.write_text('[serve]\nindx = "x"\n', "utf-8")
    run = CliRunner().invoke(cli, ["serve", "--config", str(config)])
    assert run.exit_code == 2 and "unknown setting(s) indx" in run.output


def test_the_container_image_builds_and_serves(tmp_path: Path, index_path: Path) -> None:
    """Builds the Dockerfile and serves an index from a mounted folder, where a Docker daemon
    and the base image are at hand (not on the project's machines: no daemon there)."""
    import shutil

    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "info"], capture_output=True).returncode != 0:
        pytest.skip("no Docker daemon here: the image is built where one runs")
    repo = Path(__file__).resolve().parent.parent
    build = subprocess.run([docker, "build", "-t", "xigao:test", str(repo)], capture_output=True)
    assert build.returncode == 0, build.stderr.decode()[-2000:]
    run = subprocess.run(
        [docker, "run", "-d", "-p", "127.0.0.1::8000", "-v", f"{index_path}:/data/index",
         "xigao:test"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    cid = run.stdout.strip()
    try:
        port = (
            subprocess.run(
                [docker, "port", cid, "8000"], capture_output=True, text=True, check=True
            )
            .stdout.split(":")[-1]
            .strip()
        )
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.get(f"http://127.0.0.1:{port}/v1/health")
                if r.status_code == 200:
                    break
            assert time.monotonic() < deadline, "the container did not become healthy"
            time.sleep(1)
        assert r.json()["documents"] == 200
    finally:
        subprocess.run([docker, "rm", "-f", cid], capture_output=True)


def test_kill_9_during_additions_keeps_every_acknowledged_one(
    tmp_path: Path, stories: list[dict]
) -> None:
    import signal

    path = tmp_path / "idx"
    Index.build(stories[:50], path).close()
    s = Server(path)
    acked: list[str] = []
    stop = threading.Event()

    def add() -> None:
        with httpx.Client(base_url=s.url, timeout=30) as c:
            for i in range(10_000):
                if stop.is_set():
                    return
                doc = {"id": f"added-{i}", "body": stories[50 + i % 200]["body"] + f"（{i}）"}
                try:
                    r = c.post("/v1/originals", json={"documents": [doc]})
                except httpx.HTTPError:
                    return  # the server is gone: this one was never acknowledged
                if r.status_code == 200:
                    acked.append(doc["id"])

    t = threading.Thread(target=add)
    t.start()
    deadline = time.monotonic() + 30
    while len(acked) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(10)
    stop.set()
    t.join(30)
    assert len(acked) >= 20
    with Index.open(path) as idx:  # opens after the crash, every acknowledged addition in it
        missing = [d for d in acked if idx.get(d) is None]
        assert missing == [] and len(idx) >= 50 + len(acked)


def test_an_index_rebuilt_under_the_service_refuses_writes(
    tmp_path: Path, stories: list[dict]
) -> None:
    """`index build --overwrite` under a running service: an addition is refused (503, and
    says why) rather than acknowledged and written to a file no one opens again."""
    path = tmp_path / "idx"
    Index.build(stories[:20], path, vectors=None).close()
    s = Server(path)
    try:
        Index.build(stories[20:40], path, vectors=None, overwrite=True).close()
        doc = {"id": "new-1", "body": stories[50]["body"]}
        r = httpx.post(s.url + "/v1/originals", json={"documents": [doc]}, timeout=30)
        assert r.status_code == 503 and "replaced" in r.json()["message"], r.text
        r = httpx.delete(s.url + "/v1/originals/" + stories[0]["id"], timeout=30)
        assert r.status_code == 503 and not TRACE.search(r.text)
    finally:
        s.close()
    assert Index.open(path).get("new-1") is None


def test_cron_writes_are_seen_and_a_rebuild_is_said(tmp_path: Path, stories: list[dict]) -> None:
    """A cron ``xigao index add``/``remove`` beside the service: the next check and health see
    them, an original checked before included (black-box review 8). A rebuild under it: checks
    and health answer 503 and say so, rather than answer from the new file by the old row ids."""
    from xigao.service import create_app

    path = tmp_path / "idx"
    Index.build(stories[:10], path, vectors=None).close()
    with thread_server(create_app(path)) as url:
        fast = {"detect": "repost,partial"}
        r = httpx.post(f"{url}/v1/check", json={"body": stories[3]["body"], **fast})
        assert r.json()["verdict"] == "repost"
        cron = Index.open(path)
        cron.add([stories[20]])
        cron.remove([stories[3]["id"]])
        cron.close()
        assert httpx.get(f"{url}/v1/health").json()["documents"] == 10
        for body, verdict in ((stories[20]["body"], "repost"), (stories[3]["body"], "original")):
            r = httpx.post(f"{url}/v1/check", json={"body": body, **fast})
            assert r.json()["verdict"] == verdict
        Index.build(stories[10:15], path, vectors=None, overwrite=True).close()
        r = httpx.get(f"{url}/v1/health")
        assert r.status_code == 503 and "rebuilt" in r.json()["message"]
        r = httpx.post(f"{url}/v1/check", json={"body": stories[10]["body"], **fast})
        assert r.status_code == 503 and r.json()["error"] == "unavailable"


def test_a_write_while_another_process_writes_is_a_prompt_503(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron ``xigao index add`` holds the index's write lock: an upload through the service
    answers 503 with ``Retry-After`` once ``WRITE_WAIT`` is up (not a 500 after a minute),
    nothing is added, and checks and health answer meanwhile, however many uploads wait
    (review 8: 45 waiting uploads had taken every thread health and checks answer in)."""
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    from xigao import service
    from xigao.service import create_app

    monkeypatch.setattr(service, "WRITE_WAIT", 0.2)
    path = tmp_path / "idx"
    Index.build(stories[:10], path, vectors=None).close()
    cron = sqlite3.connect(path / "index.sqlite")
    with thread_server(create_app(path)) as url:
        cron.execute("BEGIN IMMEDIATE")  # another process writing
        try:
            doc = {"id": "u1", "body": stories[30]["body"]}

            def upload() -> tuple[httpx.Response, float]:
                t0 = time.monotonic()
                r = httpx.post(f"{url}/v1/originals", json={"documents": [doc]}, timeout=120)
                return r, time.monotonic() - t0

            with ThreadPoolExecutor(50) as pool:
                uploads = [pool.submit(upload) for _ in range(45)]
                time.sleep(0.3)
                t0 = time.monotonic()
                assert httpx.get(f"{url}/v1/health", timeout=10).status_code == 200
                r = httpx.post(f"{url}/v1/check", json={"body": stories[3]["body"]}, timeout=10)
                assert r.json()["verdict"] == "repost" and time.monotonic() - t0 < 5
                timed = [u.result() for u in uploads]
            got = [r for r, _ in timed]
            assert {r.status_code for r in got} == {503}
            # each answered once its own wait is up, not after the uploads queued before it
            assert max(t for _, t in timed) < 3.0, sorted(t for _, t in timed)
            assert "another process is writing" in got[0].json()["message"]
            assert int(got[0].headers["retry-after"]) >= 1
            r = httpx.delete(f"{url}/v1/originals/{stories[0]['id']}")
            assert r.status_code == 503
        finally:
            cron.rollback()
        assert httpx.get(f"{url}/v1/originals/u1").status_code == 404  # nothing was added
        r = httpx.post(f"{url}/v1/originals", json={"documents": [doc]})
        assert r.status_code == 200 and r.json()["documents"] == 11
    cron.close()

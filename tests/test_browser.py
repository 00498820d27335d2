"""A report rendered by a real headless Chromium: highlights present, visible and linked.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-noto-cjk``); skipped without it.
Also writes the README screenshot: ``.venv/bin/python -m tests.test_browser docs/report.png``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from xigao import Index
from xigao.palette import palette
from xigao.palette import write as write_palette
from xigao.report import safe_name, write_report

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("XIGAO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]

pytestmark = pytest.mark.browser

# Runs inside the page after the report's own script; leaves its findings as JSON in the DOM.
PROBE = """<script>
(function () {
  var out = {marks: 0, visible: 0, invisible: [], sides: {s: 0, o: 0}, unpaired: [], sections: []};
  var tabs = document.querySelectorAll(".tabs button");
  out.firstShown = document.querySelector("section.match:not([hidden])").id;
  tabs.forEach(function (tab) {
    tab.click();  // every match in turn: its section alone is shown
    var sec = document.getElementById(tab.dataset.tab);
    out.sections.push([sec.id, !sec.hidden, document.querySelectorAll("section.match:not([hidden])").length]);
    sec.querySelectorAll(".text mark").forEach(function (m) {
      var side = m.closest(".text").dataset.side, r = m.getBoundingClientRect();
      var cs = getComputedStyle(m);
      out.marks++; out.sides[side]++;
      var ok = r.width > 0 && r.height > 0 && cs.visibility === "visible" &&
        cs.display !== "none" && cs.backgroundColor !== "rgba(0, 0, 0, 0)";
      if (ok) { out.visible++; } else { out.invisible.push(sec.id + " " + m.dataset.k); }
      m.dataset.k.split(" ").forEach(function (k) {
        var other = side === "s" ? "o" : "s";
        if (!document.getElementById(sec.id + "-" + other + "-" + k)) { out.unpaired.push(k); }
      });
    });
  });
  // The last match (the pasted passage): scroll the original to the top, click the passage.
  var sec = document.querySelector("section.match:not([hidden])");
  var mark = sec.querySelector('.text[data-side="s"] mark'), key = mark.dataset.k.split(" ")[0];
  var pane = sec.querySelector('.text[data-side="o"]');
  pane.scrollTop = 0;
  mark.click();
  var target = document.getElementById(sec.id + "-o-" + key).getBoundingClientRect();
  var box = pane.getBoundingClientRect();
  out.scrolled = pane.scrollTop;
  out.targetInView = target.top >= box.top && target.top <= box.bottom;
  out.flashed = sec.querySelectorAll('.text[data-side="o"] mark.flash').length;
  var pre = document.createElement("pre");
  pre.id = "xigao-probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium(*args: str, url: str, profile: Path, timeout: float = 60) -> str:
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"chromium failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


def example(tmp: Path) -> tuple[Path, str]:
    """Index the bundled originals; check a traditional-script repost of 鲁迅《风筝》 under a
    click-bait title, with a passage of 《一件小事》 pasted in; write the report."""
    import opencc

    with (REPO / "corpora" / "originals.jsonl").open(encoding="utf-8") as f:
        originals = [json.loads(line) for line in f]
    by_id = {d["id"]: d for d in originals}
    kite, small = by_id["鲁迅-野草-风筝"]["body"], by_id["鲁迅-呐喊-一件小事"]["body"]
    start = small.index("车夫听了这老女人的话")
    passage = small[start : small.index("\n", small.index("我这时突然感到"))]
    t = opencc.OpenCC("s2t").convert
    body = (
        "作者：佚名　來源：網絡\n\n"
        + t(kite)
        + "\n\n【延伸閱讀】某日大風，我坐人力車出門，路上見到一件小事：\n\n"
        + t(passage)
        + "\n\n（本文轉自網絡，如有侵權請聯繫刪除。）"
    )
    suspect = {
        "id": "wx-20240301-0042",
        "title": "震惊！童年放风筝的往事，看哭无数人",
        "body": body,
    }
    idx = Index.build(originals, tmp / "index")
    result = idx.check_document(suspect).to_dict()
    others = [
        {"id": f"own-{i}", "verdict": "original", "score": 0.0, "matches": []} for i in range(3)
    ]
    write_report([*others, result], idx, tmp / "report", suspects={suspect["id"]: suspect})
    texts = {d["id"]: (d.get("title"), d["body"]) for d in originals}
    made = palette(result, body, texts)
    write_palette(made, texts, tmp / "palette.html")
    idx.close()
    return tmp / "report" / "s" / safe_name(suspect["id"]), result["verdict"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    tmp = tmp_path_factory.mktemp("browser")
    page, verdict = example(tmp)
    assert verdict == "repost"
    return page


def test_highlights_are_visible_and_linked(rendered: Path, tmp_path: Path) -> None:
    out = probe(rendered, PROBE, tmp_path / "profile")
    assert out["firstShown"] == "m0"
    assert out["sections"] == [["m0", True, 1], ["m1", True, 1]]  # repost, then the passage
    assert out["sides"]["s"] >= 2 and out["sides"]["o"] >= 2
    assert out["visible"] == out["marks"], out["invisible"]
    assert out["unpaired"] == []
    assert out["scrolled"] > 0 and out["targetInView"] and out["flashed"] > 0


INDEX_PROBE = """<script>
(function () {
  var out = {}, rows = function () { return document.querySelectorAll("#results tbody tr"); };
  var visible = function () {
    return Array.prototype.filter.call(rows(), function (r) { return !r.hidden; });
  };
  out.first = rows()[0].dataset.verdict;
  var score = document.querySelectorAll("#results th")[1];
  score.click();  // a first click sorts highest first
  out.afterSortDesc = rows()[0].dataset.verdict;
  score.click();
  out.afterSortAsc = rows()[0].dataset.verdict;
  var box = document.querySelector('input[data-verdict="original"]');
  box.checked = false; box.dispatchEvent(new Event("change"));
  out.shownNoOriginals = visible().length;
  out.counter = document.getElementById("shown").textContent;
  box.checked = true; box.dispatchEvent(new Event("change"));
  var q = document.getElementById("q");
  q.value = "own-1"; q.dispatchEvent(new Event("input"));
  out.shownSearch = visible().length;
  var pre = document.createElement("pre");
  pre.id = "xigao-probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def probe(page: Path, script: str, profile: Path) -> dict:
    copy = page.with_name("probe-" + page.name)
    copy.write_text(page.read_text("utf-8").replace("</body>", script + "</body>"), "utf-8")
    dom = chromium("--dump-dom", url=copy.as_uri(), profile=profile)
    m = re.search(r'<pre id="xigao-probe">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_index_sorts_and_filters(rendered: Path, tmp_path: Path) -> None:
    out = probe(rendered.parent.parent / "index.html", INDEX_PROBE, tmp_path / "profile")
    assert out["first"] == "repost" and out["afterSortDesc"] == "repost"
    assert out["afterSortAsc"] == "original"
    assert out["shownNoOriginals"] == 1 and out["counter"] == "1"
    assert out["shownSearch"] == 1


def test_screenshot(rendered: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium(
        "--window-size=1400,950",
        f"--screenshot={shot}",
        url=rendered.as_uri(),
        profile=tmp_path / "profile",
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


PALETTE_PROBE = """<script>
(function () {
  var out = {rows: 0, colours: {}, marks: 0, visible: 0};
  document.querySelectorAll("tbody tr").forEach(function (tr) {
    out.rows++; out.colours[getComputedStyle(tr).backgroundColor] = 1;
  });
  document.querySelectorAll("td.text mark").forEach(function (m) {
    var r = m.getBoundingClientRect(), cs = getComputedStyle(m);
    out.marks++;
    if (r.width > 0 && r.height > 0 && cs.fontWeight >= 600) { out.visible++; }
  });
  out.band = document.querySelector(".band").textContent;
  out.colours = Object.keys(out.colours).length;
  var pre = document.createElement("pre");
  pre.id = "xigao-probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def test_palette_renders_a_row_a_passage_coloured_by_source(rendered: Path, tmp_path: Path) -> None:
    page = rendered.parent.parent.parent / "palette.html"
    out = probe(page, PALETTE_PROBE, tmp_path / "profile")
    assert out["rows"] >= 2 and out["colours"] == 2  # the repost's source and the passage's
    assert out["marks"] >= 2 and out["visible"] == out["marks"]
    assert "JJWXC" in out["band"]


def main(argv: list[str]) -> None:
    """Write the README screenshots: ``python -m tests.test_browser docs/report.png
    docs/palette.png``."""
    dest = Path(argv[0] if argv else REPO / "docs" / "report.png").resolve()
    pal = Path(argv[1] if len(argv) > 1 else REPO / "docs" / "palette.png").resolve()
    with tempfile.TemporaryDirectory() as d:
        page, _ = example(Path(d))
        for url, shot in ((page, dest), (Path(d) / "palette.html", pal)):
            chromium(
                "--window-size=1400,1000",
                f"--screenshot={shot}",
                url=url.as_uri(),
                profile=Path(d) / "profile",
            )
            print(shot)


if __name__ == "__main__":
    main(sys.argv[1:])


def test_utf16_offsets_slice_the_same_text_in_javascript(tmp_path: Path) -> None:
    """``offsets: utf16`` read by a browser's own ``String.substring``: every evidence span and
    credit line of a suspect and an original holding emoji and an Extension B character slices
    the text Python's code point spans slice (black-box review 13, finding 8)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    from tests.conftest import cctv

    story = next(s for s in cctv(40) if len(s["body"]) > 400)
    body = story["body"].split("：", 1)[-1]
    original = {"id": "emo", "source": "央视网", "body": "🎉" + body[:150] + "𠮷" + body[150:400]}
    suspect = "😀😀来源：央视网\n" + original["body"][1:300] + "👍" + "我的看法，大家觉得呢？" * 3
    with Index.build([original], tmp_path / "idx", vectors=None) as idx:
        result = idx.check(suspect, detect=("repost", "partial"))
        plain, d = result.to_dict(), idx.in_utf16(result, suspect)
    want, spans = [], []
    for m, m16 in zip(plain["matches"], d["matches"], strict=True):
        for e, e16 in zip(m["evidence"], m16["evidence"], strict=True):
            want += [suspect[slice(*e["suspect"])], original["body"][slice(*e["source"])]]
            spans += [["s", *e16["suspect"]], ["o", *e16["source"]]]
    for c, c16 in zip(plain["attribution"], d["attribution"], strict=True):
        want.append(suspect[slice(*c["span"])])
        spans.append(["s", *c16["span"]])
    assert len(want) >= 3
    data = json.dumps({"s": suspect, "o": original["body"], "spans": spans, "want": want})
    page = tmp_path / "utf16.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>'
        f"var d = {data};"
        "var got = d.spans.map(function (x) { return d[x[0]].substring(x[1], x[2]); });"
        "var pre = document.createElement('pre'); pre.id = 'xigao-probe';"
        "pre.textContent = JSON.stringify({got: got}); document.body.appendChild(pre);"
        "</script></body></html>",
        "utf-8",
    )
    dom = chromium("--dump-dom", url=page.as_uri(), profile=tmp_path / "profile")
    m = re.search(r'<pre id="xigao-probe">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    got = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<"))
    assert got["got"] == want

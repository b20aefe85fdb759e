"""The offline site (minidisent.site): both editions built from the repository's notebooks,
their pages, links and assets checked on disk, then every page loaded in headless Chromium
with the network cut off (MathJax rendered, no broken image, no failed request, no
JavaScript error, an animation stepped).

The browser is driven through the DevTools protocol over Chromium's own pipe
(--remote-debugging-pipe: JSON messages on file descriptors 3 and 4), with the standard
library only, so the check adds no dependency. Without a Chromium the browser test is
skipped with its reason on a laptop; with CI set (as .ci/run does) it fails instead.
"""
import html
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from minidisent import animations, groups, operators, site, student_copies

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = ["index.html"] + [path.stem + ".html" for path in CHAPTERS]
_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)\n[ \t]*### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    start = time.process_time()  # CPU time: the wall clock of a shared machine says little
    built = {name: site.build(out / name, student=(name == "student"))
             for name in ("full", "student")}
    seconds = time.process_time() - start
    assert seconds < 30, f"both editions took {seconds:.1f} s of CPU to build, expected under 30 s"
    return {name: out / name for name in built}


def _text(path):
    """The visible text of an HTML page: tags removed, entities decoded."""
    page = path.read_text("utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _lines(text):
    """text with every line stripped (code in a page and in a notebook, indentation aside)."""
    return "\n".join(line.strip() for line in text.splitlines())


def test_every_page_and_its_navigation(editions):
    for root in editions.values():
        assert sorted(p.name for p in root.glob("*.html")) == sorted(PAGES)
        for i, name in enumerate(PAGES):
            page = (root / name).read_text("utf-8")
            links = set(re.findall(r'href="([^"#]+\.html)"', page))
            assert set(PAGES) <= links, f"{name}: the table of contents misses {set(PAGES) - links}"
            if i > 0:
                assert f'class="site-previous" href="{PAGES[i - 1]}"' in page
            if i + 1 < len(PAGES):
                assert f'class="site-next" href="{PAGES[i + 1]}"' in page


def test_every_link_and_asset_resolves_offline(editions):
    mathjax = sorted(p.relative_to(site.MATHJAX) for p in site.MATHJAX.rglob("*") if p.is_file())
    for root in editions.values():
        for page in root.glob("*.html"):
            text = page.read_text("utf-8")
            assert not re.search(r"cdn\.|jsdelivr|unpkg|require\.js|font-awesome", text), page.name
            for attribute, target in _ATTRIBUTE.findall(text):
                target = html.unescape(target)
                if attribute == "href" and target.startswith(("http://", "https://", "mailto:")):
                    continue  # a link the reader may follow; nothing is loaded from it
                if target.startswith(("data:", "#")):
                    continue
                assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", target), \
                    f"{page.name}: {attribute}={target[:60]!r} loads from outside the site"
                assert (root / target.partition("#")[0]).is_file(), f"{page.name}: {target!r}"
        css = (root / "_static/lab.css").read_text("utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
        served = root / "_static/mathjax"
        assert sorted(p.relative_to(served) for p in served.rglob("*") if p.is_file()) == mathjax
        assert "Apache License" in (root / "_static/mathjax/LICENSE").read_text("utf-8")
        index = (root / "index.html").read_text("utf-8")
        for chapter in CHAPTERS:  # the README's links to the chapters now point at their pages
            assert f'href="{chapter.stem}.html"' in index
            assert f"chapters/{chapter.name}" not in index
        readme = (ROOT / "README.md").read_text("utf-8")
        for figure in re.findall(r"\]\((figures/[^)]+\.png)\)", readme):
            assert (root / figure).read_bytes() == (ROOT / figure).read_bytes()


def test_student_edition_has_no_solution(editions):
    solved = 0
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        full, student = (_lines(_text(editions[edition] / f"{chapter.stem}.html"))
                         for edition in ("full", "student"))
        for cell in nb.cells:
            for region in _REGION.findall(cell.source) if cell.cell_type == "code" else []:
                body = _lines(region)
                assert body in full, f"{chapter.name}: a solution missing from the full edition"
                assert body not in student, f"{chapter.name}: a solution in the student edition"
                solved += 1
        assert "### BEGIN SOLUTION" not in student and "NotImplementedError" in student
        passes = re.findall(r"Exercise \d+\.\d+ passed", full)
        assert passes, f"{chapter.name}: no check output in the full edition"
        assert not re.search(r"Exercise \d+\.\d+ passed", student), f"{chapter.name}: outputs"
        copy = student_copies.student_copy(nb, chapter.name)  # the lessons keep their figures
        figures = sum("image/png" in output.get("data", {})
                      for cell in copy.cells for output in cell.get("outputs", []))
        page = (editions["student"] / f"{chapter.stem}.html").read_text("utf-8")
        assert figures > 0 and page.count("data:image/png") >= figures, chapter.name
    assert solved >= 2 * len(CHAPTERS)


def test_refuses_an_out_dir_holding_the_sources(tmp_path):
    for bad in (ROOT / "chapters", ROOT / "chapters" / "site", ROOT, ROOT.parent):
        with pytest.raises(ValueError, match="out_dir"):
            site.build(bad)
    assert not (ROOT / "chapters" / "site").exists()


def test_refuses_a_link_to_nothing(tmp_path):
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    (tmp_path / "README.md").write_text("# x\n\n[the licence](LICENSE)\n", "utf-8")
    with pytest.raises(ValueError, match="LICENSE"):
        site.render(tmp_path)
    (tmp_path / "README.md").write_text('# x\n\n<img src="https://example.org/a.png">\n', "utf-8")
    with pytest.raises(ValueError, match="network"):
        site.render(tmp_path)


# ---- the browser check -------------------------------------------------------------------


class Chromium:
    """Headless Chromium on the DevTools protocol over its pipe. Every request for anything
    but a file: URL is failed (and recorded in `blocked`) before it leaves the browser, on top
    of a proxy and a resolver that lead nowhere."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="minidisent-chromium-")
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def descriptors():  # the browser reads commands on fd 3 and writes replies on fd 4
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)
        args = [executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--proxy-server=127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank"]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=descriptors,
                                        pass_fds=(3, 4))
        os.close(to_child)
        os.close(from_child)
        self._buffer, self._id, self.events, self.blocked = b"", 0, [], []

    def _send(self, method, params=None, session=None):
        self._id += 1
        message = dict(id=self._id, method=method, params=params or {})
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        return self._id

    def _receive(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("chromium: no reply in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium: the browser closed its pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message = json.loads(raw)
        if message.get("method") == "Fetch.requestPaused":
            paused, session = message["params"], message.get("sessionId")
            if paused["request"]["url"].startswith("file:"):
                self._send("Fetch.continueRequest", dict(requestId=paused["requestId"]), session)
            else:
                self.blocked.append(paused["request"]["url"])
                self._send("Fetch.failRequest", dict(requestId=paused["requestId"],
                                                     errorReason="InternetDisconnected"), session)
        elif "method" in message:
            self.events.append(message)
        return message

    def call(self, method, params=None, session=None, timeout=90):
        wanted, deadline = self._send(method, params, session), time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"chromium: {method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression, session):
        reply = self.call("Runtime.evaluate", dict(expression=expression, awaitPromise=True,
                                                   returnByValue=True), session)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"chromium: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, method, session, timeout=90):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self._receive(deadline)

    def open_tab(self):
        target = self.call("Target.createTarget", dict(url="about:blank"))["targetId"]
        attached = self.call("Target.attachToTarget", dict(targetId=target, flatten=True))
        session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable", session=session)
        self.call("Fetch.enable", dict(patterns=[dict(urlPattern="*")]), session)
        return session

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._in)
        os.close(self._out)
        shutil.rmtree(self.profile, ignore_errors=True)


# Resolves once the page's MathJax has typeset (the template marks <body data-mathjax="done">).
_TYPESET = """new Promise(done => { const start = Date.now(); (function wait() {
  if (document.body && document.body.getAttribute("data-mathjax") === "done") done(true);
  else if (Date.now() - start > 60000) done(false); else setTimeout(wait, 50); })(); })"""
# What the page shows: formulas, MathJax errors, $ left in prose, broken images, failed fonts.
_REPORT = r"""(() => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "TEXTAREA", "MJX-CONTAINER"]);
  const raw = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let inside = false;
    for (let e = node.parentElement; e && !inside; e = e.parentElement)
      inside = skip.has(e.tagName);
    if (!inside && node.textContent.includes("$")) raw.push(node.textContent.trim().slice(0, 80));
  }
  return {formulas: document.querySelectorAll("mjx-container").length,
          math_errors: [...document.querySelectorAll("mjx-merror, [data-mjx-error]")].map(
            e => e.getAttribute("data-mjx-error") || e.textContent.slice(0, 80)),
          input_error: document.body.innerText.includes("Math input error"),
          raw_tex: raw,
          images: document.images.length,
          broken_images: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                                             .map(i => i.src.slice(0, 80)),
          failed_fonts: [...document.fonts].filter(f => f.status === "error").map(f => f.family)};
})()"""
# Steps the first animation one frame forward; returns [frame before, frame after, frames].
_STEP = """new Promise(done => {
  const image = document.querySelector("img[id^='_anim_img']");
  if (!image) { done(null); return; }
  const before = image.src;
  image.closest(".animation").querySelector("button[title='Next frame']").click();
  const start = Date.now();
  (function wait() {  // until the next frame is decoded (or 30 s)
    if ((image.src !== before && image.complete) || Date.now() - start > 30000)
      done([before.length, image.src.length, before === image.src, image.naturalWidth > 0]);
    else setTimeout(wait, 20);
  })();
})"""


def _problems(events):
    """The JavaScript errors and failed requests among the DevTools events of one page."""
    found = []
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Runtime.exceptionThrown":
            thrown = params["exceptionDetails"].get("exception", {})
            found.append(f"JavaScript: {thrown.get('description', params['exceptionDetails'])}")
        elif method == "Network.loadingFailed":
            found.append(f"request failed: {params.get('errorText')} ({params.get('type')})")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(f"console: {params['entry']['text'][:200]}")
        elif method == "Runtime.consoleAPICalled" and params["type"] == "error":
            found.append(f"console.error: {params['args'][:1]}")
    return found


def load_pages(browser, paths):
    """Load each page (file: URL) and report what it shows: a dict name -> report."""
    session, reports = browser.open_tab(), {}
    for path in paths:
        browser.events.clear()
        blocked_before = len(browser.blocked)
        browser.call("Page.navigate", dict(url=path.as_uri()), session)
        browser.wait_for("Page.loadEventFired", session)
        report = dict(typeset=browser.evaluate(_TYPESET, session))
        report.update(browser.evaluate(_REPORT, session))
        report["animation"] = browser.evaluate(_STEP, session)
        report["problems"] = _problems(browser.events)
        report["blocked"] = browser.blocked[blocked_before:]
        reports[path.name] = report
    return reports


def _chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no chromium is installed: the browser check must run in CI "
                        "(.ci/run installs Debian's chromium)")
        pytest.skip("no chromium on this machine: the site's browser check runs in CI (.ci/run)")
    return found


def test_every_page_renders_offline_in_chromium(editions, tmp_path):
    executable = _chromium()
    # A control page that must fail every check, so the checks are known to bite.
    for folder in ("_static", "figures"):
        (tmp_path / folder).symlink_to(editions["full"] / folder)
    bad = (editions["full"] / "index.html").read_text("utf-8").replace(
        "</main>", '<p>$\\frac{1}$ and $x$</p><p>$5 a cup</p><img src="missing.png">'
                   '<img src="https://example.org/a.png"><script>undefined_function();</script>'
        + animations.block_permutation(operators.shift(groups.cyclic(4), 4)) + "</main>")
    (tmp_path / "control.html").write_text(bad, "utf-8")
    browser = Chromium(executable)
    try:
        control = load_pages(browser, [tmp_path / "control.html"])["control.html"]
        reports = {edition: load_pages(browser, [root / name for name in PAGES])
                   for edition, root in editions.items()}
    finally:
        browser.close()
    assert control["math_errors"] and control["raw_tex"] == ["$5 a cup"]
    assert len(control["broken_images"]) == 2
    assert control["blocked"] == ["https://example.org/a.png"]
    assert any("undefined_function" in p for p in control["problems"])
    assert any("request failed" in p for p in control["problems"])
    before, after, same, shown = control["animation"]  # the player steps to another frame
    assert not same and shown and before > 1000 and after > 1000
    stepped = 0
    for edition, pages in reports.items():
        for name, r in pages.items():
            where = f"{edition}/{name}"
            assert r["typeset"], f"{where}: MathJax did not finish"
            assert not r["math_errors"] and not r["input_error"], f"{where}: {r['math_errors']}"
            assert not r["raw_tex"], f"{where}: TeX left unrendered: {r['raw_tex'][:3]}"
            assert not r["broken_images"] and not r["failed_fonts"], where
            assert not r["problems"] and not r["blocked"], \
                f"{where}: {r['problems']} {r['blocked']}"
            if r["animation"] is not None:
                before, after, same, shown = r["animation"]
                assert not same and shown, f"{where}: the animation's frame did not change"
                stepped += 1
        assert sum(r["formulas"] for r in pages.values()) > 500
        assert all(r["formulas"] > 0 for n, r in pages.items() if n != "index.html")
    for edition, pages in reports.items():  # the figures of the closing note (pytest -s)
        total = {key: sum(f(r) for r in pages.values()) for key, f in (
            ("formulas", lambda r: r["formulas"]), ("images", lambda r: r["images"]),
            ("failed", lambda r: len(r["blocked"]) + len(r["problems"])),
            ("animations", lambda r: r["animation"] is not None))}
        print(f"{edition}: {len(pages)} pages loaded, {total['formulas']} formulas rendered, "
              f"{total['images']} images, {total['failed']} requests blocked or failed, "
              f"{total['animations']} animations stepped")
    animated = [p for p in CHAPTERS if "_anim_img" in p.read_text("utf-8")]
    assert stepped == 2 * len(animated)

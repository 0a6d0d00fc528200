#!/usr/bin/env python3
"""Load report.html files in headless Chromium through the DevTools protocol and fail on
any console error, uncaught exception or failed load; check every chart has a title and
labelled axes, that no text of a chart overlaps another or runs past the chart's edge
(bounding boxes), and that no
visible text has a number in exponent notation; take a full-page screenshot and check it is
not blank. REPORT.html::TEXT also requires TEXT in the page's visible text.

Usage: report_check.py OUT_DIR REPORT.html[::TEXT] [REPORT.html[::TEXT] ...]
Needs Debian's chromium, python3-websocket and python3-pil (.ci/run installs them)."""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # python3-websocket
from PIL import Image  # python3-pil

CHECK_JS = r"""
(() => {
  const figs = [...document.querySelectorAll('figure.chart svg')];
  const bad = [];
  figs.forEach((s, i) => {
    const t = s.querySelector('title'), x = s.querySelector('.x-label'), y = s.querySelector('.y-label'),
          vt = s.querySelector('.chart-title');
    const name = t ? t.textContent : ('chart ' + (i + 1));
    if (!t || !t.textContent.trim()) bad.push(name + ': no title');
    if (!vt || !vt.textContent.trim()) bad.push(name + ': no visible title');
    if (!x || !x.textContent.trim()) bad.push(name + ': no x-axis label');
    if (!y || !y.textContent.trim()) bad.push(name + ': no y-axis label');
    const r = s.getBoundingClientRect();
    if (r.width < 200 || r.height < 80) bad.push(name + ': drawn ' + r.width + 'x' + r.height);
    // no text drawn over other text: the boxes of every pair of text elements, less a pixel
    const boxes = [...s.querySelectorAll('text')].filter(e => e.textContent.trim())
      .map(e => [e, e.getBoundingClientRect()]);
    for (let a = 0; a < boxes.length; a++)
      for (let b = a + 1; b < boxes.length; b++) {
        const p = boxes[a][1], q = boxes[b][1];
        if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
          bad.push(name + ': text "' + boxes[a][0].textContent + '" overlaps "' + boxes[b][0].textContent + '"');
      }
    // no text cut off at the chart's edges (an svg clips what it draws outside itself)
    boxes.forEach(([e, p]) => {
      if (p.left < r.left - 1 || p.right > r.right + 1 || p.top < r.top - 1 || p.bottom > r.bottom + 1)
        bad.push(name + ': text "' + e.textContent + '" runs past the chart\'s edge');
    });
  });
  // numbers for people: never 1.69479e+06 (code such as hashes aside)
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('code,title,desc,style').forEach(e => e.remove());
  const exp = (clone.textContent.match(/\b\d+(\.\d+)?[eE][+-]?\d+\b/g) || []).filter(m => /[eE][+-]/.test(m) || /\./.test(m));
  exp.slice(0, 5).forEach(m => bad.push('exponent notation in the text: ' + m));
  const external = [...document.querySelectorAll('script,link,img,iframe,object,embed')].length;
  return JSON.stringify({charts: figs.length, bad: bad, external: external, text: document.body.innerText,
                         height: document.documentElement.scrollHeight, title: document.title});
})()
"""


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method, timeout=60):
        end = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while time.time() < end:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            self.events.append(msg)
        raise TimeoutError(method)


def problems_in(events):
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            out.append("console " + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            out.append("exception: " + p.get("exceptionDetails", {}).get("text", "?"))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append("log error: " + p["entry"].get("text", "?") + " " + p["entry"].get("url", ""))
        elif m == "Network.loadingFailed":
            out.append("load failed: " + p.get("errorText", "?"))
        elif m == "Network.requestWillBeSent" and not p.get("request", {}).get("url", "").startswith(("file:", "data:", "about:")):
            out.append("network request: " + p["request"]["url"])
    return out


def check(page, arg, out_dir):
    path, _, expect = arg.partition("::")
    page.events.clear()
    url = "file://" + os.path.abspath(path)
    page.call("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired")
    time.sleep(0.3)  # let late console messages arrive
    res = json.loads(page.call("Runtime.evaluate", expression=CHECK_JS, returnByValue=True)["result"]["value"])
    errors = problems_in(page.events)
    if res["charts"] < 1:
        errors.append("no charts")
    errors += res["bad"]
    if expect and expect not in " ".join(res["text"].split()):
        errors.append(f"the text lacks: {expect}")
    if res["external"]:
        errors.append(f"{res['external']} external elements (script, link, img, iframe...)")
    metrics = page.call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                     clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
    import base64
    png = base64.b64decode(shot["data"])
    name = os.path.join(out_dir, os.path.basename(os.path.dirname(os.path.abspath(path))) + ".png")
    with open(name, "wb") as f:
        f.write(png)
    img = Image.open(io.BytesIO(png)).convert("L")
    hist = img.histogram()
    total = sum(hist)
    dark = sum(hist[:200]) / total
    levels = sum(1 for h in hist if h)
    if dark < 0.01 or levels < 8:
        errors.append(f"screenshot looks blank: {dark:.1%} dark pixels, {levels} grey levels")
    print(f"{path}: {res['charts']} charts, page {size['width']:.0f}x{size['height']:.0f}, "
          f"{dark:.1%} dark pixels; screenshot {name}")
    for e in errors:
        print(f"  FAIL: {e}")
    return not errors


def main():
    out_dir, reports = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("report_check: chromium is not installed (apt-get install chromium)")
        return 2
    profile = tempfile.mkdtemp()
    proc = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1000,1400",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(domain + ".enable")
        ok = all([check(page, r, out_dir) for r in reports])
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    print("report_check: " + ("all reports pass" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

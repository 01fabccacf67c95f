"""Drive headless Chromium over the DevTools protocol on a pipe: no driver, no Python dependency.

Chromium started with ``--remote-debugging-pipe`` reads DevTools commands from file descriptor 3
and writes answers and events to descriptor 4, each message JSON followed by a NUL byte. That is
all the debugger page's browser tests and screenshots need — open a page, wait for its script, read
the DOM, watch every network request, take a screenshot — so there is no Selenium, no chromedriver
version to match and nothing to download: only Debian's ``chromium`` package (or any Chrome).

The flags keep the browser from reaching any host on its own (updates, sync, field trials):
this machine's network is closed, and the tests assert that the page asks for nothing beyond
127.0.0.1 — a browser talking to the outside by itself would blur that.

    with Chromium() as browser:
        page = browser.open("http://127.0.0.1:8712/debug#doc=…", width=1280, height=900)
        page.wait_for("document.body.dataset.state === 'ready'")
        page.evaluate("document.querySelector('[data-role=digest]').textContent")
        page.screenshot(Path("shot.png"))
        page.requests()                     # every URL the page asked for
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
ENV_VARIABLE = "EIP712KIT_CHROMIUM"

FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)

DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for one answer or condition: generous for a loaded two-core machine; never a measure."""


class BrowserError(Exception):
    """The browser died, refused a command, or a condition did not hold in time."""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: ``$EIP712KIT_CHROMIUM``, else the first on PATH."""
    chosen = os.environ.get(ENV_VARIABLE)
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _high_fd(fd: int) -> int:
    """Move a descriptor above 10, so that placing the child's 3 and 4 cannot clobber it."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """One headless browser process, spoken to over the DevTools pipe."""

    def __init__(self, executable: str | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        found = executable or find_chromium()
        if found is None:
            raise BrowserError(f"no Chromium found (looked for ${ENV_VARIABLE} and {', '.join(CANDIDATES)})")
        self.executable = found
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="eip712kit-chromium-")
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Chromium:
        commands_read, self._commands = map(_high_fd, os.pipe())
        self._answers, answers_write = map(_high_fd, os.pipe())

        def place_pipes() -> None:  # in the child, before exec: the browser expects descriptors 3 and 4
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self._stderr = open(Path(self._profile) / "stderr.log", "wb")  # closed in __exit__
        self._process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(3, 4), preexec_fn=place_pipes,  # preexec_fn: tests and tools start browsers from one thread
        )
        os.close(commands_read)
        os.close(answers_write)
        try:
            self.version = self.call("Browser.getVersion")["product"]
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            try:
                self._send("Browser.close", {}, None)
                process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait(10)
        for fd in (getattr(self, "_commands", None), getattr(self, "_answers", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if getattr(self, "_stderr", None) is not None:
            self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- the protocol ---

    def _send(self, method: str, params: dict[str, Any], session: str | None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise BrowserError("the browser did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise BrowserError("the browser closed its DevTools pipe (did it crash?)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        """Send one command and return its result; events that arrive meanwhile are kept in :attr:`events`."""
        wanted = self._send(method, params or {}, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def pump(self, seconds: float) -> None:
        """Collect the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                message = self._receive(deadline)
                if "method" in message:
                    self.events.append(message)
        except BrowserError:
            pass

    def open(self, url: str, *, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        """A new tab of the given viewport, with network, console and log events recorded, at ``url``."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", {}, session)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                         "deviceScaleFactor": 1, "mobile": mobile}, session)
        page.navigate(url)
        return page


class Page:
    """One tab: navigate, evaluate, wait, screenshot, and what it asked the network for."""

    def __init__(self, browser: Chromium, session: str):
        self.browser = browser
        self.session = session

    def navigate(self, url: str) -> None:
        self.browser.call("Page.navigate", {"url": url}, self.session)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (awaited if it is a promise)."""
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression!r} threw: {details.get('exception', {}).get('description') or details}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> Any:
        """Poll until ``expression`` is truthy; its value. A failure to appear is an error, never a measurement."""
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        last = ""
        while True:
            try:  # the page may be between documents (navigating): an error is "not yet"
                value = self.evaluate(expression)
            except BrowserError as exc:
                value, last = None, f" (last: {exc})"
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"{expression!r} did not become true{last}")
            self.browser.pump(0.05)

    def events(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.browser.events if e.get("sessionId") == self.session
                and e.get("method") == method]

    def requests(self) -> list[str]:
        """Every URL this tab requested, as its network log records them."""
        return [e["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (a CSP violation is one)."""
        out = [e["exceptionDetails"].get("text", "exception") for e in self.events("Runtime.exceptionThrown")]
        out += [" ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                for e in self.events("Runtime.consoleAPICalled") if e.get("type") == "error"]
        out += [e["entry"].get("text", "") for e in self.events("Log.entryAdded")
                if e["entry"].get("level") == "error"]
        return out

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the tab (the whole page by default, at the viewport's width)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.browser.call("Page.getLayoutMetrics", {}, self.session)
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.browser.call("Page.captureScreenshot", params, self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


__all__ = ["CANDIDATES", "DEFAULT_TIMEOUT", "FLAGS", "BrowserError", "Chromium", "Page", "find_chromium"]

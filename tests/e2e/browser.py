"""What the browser tests share: Debian's Chromium, signing in, screenshots, and axe-core's accessibility check.

The workspace walks (tests/e2e/teaching/) sign in through the real sign-in
page, and call `check_accessibility` on each page they reach: axe-core (pinned
in tests/e2e/axe/package.json, installed by scripts/e2e-packages.sh) runs in the
page and any serious or critical violation of WCAG 2.1 A/AA fails the test.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "Mat-khau-rat-dai-2026"
OFFICE_PC, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 780}
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


# Runs before any script of each page; reports each Content-Security-Policy violation to the test.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => window.reportViolation(
  `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`));
"""


def open_browser(live_server, settings, monkeypatch):
    """Yields a browser context on the live server (Vietnamese, office-PC size); closes it after.

    Fails the test at the end if any page broke the Content-Security-Policy: a
    script or style the policy blocked is a feature that silently does not work.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (requirements-dev.txt)")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are safe all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    violations: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=OFFICE_PC, locale="vi-VN", base_url=live_server.url,
                                      accept_downloads=True)
        context.set_default_timeout(15_000)
        context.expose_binding("reportViolation",
                               lambda source, text: violations.append(f"{source['page'].url}: {text}"))
        context.add_init_script(LISTEN)
        try:
            yield context
        finally:
            browser.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def screenshots_folder(tmp_path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page, folder: Path, name: str) -> None:
    """The whole page at office-PC and phone widths; fails when the phone's page scrolls sideways."""
    for label, size in (("1280", OFFICE_PC), ("360", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        if size is PHONE:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px on a 360 px phone"
    page.set_viewport_size(OFFICE_PC)


def check_accessibility(page, name: str = "") -> None:
    """Runs axe-core in the page; fails on any serious or critical WCAG 2.1 A/AA violation, naming each."""
    assert AXE.exists(), f"axe-core is missing: run scripts/e2e-packages.sh ({AXE})"
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it. Without
    # `preload: false` axe copies the page's stylesheets into <style> elements, which the policy (rightly) blocks.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
                           AXE_TAGS)
    bad = [violation for violation in result["violations"] if violation["impact"] in ("serious", "critical")]
    assert not bad, f"axe-core on {name or page.url}:\n" + json.dumps(
        [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
          "where": [node["target"] for node in v["nodes"][:5]]} for v in bad], ensure_ascii=False, indent=1)

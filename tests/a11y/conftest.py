"""The two independent checkers the accessibility tests use, and where they come from.

- axe-core (npm) runs inside Debian's Chromium, driven by Playwright as in tests/e2e; it judges
  the page as a screen reader and a keyboard user meet it (WCAG 2.1 A/AA and best practice).
- The Nu Html Checker (npm package ``vnu-jar``, run with Java) judges the HTML the server sends:
  duplicate ids, ARIA on elements that cannot carry it, misplaced elements.

Both are installed by ``npm ci --ignore-scripts`` in this folder (package.json and
package-lock.json pin the versions; node_modules is not committed). Without them, or without
Java or Chromium, the tests skip with the reason; REQUIRE_BROWSER=1 (set by .ci/run) turns the
skip into a failure.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.e2e.conftest import chromium
from tests.e2e.conftest import live_server  # noqa: F401  (the app on a free port, as in tests/e2e)

HERE = Path(__file__).parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `npm ci --ignore-scripts` in tests/a11y"


def axe_or_skip() -> Path:
    if not AXE_SCRIPT.exists():
        skip_or_fail(f"axe-core is not installed ({INSTALL_HINT})", "REQUIRE_BROWSER")
    return AXE_SCRIPT


def vnu_or_skip() -> list[str]:
    """The command that starts the Nu Html Checker."""
    java = shutil.which("java")
    if java is None:
        skip_or_fail("Java is not installed (Debian: default-jre-headless)", "REQUIRE_BROWSER")
    if not VNU_JAR.exists():
        skip_or_fail(f"the Nu Html Checker is not installed ({INSTALL_HINT})", "REQUIRE_BROWSER")
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


#: rules of lesser impact that the pages keep all the same: the outline a screen reader user
#: jumps through, a name for every column, and landmarks told apart (two <nav>s need names)
ALSO_REQUIRED = {"heading-order", "empty-table-header", "landmark-unique", "page-has-heading-one"}


def axe_findings(page, axe_script: Path) -> list[dict]:
    """axe's critical and serious violations on the page as it is now, and those of
    ALSO_REQUIRED: one dict per rule, with the rule, its impact, its help text and the first few
    offending elements."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.failureSummary.split('\\n')[1]
                                    ).slice(0, 5)}));
    }""")
    return [v for v in result if v["impact"] in ("critical", "serious") or v["rule"] in ALSO_REQUIRED]


def validate_html(command: list[str], files: dict[str, Path]) -> dict[str, list[str]]:
    """Every page's HTML through one run of the Nu Html Checker (one Java start for all of
    them); returns {page name: ["line N: message", ...]} for the errors only."""
    by_file = {path.name: name for name, path in files.items()}
    run = subprocess.run([*command, "--format", "json", "--stdout", *map(str, files.values())],
                         capture_output=True, text=True, timeout=300)
    if not run.stdout.strip():
        raise RuntimeError(f"the Nu Html Checker printed no report: {run.stderr[:2000]}")
    report = json.loads(run.stdout)
    errors: dict[str, list[str]] = {name: [] for name in files}
    for message in report["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        name = by_file.get(message.get("url", "?").rsplit("/", 1)[-1], "?")
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors


@pytest.fixture(scope="module")
def browser_module():
    """Debian's Chromium, started once for a module's tests (tests/e2e starts one per test)."""
    with chromium() as launched:
        yield launched


def check_pages(browser, base: str, paths: dict[str, str | tuple[str, int]],
                html_dir: Path) -> list[str]:
    """Anonymous visits to ``paths`` ({name: path, or (path, the HTTP status it answers
    with) when not 200}) on a phone and a desktop: every problem axe (critical, serious,
    ALSO_REQUIRED) and the Nu Html Checker (errors) find, as lines."""
    axe_script, vnu = axe_or_skip(), vnu_or_skip()
    problems, files = [], {}
    for viewport, size in (("phone", {"width": 390, "height": 844}),
                           ("desktop", {"width": 1280, "height": 900})):
        phone = viewport == "phone"
        context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone,
                                      bypass_csp=True)
        for name, path in paths.items():
            path, status = path if isinstance(path, tuple) else (path, 200)
            page = context.new_page()
            response = page.goto(base + path)
            if response.status != status:
                problems.append(f"{name}: HTTP {response.status}")
            problems += [f"{name} [{viewport}]: {v['rule']} ({v['impact']}): {v['help']} "
                         + "; ".join(v["nodes"]) for v in axe_findings(page, axe_script)]
            if not phone:
                files[name] = html_dir / f"page-{len(files):02d}.html"
                files[name].write_text(response.text(), encoding="utf-8")
            page.close()
        context.close()
    for name, errors in validate_html(vnu, files).items():
        problems += [f"{name}: {error}" for error in errors]
    return problems

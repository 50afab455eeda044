"""Every page type read by axe-core at a desktop and a phone width: no serious or critical violation.

axe (tests/browser/vendor/, for the tests only: the app never serves it) goes in with
page.add_script_tag(path=...), which inlines the file in a <script> element. The app's CSP
(script-src 'self') refuses inline scripts, so the contexts here open with bypass_csp=True; every
other browser test runs under the CSP."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.waiting import BROWSER_PATIENCE_MS, PATIENCE

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WIDTHS = {"1280px": {"width": 1280, "height": 800}, "390px": {"width": 390, "height": 844}}
PAGE_TYPES = ("home", "story", "event", "article", "outlet", "search", "upload", "snapshot", "sources")
BLOCKING = ("serious", "critical")
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
SOMETHING = re.compile(r"\S")


def api(server: str, path: str) -> dict:
    return httpx.get(server + path, timeout=PATIENCE).json()


@pytest.fixture(scope="module")
def paths(server) -> dict[str, str]:
    """A page of each type on the seeded server: the event with the most passages (highlights and
    framing panels included), its story, an article and outlet of it, and a snapshot of it."""
    events = [api(server, f"/api/events/{e['event']['id']}") for e in api(server, "/api/events")["items"]]
    assert events, "the seeded server has no events"
    event = max(events, key=lambda e: sum(len(c["passages"]) for c in e["columns"]))
    column = next(c for c in event["columns"] if c["outlet"]["path"])
    snapshot = httpx.post(server + "/api/snapshots", json={"kind": "event", "id": event["event"]["id"]},
                          timeout=PATIENCE)
    assert snapshot.status_code == 201, snapshot.text
    return {
        "home": "/",
        "story": event["story"]["path"],
        "event": event["event"]["path"],
        "article": column["articles"][0]["path"],
        "outlet": column["outlet"]["path"],
        "search": "/search?q=ceasefire",
        "upload": "/upload",
        "snapshot": httpx.URL(snapshot.json()["url"]).path,
        "sources": "/sources",
    }


@pytest.fixture(params=list(WIDTHS))
def axe_page(browser, request):
    context = browser.new_context(viewport=WIDTHS[request.param], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(BROWSER_PATIENCE_MS)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def described(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {' '.join(map(str, n['target']))}: {n['failureSummary'].splitlines()[-1].strip()}"
                  for n in v["nodes"]]
    return "\n".join(lines)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_serious_or_critical_axe_violations(server, paths, axe_page, kind):
    axe_page.goto(server + paths[kind])
    axe_page.wait_for_load_state("networkidle")  # what HTMX loads after the page (the home page's arrivals)
    found = axe_violations(axe_page)
    if found:
        shot(axe_page, f"axe-{kind}-{axe_page.viewport_size['width']}px")
    assert not found, f"{kind} page at {axe_page.viewport_size['width']}px:\n{described(found)}"


def test_a_highlights_explanation_passes_axe_while_it_shows(server, paths, axe_page):
    axe_page.goto(server + paths["event"])
    mark = axe_page.locator("blockquote.passage mark.hl").first
    mark.focus()
    assert axe_page.locator(f"[id='{mark.get_attribute('aria-describedby')}']").is_visible()
    found = axe_violations(axe_page)
    assert not found, described(found)


@pytest.mark.parametrize("kind", ["story", "event"])
def test_every_control_has_a_name_and_tab_alone_reaches_it(server, paths, page, kind):
    """What a screen reader says of each link, button, field and highlight is never empty (a highlight says
    its words, and why it is marked as its description); every focus stop can be seen; Tab reaches every
    control, and the arrow keys the highlights after the first of a passage."""
    page.goto(server + paths[kind])
    controls = page.locator(CONTROLS).filter(visible=True)
    assert controls.count() > 20
    for k in range(controls.count()):
        control = controls.nth(k)
        if control.evaluate("e => e.matches('mark.hl')"):
            expect(control).to_have_accessible_description(SOMETHING)
            assert control.inner_text().strip()
        else:
            expect(control).to_have_accessible_name(SOMETHING)

    unseen = []
    for _ in range(1000):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => {
            const e = document.activeElement;
            if (e === document.body || e.dataset.reached) return null;  // around the page once
            e.dataset.reached = "yes";
            const box = e.getBoundingClientRect();
            return box.width > 0 && box.height > 0 ? "" : e.outerHTML.slice(0, 200);
        }""")
        if stop is None:
            break
        if stop:
            unseen.append(stop)
    else:
        pytest.fail("Tab went on past a thousand stops")
    assert not unseen, f"focus stops that cannot be seen: {unseen}"
    unreached = page.locator(CONTROLS).filter(visible=True).locator(
        "xpath=self::*[not(@data-reached) and not(@tabindex='-1')]")
    assert unreached.count() == 0, unreached.evaluate_all("es => es.map(e => e.outerHTML.slice(0, 200))")


def test_the_main_controls_have_the_names_a_screen_reader_says(server, paths, page):
    page.goto(server + "/")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Stories", "Articles", "Outlets", "Sources", "Search", "Add an article"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_have_attribute("href", "#main")
    search = page.get_by_role("search")
    expect(search.get_by_role("searchbox", name="Search passages")).to_be_visible()
    expect(search.get_by_role("combobox", name="Search by")).to_be_visible()
    expect(search.get_by_role("button", name="Search")).to_be_visible()

    page.goto(server + paths["search"])
    expect(page.get_by_role("searchbox", name="Words or a sentence")).to_have_value("ceasefire")
    expect(page.get_by_role("group", name="Match").get_by_role("radio", name="similar meaning")).to_be_visible()
    expect(page.get_by_role("region", name="Results").get_by_role("listitem").first).to_be_visible()

    page.goto(server + paths["upload"])
    form = page.locator("form.upload")
    for role, name in (("combobox", "Outlet"), ("textbox", "Title"), ("textbox", "URL"), ("textbox", "Byline"),
                       ("textbox", "Text"), ("combobox", "The pasted text is"), ("button", "Add the article")):
        expect(form.get_by_role(role, name=re.compile("^" + re.escape(name)))).to_be_visible()
    expect(form.get_by_label("Published")).to_have_attribute("type", "date")
    expect(form.get_by_label("…or a file")).to_have_attribute("type", "file")

    page.goto(server + paths["event"])
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")).to_contain_text("Story:")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("region", name="Comparison")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(" on ")).first).to_be_visible()  # each outlet's column
    share = page.get_by_role("button", name="Share this comparison")
    share.focus()
    page.keyboard.press("Enter")  # the keyboard alone shares
    expect(page.get_by_role("status")).to_contain_text("Snapshot saved")
    expect(page.get_by_role("textbox", name="Link")).to_have_value(re.compile(r"/c/\w+$"))
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()

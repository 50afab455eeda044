"""The framing panels and passage highlights in a real browser, on the seeded server: a highlight reached
with the keyboard explains itself, and the panels fit a phone screen."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.waiting import PATIENCE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def claimed_event(server) -> dict:
    """The seed event holding "Kelly claimed ..." (seed 000), found through the API."""
    for item in httpx.get(server + "/api/events", timeout=PATIENCE).json()["items"]:
        event = httpx.get(server + f"/api/events/{item['event']['id']}", timeout=PATIENCE).json()
        for col in event["columns"]:
            for p in col["passages"]:
                if p["text"].startswith("Kelly claimed"):
                    return {
                        "path": event["event"]["path"],
                        "passage": p["id"],
                        "story": event["story"]["path"],
                    }
    pytest.fail("the seeded server has no event with 'Kelly claimed'")


def test_a_highlight_reached_with_the_keyboard_says_why(server, page, claimed_event):
    page.goto(server + claimed_event["path"])
    assert page.locator(".framing .panel").count() == 7
    expect(page.locator(".framing .panel h3", has_text="One-sided content")).to_be_visible()
    target = page.locator(f"#passage-{claimed_event['passage']} mark.hl", has_text="claimed").first
    why_id = target.get_attribute("aria-describedby")
    explanation = page.locator(f"[id='{why_id}']")
    assert not explanation.is_visible()
    tab_into(page, f"#passage-{claimed_event['passage']}")
    for _ in range(20):  # then the arrow keys, from mark to mark, until 'claimed' has the focus
        if page.evaluate("document.activeElement.getAttribute('aria-describedby')") == why_id:
            break
        page.keyboard.press("ArrowRight")
    else:
        pytest.fail("the arrow keys never reached the highlighted 'claimed'")
    assert explanation.is_visible()
    assert "distancing attribution verb" in explanation.inner_text() and "Kelly" in explanation.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "claimed"
    shot(page, "event-framing")
    page.keyboard.press("Tab")
    assert not explanation.is_visible()


def tab_into(page, passage: str, *, limit: int = 120) -> None:
    """Tab from where the focus is until it lands inside the passage (a CSS selector)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest({passage!r})"):
            return
    pytest.fail(f"Tab never reached {passage}")


def test_a_passage_is_one_tab_stop_and_the_arrow_keys_move_among_its_highlights(server, page, claimed_event):
    page.goto(server + claimed_event["path"])
    passage = page.locator(".column-body blockquote.passage").filter(
        has=page.locator("mark.hl").nth(2)).first  # three marks or more
    selector = f"#{passage.get_attribute('id')}"
    marks = passage.locator("mark.hl")
    last = marks.count() - 1

    def focused() -> int:
        return page.evaluate(f"[...document.querySelectorAll('{selector} mark.hl')].indexOf(document.activeElement)")

    def why(k: int):
        return page.locator(f"[id='{marks.nth(k).get_attribute('aria-describedby')}']")

    tab_into(page, selector)
    assert focused() == 0, "Tab lands on the passage's first highlight"
    expect(why(0)).to_be_visible()
    page.keyboard.press("ArrowRight")
    assert focused() == 1
    expect(why(1)).to_be_visible()
    expect(why(0)).to_be_hidden()
    page.keyboard.press("ArrowDown")
    assert focused() == 2
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert focused() == 0
    page.keyboard.press("ArrowLeft")  # the arrows stop at the ends
    assert focused() == 0
    page.keyboard.press("End")
    assert focused() == last
    page.keyboard.press("Home")
    assert focused() == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")  # one Tab leaves the passage, whatever mark had the focus
    assert not page.evaluate(f"!!document.activeElement.closest({selector!r})")
    page.keyboard.press("Shift+Tab")  # and coming back lands on the mark left last
    assert focused() == 1


def test_story_panels_show_independence_and_the_verbs(server, page, claimed_event):
    page.goto(server + claimed_event["story"])
    assert "independent report" in page.locator(".panel[id$='-independence']").inner_text()
    assert "‘claimed’" in page.locator(".panel table.stances").inner_text()
    shot(page, "story-framing")


def test_event_framing_fits_a_phone_screen(server, browser, claimed_event):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(server + claimed_event["path"])
        assert phone.locator(".framing .panel").count() == 7
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        passage = phone.locator("blockquote:has(mark.hl)").first
        mark = passage.locator("mark.hl").first
        before = passage.bounding_box()
        mark.focus()  # the explanation floats below the mark's line: nothing reflows, nothing overflows
        assert phone.locator(f"[id='{mark.get_attribute('aria-describedby')}']").is_visible()
        after = passage.bounding_box()  # focus may scroll the page: compare the size
        assert (after["width"], after["height"]) == (before["width"], before["height"])
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot(phone, "event-framing-375px")
    finally:
        context.close()


def test_story_coverage_grid_fits_a_phone_and_wide_tables_say_they_scroll(server, browser, claimed_event):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(server + claimed_event["story"])
        grid = phone.locator("table.grid")
        assert grid.bounding_box()["width"] <= 390 - 2 * 12  # inside main's padding: no sideways scroll
        assert phone.locator("table.grid thead abbr.outlet-abbr").first.is_visible()  # short labels...
        assert phone.locator(".grid-legend").is_visible()  # ...named in full below
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        region = phone.locator(".panel .table-scroll").first
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
        assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the attribution table is wider than a phone"
        caption, edge = region.locator("caption").bounding_box(), region.bounding_box()
        assert caption["x"] + caption["width"] <= edge["x"] + edge["width"] + 0.5, "the caption runs out of view"
        region.focus()
        assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == region.get_attribute("aria-label")
        phone.keyboard.press("ArrowRight")
        expect(region).not_to_have_js_property("scrollLeft", 0)
        for path, name in ((claimed_event["story"], "story"), (claimed_event["path"], "event")):
            phone.goto(server + path)
            shot(phone, f"{name}-390px")
    finally:
        context.close()


# Each framing panel's box and how far down its content reaches (its children with their margins, plus
# the panel's own padding and border): a panel stretched to its row's height is blank below that.
PANEL_BOXES = """g => {
    const box = e => e.getBoundingClientRect();
    const panels = [...g.children].map(p => {
        const style = getComputedStyle(p), b = box(p);
        const end = Math.max(...[...p.children].map(c => box(c).bottom + parseFloat(getComputedStyle(c).marginBottom)));
        const filled = end + parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth) - b.top;
        return {id: p.id, left: b.left, top: b.top, right: b.right, width: b.width, filled: Math.min(filled, b.height)};
    });
    const b = box(g);
    return {left: b.left, right: b.right, width: b.width, height: b.height, panels};
}"""


def panel_rows(layout: dict) -> list[list[dict]]:
    """The panels as the eye reads them: rows from the top, each from the left."""
    rows: dict[int, list[dict]] = {}
    for p in layout["panels"]:
        rows.setdefault(round(p["top"]), []).append(p)
    return [sorted(row, key=lambda p: p["left"]) for _, row in sorted(rows.items())]


def test_at_desktop_width_the_panels_fill_the_width_in_reading_order(server, page, claimed_event):
    """At 1280 px the panels leave no empty cell at the end of a row and no tall blank beside a short
    panel, and they read, left to right and top to bottom, in the order Tab and a screen reader take."""
    page.set_viewport_size({"width": 1280, "height": 900})
    for path, name in ((claimed_event["story"], "story"), (claimed_event["path"], "event")):
        page.goto(server + path)
        layout = page.eval_on_selector(".framing .panels", PANEL_BOXES)
        rows = panel_rows(layout)
        seen = [p["id"] for row in rows for p in row]
        assert seen == [p["id"] for p in layout["panels"]], f"{name}: the panels are shown out of the page's order"
        assert any(len(row) > 1 for row in rows), f"{name}: no two panels side by side"
        for row in rows:
            assert abs(row[0]["left"] - layout["left"]) <= 1 and abs(row[-1]["right"] - layout["right"]) <= 1, (
                f"{name}: a row of panels leaves part of the width empty: {[p['id'] for p in row]}")
        filled = sum(p["width"] * p["filled"] for p in layout["panels"])
        blank = 1 - filled / (layout["width"] * layout["height"])
        assert blank < 0.15, f"{name}: {blank:.0%} of the panels' area is blank"
        shot(page, f"{name}-1280px")


def test_the_tone_table_fits_a_phone(server, browser, claimed_event):
    """At 390 px the tone table stacks (each outlet on its line, its two figures below it): it does not
    scroll sideways, every figure is in view, and it is still a table with a row header per outlet."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = context.new_page()
        for path in (claimed_event["story"], claimed_event["path"]):
            phone.goto(server + path)
            region = phone.get_by_role("region", name="Tone by outlet")
            assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the tone table scrolls sideways"
            table = region.get_by_role("table")
            outlets = table.get_by_role("rowheader")
            assert outlets.count() >= 2
            assert table.get_by_role("cell").count() == 2 * outlets.count()
            assert table.get_by_role("columnheader", name="Sentiment").is_visible()
            edge = region.bounding_box()
            for k in range(table.get_by_role("cell").count()):
                cell = table.get_by_role("cell").nth(k).bounding_box()
                assert edge["x"] <= cell["x"] and cell["x"] + cell["width"] <= edge["x"] + edge["width"] + 0.5
    finally:
        context.close()

"""The README's screenshots, taken from a fresh seeded server: the seed story's page and its first
event's page at 1280 and 390 px wide, the top of each page (what a reader sees first), and the top
of the story's framing panels at 1280 px.

    make screenshots        # or: .venv/bin/python docs/screenshots.py

Writes docs/story-1280.png, docs/story-390.png, docs/event-1280.png, docs/event-390.png and
docs/story-panels-1280.png. Needs Debian's Chromium, as the browser tests do.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402
from tests.helpers import cli_env, running_server  # noqa: E402

SIZES = {1280: 900, 390: 844}  # width: height of the part shown
PANELS_WIDTH, PANELS_HEIGHT = 1280, 1400  # the framing panels: their first rows


def api(base: str, path: str) -> dict:
    import httpx

    return httpx.get(base + path, timeout=120).json()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="parallax-screenshots-") as tmp, \
            running_server(cli_env(Path(tmp) / "data"), "--seed") as base, sync_playwright() as p:
        story = api(base, "/api/stories")["items"][0]["story"]["path"]
        event = api(base, "/api/events")["items"][0]["event"]["path"]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            for name, path in (("story", story), ("event", event)):
                page.goto(base + path, wait_until="networkidle")
                out = ROOT / "docs" / f"{name}-{width}.png"
                page.screenshot(path=str(out))
                print(out.relative_to(ROOT))
            if width == PANELS_WIDTH:
                page.goto(base + story, wait_until="networkidle")
                box = page.locator("section.framing").first.bounding_box()
                out = ROOT / "docs" / f"story-panels-{width}.png"
                page.screenshot(path=str(out), full_page=True,
                                clip={"x": 0, "y": box["y"], "width": width, "height": min(box["height"], PANELS_HEIGHT)})
                print(out.relative_to(ROOT))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

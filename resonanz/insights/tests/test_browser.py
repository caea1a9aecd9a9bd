"""The dashboard in a real browser (Debian's chromium): the charts render, under the real CSP."""

from __future__ import annotations

import io
import os

import pytest
from django.test import Client
from PIL import Image

from resonanz.insights import rollup
from resonanz.insights.charts import BUILDERS
from resonanz.insights.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Distinct colours among the canvas pixels: a blank canvas has one (transparent), a chart many.
DISTINCT_COLOURS = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const seen = new Set();
  for (let i = 0; i < data.length; i += 16) seen.add(data.slice(i, i + 4).join(","));
  return seen.size;
}"""


def test_dashboard_charts_render(browser_page, live_server, brand, agent):
    chan = f.channel(brand)
    for n, sentiment in enumerate(["negative", "neutral", "positive", "negative"]):
        conv = f.conversation(chan, f.at(5 + n, 9))
        f.customer(
            conv,
            f.at(5 + n, 9),
            sentiment=sentiment,
            criticism=sentiment == "negative",
            topics=["app"],
            handle=f"k{n}",
        )
        f.answer(conv, f.at(5 + n, 9, 14 * (n + 1)), by=agent)
    rollup.consume_all()
    client = Client()
    client.force_login(agent)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/b/{brand.slug}/insights/?period=2026-10")
    page.wait_for_selector('canvas[data-chart="sentiment"][data-rendered="true"]')
    rendered = page.locator("canvas[data-rendered=true]")
    assert rendered.count() == len(BUILDERS)
    assert page.locator('canvas[data-chart="sentiment"]').evaluate(DISTINCT_COLOURS) > 3
    assert page.locator('canvas[data-chart="response_time"]').evaluate(DISTINCT_COLOURS) > 3
    # The screenshot of a chart is a real picture, not an empty box (and readable at phone width).
    for chart in ("sentiment", "response_rate", "topics"):
        shot = Image.open(io.BytesIO(page.locator(f'canvas[data-chart="{chart}"]').screenshot()))
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 20, chart  # None: more than 65,536 colours
        drawn = sum(n for n, rgb in (colours or []) if rgb != (255, 255, 255))
        assert colours is None or drawn > shot.width * shot.height // 50, chart
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    if os.environ.get("RESONANZ_SCREENSHOT_DIR"):  # for looking at the page while developing
        page.screenshot(
            path=os.path.join(os.environ["RESONANZ_SCREENSHOT_DIR"], "dashboard.png"), full_page=True
        )
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

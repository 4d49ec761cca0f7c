"""demo in a real browser: Playwright drives Debian's Chromium through the Rewrite and Restore tabs.

A word-list tagger stands in for the model so the expected highlights and rewrite are known exactly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from demo.config import DemoConfig
from demo.engine import Engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KNOWN = {"Mitchell": "PER", "Paris": "LOC"}
COLORS = {"PER": "rgba(245, 158, 11, 0.5)", "LOC": "rgba(16, 185, 129, 0.5)"}  # demo.views.COLORS at 50%

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not shutil.which("chromium"),
    reason="no Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
)


def word_tagger(texts: list[str]) -> list[list[dict]]:
    """Tags the first occurrence of each KNOWN word."""
    out = []
    for text in texts:
        found = [(text.find(word), word, group) for word, group in KNOWN.items() if word in text]
        out.append(
            [{"entity_group": g, "score": 0.99, "word": w, "start": s, "end": s + len(w)} for s, w, g in sorted(found)]
        )
    return out


@pytest.fixture(scope="module")
def localizer(tmp_path_factory: pytest.TempPathFactory, tiny_parts):
    return tiny_parts(tmp_path_factory.mktemp("browser"))[1]


@pytest.fixture(scope="module")
def url(localizer):
    from demo.app import serve

    blocks = serve(Engine(word_tagger, localizer, DemoConfig(port=0)))
    yield blocks.local_url
    blocks.close()


@pytest.fixture(scope="module")
def surnames(localizer) -> tuple[str, str, str]:
    """What Mitchell becomes towards India, and its first two alternatives: the pools' frequency-weighted draw
    decides them, so the test asks the same localizer the app runs on rather than naming them."""
    text = "My name is Mitchell and I live in Paris"
    record = localizer.rewrite(text, word_tagger([text])[0], "India", "USA").replacements[0]
    first, second = [name for name in record.alternatives if name != record.replacement][:2]
    return record.replacement, first, second


@pytest.fixture(scope="module")
def page(url: str):
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1100})
        page.set_default_timeout(30_000)
        playwright.expect.set_options(timeout=30_000)  # the first rewrite loads the pools: seconds on a busy machine
        page.goto(url)
        yield page
        browser.close()


def highlighted(page, elem_id: str) -> list[tuple[str, str]]:
    """(text, background colour) of each highlighted span of a HighlightedText."""
    spans = page.locator(f"#{elem_id} .token.highlighted")
    return [(span.inner_text().strip(), span.evaluate("e => e.style.backgroundColor")) for span in spans.all()]


def test_type_click_and_read_the_rewrite(page, surnames: tuple[str, str, str]) -> None:
    surname = surnames[0]
    page.locator("#text textarea").fill("My name is Mitchell and I live in Paris")
    page.get_by_role("button", name="Rewrite", exact=True).click()
    rewritten = page.locator("#rewritten textarea")
    # A capital becomes the target's capital.
    playwright.expect(rewritten).to_have_value(f"My name is {surname} and I live in Mumbai")
    assert highlighted(page, "marked-in") == [("Mitchell", COLORS["PER"]), ("Paris", COLORS["LOC"])]
    assert highlighted(page, "marked-out") == [(surname, COLORS["PER"]), ("Mumbai", COLORS["LOC"])]
    legend = page.locator("#marked-in [data-testid='highlighted-text:category-legend'] .legend-item")
    assert legend.all_inner_texts() == ["PER", "LOC", "ORG", "MISC"]
    playwright.expect(page.get_by_role("gridcell", name=surname, exact=True)).to_be_visible()


def test_error_is_shown_to_the_user(page) -> None:
    page.locator("#text textarea").fill("I live in Paris")
    page.get_by_label("Target context").fill("zzqx")
    page.get_by_role("button", name="Rewrite", exact=True).click()
    playwright.expect(page.get_by_text("unknown target word 'zzqx'")).to_be_visible()


def test_edit_a_replacement_download_the_mapping_and_restore(
    page, tmp_path: Path, surnames: tuple[str, str, str]
) -> None:
    surname, typed, picked = surnames
    original = "My name is Mitchell and I live in Paris"
    page.locator("#text textarea").fill(original)
    page.get_by_label("Target context").fill("India")
    page.get_by_label("Target context").press("Enter")
    page.get_by_role("button", name="Rewrite", exact=True).click()
    rewritten = page.locator("#rewritten textarea")
    playwright.expect(rewritten).to_have_value(f"My name is {surname} and I live in Mumbai")
    # Mitchell's first alternative, typed over the replacement in the table: the text and highlights follow.
    cell = page.locator("#replacements").get_by_role("gridcell", name=surname, exact=True)
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    playwright.expect(rewritten).to_have_value(f"My name is {typed} and I live in Mumbai")
    playwright.expect(page.locator("#marked-out .token.highlighted").first).to_have_text(typed)
    assert highlighted(page, "marked-out") == [(typed, COLORS["PER"]), ("Mumbai", COLORS["LOC"])]
    # ...or picked from the entity's alternatives below the table.
    page.locator("#pick-original input").click()
    page.get_by_role("option", name="Mitchell (PER)").click()
    page.locator("#pick-replacement input").click()
    page.get_by_role("option", name=picked, exact=True).click()
    playwright.expect(rewritten).to_have_value(f"My name is {picked} and I live in Mumbai")
    playwright.expect(page.locator("#replacements").get_by_role("gridcell", name=picked, exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.locator("#download-mapping").click()
    mapping = tmp_path / "mapping.json"
    download.value.save_as(mapping)
    page.get_by_role("tab", name="Restore").click()
    page.locator("#restore-text textarea").fill(rewritten.input_value())
    page.locator("#restore-mapping input[type=file]").set_input_files(str(mapping))
    page.get_by_role("button", name="Restore", exact=True).click()
    playwright.expect(page.locator("#restored textarea")).to_have_value(original)


def test_upload_untick_and_the_open_vocabulary_notice(page, tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text("# Notes\n\nMitchell moved to Paris.\n", encoding="utf-8")
    page.get_by_role("tab", name="Rewrite").click()  # the test before ends on the Restore tab
    with page.expect_file_chooser() as chooser:
        page.locator("#upload-text").click()
    chooser.value.set_files(str(story))
    playwright.expect(page.locator("#text textarea")).to_have_value(story.read_text())
    page.get_by_label("Target context").fill("delhi")  # in the tiny vectors, and no country
    page.get_by_label("Target context").press("Enter")
    page.get_by_role("button", name="Rewrite", exact=True).click()
    playwright.expect(page.locator("#notice")).to_contain_text("names no country")
    rewritten = page.locator("#rewritten textarea")
    playwright.expect(rewritten).not_to_have_value(story.read_text())
    before = rewritten.input_value()
    assert "Paris" not in before
    # Untick "replace" on Paris's row: Paris is back, the rest stays as it was.
    paris = page.get_by_role("gridcell", name="Paris", exact=True)
    row = page.locator("#replacements [role=row]").filter(has=paris)
    row.locator("input[type=checkbox]").click()
    playwright.expect(rewritten).to_have_value(re.compile("moved to Paris"))
    assert rewritten.input_value().split("moved to")[0] == before.split("moved to")[0]
    page.get_by_label("Target context").fill("India")
    page.get_by_label("Target context").press("Enter")

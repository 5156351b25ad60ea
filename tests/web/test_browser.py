"""Headless Chromium (Debian's, driven by Playwright) reads the pages as a user would: from the
corpus to a document, to a person, to a quotation's trace, and a search; no script ever runs."""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from historiograph.web import render

from .hostile import HOSTILE_ID, IMG, LINK, NAME, SCRIPT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return Path(os.environ.get("HISTORIOGRAPH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed; .ci/run installs it (requirements/system-test.txt)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every dialog and page error: a script that ran would leave one."""
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.ran = []
    page.on("dialog", lambda dialog: (page.ran.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.ran.append(str(error)))
    yield page
    context.close()


def test_from_the_corpus_to_a_document_a_person_and_a_trace(page, shots):
    page.goto("/")
    assert page.locator("h1").inner_text() == "The ledger"
    page.screenshot(path=shots / "corpus.png", full_page=True)
    page.get_by_role("link", name="The Granary Accounts").click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator(".paragraph").count() >= 3
    assert page.locator(".provenance span", has_text="copy A").count() >= 1
    page.screenshot(path=shots / "document.png", full_page=True)

    page.goto(render.document_url(HOSTILE_ID))
    page.locator("a.entity.person").first.click()
    page.wait_for_url(re.compile(r"/people/"))
    assert page.locator("h1").inner_text() == NAME
    page.screenshot(path=shots / "person.png", full_page=True)
    page.locator("a.trace").first.click()
    page.wait_for_url(re.compile(r"/quotes/"))
    assert page.locator(".attestations li").count() == 2
    assert page.locator(".badge.conflict").first.inner_text().lower() == "attribution"
    page.screenshot(path=shots / "trace.png", full_page=True)
    assert page.ran == []


def test_a_search_from_the_masthead(page, shots):
    page.goto("/")
    page.get_by_label("Search the ledger").fill("newspaper poor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=newspaper"))
    assert page.locator(".result").count() >= 1
    assert page.locator(".snippet mark").count() >= 1
    page.select_option("select[name=kind]", "document")
    page.get_by_role("button", name="Search").click()
    assert {page.locator(".result .badge").nth(i).inner_text().lower()
            for i in range(page.locator(".result").count())} == {"document"}
    page.screenshot(path=shots / "search.png", full_page=True)
    assert page.ran == []


def test_hostile_text_is_shown_as_text_and_never_runs(page, shots):
    for url in (render.document_url(HOSTILE_ID), render.person_url(NAME), render.quote_url(HOSTILE_ID, "q1"),
                "/search?q=archive", "/"):
        page.goto(url)
        assert page.locator("script").count() == 0, url
        assert page.locator("img").count() == 0, url
        assert page.locator("a[href^='javascript:']").count() == 0, url
    page.goto(render.document_url(HOSTILE_ID))
    body = page.locator("main").inner_text()
    for hostile in (SCRIPT, IMG, LINK, NAME, "javascript:alert(4)"):
        assert hostile in body
    page.locator("a.entity.person").first.hover()
    page.screenshot(path=shots / "hostile.png", full_page=True)
    assert page.ran == []

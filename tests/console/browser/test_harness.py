"""The harness's accessibility check finds what it should: a page it passes is not just a page it never read."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.console.browser.harness import check_accessibility

pytestmark = pytest.mark.browser

INACCESSIBLE = """<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>
<h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="q"><button></button></form></main></body></html>"""


def test_serious_and_critical_violations_fail_the_page_and_name_each_element(page: Page):
    page.set_content(INACCESSIBLE)
    with pytest.raises(AssertionError) as failed:
        check_accessibility(page)
    report = str(failed.value)
    assert "critical: image-alt: Images must have alternative text" in report
    assert "critical: label: Form elements must have labels" in report
    assert "critical: button-name: Buttons must have discernible text" in report
    assert 'at input: <input type="text" name="q">' in report


def test_a_page_with_no_serious_violation_passes(page: Page):
    page.set_content('<!doctype html><html lang="en"><title>Fine</title><main><h1>Fine</h1></main></html>')
    check_accessibility(page)

"""The pages a consumer reaches from an email, in a real browser on a phone-sized screen (headless Chromium driven
by Selenium): the unsubscribe link from a message that `recoup serve` sent asks before it acts (link scanners
follow GETs), the button opts the address out, and a forged tracking link says so in both languages. Screenshots
are kept in the test's folder."""

from __future__ import annotations

import shutil
import time

import pytest

from conftest import business_afternoon_offset, serving, unavailable


@pytest.fixture
def browser():
    """Headless Chromium at a phone's width; CI installs it, elsewhere the test is skipped with the reason."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    driver_path = shutil.which("chromedriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if webdriver is None or driver_path is None or chromium is None:
        unavailable("headless Chromium (chromium, chromium-driver) and selenium are needed for the browser tests")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def test_a_consumer_unsubscribes_from_a_phone(recoup, recoup_bin, smtp_sink, browser, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import text_to_be_present_in_element
    from selenium.webdriver.support.wait import WebDriverWait

    env = dict(recoup.env, RECOUP_SMTP_URL=smtp_sink.url, RECOUP_CLOCK_OFFSET=business_afternoon_offset())
    with serving(recoup_bin, env, "--demo") as server:
        _, page = server.call("GET", "/v1/accounts?limit=50&status=active")
        queued = None
        for account in page["items"]:
            status, answer = server.call("POST", f"/v1/accounts/{account['id']}/messages",
                                         {"channel": "email", "subject": "Your account", "text": "Hello,\n\nPlease call us."})
            if status == 202:
                queued = answer
                break
        assert queued is not None, "some demo account can be emailed on a weekday afternoon"
        message_id = f"<{queued['id']}@recoup.localhost>"
        for _ in range(100):
            if message_id in smtp_sink.ids():
                break
            time.sleep(0.2)
        received = next(m for m in smtp_sink.messages if str(m["Message-ID"]) == message_id)
        link = str(received["List-Unsubscribe"]).strip("<>")

        browser.get(link)
        assert "Unsubscribe · Cancelar suscripción" in browser.find_element(By.TAG_NAME, "h1").text
        assert "¿Dejar de recibir nuestros correos" in browser.page_source, "the question in Spanish too"
        browser.save_screenshot(str(tmp_path / "unsubscribe.png"))
        status, _ = server.call("POST", f"/v1/accounts/{queued['account_id']}/messages",
                                {"channel": "email", "subject": "Again", "text": "Still subscribed."})
        assert status == 202, "opening the page changed nothing"

        browser.find_element(By.TAG_NAME, "button").click()
        # The click submits a form: wait for the answer page instead of reading the question page's heading,
        # which goes stale underneath us when the navigation lands.
        WebDriverWait(browser, 10).until(text_to_be_present_in_element((By.TAG_NAME, "h1"), "Unsubscribed"))
        assert queued["recipient"] in browser.page_source
        browser.save_screenshot(str(tmp_path / "unsubscribed.png"))
        status, refusal = server.call("POST", f"/v1/accounts/{queued['account_id']}/messages",
                                      {"channel": "email", "subject": "Again", "text": "Hello again."})
        assert status == 409 and refusal["rule"] == "REGF-1006.14h-MEDIUM", refusal

        browser.get(server.base + "/c/forged-token?u=https%3A%2F%2Fexample.com%2F")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Link not recognised"
        assert "Enlace no reconocido." in browser.page_source and browser.title == "Link not recognised"
        assert browser.current_url.startswith(server.base + "/c/"), "a forged link redirects nowhere"
        browser.save_screenshot(str(tmp_path / "forged.png"))
    print(f"\nscreenshots: {tmp_path}")

"""The communications issue's "done means", end to end on the demo tenant of one real `recoup serve --demo`.

An operator sends a Spanish-speaking consumer an email, a text and a final-demand letter through the API. The email
arrives at a real SMTP server (aiosmtpd), the text at an in-test Twilio-compatible provider (which reports it
delivered through the signed status callback), and the letter lands in the day's print batch as a PDF. The account's
communications show all three sent. The email's relay reports it delivered, and the consumer opening it (the pixel)
and following its link (the click redirect) show up as `opened` and `clicked` on that message.

The consumer then replies STOP from their phone. They get one confirmation, even when the provider retries the
webhook. The next text the operator tries is refused with the deciding rule, and nothing more reaches their number.
Last, the consumer rings the IVR, picks Spanish, types the reference from the letter and their ZIP code, and hears
the balance in Spanish, in the amount the API reports.

Killing the server mid-drain is covered by test_email_dispatch.py
(`test_killing_the_server_mid_drain_loses_nothing_and_repeats_only_unknown_hand_offs`)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import RunningServer, Sink, business_afternoon_offset, free_port, pdftotext_path, serving
from test_sms import ACCOUNT, FROM, TOKEN, Provider, post_signed

DEADLINE = 30  # seconds any one thing may take to happen
EVENTS_SECRET = "e2e-email-events-secret"
LINK = "https://pay.example.com/plan?ref=e2e"


def eventually(what: str, probe, timeout: float = DEADLINE):
    """Polls `probe` until it answers something truthy and returns that; fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.2)


def dollars(money: dict) -> str:
    """A Money object of the API as the consumer hears or reads it: `$17,271.49`."""
    assert money["currency"] == "USD", money
    whole, cents = divmod(money["amount_minor"], 100)
    assert f"{whole}.{cents:02d}" == money["amount"], money  # the two spellings the API gives agree
    return f"${whole:,}.{cents:02d}"


@dataclass
class Demo:
    """The running demo: the server, its tenant, and the fakes standing in for the relay, the provider and the printer."""

    server: RunningServer
    tenant: str
    sink: Sink
    provider: Provider
    print_dir: Path

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """An operator's API call with the demo admin key, waiting out the per-key rate limit (429) like a client."""
        deadline = time.monotonic() + DEADLINE
        while True:
            status, answer = self.server.call(method, path, body)
            if status != 429 or time.monotonic() > deadline:
                return status, answer
            time.sleep(1)

    def webhook(self, path: str, fields: dict[str, str], token: str = TOKEN) -> tuple[int, str]:
        """POSTs a form-encoded webhook as the SMS/voice provider does, signed over Recoup's public URL + path."""
        return post_signed(self.server.base + path, fields, token)

    def texts_to(self, number: str) -> list[dict[str, str]]:
        """Every text the provider accepted for `number`."""
        with self.provider.lock:
            return [m for m in self.provider.messages.values() if m["To"] == number]

    def communication(self, account_id: str, message_id: str) -> dict:
        status, listed = self.call("GET", f"/v1/accounts/{account_id}/communications")
        assert status == 200, listed
        return next(m for m in listed["items"] if m["id"] == message_id)


@dataclass
class Sent:
    """What the operator sent, and to whom: the account, its consumer, and the three queued messages."""

    account: dict
    consumer: dict
    email: dict
    sms: dict
    letter: dict


@pytest.fixture(scope="module")
def demo(recoup_bin: Path, tmp_path_factory):
    """`recoup serve --demo` with an SMTP relay, an SMS provider, a print folder, the email relay's event secret and
    a clock on a weekday afternoon, so every channel is within its hours."""
    tmp = tmp_path_factory.mktemp("done-means")
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.url = f"smtp://127.0.0.1:{controller.port}"  # type: ignore[attr-defined]
    provider = Provider()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RECOUP_DATA_DIR=str(tmp / "data"), RECOUP_SMTP_URL=sink.url, RECOUP_SMS_URL=provider.url, RECOUP_SMS_FROM=FROM,
               RECOUP_PRINT_DIR=str(tmp / "print"), RECOUP_CLOCK_OFFSET=business_afternoon_offset(),
               RECOUP_COLLECTOR_ADDRESS="PO Box 1234|Austin, TX 78701", RECOUP_EMAIL_EVENTS_SECRET=EVENTS_SECRET)
    try:
        with serving(recoup_bin, env, "--demo") as server:
            listed = subprocess.run([str(recoup_bin), "tenant", "list", "--json"], env=env, capture_output=True, text=True,
                                    timeout=60, check=True)
            tenants = json.loads(listed.stdout)["items"]
            assert len(tenants) == 1, tenants
            yield Demo(server, tenants[0]["id"], sink, provider, tmp / "print")
    finally:
        provider.server.shutdown()
        controller.stop()


def spanish_speaker_reachable_everywhere(demo: Demo) -> tuple[dict, dict]:
    """The first active demo account whose consumer prefers Spanish and can lawfully be emailed, texted (a mobile with
    consent) and written to now, with the consumer as the API shows them."""
    cursor = None
    while True:
        status, page = demo.call("GET", "/v1/accounts?limit=100&status=active" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, page
        for account in page["items"]:
            status, consumer = demo.call("GET", f"/v1/consumers/{account['primary_consumer_id']}")
            assert status == 200, consumer
            if consumer["language"] != "es" or not consumer["emails"] or not consumer["addresses"]:
                continue
            if not any(p["type"] == "cell" and p["consent"] == "yes" for p in consumer["phones"]):
                continue
            status, decisions = demo.call("GET", f"/v1/accounts/{account['id']}/contactability")
            assert status == 200, decisions
            allowed = {d["channel"] for d in decisions["items"] if d["allowed"]}
            if {"email", "sms", "letter"} <= allowed:
                return account, consumer
        cursor = page.get("next_cursor")
        if not cursor:
            raise AssertionError("no Spanish-speaking demo consumer can be emailed, texted and written to")


@pytest.fixture(scope="module")
def sent(demo: Demo) -> Sent:
    """The operator queues an email, a text and a final demand to one account through the API (each 202)."""
    account, consumer = spanish_speaker_reachable_everywhere(demo)
    path = f"/v1/accounts/{account['id']}/messages"
    status, email = demo.call("POST", path, {"channel": "email", "subject": "Su cuenta",
                                             "text": f"Hola,\n\nTiene un plan de pago disponible: {LINK}"})
    assert status == 202 and email["channel"] == "email" and email["recipient"] == consumer["emails"][0]["address"], email
    status, sms = demo.call("POST", path, {"channel": "sms", "text": "Hola, tiene un plan de pago disponible."})
    mobile = next(p["number"] for p in consumer["phones"] if p["type"] == "cell" and p["consent"] == "yes")
    assert status == 202 and sms["channel"] == "sms" and sms["recipient"] == mobile, sms
    status, letter = demo.call("POST", path, {"channel": "letter", "letter": "final_demand",
                                              "text": "Su cuenta sigue sin pagar.\n\nLlámenos para resolverla."})
    assert status == 202 and letter["channel"] == "letter", letter
    return Sent(account, consumer, email, sms, letter)


def manifest_row(demo: Demo, message_id: str) -> dict[str, str] | None:
    """The print batch's manifest row of a letter, once the dispatcher has filed it."""
    for manifest in demo.print_dir.glob("*/manifest.csv"):
        with open(manifest, newline="") as file:
            for row in csv.DictReader(file):
                if row["message_id"] == message_id:
                    return dict(row, folder=str(manifest.parent))
    return None


def test_an_operator_sends_an_email_a_text_and_a_letter_and_sees_each_delivered_and_tracked(demo: Demo, sent: Sent) -> None:
    """The consumer's inbox, phone and the print batch each get their message once, in Spanish, with the required
    statements; /communications shows all three sent; the email is reported delivered by the relay and opened and
    clicked by the consumer, the text delivered by the provider's status callback."""
    account_id = sent.account["id"]
    message_id = f"<{sent.email['id']}@recoup.localhost>"

    # The email: at the SMTP server once, Spanish disclosure added, the open pixel and a tracked link in its HTML.
    eventually("the SMTP server receives the email", lambda: message_id in demo.sink.ids())
    assert demo.sink.ids().count(message_id) == 1
    received = next(m for m in demo.sink.messages if str(m["Message-ID"]) == message_id)
    assert received["To"] == sent.email["recipient"] and received["Subject"] == "Su cuenta"
    text = received.get_body(("plain",)).get_content()
    assert "Tiene un plan de pago disponible" in text and "Esta es una comunicación de un cobrador de deudas" in text, text
    html = received.get_body(("html",)).get_content()
    pixels = re.findall(r'<img src="([^"]+)"', html)
    hrefs = [link.replace("&amp;", "&") for link in re.findall(r'<a href="([^"]+)"', html)]
    base = demo.server.base
    assert len(pixels) == 1 and pixels[0].startswith(base + "/t/") and pixels[0].endswith(".gif"), pixels
    tracked = [link for link in hrefs if link.startswith(base + "/c/")]
    assert len(tracked) == 1 and LINK not in hrefs, f"the link goes through the click redirect: {hrefs}"

    # The text: at the provider once, from the configured number, in Spanish with the opt-out line.
    texts = eventually("the provider receives the text", lambda: demo.texts_to(sent.sms["recipient"]))
    assert len(texts) == 1 and texts[0]["From"] == FROM, texts
    assert texts[0]["Body"].startswith("Hola, tiene un plan de pago disponible.")
    assert texts[0]["Body"].endswith("Responda STOP para no recibir más mensajes."), texts[0]["Body"]

    # The letter: filed once in the day's print batch, a PDF addressed to the consumer with the balance and reference.
    row = eventually("the letter is filed in the print batch", lambda: manifest_row(demo, sent.letter["id"]))
    assert row["kind"] == "final_demand" and row["language"] == "es" and row["account_id"] == account_id, row
    pdf = Path(row["folder"]) / row["file"]
    assert pdf.read_bytes().startswith(b"%PDF"), pdf
    letter = " ".join(subprocess.run([pdftotext_path(), str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    name = sent.consumer["name"]
    assert f"{name['first']} {name['last']}" in letter and sent.consumer["addresses"][0]["line1"] in letter, letter[:300]
    assert "Aviso final" in letter and "Su cuenta sigue sin pagar." in letter and row["reference"] in letter, letter
    assert dollars(sent.account["current_balance"]) in letter, letter

    # What the operator sees: all three sent.
    def all_sent():
        status, listed = demo.call("GET", f"/v1/accounts/{account_id}/communications")
        assert status == 200, listed
        mine = {m["id"]: m for m in listed["items"] if m["id"] in (sent.email["id"], sent.sms["id"], sent.letter["id"])}
        return mine if len(mine) == 3 and all(m["status"] == "sent" and m["sent_at"] for m in mine.values()) else None
    listed = eventually("the account's communications show the three messages sent", all_sent)
    assert {m["channel"] for m in listed.values()} == {"email", "sms", "letter"}
    assert listed[sent.sms["id"]]["provider_ref"] == texts[0]["sid"]

    # The provider's signed status callback marks the text delivered.
    eventually("the text shows delivered",
               lambda: "delivered" in [e["kind"] for e in demo.communication(account_id, sent.sms["id"])["events"]])
    assert 204 in demo.provider.callbacks, demo.provider.callbacks

    # The relay reports the email delivered (its signed event webhook); the consumer opens it and follows its link.
    body = json.dumps([{"message_id": message_id, "event": "delivered", "detail": "250 2.0.0 OK"}]).encode()
    signature = "sha256=" + hmac.new(EVENTS_SECRET.encode(), body, hashlib.sha256).hexdigest()
    events = urllib.request.Request(f"{base}/webhooks/email/{demo.tenant}/events", data=body, method="POST",
                                    headers={"Content-Type": "application/json", "X-Recoup-Signature": signature})
    with urllib.request.urlopen(events, timeout=10) as response:
        assert response.status == 204
    with urllib.request.urlopen(pixels[0], timeout=10) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/gif" and response.read().startswith(b"GIF")

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        urllib.request.build_opener(NoRedirects).open(tracked[0], timeout=10)
        raise AssertionError("the tracked link answers a redirect")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302 and redirect.headers["Location"] == LINK, (redirect.code, redirect.headers)

    def engaged():
        message = demo.communication(account_id, sent.email["id"])
        return message if {"delivered", "opened", "clicked"} <= {e["kind"] for e in message["events"]} else None
    email = eventually("the email shows delivered, opened and clicked", engaged)
    clicked = next(e for e in email["events"] if e["kind"] == "clicked")
    assert clicked["detail"] == LINK and all(e["occurred_at"] for e in email["events"]), email["events"]


def test_a_consumer_who_replies_stop_gets_one_confirmation_and_is_never_texted_again(demo: Demo, sent: Sent) -> None:
    """The consumer texts STOP: the webhook's answer is the Spanish confirmation, once (the provider's retry of the same
    message gets none); the operator's next text is refused with 409 naming the rule; no other text reaches them."""
    number, account_id = sent.sms["recipient"], sent.account["id"]
    eventually("the first text reached the consumer", lambda: demo.texts_to(number))

    fields = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": number, "To": FROM, "Body": "STOP", "AccountSid": ACCOUNT}
    assert demo.webhook(f"/webhooks/sms/{demo.tenant}/inbound", fields, token="forged")[0] == 403, "an unsigned STOP is refused"
    status, twiml = demo.webhook(f"/webhooks/sms/{demo.tenant}/inbound", fields)
    assert status == 200, twiml
    replies = [m.text for m in ET.fromstring(twiml).iter("Message")]
    assert replies == ["Se canceló su suscripción: no recibirá más mensajes nuestros en este número. "
                       "Responda START para volver a suscribirse."], twiml
    status, twiml = demo.webhook(f"/webhooks/sms/{demo.tenant}/inbound", fields)  # the provider retries the webhook
    assert status == 200 and list(ET.fromstring(twiml).iter("Message")) == [], f"one confirmation only: {twiml}"

    status, refusal = demo.call("POST", f"/v1/accounts/{account_id}/messages", {"channel": "sms", "text": "Hola de nuevo."})
    assert status == 409 and refusal["rule"] in ("TCPA-64.1200a10-REVOKE", "REGF-1006.14h-MEDIUM"), (status, refusal)
    assert refusal["detail"], refusal
    status, decisions = demo.call("GET", f"/v1/accounts/{account_id}/contactability")
    assert status == 200 and not any(d["allowed"] for d in decisions["items"] if d["channel"] == "sms"), decisions

    status, queued = demo.call("GET", "/v1/outbox?status=queued")
    assert status == 200 and not [m for m in queued["items"] if m["channel"] == "sms" and m["recipient"] == number], queued
    status, facts = demo.call("GET", f"/v1/accounts/{account_id}/facts")
    assert status == 200 and {"opt_out", "tcpa_revocation"} <= {f["kind"] for f in facts["items"]}, facts
    assert len(demo.texts_to(number)) == 1, "nothing but the first text ever reached the number"


def test_a_consumer_calling_the_ivr_in_spanish_hears_the_balance(demo: Demo, sent: Sent) -> None:
    """The consumer calls from the mobile they were texted at: picks Spanish (2), types the reference printed on the
    final demand and their ZIP code, hears the Spanish debt-collector disclosure and the menu, presses 1 and hears
    "Su saldo es de $…" in es-US, in the amount GET /v1/accounts/{id} reports."""
    row = eventually("the letter is filed in the print batch", lambda: manifest_row(demo, sent.letter["id"]))
    reference, zip_code = row["reference"], sent.consumer["addresses"][0]["zip"][:5]
    status, account = demo.call("GET", f"/v1/accounts/{sent.account['id']}")
    assert status == 200, account
    balance = dollars(account["itemization"]["current_balance"])
    call = {"CallSid": f"CA{uuid.uuid4().hex}", "From": sent.sms["recipient"], "To": FROM, "AccountSid": ACCOUNT}
    inbound = f"/webhooks/voice/{demo.tenant}/inbound"
    assert demo.webhook(inbound, call, token="forged")[0] == 403, "an unsigned call is refused"

    state = {"next": inbound}

    def press(digits: str | None) -> list[tuple[str, str]]:
        """One webhook as the provider sends it after the caller's key presses; answers the (language, text) spoken,
        and follows the answer's <Gather action> next."""
        status, twiml = demo.webhook(state["next"], dict(call, Digits=digits) if digits is not None else call)
        assert status == 200, twiml
        answer = ET.fromstring(twiml)
        gather = answer.find("Gather")
        if gather is not None:
            state["next"] = gather.get("action")
        return [(say.get("language"), say.text or "") for say in answer.iter("Say")]

    greeting = press(None)
    assert ("es-US", "Para español, oprima 2.") in greeting, greeting
    assert any(lang == "es-US" and "número de referencia" in text for lang, text in press("2")), "Spanish from here on"
    assert any("código postal" in text for _, text in press(reference)), "the reference is accepted; identity asked"
    menu = press(zip_code)
    assert any(lang == "es-US" and "Esta es una comunicación de un cobrador de deudas" in text for lang, text in menu), menu
    assert any("Para su saldo, oprima 1" in text for _, text in menu), menu
    spoken = press("1")
    assert all(lang == "es-US" for lang, _ in spoken), spoken
    assert any(text.startswith(f"Su saldo es de {balance}.") for _, text in spoken), (balance, spoken)

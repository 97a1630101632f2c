"""Texts end to end, against an in-test SMS provider speaking the Twilio-compatible API: `recoup serve` sends a text
queued through the API, the provider reports it delivered through the signed status callback, and the consumer's
replies come back as signed inbound webhooks: STOP opts the number out with one confirmation and no later text is
accepted, START gives consent back, an ordinary question waits in the agents' inbox, and an unsigned webhook
changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import business_afternoon_offset, serving

ACCOUNT, TOKEN, FROM = "AC0e2e", "e2e-auth-token", "+15125559999"


def sign(url: str, fields: dict[str, str], token: str = TOKEN) -> str:
    """The provider's webhook signature: HMAC-SHA1 over the URL and the sorted fields, base64."""
    data = url + "".join(key + fields[key] for key in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class Provider:
    """Accepts messages once per idempotency key and reports each delivered to its status callback, signed."""

    def __init__(self) -> None:
        self.messages: dict[str, dict[str, str]] = {}
        self.requests = 0
        self.callbacks: list[int] = []
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
                expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json" or self.headers["Authorization"] != expected:
                    self.answer(401, {"code": 20003, "message": "Authenticate"})
                    return
                form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                key = self.headers["Idempotency-Key"]
                with provider.lock:
                    provider.requests += 1
                    first = key not in provider.messages
                    if first:
                        provider.messages[key] = dict(form, sid=f"SM{uuid.uuid4().hex}")
                    sid = provider.messages[key]["sid"]
                self.answer(201, {"sid": sid, "status": "queued"})
                if first and form.get("StatusCallback"):
                    threading.Thread(target=provider.deliver, args=(form["StatusCallback"], sid), daemon=True).start()

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://{ACCOUNT}:{TOKEN}@127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deliver(self, callback: str, sid: str) -> None:
        time.sleep(0.2)
        fields = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT}
        request = urllib.request.Request(callback, data=urllib.parse.urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sign(callback, fields)})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = -1  # the server is gone
        with self.lock:
            self.callbacks.append(status)


@pytest.fixture
def provider():
    running = Provider()
    yield running
    running.server.shutdown()


def test_a_text_is_delivered_and_a_stop_reply_ends_texting(recoup, recoup_bin, provider) -> None:
    recoup.env["RECOUP_CLOCK_OFFSET"] = business_afternoon_offset()
    out = recoup("demo", "--accounts", "60", "--seed", "3").stdout
    tenant = next(word for line in out.splitlines() if line.startswith("Demo tenant") for word in line.split()[2:3])
    env = dict(recoup.env, RECOUP_SMS_URL=provider.url, RECOUP_SMS_FROM=FROM)
    with serving(recoup_bin, env) as server:
        call, base = server.call, server.base
        run_conversation(call, base, tenant, provider)


def post_signed(url: str, fields: dict[str, str], token: str = TOKEN) -> tuple[int, str]:
    """POSTs a form-encoded webhook as the SMS and voice provider does, signed over `url` and the fields; answers the
    status and body, errors included."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sign(url, fields, token)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def run_conversation(call, base: str, tenant: str, provider: Provider) -> None:
    """Queues a text, follows its delivery, then replies STOP, START and a question as the consumer's phone would."""
    def reply(sender: str, body: str, token: str = TOKEN) -> tuple[int, str]:
        fields = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": sender, "To": FROM, "Body": body, "AccountSid": ACCOUNT}
        return post_signed(f"{base}/webhooks/sms/{tenant}/inbound", fields, token)

    _, page = call("GET", "/v1/accounts?limit=60&status=active")
    queued = None
    for account in page["items"]:
        status, answer = call("POST", f"/v1/accounts/{account['id']}/messages",
                              {"channel": "sms", "text": "Hi, a payment plan is available for your account."})
        if status == 202:
            queued = answer
            break
        assert status in (400, 409), answer  # no mobile number, or the engine refuses (no consent): both say why
    assert queued is not None, "some demo account has a mobile number with consent"

    for _ in range(100):
        _, listed = call("GET", f"/v1/accounts/{queued['account_id']}/communications")
        sent = listed["items"][0]
        if sent["status"] == "sent" and [e["kind"] for e in sent["events"]] == ["delivered"]:
            break
        time.sleep(0.2)
    assert sent["status"] == "sent" and [e["kind"] for e in sent["events"]] == ["delivered"], sent
    assert provider.callbacks == [204]
    texted = provider.messages[queued["id"]]
    assert texted["To"] == queued["recipient"] and texted["From"] == FROM and sent["provider_ref"] == texted["sid"]
    # In the consumer's language (the demo has Spanish speakers).
    assert texted["Body"].startswith("Hi, a payment plan")
    assert texted["Body"].endswith(("Reply STOP to opt out.", "Responda STOP para no recibir más mensajes."))

    assert reply(queued["recipient"], "STOP", token="forged")[0] == 403
    status, twiml = reply(queued["recipient"], "STOP")
    assert status == 200 and ("<Message>You are unsubscribed" in twiml or "<Message>Se canceló su suscripción" in twiml), twiml
    status, refusal = call("POST", f"/v1/accounts/{queued['account_id']}/messages", {"channel": "sms", "text": "Hello again."})
    assert status == 409 and refusal["rule"] in ("TCPA-64.1200a10-REVOKE", "REGF-1006.14h-MEDIUM"), refusal
    _, facts = call("GET", f"/v1/accounts/{queued['account_id']}/facts")
    assert sorted(f["kind"] for f in facts["items"]) == ["opt_out", "tcpa_revocation"]

    time.sleep(1.1)  # a later second: the consent given back is newer than the revocation
    status, twiml = reply(queued["recipient"], "START")
    assert status == 200 and ("subscribed to texts from us again" in twiml or "Volverá a recibir" in twiml), twiml
    status, _ = call("POST", f"/v1/accounts/{queued['account_id']}/messages", {"channel": "sms", "text": "Welcome back."})
    assert status == 202

    status, twiml = reply(queued["recipient"], "¿Cuánto debo exactamente?")
    assert status == 200 and "<Message>" not in twiml
    _, inbox = call("GET", "/v1/inbox?status=open")
    assert [m["body"] for m in inbox["items"]] == ["¿Cuánto debo exactamente?"]
    assert inbox["items"][0]["account_ids"] == [queued["account_id"]]

    for _ in range(50):
        if len(provider.messages) == 2:
            break
        time.sleep(0.2)
    assert len(provider.messages) == 2, "the text queued after START went; nothing went while opted out"
    for _ in range(50):
        if len(provider.callbacks) == 2:
            break
        time.sleep(0.2)
    assert provider.callbacks == [204, 204]

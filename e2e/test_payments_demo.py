"""Payments on the demo tenant, end to end, the way an agency runs them: `recoup serve --demo` charges cards through a
processor of the common REST shape (an in-test one here, over HTTP), takes its signed webhooks, runs plans with
`recoup payments run`, files ACH debits with `recoup nacha export` (checked by achkit, an independent NACHA parser)
and takes the bank's returns with `recoup nacha import-returns`; settlements complete; the processor's report and
the bank statement reconcile (`recoup payments reconcile`, `reconcile-bank`); the remittance statement splits every dollar."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import holidays
from achkit.parse import parse
from achkit.validate import validate

from conftest import pdftotext_path, serving

SECRET_KEY = "sk_test_e2e"
WEBHOOK_SECRET = "whsec_e2e"


class Processor(ThreadingHTTPServer):
    """A card processor speaking the payment-intents API: one intent per Idempotency-Key, every card succeeds."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ProcessorHandler)
        self.lock = threading.Lock()
        self.by_key: dict[str, dict] = {}
        self.intents: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://{SECRET_KEY}@127.0.0.1:{self.server_address[1]}"


class ProcessorHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
        if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return self.answer(401, {"error": {"message": "Invalid API Key provided"}})
        key = self.headers.get("Idempotency-Key", "")
        server: Processor = self.server  # type: ignore[assignment]
        with server.lock:
            if key not in server.by_key:
                if self.path == "/v1/payment_intents":
                    intent = {"id": f"pi_{len(server.intents) + 1}", "object": "payment_intent", "amount": int(form["amount"]),
                              "currency": form["currency"], "status": "succeeded",
                              "metadata": {"payment_id": form["metadata[payment_id]"]}}
                    server.intents.append(intent)
                    server.by_key[key] = intent
                else:
                    server.by_key[key] = {"id": f"re_{len(server.by_key)}", "object": "refund", "status": "succeeded"}
            answer = server.by_key[key]
        self.answer(200, answer)

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def api(server, method: str, path: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
    """An API call with the demo administrator's key, and an Idempotency-Key when given."""
    admin = (server.data_dir / "demo-admin.key").read_text().strip()
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(server.base + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.startswith("{") else {"text": text})
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def deliver(server, tenant: str, intent: dict, event_id: str) -> int:
    """The processor's signed `payment_intent.succeeded` webhook."""
    body = json.dumps({"id": event_id, "object": "event", "type": "payment_intent.succeeded", "data": {"object": intent}}).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(WEBHOOK_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{server.base}/webhooks/payments/{tenant}", method="POST", data=body,
                                     headers={"Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status


def return_file(exported: str, code: str) -> str:
    """The bank's return file for every debit of an exported file: each entry with a 99 addenda naming its trace."""
    records = [exported.splitlines()[0]]
    for line in exported.splitlines():
        if line.startswith("6"):
            trace = line[79:94]
            records += [line, ("799" + code + trace + " " * 6 + line[3:11]).ljust(79) + trace]
    return "\r\n".join(records + ["9".ljust(94, "9")]) + "\r\n"


def settlement_day(effective: dt.date) -> dt.date:
    """The first business day on or after an effective entry date: the day the bank credits the batch."""
    federal = holidays.US(years=range(effective.year, effective.year + 2))
    day = effective
    while day.weekday() >= 5 or day in federal:
        day += dt.timedelta(days=1)
    return day


def test_done_means_on_the_demo_tenant(recoup, recoup_bin, tmp_path) -> None:
    processor = Processor()
    threading.Thread(target=processor.serve_forever, daemon=True).start()
    env = dict(recoup.env, RECOUP_PROCESSOR_URL=processor.url, RECOUP_PROCESSOR_WEBHOOK_SECRET=WEBHOOK_SECRET,
               RECOUP_ACH_ORIGINATOR="091000019,Agency Bank,1234567890,Demo Agency")

    def cli(*args: str) -> dict:
        """`recoup ARGS… --json` as the agency's cron runs it, with the processor and the bank configured."""
        result = subprocess.run([str(recoup_bin), *args, "--json"], capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, f"recoup {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return json.loads(result.stdout)

    today = dt.datetime.now(dt.timezone.utc).date()
    try:
        with serving(recoup_bin, env, "--demo") as server:
            tenant = cli("tenant", "list")["items"][0]["id"]
            _, page = api(server, "GET", "/v1/accounts?limit=100&status=active")
            accounts = []
            for account in page["items"]:
                _, ledger = api(server, "GET", f"/v1/accounts/{account['id']}/ledger")
                if ledger["balance"]["total"] >= 20_000 and ledger["balance"]["interest"] == 0 and ledger["balance"]["fees"] == 0:
                    accounts.append((account, ledger["balance"]["total"]))
            client = accounts[0][0]["client_id"]
            accounts = [(account, balance) for account, balance in accounts if account["client_id"] == client]
            assert len(accounts) >= 4, "the demo portfolio has plain balances to work with"
            (card_account, _), (plan_account, _), (ach_account, _), (settle_account, settle_balance) = accounts[:4]
            status, terms = api(server, "PUT", f"/v1/clients/{client}/terms", {
                "allocation": ["fees", "interest", "principal"], "plan_max_months": 12, "plan_minimum_installment_minor": 500,
                "plan_minimum_down_payment_bp": 0, "settlement_minimum_bp": 6000, "settlement_max_installments": 3,
                "settlement_max_valid_days": 30, "contingency_bp": 2500, "grace_days": 5, "misses_to_break": 2})
            assert status == 200, terms

            def card(account: dict) -> str:
                status, method = api(server, "POST", f"/v1/accounts/{account['id']}/payment-methods", {
                    "type": "card", "customer": "cus_demo", "token": "pm_card_visa", "brand": "visa", "last4": "4242",
                    "authorization": "I authorise a charge to my card for the amount stated."})
                assert status == 201, method
                return method["id"]

            # A card payment posts once even when the webhook is replayed ten times.
            status, payment = api(server, "POST", f"/v1/accounts/{card_account['id']}/payments",
                                  {"method_id": card(card_account), "amount_minor": 2_500}, key="e2e-card-1")
            assert status == 201 and payment["status"] == "succeeded", payment
            intent = processor.intents[-1]
            assert all(deliver(server, tenant, intent, "evt_e2e_1") == 200 for _ in range(10))
            _, ledger = api(server, "GET", f"/v1/accounts/{card_account['id']}/ledger")
            assert [e["kind"] for e in ledger["entries"]].count("payment") == 1

            # A 12-month plan inside the client's rules, and its autopay.
            status, plan = api(server, "POST", f"/v1/accounts/{plan_account['id']}/plans", {
                "installments": 12, "frequency": "monthly", "first_date": today.isoformat(), "method_id": card(plan_account)})
            assert status == 201 and len(plan["installments"]) == 12, plan
            run = cli("payments", "run", "--tenant", tenant, "--date", today.isoformat())
            assert run["charged"] >= 1 and processor.intents[-1]["amount"] == plan["installments"][0]["amount_minor"]

            # ACH: a plan on a bank account, its debit filed, returned twice, and the plan broken.
            status, bank = api(server, "POST", f"/v1/accounts/{ach_account['id']}/payment-methods", {
                "type": "bank", "routing": "011000015", "account_number": "000123456789", "holder": "Pat Demo",
                "authorization": "I authorise monthly debits from my checking account for my plan.", "authorized_via": "phone"})
            assert status == 201, bank
            status, ach_plan = api(server, "POST", f"/v1/accounts/{ach_account['id']}/plans", {
                "installments": 12, "frequency": "monthly", "first_date": today.isoformat(), "method_id": bank["id"]})
            assert status == 201, ach_plan
            statement = ["date,amount,type,reference,description"]
            for attempt, day in enumerate([today, today + dt.timedelta(days=32)]):
                queued = cli("payments", "run", "--tenant", tenant, "--date", day.isoformat())
                assert queued["queued"] == 1, queued
                out = tmp_path / f"debits-{attempt}.ach"
                exported = cli("nacha", "export", "--tenant", tenant, "--date", (day + dt.timedelta(days=1)).isoformat(), "--out", str(out))
                assert exported["entries"] == 1, exported
                text = out.read_text(encoding="ascii")
                assert validate(text) == {"ok": True, "errors": []}
                batch = parse(text)["batches"][0]
                assert batch["sec"] == "TEL", "authorised on a recorded call"
                entry = batch["entries"][0]
                assert entry["amount_cents"] == exported["total_minor"] and entry["txn_code"] == 27
                returns = tmp_path / f"returns-{attempt}.txt"
                returns.write_text(return_file(text, "R01"), encoding="ascii")
                imported = cli("nacha", "import-returns", "--tenant", tenant, "--file", str(returns))
                assert len(imported["returned"]) == 1 and imported["problems"] == [], imported
                # What the clearing account's statement shows: the batch credited, then the return debited.
                statement.append(f"{settlement_day(day + dt.timedelta(days=1))},{exported['total_minor'] / 100:.2f},settlement,,ACH SETTLEMENT")
                statement.append(f"{today},-{entry['amount_cents'] / 100:.2f},return,{text.splitlines()[2][79:94]},R01")
            bank = tmp_path / "statement.csv"
            bank.write_text("\n".join(statement) + "\n")
            reconciled = cli("payments", "reconcile-bank", "--tenant", tenant, "--file", str(bank), "--from", today.isoformat(),
                             "--to", (today + dt.timedelta(days=40)).isoformat())
            assert (reconciled["settled"], reconciled["returned"]) == (2, 2), reconciled
            bank.write_text("\n".join(statement[:-1]) + "\n")
            missing = subprocess.run([str(recoup_bin), "payments", "reconcile-bank", "--tenant", tenant, "--file", str(bank), "--from",
                                      today.isoformat(), "--to", (today + dt.timedelta(days=40)).isoformat()],
                                     capture_output=True, text=True, env=env, timeout=120)
            assert missing.returncode == 1 and "returned in Recoup, not debited by the bank" in missing.stdout, missing.stdout
            _, plans = api(server, "GET", f"/v1/accounts/{ach_account['id']}/plans")
            assert plans["items"][0]["status"] == "broken" and plans["items"][0]["failures"] == 2
            _, payments = api(server, "GET", f"/v1/accounts/{ach_account['id']}/payments")
            assert {p["status"] for p in payments["items"]} == {"returned"}
            _, ledger = api(server, "GET", f"/v1/accounts/{ach_account['id']}/ledger")
            assert [e["kind"] for e in ledger["entries"]][1:] == ["payment", "reversal", "payment", "reversal"]

            # A 60 % settlement within range completes and the account shows settled.
            status, offer = api(server, "POST", f"/v1/accounts/{settle_account['id']}/settlements", {
                "percent_bp": 6000, "installments": 1, "expires_on": (today + dt.timedelta(days=10)).isoformat()})
            assert status == 201 and offer["status"] == "offered", offer
            assert api(server, "POST", f"/v1/settlements/{offer['id']}/accept", {})[0] == 200
            status, paid = api(server, "POST", f"/v1/accounts/{settle_account['id']}/payments",
                               {"method_id": card(settle_account), "amount_minor": offer["amount"]["amount_minor"]}, key="e2e-settle")
            assert status == 201 and paid["status"] == "succeeded"
            assert offer["amount"]["amount_minor"] == -(-settle_balance * 6 // 10)
            _, detail = api(server, "GET", f"/v1/accounts/{settle_account['id']}")
            assert detail["status"] == "settled"

            # The processor's settlement report reconciles with the card payments posted today.
            report = tmp_path / "payouts.csv"
            report.write_text("id,amount,type\n" + "".join(f"{i['id']},{i['amount'] / 100:.2f},charge\n" for i in processor.intents))
            reconciled = cli("payments", "reconcile", "--tenant", tenant, "--file", str(report), "--from", today.isoformat(),
                             "--to", today.isoformat())
            assert reconciled["matched"] == len(processor.intents) and reconciled["in_recoup_only"] == [], reconciled

        # Two days on, the period is over: the remittance statement splits every dollar.
        later = dict(env, RECOUP_CLOCK_OFFSET=str(2 * 86_400))
        with serving(recoup_bin, later) as server:
            status, remittance = api(server, "POST", f"/v1/clients/{client}/remittances",
                                     {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()})
            assert status == 201, remittance
            _, statement = api(server, "GET", f"/v1/remittances/{remittance['id']}/statement")
            rows = list(csv.DictReader(io.StringIO(statement["text"])))
            cents = lambda text: round(float(text) * 100)  # noqa: E731
            lines, total = rows[:-1], rows[-1]
            assert lines and all(cents(r["collected"]) == cents(r["client_share"]) + cents(r["agency_fee"]) for r in lines)
            assert sum(cents(r["collected"]) for r in lines) == cents(total["collected"]) == remittance["collected"]["amount_minor"]
            assert cents(total["client_share"]) == remittance["remitted"]["amount_minor"]
            admin = (server.data_dir / "demo-admin.key").read_text().strip()
            request = urllib.request.Request(f"{server.base}/v1/remittances/{remittance['id']}/statement?format=pdf",
                                             headers={"Authorization": f"Bearer {admin}"})
            with urllib.request.urlopen(request, timeout=15) as response:
                pdf = tmp_path / "remittance.pdf"
                pdf.write_bytes(response.read())
            words = subprocess.run([pdftotext_path(), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert "Remittance statement" in words and "Remitted (net of fees)" in words
            assert f"${remittance['remitted']['amount']}" in words.replace(",", ""), "the PDF says what the JSON says"
            print(f"\nremittance statement: {pdf}")
    finally:
        processor.shutdown()

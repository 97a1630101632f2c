"""Email through the outbox, end to end: a real SMTP server (aiosmtpd) receives what `recoup dispatch` sends, and a
fault-injection run kills dispatchers with SIGKILL over and over while two of them drain the same outbox."""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from conftest import Sink, business_afternoon_offset, free_port, serving


@pytest.fixture
def tls_sink(tmp_path):
    """An SMTP server that requires STARTTLS, with a certificate for localhost from a private CA (trustme)."""
    import ssl

    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    sink.port = port  # type: ignore[attr-defined]
    sink.ca_file = ca_file  # type: ignore[attr-defined]
    yield sink
    controller.stop()


def demo_with_queued_email(recoup, accounts: int) -> tuple[str, int]:
    recoup.env["RECOUP_CLOCK_OFFSET"] = business_afternoon_offset()
    out = recoup("demo", "--accounts", str(accounts), "--seed", "3").stdout
    tenant = next(word for line in out.splitlines() if line.startswith("Demo tenant") for word in line.split()[2:3])
    queued = json.loads(recoup("send", "email", "--tenant", tenant, "--all-active", "--subject", "Your account",
                               "--text", "Hello,\n\nA payment plan is available.", "--json").stdout)
    return tenant, queued["queued"]


def statuses(recoup) -> dict[str, int]:
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM outbox_messages GROUP BY status").fetchall())


def drained(recoup) -> bool:
    """Nothing left queued or claimed in the outbox."""
    left = statuses(recoup)
    return left.get("queued", 0) + left.get("sending", 0) == 0


def kill(process: subprocess.Popen) -> int:
    """SIGKILLs `process` if it still runs (1 if it did, else 0); either way it must have ended by the kill or cleanly."""
    killed = 0
    if process.poll() is None:
        process.kill()
        killed = 1
    process.wait()
    assert process.returncode in (0, -9), process.stderr.read() if process.stderr else ""
    return killed


def delivery(recoup, sink: Sink) -> tuple[set[str], int, set[str], int]:
    """After a drain: the Message-IDs the outbox marked sent, the email contact attempts recorded, the distinct
    Message-IDs the SMTP server received, and how many it received more than once."""
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        sent = {f"<{row[0]}@recoup.localhost>" for row in db.execute("SELECT id FROM outbox_messages WHERE status = 'sent'")}
        contacts = db.execute("SELECT COUNT(*) FROM contact_events WHERE channel = 'email'").fetchone()[0]
    received = sink.ids()
    return sent, contacts, set(received), len(received) - len(set(received))


def test_an_email_is_sent_once_with_the_disclosures(recoup, smtp_sink) -> None:
    _, queued = demo_with_queued_email(recoup, 40)
    assert queued > 0
    done = json.loads(recoup("dispatch", "--smtp", smtp_sink.url, "--once", "--json").stdout)
    assert done["sent"] == queued and done["dead"] == 0
    assert statuses(recoup) == {"sent": queued}
    ids = smtp_sink.ids()
    assert len(ids) == queued == len(set(ids))
    message = smtp_sink.messages[0]
    text = message.get_body(("plain",)).get_content()
    assert "A payment plan is available." in text
    # The full disclosure of a first communication, in the consumer's language (messages arrive in any order).
    assert "This is a communication from a debt collector" in text or "Esta es una comunicación de un cobrador de deudas" in text
    assert message.get_body(("html",)) is not None and message["Subject"] == "Your account"
    # Nothing is sent twice: a second pass finds nothing due.
    assert json.loads(recoup("dispatch", "--smtp", smtp_sink.url, "--once", "--json").stdout)["sent"] == 0
    assert len(smtp_sink.ids()) == queued
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True


def test_starttls_relays_get_mail_only_over_tls(recoup, tls_sink) -> None:
    """A relay that requires STARTTLS receives the email over TLS, its certificate checked against the CA given in the
    relay URL; a certificate that CA did not sign is refused before any mail is sent, and the messages wait."""
    import trustme

    _, queued = demo_with_queued_email(recoup, 20)
    assert queued > 0
    other_ca = recoup.data_dir / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    untrusted = json.loads(recoup("dispatch", "--smtp", f"smtp+starttls://localhost:{tls_sink.port}?ca={other_ca}", "--once",
                                  "--json").stdout)
    assert untrusted["sent"] == 0 and untrusted["retried"] > 0 and tls_sink.ids() == [], untrusted

    recoup.env["RECOUP_CLOCK_OFFSET"] = str(int(recoup.env["RECOUP_CLOCK_OFFSET"]) + 3600)  # past the retry backoff
    done = json.loads(recoup("dispatch", "--smtp", f"smtp+starttls://localhost:{tls_sink.port}?ca={tls_sink.ca_file}", "--once",
                             "--json").stdout)
    assert done["sent"] == untrusted["retried"] and done["dead"] == 0, done
    assert len(tls_sink.ids()) == done["sent"] == len(set(tls_sink.ids()))


def test_killing_dispatchers_mid_drain_loses_nothing_and_duplicates_only_unknown_hand_offs(recoup, recoup_bin, smtp_sink) -> None:
    _, queued = demo_with_queued_email(recoup, 600)
    assert queued >= 300
    rng = random.Random(7)
    in_flight, window = 4, 4
    command = [str(recoup_bin), "dispatch", "--smtp", smtp_sink.url, "--once", "--lease", "1", "--batch", "10",
               "--concurrency", str(in_flight), "--recording-window", str(window)]
    kills = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        # Two dispatchers at once on the same database; each is killed with SIGKILL at a random moment.
        workers = [subprocess.Popen(command, env=recoup.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(rng.uniform(0.2, 1.2))
        kills += sum(kill(worker) for worker in workers)
        if drained(recoup):
            break
        time.sleep(1.1)  # let the killed claims' leases run out
    final = statuses(recoup)
    assert final == {"sent": queued}, final

    sent, contacts, distinct, duplicates = delivery(recoup, smtp_sink)
    print(f"\nfault injection: {queued} queued, {kills} dispatchers killed, {len(distinct)} distinct Message-IDs received, "
          f"{duplicates} duplicates (hand-offs whose outcome the killed process had not written yet)")
    assert distinct == sent, "every message arrived, and only messages the outbox sent"
    assert contacts == queued, "one contact attempt recorded per message"
    assert duplicates <= kills * (in_flight + window), "a kill leaves at most the hand-offs in flight and the recording window unknown"
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True


class DroppingSink(Sink):
    """Keeps the first message it is given, then closes the connection instead of confirming it: the sender cannot
    know whether the message arrived (a relay that crashed after DATA)."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        await super().handle_DATA(server, session, envelope)
        with self.lock:
            drop = self.dropped is None
            if drop:
                self.dropped = str(self.messages[-1]["Message-ID"])
        if drop:
            server.transport.abort()
            return "421 closing"
        return "250 OK"


def test_a_connection_dropped_after_data_is_retried_with_the_same_message_id(recoup) -> None:
    _, queued = demo_with_queued_email(recoup, 40)
    sink = DroppingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first = json.loads(recoup("dispatch", "--smtp", f"smtp://127.0.0.1:{port}", "--once", "--json").stdout)
        assert first["retried"] == 1 and first["sent"] == queued - 1, first
        recoup.env["RECOUP_CLOCK_OFFSET"] = str(int(recoup.env["RECOUP_CLOCK_OFFSET"]) + 60)  # past the 30 s backoff
        second = json.loads(recoup("dispatch", "--smtp", f"smtp://127.0.0.1:{port}", "--once", "--json").stdout)
        assert second["sent"] == 1, second
    finally:
        controller.stop()
    ids = sink.ids()
    assert ids.count(sink.dropped) == 2, "the unknown hand-off was repeated, with the same Message-ID"
    assert len(ids) == queued + 1 and len(set(ids)) == queued, "nothing else arrived twice"
    assert statuses(recoup) == {"sent": queued}
    with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
        message_id = sink.dropped.strip("<>").split("@")[0]
        attempts, error = db.execute("SELECT attempts, last_error FROM outbox_messages WHERE id = ?", (message_id,)).fetchone()
        contacts = db.execute("SELECT COUNT(*) FROM contact_events WHERE channel = 'email'").fetchone()[0]
    assert attempts == 2 and contacts == queued, "one contact attempt per message, the repeated one included"


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_the_relay_is_authenticated_and_refused_credentials_keep_the_messages_waiting(recoup, mechanism: str) -> None:
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, used, auth_data):
        assert used == mechanism
        return AuthResult(success=auth_data.login == b"recoup" and auth_data.password == b"s3cret", handled=False)

    _, queued = demo_with_queued_email(recoup, 20)
    sink = Sink()
    port = free_port()
    excluded = ["LOGIN"] if mechanism == "PLAIN" else ["PLAIN"]
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_required=True,
                            auth_require_tls=False, auth_exclude_mechanism=excluded)
    controller.start()
    try:
        refused = json.loads(recoup("dispatch", "--smtp", f"smtp://recoup:wrong@127.0.0.1:{port}", "--once", "--json").stdout)
        assert refused["sent"] == 0 and refused["dead"] == 0 and refused["retried"] == queued, refused
        with sqlite3.connect(recoup.data_dir / "recoup.sqlite") as db:
            errors = {row[0] for row in db.execute("SELECT last_error FROM outbox_messages")}
        assert all(error.startswith("AUTH: 535") for error in errors) and not any("wrong" in error for error in errors), errors
        recoup.env["RECOUP_CLOCK_OFFSET"] = str(int(recoup.env["RECOUP_CLOCK_OFFSET"]) + 60)
        done = json.loads(recoup("dispatch", "--smtp", f"smtp://recoup:s3cret@127.0.0.1:{port}", "--once", "--json").stdout)
        assert done["sent"] == queued, done
    finally:
        controller.stop()
    assert len(sink.ids()) == queued == len(set(sink.ids()))


def test_killing_the_server_mid_drain_loses_nothing_and_repeats_only_unknown_hand_offs(recoup, recoup_bin, smtp_sink) -> None:
    """The issue's "done means": `recoup serve` dispatching thousands of emails, killed with SIGKILL at random
    moments and started again until the outbox is empty."""
    _, queued = demo_with_queued_email(recoup, 5000)
    assert queued >= 2000
    env = dict(recoup.env, RECOUP_SMTP_URL=smtp_sink.url, RECOUP_DISPATCH_LEASE="2")
    rng = random.Random(11)
    kills = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        server = subprocess.Popen([str(recoup_bin), "serve", "--port", str(free_port())], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(1.0, 3.0))
        kills += kill(server)
        if drained(recoup):
            break
        time.sleep(2.1)  # the killed server's claims expire
    final = statuses(recoup)
    assert final == {"sent": queued}, final
    sent, contacts, distinct, duplicates = delivery(recoup, smtp_sink)
    print(f"\nkilling serve: {queued} queued, {kills} servers killed, {len(distinct)} distinct Message-IDs received, "
          f"{duplicates} duplicates")
    assert kills >= 2, "the drain was interrupted"
    assert distinct == sent and contacts == queued
    assert duplicates <= kills * (8 + 64), "a kill repeats at most the hand-offs in flight and the recording window"
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True


def test_serve_dispatches_what_the_api_queues(recoup, recoup_bin, smtp_sink) -> None:
    """`recoup serve` with a relay configured sends a message queued through the API, the account's communications
    show it sent, and the message's one-click unsubscribe link (RFC 8058) stops further email to that address."""
    env = dict(recoup.env, RECOUP_SMTP_URL=smtp_sink.url, RECOUP_CLOCK_OFFSET=business_afternoon_offset())
    with serving(recoup_bin, env, "--demo") as server:
        call, base = server.call, server.base
        _, page = call("GET", "/v1/accounts?limit=50&status=active")
        queued = None
        for account in page["items"]:
            status, answer = call("POST", f"/v1/accounts/{account['id']}/messages",
                                  {"channel": "email", "subject": "Your account", "text": "Hello,\n\nPlease call us."})
            if status == 202:
                queued = answer
                break
            assert status in (400, 409), answer  # no email on file, or the engine refuses: both say why
        assert queued is not None, "some demo account can be emailed on a weekday afternoon"
        message_id = f"<{queued['id']}@recoup.localhost>"
        for _ in range(100):
            if message_id in smtp_sink.ids():
                break
            time.sleep(0.2)
        assert smtp_sink.ids().count(message_id) == 1
        for _ in range(50):
            _, listed = call("GET", f"/v1/accounts/{queued['account_id']}/communications")
            if listed["items"][0]["status"] == "sent":
                break
            time.sleep(0.2)
        assert listed["items"][0]["status"] == "sent" and listed["items"][0]["sent_at"]

        received = next(m for m in smtp_sink.messages if str(m["Message-ID"]) == message_id)
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = str(received["List-Unsubscribe"]).strip("<>")
        assert link.startswith(base + "/u/")
        one_click = urllib.request.Request(link, method="POST", data=b"List-Unsubscribe=One-Click",
                                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(one_click, timeout=10) as response:
            assert response.status == 200 and queued["recipient"] in response.read().decode()
        status, refusal = call("POST", f"/v1/accounts/{queued['account_id']}/messages",
                               {"channel": "email", "subject": "Again", "text": "Hello again."})
        assert status == 409 and refusal["rule"] == "REGF-1006.14h-MEDIUM", refusal


def dispatch_at_once(recoup, recoup_bin, smtp_sink, processes: int = 3) -> list[dict]:
    """Runs `processes` dispatchers (as several `recoup serve` do) until nothing is due; their reports, after
    checking that at least two of them sent and that the relay received each message once."""
    command = [str(recoup_bin), "dispatch", "--smtp", smtp_sink.url, "--once", "--batch", "10", "--json"]
    workers = [subprocess.Popen(command, env=recoup.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))
    assert sum(report["sent"] > 0 for report in reports) >= 2, f"the processes shared the work: {reports}"
    received = smtp_sink.ids()
    assert len(received) == len(set(received)) == sum(report["sent"] for report in reports), "no message twice"
    return reports


def test_several_dispatchers_on_one_postgres_database_send_each_message_once(recoup, recoup_bin, smtp_sink, postgres_database) -> None:
    """Three dispatcher processes drain one PostgreSQL outbox at the same time: every message arrives exactly once,
    with one contact each, and the audit chain verifies."""
    recoup.env["DATABASE_URL"] = postgres_database
    _, queued = demo_with_queued_email(recoup, 300)
    assert queued >= 150
    reports = dispatch_at_once(recoup, recoup_bin, smtp_sink)
    assert sum(report["sent"] + report["blocked"] for report in reports) == queued, reports
    assert json.loads(recoup("audit", "verify", "--json").stdout)["intact"] is True


def test_several_dispatchers_on_one_postgres_database_keep_one_rate_limit(recoup, recoup_bin, smtp_sink, postgres_database) -> None:
    """Three dispatcher processes with `RECOUP_RATE_LIMITS=email=50` on one PostgreSQL database hand the relay at
    most 50 emails a second together (after the burst of 50 an idle schedule allows), not 50 each: they book their
    slots on one schedule in the database."""
    recoup.env["DATABASE_URL"] = postgres_database
    recoup.env["RECOUP_RATE_LIMITS"] = "email=50"
    _, queued = demo_with_queued_email(recoup, 300)
    assert queued >= 150
    dispatch_at_once(recoup, recoup_bin, smtp_sink)
    sent = len(smtp_sink.arrived)
    span = max(smtp_sink.arrived) - min(smtp_sink.arrived)
    least = (sent - 50) / 50
    assert span >= 0.95 * least, f"{sent} emails in {span:.2f} s: at most 50 a second after the burst needs {least:.2f} s"

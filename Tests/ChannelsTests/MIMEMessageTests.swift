@testable import Channels
import Foundation
import RecoupApp
import Testing

/// The text of an email as it goes on the wire: headers a relay and a mail client read, both parts decoding back
/// to the words, non-ASCII subjects encoded, one-click unsubscribe headers, and a body that cannot end DATA early.
struct MIMEMessageTests {
    let email = OutboundEmail(
        messageID: "<0b7c@recoup.test>", from: "Acme Recovery <billing@acme.test>", to: "pat@example.com",
        subject: "Su saldo pendiente — Big Bank", text: "Hola Pat,\n\nSu saldo es $1,234.56 & <pagable>.\n.\nGracias.",
        unsubscribe: "https://acme.test/u/abc")
    let date = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 14:13:20 UTC, a Monday

    func parts(_ message: String) -> (headers: [String: String], bodies: [String: String]) {
        let split = message.components(separatedBy: "\r\n\r\n")
        var headers: [String: String] = [:]
        for line in split[0].components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers[String(pair[0])] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        var bodies: [String: String] = [:]
        let boundary = "--recoup-test"
        for chunk in message.components(separatedBy: boundary + "\r\n").dropFirst() {
            let section = chunk.components(separatedBy: "\r\n\r\n")
            let type = section[0].components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Type:") } ?? ""
            let encoded = section[1].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
            bodies[type] = Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) }
        }
        return (headers, bodies)
    }

    @Test func headersAndBothPartsCarryTheMessage() throws {
        let text = MIMEMessage.render(email, date: date, boundary: "recoup-test")
        let (headers, bodies) = parts(text)
        #expect(headers["Message-ID"] == "<0b7c@recoup.test>")
        #expect(headers["Date"] == "Mon, 21 Sep 2026 14:13:20 +0000")
        #expect(headers["From"] == "Acme Recovery <billing@acme.test>")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["List-Unsubscribe"] == "<https://acme.test/u/abc>")
        #expect(headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
        let subject = try #require(headers["Subject"])
        #expect(subject.hasPrefix("=?UTF-8?B?") && subject.hasSuffix("?="))
        #expect(Data(base64Encoded: String(subject.dropFirst(10).dropLast(2))).map { String(decoding: $0, as: UTF8.self) } == email.subject)
        #expect(bodies["Content-Type: text/plain; charset=utf-8"] == email.text)
        let html = try #require(bodies["Content-Type: text/html; charset=utf-8"])
        #expect(html.contains("<p>Hola Pat,</p>") && html.contains("&amp; &lt;pagable&gt;"))
        #expect(text.hasSuffix("--recoup-test--\r\n"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 }, "RFC 5322 line limit")
    }

    @Test func noUnsubscribeHeadersWithoutATarget() {
        var plain = email
        plain.unsubscribe = nil
        plain.subject = "Your account"
        let text = MIMEMessage.render(plain, date: date, boundary: "recoup-test")
        #expect(!text.contains("List-Unsubscribe"))
        #expect(text.contains("\r\nSubject: Your account\r\n"))
    }

    @Test func dotsAtTheStartOfALineAreDoubled() {
        #expect(MIMEMessage.dotStuffed("a\r\n.\r\n..b\r\nc.") == "a\r\n..\r\n...b\r\nc.")
    }

    @Test func relayURLsAreRead() throws {
        let relay = try #require(SMTPTransport.Configuration(url: "smtp://user:secret@mail.example.com:2525"))
        #expect(relay.host == "mail.example.com" && relay.port == 2525 && relay.username == "user" && relay.password == "secret")
        #expect(SMTPTransport.Configuration(url: "smtp://localhost")?.port == 25)
        #expect(SMTPTransport.Configuration(url: "http://localhost:25") == nil)
        #expect(SMTPTransport.address("Acme <billing@acme.test>") == "billing@acme.test")
        #expect(SMTPTransport.address(" pat@example.com ") == "pat@example.com")
    }

    @Test func trackedLinksAndThePixelAreInTheHTMLPartOnly() throws {
        var tracked = email
        tracked.text = "Pay at https://pay.acme.test/r/1?a=1&b=2. Or call."
        tracked.tracking = EmailTracking(pixel: "https://acme.test/t/x.gif",
                                         links: ["https://pay.acme.test/r/1?a=1&b=2": "https://acme.test/c/x?u=1"])
        let (_, bodies) = parts(MIMEMessage.render(tracked, date: date, boundary: "recoup-test"))
        let html = try #require(bodies["Content-Type: text/html; charset=utf-8"])
        #expect(html.contains(#"<a href="https://acme.test/c/x?u=1">https://pay.acme.test/r/1?a=1&amp;b=2</a>. Or call."#), "\(html)")
        #expect(html.hasSuffix(#"<img src="https://acme.test/t/x.gif" width="1" height="1" alt=""></body></html>"#))
        #expect(bodies["Content-Type: text/plain; charset=utf-8"] == tracked.text, "the text part keeps the link as written")
        #expect(TrackingLinks.links(in: "see https://a.test/x), and http://b.test.") == ["https://a.test/x", "http://b.test"])
    }
}

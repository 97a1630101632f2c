import Foundation
import Messaging
import RecoupApp
import RecoupCore

/// The RFC 5322 / MIME text of an email: a multipart/alternative with the plain text and an HTML rendering of the
/// same words, UTF-8 in base64 (safe for any relay and any language), non-ASCII subjects as RFC 2047 encoded words,
/// and one-click unsubscribe headers (RFC 2369, RFC 8058) when the message has an unsubscribe target.
public enum MIMEMessage {
    public static func render(_ email: OutboundEmail, date: Date, boundary: String = "recoup-" + UUID().lowercasedString) -> String {
        var headers = [
            "Message-ID: \(email.messageID)",
            "Date: \(rfc5322(date))",
            "From: \(email.from)",
            "To: \(email.to)",
            "Subject: \(encodedWord(email.subject))",
            "MIME-Version: 1.0",
        ]
        if let unsubscribe = email.unsubscribe {
            headers.append("List-Unsubscribe: <\(unsubscribe)>")
            headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        let parts = [
            part("text/plain; charset=utf-8", email.text, boundary: boundary),
            part("text/html; charset=utf-8", html(email.text, tracking: email.tracking), boundary: boundary),
        ]
        return (headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined() + "--\(boundary)--\r\n")
    }

    /// Lines starting with a dot get another (RFC 5321 §4.5.2), so the body can never end the DATA early.
    public static func dotStuffed(_ message: String) -> String {
        message.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }

    static func part(_ type: String, _ content: String, boundary: String) -> String {
        "--\(boundary)\r\nContent-Type: \(type)\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(Data(content.utf8)) + "\r\n"
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8).
    static func base64Lines(_ data: Data) -> String {
        let text = data.base64EncodedString()
        var lines: [Substring] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(text[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// A header value as is when it is printable ASCII, else as one RFC 2047 encoded word.
    static func encodedWord(_ value: String) -> String {
        value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 })
            ? value : "=?UTF-8?B?\(Data(value.utf8).base64EncodedString())?="
    }

    /// The plain text as simple HTML: escaped, one paragraph per blank-line-separated block, links clickable (through
    /// their tracked addresses when the message is tracked), and the open pixel last.
    static func html(_ text: String, tracking: EmailTracking? = nil) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }.map { "<p>" + linked($0, tracking?.links ?? [:]) + "</p>" }
        let pixel = tracking.map { #"<img src="\#(HTMLEscaping.text($0.pixel))" width="1" height="1" alt="">"# } ?? ""
        // 12-point type: the smallest California allows for its licence number (Cal. Civ. Code 1788.11(f)).
        return #"<!DOCTYPE html><html><body style="font-size: 12pt">"# + paragraphs.joined() + pixel + "</body></html>"
    }

    /// A paragraph with its links as anchors.
    static func linked(_ paragraph: String, _ tracked: [String: String]) -> String {
        var html = ""
        var rest = Substring(paragraph)
        for link in TrackingLinks.links(in: paragraph) {
            guard let range = rest.range(of: link) else { continue }
            html += HTMLEscaping.lines(String(rest[..<range.lowerBound]))
            html += #"<a href="\#(HTMLEscaping.text(tracked[link] ?? link))">\#(HTMLEscaping.text(link))</a>"#
            rest = rest[range.upperBound...]
        }
        return html + HTMLEscaping.lines(String(rest))
    }

    static func rfc5322(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[((parts.weekday ?? 1) - 1) % 7]), \(parts.day ?? 1) \(months[((parts.month ?? 1) - 1) % 12]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}

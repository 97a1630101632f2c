import Crypto
import Foundation

/// The request signature SMS and voice providers of the common REST shape (Twilio and compatibles) put on their
/// webhooks: base64 of HMAC-SHA1, keyed with the account's auth token, over the full URL the provider called
/// followed by every form parameter's name and value, sorted by name. A request whose signature does not match is
/// not from the provider and changes nothing.
public enum WebhookSignature {
    public static let header = "X-Twilio-Signature"

    public static func sign(url: String, parameters: [(String, String)], token: String) -> String {
        let signed = parameters.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.reduce(url) { $0 + $1.0 + $1.1 }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Compares in constant time.
    public static func isValid(_ signature: String, url: String, parameters: [(String, String)], token: String) -> Bool {
        constantTimeEqual(signature, sign(url: url, parameters: parameters, token: token))
    }

    /// Hex HMAC-SHA256 of a body: the signature of Recoup's own webhooks (the email relay's events).
    public static func hmacSHA256(_ body: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    public static func constantTimeEqual(_ given: String, _ expected: String) -> Bool {
        let expected = Array(expected.utf8)
        let given = Array(given.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Parses an `application/x-www-form-urlencoded` body, keeping every pair in order.
    public static func formParameters(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Encodes pairs as a form body (the inverse of ``formParameters(_:)``), as browsers do
    /// (`application/x-www-form-urlencoded`): ASCII letters, digits and `-._*` stay, a space becomes `+`, every other
    /// byte of the UTF-8 text is percent-encoded. Built byte by byte: every text a dispatcher hands to a provider
    /// passes here.
    public static func formBody(_ parameters: [(String, String)]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parameters.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 } * 3 / 2)
        func append(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                    bytes.append(byte)
                case UInt8(ascii: " "):
                    bytes.append(UInt8(ascii: "+"))
                default:
                    bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                }
            }
        }
        for (index, (name, value)) in parameters.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            append(name)
            bytes.append(UInt8(ascii: "="))
            append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

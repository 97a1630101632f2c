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

    /// Encodes pairs as a form body (the inverse of ``formParameters(_:)``).
    public static func formBody(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        func encode(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
        }
        return parameters.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}

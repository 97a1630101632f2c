import Crypto
import Foundation
import RecoupCore

/// Open and click tracking for email: a one-pixel image `<base>/t/<message id>.<signature>.gif` in the HTML part, and
/// every link of the HTML part going through `<base>/c/<message id>.<signature>?u=<target>`, where the signature
/// covers the message and the target, so the redirect goes only where the message pointed (no open redirect).
public struct TrackingLinks: Sendable {
    let baseURL: String
    let key: SymmetricKey

    public init(baseURL: String, key: SymmetricKey) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
    }

    public func pixel(for message: UUID) -> String {
        let id = message.lowercasedString
        return "\(baseURL)/t/\(id).\(LinkSignature.sign("open", id, key: key)).gif"
    }

    public func click(for message: UUID, to target: String) -> String {
        let id = message.lowercasedString
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = target.addingPercentEncoding(withAllowedCharacters: allowed) ?? target
        return "\(baseURL)/c/\(id).\(LinkSignature.sign("click", id + " " + target, key: key))?u=\(encoded)"
    }

    /// The message an open pixel's token (`<id>.<signature>.gif`) names, if this server made it.
    public func opened(token: String) -> UUID? {
        guard token.hasSuffix(".gif") else { return nil }
        let parts = token.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(text: String(parts[0])),
              LinkSignature.matches(parts[1], "open", String(parts[0]), key: key)
        else { return nil }
        return id
    }

    /// The message a click token names, if this server made it for exactly this target.
    public func clicked(token: String, target: String) -> UUID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(text: String(parts[0])),
              LinkSignature.matches(parts[1], "click", String(parts[0]) + " " + target, key: key)
        else { return nil }
        return id
    }

    /// The http(s) links in a text, in order, without trailing punctuation.
    public static func links(in text: String) -> [String] {
        guard let pattern = try? NSRegularExpression(pattern: #"https?://[^\s<>"]+"#) else { return [] }
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range, in: text).map { String(text[$0]).trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?)]'")) }
        }
    }
}

/// What tracking an email carries: the pixel, and each link of its text with the tracked address that replaces it
/// in the HTML part (the plain-text part keeps the links as written).
public struct EmailTracking: Sendable, Equatable {
    public var pixel: String
    public var links: [String: String]

    public init(pixel: String, links: [String: String]) {
        self.pixel = pixel
        self.links = links
    }
}

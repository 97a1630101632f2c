import Compliance
import Crypto
import Foundation
import RecoupCore

/// The one-click unsubscribe links put in every email (RFC 8058): `<base>/u/<message id>.<signature>`. The
/// signature (HMAC-SHA256 with a key derived from the master key) makes a link name exactly one message, so a
/// link can record an opt-out for its own address and nothing else, without a login.
public struct UnsubscribeLinks: Sendable {
    let baseURL: String
    let key: SymmetricKey

    public init(baseURL: String, key: SymmetricKey) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
    }

    public func link(for message: UUID) -> String { "\(baseURL)/u/\(token(for: message))" }

    public func token(for message: UUID) -> String {
        let id = message.lowercasedString
        return id + "." + signature(id)
    }

    /// The message a token names, if the token is one this server issued.
    public func message(fromToken token: String) -> UUID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(text: String(parts[0])),
              LinkSignature.matches(parts[1], "unsubscribe", String(parts[0]), key: key)
        else { return nil }
        return id
    }

    private func signature(_ id: String) -> String { LinkSignature.sign("unsubscribe", id, key: key) }
}

/// The signatures of consumers' links: HMAC-SHA256 over the link's purpose and what it names, 18 bytes in URL-safe
/// base64, so a link made for one purpose and one message is good for nothing else.
enum LinkSignature {
    static func sign(_ purpose: String, _ value: String, key: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data((purpose + ":" + value).utf8), using: key)).prefix(18)
            .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func matches(_ signature: Substring, _ purpose: String, _ value: String, key: SymmetricKey) -> Bool {
        WebhookSignature.constantTimeEqual(String(signature), sign(purpose, value, key: key))
    }
}

/// What an unsubscribe link does: records an opt-out from email at the message's address (1006.6(e),
/// 1006.14(h)), with its audit event, at once. Following the link again changes nothing.
public struct UnsubscribeService: Sendable {
    let links: UnsubscribeLinks
    let outbox: any OutboxRepository
    let optOuts: EmailOptOuts

    public init(links: UnsubscribeLinks, outbox: any OutboxRepository, facts: FactRecordingService, clock: any Clock) {
        self.links = links
        self.outbox = outbox
        optOuts = EmailOptOuts(facts: facts, clock: clock)
    }

    /// The address opted out, or nil for a token this server did not issue (or a message that no longer exists).
    public func unsubscribe(token: String) async throws -> String? {
        guard let id = links.message(fromToken: token), let message = try await outbox.message(id: id) else { return nil }
        try await optOuts.optOut(message, actor: "consumer:unsubscribe-link")
        return message.recipient
    }
}

/// Opt-outs from email at one message's address: from an unsubscribe link, or a spam complaint the relay reports.
public struct EmailOptOuts: Sendable {
    let facts: FactRecordingService
    let clock: any Clock

    public init(facts: FactRecordingService, clock: any Clock) {
        self.facts = facts
        self.clock = clock
    }

    /// Records an opt-out from email at the message's address, once per `actor` and address.
    public func optOut(_ message: OutboxMessage, actor: String) async throws {
        let scope = AccessScope(tenantID: message.tenantID)
        let already = try await facts.facts(account: message.accountID, scope: scope).contains { fact in
            fact.kind == .optOut && fact.recordedBy == actor
                && String(decoding: fact.fact, as: UTF8.self).contains(message.destinationID.description)
        }
        guard !already else { return }
        let fact: [String: String] = [
            "recorded_at": ISO8601DateFormatter().string(from: clock.now()), "medium": "email", "scope": "address",
            "destination": message.destinationID.description,
        ]
        _ = try await facts.record(account: message.accountID, kind: .optOut, fact: try JSONEncoder().encode(fact), scope: scope, actor: actor)
    }
}

import Foundation
import RecoupCore

/// A card charge for the processor: the payment's id is its idempotency key, so a retry after a timeout charges once.
public struct CardCharge: Sendable, Equatable {
    public var idempotencyKey: String
    public var amount: Money
    public var customer: String
    public var token: String
    /// Carried back in the processor's webhooks, which find the payment by it.
    public var paymentID: UUID
    public var description: String

    public init(idempotencyKey: String, amount: Money, customer: String, token: String, paymentID: UUID, description: String) {
        self.idempotencyKey = idempotencyKey
        self.amount = amount
        self.customer = customer
        self.token = token
        self.paymentID = paymentID
        self.description = description
    }
}

/// What the processor said about a charge.
public enum ChargeOutcome: Sendable, Equatable {
    case succeeded
    /// Accepted; the result comes by webhook.
    case processing
    case declined(String)
}

/// The processor's answer: its id for the charge (absent when it refused before creating one) and the outcome.
public struct ProcessorCharge: Sendable, Equatable {
    public var reference: String?
    public var outcome: ChargeOutcome

    public init(reference: String?, outcome: ChargeOutcome) {
        self.reference = reference
        self.outcome = outcome
    }
}

/// The processor could not be reached or did not answer in time: the charge may or may not exist, so the payment
/// stays pending and the retry (or the webhook) settles it under the same idempotency key.
public struct ProcessorUnavailable: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "payment processor unavailable: \(reason)" }
}

/// The card processor (PCI scope stays there: Recoup sends tokens, never card numbers).
public protocol PaymentProcessor: Sendable {
    /// Charges a stored card. Throws ``ProcessorUnavailable`` when the outcome is unknown.
    func charge(_ charge: CardCharge) async throws -> ProcessorCharge
    /// Refunds `amount` of a charge, or all that is left of it (nil); returns the refund's id. The same
    /// `idempotencyKey` refunds once.
    func refund(reference: String, amount: Money?, idempotencyKey: String) async throws -> String
}

/// A processor webhook event of the common shape (`{"id": "evt_…", "type": "payment_intent.succeeded", "data":
/// {"object": {…}}}`), reduced to what moves a payment.
public struct ProcessorEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case succeeded
        case failed(String)
        /// The cardholder's bank took the money back.
        case chargeback
        case refunded
        /// An event Recoup does not act on; noted and answered 200 so the processor stops resending it.
        case ignored
    }

    public var id: String
    public var type: String
    public var kind: Kind
    /// The processor's charge id (the payment intent).
    public var reference: String?
    /// Recoup's payment id from the charge's metadata.
    public var paymentID: UUID?

    /// Parses the JSON body; nil when it is not an event.
    public static func parse(_ body: Data) -> ProcessorEvent? {
        guard let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
              let id = json["id"] as? String, let type = json["type"] as? String
        else { return nil }
        let object = (json["data"] as? [String: Any])?["object"] as? [String: Any] ?? [:]
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let kind: Kind = switch type {
        case "payment_intent.succeeded": .succeeded
        case "payment_intent.payment_failed":
            .failed(((object["last_payment_error"] as? [String: Any])?["message"] as? String) ?? "declined")
        case "charge.dispute.created": .chargeback
        // Only a full refund undoes the payment; a partial one is left for staff (partial refunds are not posted).
        case "charge.refunded": (object["refunded"] as? Bool ?? true) ? .refunded : .ignored
        default: .ignored
        }
        // Disputes and refunds name the charge's intent in `payment_intent`; intents are the object itself.
        let reference = (object["payment_intent"] as? String) ?? (type.hasPrefix("payment_intent.") ? object["id"] as? String : nil)
        return ProcessorEvent(
            id: id, type: type, kind: kind, reference: reference,
            paymentID: (metadata["payment_id"] as? String).flatMap { UUID(text: $0) })
    }
}

/// The signature processors of the common shape put on webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
/// "<t>.<body>">` keyed with the endpoint's signing secret. A stale timestamp is refused too, so a captured delivery
/// cannot be replayed later.
public enum ProcessorSignature {
    public static let header = "Stripe-Signature"
    /// How far the timestamp may be from now.
    public static let tolerance: TimeInterval = 300

    public static func sign(_ body: Data, secret: String, at time: Date) -> String {
        let timestamp = Int(time.timeIntervalSince1970)
        return "t=\(timestamp),v1=" + WebhookSignature.hmacSHA256(Data("\(timestamp).".utf8) + body, secret: secret)
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case malformed, stale, mismatch
        public var description: String {
            switch self {
            case .malformed: "the signature header is missing or malformed"
            case .stale: "the signature's timestamp is outside the tolerance"
            case .mismatch: "the signature does not match"
            }
        }
    }

    public static func verify(_ body: Data, header: String?, secret: String, now: Date) throws(Refusal) {
        guard let header else { throw .malformed }
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformed }
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance else { throw .stale }
        let expected = WebhookSignature.hmacSHA256(Data("\(timestamp).".utf8) + body, secret: secret)
        guard signatures.contains(where: { WebhookSignature.constantTimeEqual($0, expected) }) else { throw .mismatch }
    }
}

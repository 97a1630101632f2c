import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RecoupApp
import RecoupCore

/// A card processor of the common REST shape (Stripe's API and those that copy it): form-encoded requests with a
/// bearer secret key, payment intents confirmed off-session on a stored customer's payment method, refunds by
/// intent, and an `Idempotency-Key` on every request so a retry after a timeout is the same charge.
///
/// Answers are classified for ``PaymentService``: 2xx with the intent's status; 402 (a card error) or 400 (a request
/// the processor refuses, such as a detached payment method) is a decline with the processor's message; anything
/// else (429, 5xx, 401/403 credentials an operator can fix, 404 a wrong URL, 409 the same key still in flight, a
/// refused connection, a timeout) is ``ProcessorUnavailable``: the outcome is unknown and the payment stays pending.
public struct CardProcessorClient: PaymentProcessor {
    public var baseURL: String
    public var secretKey: String
    public var timeout: TimeAmount
    let client: HTTPClient

    public init(baseURL: String, secretKey: String, timeout: TimeAmount = .seconds(30), client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secretKey = secretKey
        self.timeout = timeout
        self.client = client
    }

    public func charge(_ charge: CardCharge) async throws -> ProcessorCharge {
        let form: [(String, String)] = [
            ("amount", "\(charge.amount.minorUnits)"), ("currency", charge.amount.currency.code.lowercased()),
            ("customer", charge.customer), ("payment_method", charge.token), ("confirm", "true"), ("off_session", "true"),
            ("description", charge.description), ("metadata[payment_id]", charge.paymentID.lowercasedString),
        ]
        let (status, json) = try await post("/v1/payment_intents", form: form, idempotencyKey: charge.idempotencyKey)
        if status == 400 || status == 402 {
            let error = json["error"] as? [String: Any] ?? [:]
            let intent = (error["payment_intent"] as? [String: Any])?["id"] as? String
            let message = error["message"] as? String ?? "declined (\(status))"
            return ProcessorCharge(reference: intent, outcome: .declined(message))
        }
        guard (200..<300).contains(status) else { throw ProcessorUnavailable("answered \(status)") }
        guard let id = json["id"] as? String else { throw ProcessorUnavailable("answered \(status) without an intent id") }
        switch json["status"] as? String {
        case "succeeded": return ProcessorCharge(reference: id, outcome: .succeeded)
        case "requires_payment_method", "canceled":
            let message = (json["last_payment_error"] as? [String: Any])?["message"] as? String ?? "declined"
            return ProcessorCharge(reference: id, outcome: .declined(message))
        default: return ProcessorCharge(reference: id, outcome: .processing)
        }
    }

    public func refund(reference: String, amount: Money?, idempotencyKey: String) async throws -> String {
        let form = [("payment_intent", reference)] + (amount.map { [("amount", "\($0.minorUnits)")] } ?? [])
        let (status, json) = try await post("/v1/refunds", form: form, idempotencyKey: idempotencyKey)
        guard status == 400 || status == 402 || (200..<300).contains(status) else { throw ProcessorUnavailable("answered \(status)") }
        guard let id = json["id"] as? String else {
            let message = (json["error"] as? [String: Any])?["message"] as? String ?? "answered \(status)"
            throw RecoupError.conflict("the processor refused the refund: \(message)")
        }
        return id
    }

    /// Posts a form; answers the status and the JSON body, or throws ``ProcessorUnavailable`` when the outcome is unknown.
    func post(_ path: String, form: [(String, String)], idempotencyKey: String) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(secretKey)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(string: WebhookSignature.formBody(form)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw ProcessorUnavailable("\(error)")
        }
        let status = Int(response.status.code)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (status, json)
    }
}

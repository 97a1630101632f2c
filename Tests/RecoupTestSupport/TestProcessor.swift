import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RecoupApp

/// An in-test card processor speaking the common REST shape (payment intents, refunds, form bodies, bearer secret
/// key, `Idempotency-Key` replaying the first answer), served on a real port so the real client talks HTTP to it.
///
/// The payment-method token chooses the behaviour, as processors' test cards do:
/// - `pm_card_visa`: succeeds; `pm_card_processing`: accepted, result by webhook later;
/// - `pm_card_chargeDeclined`: 402 card error naming the intent;
/// - `pm_card_unavailable`: 503 (the client must treat the outcome as unknown);
/// - `pm_card_webhookFirst`: succeeds, but ``beforeAnswer`` runs (and may deliver the webhook) before the answer;
/// - `pm_card_slow`: succeeds at once, but the answer comes only after ``slowAnswer`` (past a client's timeout).
public final class TestProcessor: @unchecked Sendable {
    public static let secretKey = "sk_test_recoup"
    public static let webhookSecret = "whsec_test_recoup"

    public struct Intent: Sendable, Equatable {
        public var id: String
        public var amount: Int64
        public var currency: String
        public var paymentID: String
        public var status: String

        public init(id: String, amount: Int64, currency: String, paymentID: String, status: String) {
            self.id = id
            self.amount = amount
            self.currency = currency
            self.paymentID = paymentID
            self.status = status
        }
    }

    private let lock = NSLock()
    private var intentsByKey: [String: (status: HTTPResponse.Status, body: [String: Any])] = [:]
    private var intentList: [Intent] = []
    private var refundsByKey: [String: String] = [:]
    private var refundAmountList: [Int64?] = []
    private var requestCount = 0
    /// Runs before a `pm_card_webhookFirst` charge is answered, with the intent it created.
    public var beforeAnswer: (@Sendable (Intent) async throws -> Void)?
    /// How long a `pm_card_slow` charge takes to answer.
    public var slowAnswer: Duration = .milliseconds(1500)

    public init() {}

    /// Every intent created, once per idempotency key.
    public var intents: [Intent] { lock.withLock { intentList } }
    public var refunds: Int { lock.withLock { refundsByKey.count } }
    /// The amount each refund asked for (nil: all that was left), in the order they were made.
    public var refundAmounts: [Int64?] { lock.withLock { refundAmountList } }
    /// Requests received, replays included.
    public var requests: Int { lock.withLock { requestCount } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/payment_intents") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.secretKey)" else {
                return try Self.json(.unauthorized, ["error": ["message": "Invalid API Key provided"]])
            }
            let form = try await Self.form(request)
            guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
                return try Self.json(.badRequest, ["error": ["message": "Idempotency-Key required by this test processor"]])
            }
            let (answer, intent, fresh) = self.intent(key: key, form: form)
            if fresh, form["payment_method"] == "pm_card_webhookFirst", let beforeAnswer = self.beforeAnswer { try await beforeAnswer(intent) }
            if form["payment_method"] == "pm_card_slow" { try await Task.sleep(for: self.slowAnswer) }
            return try Self.json(answer.status, answer.body)
        }
        router.post("/v1/refunds") { request, _ -> Response in
            let form = try await Self.form(request)
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? UUID().uuidString
            let id: String = self.lock.withLock {
                self.requestCount += 1
                if let known = self.refundsByKey[key] { return known }
                let id = "re_\(self.refundsByKey.count + 1)"
                self.refundsByKey[key] = id
                self.refundAmountList.append(form["amount"].flatMap { Int64($0) })
                return id
            }
            return try Self.json(.ok, ["id": id, "object": "refund", "payment_intent": form["payment_intent"] ?? "", "status": "succeeded"])
        }
        return router
    }

    /// The stored answer for `key`, or a new intent and its answer.
    private func intent(key: String, form: [String: String]) -> ((status: HTTPResponse.Status, body: [String: Any]), Intent, fresh: Bool) {
        lock.withLock {
            requestCount += 1
            if let known = intentsByKey[key], let intent = intentList.first(where: { $0.id == Self.intentID(known.body) }) {
                return (known, intent, false)
            }
            let token = form["payment_method"] ?? ""
            let status = switch token {
            case "pm_card_processing": "processing"
            case "pm_card_chargeDeclined": "requires_payment_method"
            default: "succeeded"
            }
            let intent = Intent(
                id: "pi_\(intentList.count + 1)", amount: Int64(form["amount"] ?? "") ?? 0, currency: form["currency"] ?? "",
                paymentID: form["metadata[payment_id]"] ?? "", status: status)
            let object: [String: Any] = ["id": intent.id, "object": "payment_intent", "amount": intent.amount, "currency": intent.currency,
                                         "status": status, "metadata": ["payment_id": intent.paymentID]]
            let answer: (status: HTTPResponse.Status, body: [String: Any])
            switch token {
            case "pm_card_unavailable":
                // Not stored: the processor fell over before it created anything.
                return ((.serviceUnavailable, ["error": ["message": "try again later"]]), intent, false)
            case "pm_card_chargeDeclined":
                answer = (HTTPResponse.Status(code: 402), ["error": ["type": "card_error", "code": "card_declined",
                                                                     "message": "Your card was declined.", "payment_intent": object]])
            default:
                answer = (.ok, object)
            }
            intentList.append(intent)
            intentsByKey[key] = answer
            return (answer, intent, true)
        }
    }

    private static func intentID(_ body: [String: Any]) -> String? {
        body["id"] as? String ?? ((body["error"] as? [String: Any])?["payment_intent"] as? [String: Any])?["id"] as? String
    }

    /// A signed webhook delivery for `intent`: the event's JSON body and its signature header as of `time`.
    public static func event(_ type: String, intent: Intent, eventID: String, at time: Date, secret: String = webhookSecret)
        -> (body: Data, signature: String)
    {
        let object: [String: Any] = type.hasPrefix("charge.")
            ? ["id": "ch_\(intent.id.dropFirst(3))", "object": type == "charge.refunded" ? "charge" : "dispute", "payment_intent": intent.id]
            : ["id": intent.id, "object": "payment_intent", "amount": intent.amount, "currency": intent.currency,
               "metadata": ["payment_id": intent.paymentID],
               "last_payment_error": type == "payment_intent.payment_failed" ? ["message": "Your card has insufficient funds."] : NSNull()]
        let body = try! JSONSerialization.data(withJSONObject: ["id": eventID, "object": "event", "type": type, "data": ["object": object]])
        return (body, ProcessorSignature.sign(body, secret: secret, at: time))
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
        return Dictionary(WebhookSignature.formParameters(body), uniquingKeysWith: { first, _ in first })
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RecoupApp

/// An account at a telephony provider of the common REST shape (Twilio's API and the providers that copy it):
/// resources under `<base>/2010-04-01/Accounts/<account>/`, form-encoded requests, HTTP Basic auth with the account
/// id and auth token, JSON answers carrying the new resource's `sid`. Texts and calls go through the same account
/// and come from the same number.
///
/// Every request carries the outbox message's (or call's) id as its idempotency key, so a retry after an unknown
/// outcome does not reach the consumer twice at a provider that honours it. Failures are classified for the
/// dispatcher: a 4xx answer about the request (a bad or unsubscribed number) is permanent; 401/403 (credentials),
/// 429, 5xx, a refused connection or a timeout is transient.
public struct TelephonyProvider: Sendable {
    /// Scheme, host, port and any path prefix: `https://api.twilio.com`.
    public var baseURL: String
    public var accountID: String
    public var authToken: String
    /// The number texts and calls come from (E.164), or a messaging-service id for texts.
    public var from: String
    public var timeout: TimeAmount

    public init(baseURL: String, accountID: String, authToken: String, from: String, timeout: TimeAmount = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountID = accountID
        self.authToken = authToken
        self.from = from
        self.timeout = timeout
    }

    /// `https://ACCOUNT:TOKEN@host[:port][/prefix]` (http for a local test provider) and the sending number.
    public init?(url: String, from: String) {
        guard var components = URLComponents(string: url), components.scheme == "https" || components.scheme == "http",
              let host = components.host, !host.isEmpty, let account = components.user, let token = components.password,
              !account.isEmpty, !token.isEmpty, !from.isEmpty
        else { return nil }
        components.user = nil
        components.password = nil
        guard let base = components.string else { return nil }
        self.init(baseURL: base, accountID: account, authToken: token, from: from)
    }

    /// Creates a resource (`Messages`, `Calls`); returns its `sid`. `what` names the request in failures.
    func create(_ resource: String, form: [(String, String)], idempotencyKey: String, what: String, client: HTTPClient) async throws -> String {
        var request = HTTPClientRequest(url: "\(baseURL)/2010-04-01/Accounts/\(accountID)/\(resource).json")
        request.method = .POST
        let credentials = Data("\(accountID):\(authToken)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.headers.add(name: "I-Twilio-Idempotency-Token", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(string: WebhookSignature.formBody(form)))

        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            // Refused, reset or timed out: the provider may or may not have it; the retry carries the same key.
            throw TransportFailure.transient("\(what) provider unreachable: \(error)")
        }
        let text = String(buffer: body)
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let detail = json?["message"] as? String ?? String(text.prefix(200))
            let reason = "\(what) provider answered \(status): \(detail)"
            // Throttled, down, or refusing our credentials (an operator can fix those): try again. Any other 4xx is about
            // this request (a bad or unsubscribed number): dead letter.
            let retryable = status == 429 || status >= 500 || status == 401 || status == 403
            throw retryable ? TransportFailure.transient(reason) : TransportFailure.permanent(reason)
        }
        guard let sid = json?["sid"] as? String, !sid.isEmpty else {
            throw TransportFailure.transient("\(what) provider answered \(status) without a sid")
        }
        return sid
    }
}

/// Hands texts to the provider's Messages resource, with a status callback when Recoup has a public URL.
public struct TextProviderTransport: TextTransport {
    let provider: TelephonyProvider
    let client: HTTPClient

    public init(_ provider: TelephonyProvider, client: HTTPClient = .shared) {
        self.provider = provider
        self.client = client
    }

    public func send(_ text: OutboundText) async throws -> String {
        var form = [("To", text.to), ("From", provider.from), ("Body", text.body)]
        if let callback = text.statusCallback { form.append(("StatusCallback", callback)) }
        return try await provider.create("Messages", form: form, idempotencyKey: text.idempotencyKey, what: "SMS", client: client)
    }
}

/// Places calls through the provider's Calls resource: the provider dials, fetches what to play from `Url` when the
/// line answers, and reports how the call ended to `StatusCallback`. With machine detection the provider waits for a
/// voicemail greeting to end before fetching, and says who answered (`AnsweredBy`).
public struct VoiceProviderTransport: CallTransport {
    let provider: TelephonyProvider
    let client: HTTPClient

    public init(_ provider: TelephonyProvider, client: HTTPClient = .shared) {
        self.provider = provider
        self.client = client
    }

    public func place(_ call: OutboundCall) async throws -> String {
        var form = [("To", call.to), ("From", provider.from), ("Url", call.answerURL), ("Method", "POST"),
                    ("StatusCallback", call.statusCallback), ("StatusCallbackMethod", "POST")]
        if call.detectMachine { form += [("MachineDetection", "DetectMessageEnd")] }
        return try await provider.create("Calls", form: form, idempotencyKey: call.idempotencyKey, what: "Voice", client: client)
    }
}

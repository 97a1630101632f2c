import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RecoupApp

/// Hands texts to an SMS provider of the common REST shape (Twilio's Messages API and the providers that copy it):
/// `POST <base>/2010-04-01/Accounts/<account>/Messages.json`, form-encoded `To`, `From`, `Body`, `StatusCallback`,
/// HTTP Basic auth with the account id and auth token. Every request carries the outbox message's id as its
/// idempotency key, so a retry after an unknown outcome does not text the consumer twice at a provider that honours
/// it.
///
/// Failures are classified for the dispatcher: a 4xx answer about the message (a bad number, an unsubscribed
/// recipient) is permanent; 401/403 (credentials), 429, 5xx, a refused connection or a timeout is transient.
public struct TextProviderTransport: TextTransport {
    public struct Configuration: Sendable {
        /// Scheme, host, port and any path prefix: `https://api.twilio.com`.
        public var baseURL: String
        public var accountID: String
        public var authToken: String
        /// The sending number (E.164) or messaging-service id.
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
    }

    let configuration: Configuration
    let client: HTTPClient

    public init(_ configuration: Configuration, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = client
    }

    public func send(_ text: OutboundText) async throws -> String {
        var form = [("To", text.to), ("From", configuration.from), ("Body", text.body)]
        if let callback = text.statusCallback { form.append(("StatusCallback", callback)) }
        var request = HTTPClientRequest(url: "\(configuration.baseURL)/2010-04-01/Accounts/\(configuration.accountID)/Messages.json")
        request.method = .POST
        let credentials = Data("\(configuration.accountID):\(configuration.authToken)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: text.idempotencyKey)
        request.headers.add(name: "I-Twilio-Idempotency-Token", value: text.idempotencyKey)
        request.body = .bytes(ByteBuffer(string: WebhookSignature.formBody(form)))

        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: configuration.timeout)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            // Refused, reset or timed out: the provider may or may not have the message; the retry carries the same key.
            throw TransportFailure.transient("SMS provider unreachable: \(error)")
        }
        let text = String(buffer: body)
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let detail = json?["message"] as? String ?? String(text.prefix(200))
            let reason = "SMS provider answered \(status): \(detail)"
            // Throttled, down, or refusing our credentials (an operator can fix those): try again. Any other 4xx is about
            // this message (a bad or unsubscribed number): dead letter.
            let retryable = status == 429 || status >= 500 || status == 401 || status == 403
            throw retryable ? TransportFailure.transient(reason) : TransportFailure.permanent(reason)
        }
        guard let sid = json?["sid"] as? String, !sid.isEmpty else {
            throw TransportFailure.transient("SMS provider answered \(status) without a message sid")
        }
        return sid
    }
}

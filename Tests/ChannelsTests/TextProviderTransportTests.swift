import Channels
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RecoupApp
import Testing

/// The SMS client against an in-test provider speaking the Messages API: form fields and Basic auth as the provider
/// expects them, the message's idempotency key on every request (so a retry after an unknown outcome is one text),
/// and each kind of refusal classified for the dispatcher.
struct TextProviderTransportTests {
    /// What the in-test provider received: one entry per distinct idempotency key.
    final class ProviderLog: @unchecked Sendable {
        private let lock = NSLock()
        private var byKey: [String: (sid: String, form: [String: String])] = [:]
        private(set) var requests = 0

        func accept(key: String, form: [String: String]) -> String {
            lock.withLock {
                requests += 1
                if let known = byKey[key] { return known.sid }
                let sid = "SM\(byKey.count + 1)"
                byKey[key] = (sid, form)
                return sid
            }
        }

        var messages: [[String: String]] { lock.withLock { byKey.values.sorted { $0.sid < $1.sid }.map(\.form) } }
    }

    static func provider(_ log: ProviderLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/2010-04-01/Accounts/:account/Messages.json") { request, context -> Response in
            func json(_ status: HTTPResponse.Status, _ object: [String: Any]) throws -> Response {
                Response(status: status, headers: [.contentType: "application/json"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
            }
            let expected = "Basic " + Data("AC123:secret".utf8).base64EncodedString()
            guard context.parameters.get("account") == "AC123", request.headers[.authorization] == expected else {
                return try json(.unauthorized, ["code": 20003, "message": "Authenticate"])
            }
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let form = Dictionary(WebhookSignature.formParameters(body), uniquingKeysWith: { first, _ in first })
            switch form["To"] {
            case "+15005550001": return try json(.badRequest, ["code": 21211, "message": "The 'To' number is not a valid phone number."])
            case "+15005550002": return try json(.serviceUnavailable, ["message": "try later"])
            default:
                guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return try json(.badRequest, ["message": "no key"]) }
                return try json(.created, ["sid": log.accept(key: key, form: form), "status": "queued"])
            }
        }
        return router
    }

    @Test func sendsTheFormOncePerIdempotencyKeyAndClassifiesRefusals() async throws {
        let log = ProviderLog()
        let app = Application(router: Self.provider(log))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let configuration = try #require(TelephonyProvider(url: "http://AC123:secret@127.0.0.1:\(port)", from: "+15125559999"))
            let transport = TextProviderTransport(configuration)
            let text = OutboundText(idempotencyKey: "0b7c-1", to: "+15125550100", body: "Hola Pat & co. Reply STOP to opt out.",
                                    statusCallback: "https://pay.acme.test/webhooks/sms/t1/status")
            let sid = try await transport.send(text)
            #expect(try await transport.send(text) == sid, "a retry with the same key is the same message")
            #expect(log.requests == 2 && log.messages.count == 1)
            let form = try #require(log.messages.first)
            #expect(form["To"] == "+15125550100" && form["From"] == "+15125559999")
            #expect(form["Body"] == "Hola Pat & co. Reply STOP to opt out.")
            #expect(form["StatusCallback"] == "https://pay.acme.test/webhooks/sms/t1/status")

            var bad = text
            bad.idempotencyKey = "0b7c-2"
            bad.to = "+15005550001"
            await #expect(throws: TransportFailure.permanent("SMS provider answered 400: The 'To' number is not a valid phone number.")) {
                try await transport.send(bad)
            }
            bad.to = "+15005550002"
            await #expect(throws: TransportFailure.transient("SMS provider answered 503: try later")) { try await transport.send(bad) }
            let wrongToken = TextProviderTransport(try #require(
                TelephonyProvider(url: "http://AC123:wrong@127.0.0.1:\(port)", from: "+15125559999")))
            await #expect(throws: TransportFailure.transient("SMS provider answered 401: Authenticate"), "credentials can be fixed") {
                try await wrongToken.send(text)
            }
        }
        // The client keeps retrying a refused connection until the request's deadline: keep it short here.
        var closed = try #require(TelephonyProvider(url: "http://AC1:t@127.0.0.1:9", from: "+1"))
        closed.timeout = .seconds(2)
        let unreachable = TextProviderTransport(closed)
        do {
            _ = try await unreachable.send(OutboundText(idempotencyKey: "k", to: "+15125550100", body: "x"))
            Issue.record("sent to a closed port")
        } catch let failure as TransportFailure {
            guard case .transient = failure else { Issue.record("\(failure)"); return }
        }
    }

    @Test func configurationComesFromOneURL() {
        let configuration = TelephonyProvider(url: "https://AC9:tok@api.twilio.com/", from: "+15125559999")
        #expect(configuration?.baseURL == "https://api.twilio.com" && configuration?.accountID == "AC9" && configuration?.authToken == "tok")
        #expect(TelephonyProvider(url: "https://api.twilio.com", from: "+1") == nil, "credentials are required")
        #expect(TelephonyProvider(url: "ftp://a:b@host", from: "+1") == nil)
        #expect(TelephonyProvider(url: "https://a:b@host", from: "") == nil, "a sending number is required")
    }

    @Test func webhookSignaturesMatchTheProvidersAlgorithm() {
        // The provider's documented example: URL, sorted parameters, auth token 12345.
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
                          ("To", "+18005551212")]
        let signature = WebhookSignature.sign(url: url, parameters: parameters, token: "12345")
        #expect(signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        #expect(WebhookSignature.isValid(signature, url: url, parameters: parameters.reversed(), token: "12345"), "order does not matter")
        #expect(!WebhookSignature.isValid(signature, url: url, parameters: parameters + [("Body", "x")], token: "12345"))
        #expect(!WebhookSignature.isValid(signature, url: url, parameters: parameters, token: "54321"))
    }

    @Test func formBodiesAreEncodedAsBrowsersDoAndReadBack() {
        let pairs = [("Body", "Stop & go = 100%"), ("From", "+1 512"), ("Texto", "Está pagado, ¿sí? ~ñ/é\n"), ("Empty", ""), ("a-b._*", "~")]
        let form = WebhookSignature.formBody(pairs)
        #expect(form == "Body=Stop+%26+go+%3D+100%25&From=%2B1+512&Texto=Est%C3%A1+pagado%2C+%C2%BFs%C3%AD%3F+%7E%C3%B1%2F%C3%A9%0A"
            + "&Empty=&a-b._*=%7E")
        #expect(WebhookSignature.formParameters(form).map { [$0.0, $0.1] } == pairs.map { [$0.0, $0.1] })
    }
}

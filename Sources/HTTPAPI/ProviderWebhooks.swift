import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import NIOCore
import RecoupApp
import RecoupCore

/// Where an SMS provider's webhooks are checked: its auth token and the public URL it calls Recoup at.
public struct TextWebhookSettings: Sendable {
    public var authToken: String
    /// Recoup's public base URL, exactly as configured at the provider (the signature covers it).
    public var publicURL: String

    public init(authToken: String, publicURL: String) {
        self.authToken = authToken
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }
}

/// The SMS provider's webhooks, outside the API keys and checked by the provider's request signature instead:
/// `POST /webhooks/sms/{tenant}/inbound` receives a consumer's text and answers with TwiML (the confirmation of a
/// STOP, the answer to HELP, or nothing); `POST /webhooks/sms/{tenant}/status` records what the provider reports
/// about a text it was handed (delivered, failed).
enum ProviderWebhooks {
    static let prefix = "/webhooks/"

    static func register(
        on router: Router<BasicRequestContext>, settings: TextWebhookSettings, inbound: InboundTextService, outbox: MessageService,
        letterhead: @escaping @Sendable (TenantID) async throws -> CollectorDetails
    ) {
        router.post("/webhooks/sms/:tenant/inbound") { request, context in
            let (tenant, form) = try await verified(request, context, settings)
            guard let sid = form["MessageSid"] ?? form["SmsSid"], let from = form["From"], let to = form["To"] else {
                throw RecoupError.invalid([FieldProblem(field: "MessageSid, From, To", reason: "the provider's inbound message fields are missing")])
            }
            let reply = try await inbound.receive(
                tenantID: tenant, providerID: sid, from: from, to: to, body: form["Body"] ?? "", collector: try await letterhead(tenant))
            return twiML(reply.map { "<Message>\(HTMLEscaping.text($0))</Message>" } ?? "")
        }
        router.post("/webhooks/sms/:tenant/status") { request, context in
            let (tenant, form) = try await verified(request, context, settings)
            guard let sid = form["MessageSid"] ?? form["SmsSid"], let status = form["MessageStatus"] ?? form["SmsStatus"] else {
                throw RecoupError.invalid([FieldProblem(field: "MessageSid, MessageStatus", reason: "the provider's status fields are missing")])
            }
            let kind: EngagementKind? = switch status {
            case "delivered": .delivered
            case "undelivered", "failed": .failed
            default: nil  // queued, sending, sent, accepted: not an outcome yet
            }
            if let kind {
                let detail = [status, form["ErrorCode"].map { "error \($0)" }].compactMap { $0 }.joined(separator: ", ")
                try await outbox.track(kind, providerRef: sid, detail: detail, tenantID: tenant)
            }
            return Response(status: .noContent)
        }
    }

    /// The tenant named in the path and the form, once the provider's signature over both is checked.
    static func verified(_ request: Request, _ context: BasicRequestContext, _ settings: TextWebhookSettings)
        async throws -> (TenantID, [String: String])
    {
        guard let tenant = context.parameters.get("tenant").flatMap(TenantID.init) else { throw RecoupError.notFound("tenant") }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let pairs = WebhookSignature.formParameters(String(buffer: buffer))
        let url = settings.publicURL + request.uri.description
        guard let signature = request.headers[HTTPField.Name(WebhookSignature.header)!],
              WebhookSignature.isValid(signature, url: url, parameters: pairs, token: settings.authToken)
        else { throw RecoupError.forbidden("the request is not signed by the SMS provider") }
        return (tenant, Dictionary(pairs, uniquingKeysWith: { first, _ in first }))
    }

    static func twiML(_ verbs: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\(verbs)</Response>")))
    }
}

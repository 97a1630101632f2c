import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import NIOCore
import RecoupApp
import RecoupCore

/// Where an SMS provider's webhooks are checked: its auth token and the public URL it calls Recoup at.
public struct ProviderWebhookSettings: Sendable {
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
/// about a text it was handed (delivered, failed); `POST /webhooks/voice/{tenant}/inbound` answers a call with the
/// IVR, and `/webhooks/voice/{tenant}/ivr?step=…` takes each key press.
enum ProviderWebhooks {
    static let prefix = "/webhooks/"

    static func registerTexts(
        on router: Router<APIRequestContext>, settings: ProviderWebhookSettings, inbound: InboundTextService, outbox: MessageService,
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
                // By the message id the callback URL carries (signed with it): a report that beats the outcome's group
                // commit finds the message before its SID is stored. Older callbacks name only the SID.
                let target: EngagementTarget = request.uri.queryParameters["message"].flatMap { UUID(uuidString: String($0)) }
                    .map { .message($0, tenant) } ?? .provider(sid, tenant)
                try await outbox.track(kind, target, detail: detail)
            }
            return Response(status: .noContent)
        }
    }

    static func registerVoice(
        on router: Router<APIRequestContext>, settings: ProviderWebhookSettings, ivr: IVRService,
        letterhead: @escaping @Sendable (TenantID) async throws -> CollectorDetails
    ) {
        @Sendable func answer(_ request: Request, _ context: APIRequestContext, step: String?) async throws -> Response {
            let (tenant, form) = try await verified(request, context, settings)
            guard let call = form["CallSid"], let from = form["From"], let to = form["To"] else {
                throw RecoupError.invalid([FieldProblem(field: "CallSid, From, To", reason: "the provider's call fields are missing")])
            }
            var state: [String: String] = [:]
            for item in request.uri.queryParameters where item.key != "step" { state[String(item.key)] = String(item.value) }
            let verbs = try await ivr.handle(
                IVRRequest(tenantID: tenant, callID: call, caller: from, called: to,
                           step: step ?? request.uri.queryParameters["step"].map(String.init) ?? "start", digits: form["Digits"], state: state),
                collector: try await letterhead(tenant))
            return twiML(verbs.map(twiML).joined())
        }
        router.post("/webhooks/voice/:tenant/inbound") { request, context in try await answer(request, context, step: "start") }
        router.post("/webhooks/voice/:tenant/ivr") { request, context in try await answer(request, context, step: nil) }
    }

    /// The outbound-call webhooks: `bridge?call=` (the agent answered: dial the consumer), `dialed?call=` (how the
    /// consumer's leg ended), `call-status?call=` (how the agent's leg ended), `voicemail?message=` (what to play
    /// after the greeting) and `voicemail-status?message=` (how the voicemail call went).
    static func registerOutboundCalls(
        on router: Router<APIRequestContext>, settings: ProviderWebhookSettings, calls: OutboundCallService, voicemails: VoicemailDrops
    ) {
        @Sendable func target(_ request: Request, _ name: String) throws -> UUID {
            guard let id = request.uri.queryParameters[Substring(name)].flatMap({ UUID(text: String($0)) }) else { throw RecoupError.notFound(name) }
            return id
        }
        @Sendable func field(_ form: [String: String], _ name: String) throws -> String {
            guard let value = form[name] else {
                throw RecoupError.invalid([FieldProblem(field: name, reason: "the provider's call status is missing")])
            }
            return value
        }
        router.post("/webhooks/voice/:tenant/bridge") { request, context in
            let (tenant, _) = try await verified(request, context, settings)
            return twiML(try await calls.bridge(call: try target(request, "call"), tenantID: tenant).map(twiML).joined())
        }
        router.post("/webhooks/voice/:tenant/dialed") { request, context in
            let (tenant, form) = try await verified(request, context, settings)
            let verbs = try await calls.dialed(call: try target(request, "call"), tenantID: tenant, status: try field(form, "DialCallStatus"))
            return twiML(verbs.map(twiML).joined())
        }
        router.post("/webhooks/voice/:tenant/call-status") { request, context in
            let (tenant, form) = try await verified(request, context, settings)
            try await calls.agentLegEnded(call: try target(request, "call"), tenantID: tenant, status: try field(form, "CallStatus"))
            return Response(status: .noContent)
        }
        router.post("/webhooks/voice/:tenant/voicemail") { request, context in
            let (tenant, _) = try await verified(request, context, settings)
            return twiML(try await voicemails.play(message: try target(request, "message"), tenantID: tenant).map(twiML).joined())
        }
        router.post("/webhooks/voice/:tenant/voicemail-status") { request, context in
            let (tenant, form) = try await verified(request, context, settings)
            try await voicemails.status(
                message: try target(request, "message"), tenantID: tenant, status: try field(form, "CallStatus"), answeredBy: form["AnsweredBy"])
            return Response(status: .noContent)
        }
    }

    /// `POST /webhooks/email/{tenant}/events`: what the email relay learned after accepting a message, as a JSON
    /// array of `{"message_id": "<id@domain>" or "id", "event": "delivered" | "bounced" | "complained" | "failed",
    /// "detail": "…"}`, signed with `X-Recoup-Signature: sha256=<hex HMAC-SHA256 of the body>` under the shared
    /// secret. Each becomes an engagement event of the tenant's message; a complaint also opts the address out of
    /// email, as the consumer's unsubscribe would.
    static func registerEmailEvents(on router: Router<APIRequestContext>, secret: String, messages: MessageService, optOuts: EmailOptOuts) {
        router.post("/webhooks/email/:tenant/events") { request, context in
            guard let tenant = context.parameters.get("tenant").flatMap(TenantID.init) else { throw RecoupError.notFound("tenant") }
            let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let expected = "sha256=" + WebhookSignature.hmacSHA256(body, secret: secret)
            guard let given = request.headers[HTTPField.Name("X-Recoup-Signature")!],
                  WebhookSignature.constantTimeEqual(given, expected)
            else { throw RecoupError.forbidden("the request is not signed with the email events secret") }
            guard let events = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] else {
                throw RecoupError.invalid([FieldProblem(field: "body", reason: "a JSON array of {message_id, event, detail}")])
            }
            var problems: [FieldProblem] = []
            for (index, event) in events.enumerated() {
                let raw = (event["message_id"] as? String ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                let id = UUID(text: String(raw.prefix { $0 != "@" }))
                let kind: EngagementKind? = switch event["event"] as? String {
                case "delivered": .delivered
                case "bounced": .bounced
                case "complained": .optedOut
                case "failed": .failed
                default: nil
                }
                guard let id, let kind else {
                    problems.append(FieldProblem(field: "[\(index)]", reason: "needs a message_id of this server and an event: delivered, bounced, complained or failed", row: index + 1))
                    continue
                }
                do {
                    let message = try await messages.track(kind, .message(id, tenant), detail: event["detail"] as? String)
                    if kind == .optedOut { try await optOuts.optOut(message, actor: "relay:complaint") }
                } catch RecoupError.notFound {
                    problems.append(FieldProblem(field: "[\(index)].message_id", reason: "no such message", row: index + 1))
                }
            }
            // What was valid is recorded; what was not is named.
            guard problems.isEmpty else { throw RecoupError.invalid(problems) }
            return Response(status: .noContent)
        }
    }

    /// `POST /webhooks/payments/{tenant}`: the card processor's events (`payment_intent.succeeded`,
    /// `payment_intent.payment_failed`, `charge.dispute.created`, `charge.refunded`), signed with
    /// `Stripe-Signature: t=…,v1=…` under the endpoint's secret and refused outside the timestamp tolerance. An
    /// event id seen before is answered 200 and changes nothing; so is an event Recoup does not act on.
    static func registerProcessorEvents(on router: Router<APIRequestContext>, secret: String, payments: PaymentService, clock: any Clock) {
        router.post("/webhooks/payments/:tenant") { request, context in
            guard let tenant = context.parameters.get("tenant").flatMap(TenantID.init) else { throw RecoupError.notFound("tenant") }
            let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            do {
                try ProcessorSignature.verify(
                    body, header: request.headers[HTTPField.Name(ProcessorSignature.header)!], secret: secret, now: clock.now())
            } catch {
                throw RecoupError.forbidden("processor webhook refused: \(error)")
            }
            guard let event = ProcessorEvent.parse(body) else {
                throw RecoupError.invalid([FieldProblem(field: "body", reason: "a processor event: {id, type, data: {object}}")])
            }
            try await payments.receive(event, tenantID: tenant)
            return Response(status: .ok)
        }
    }

    /// One verb as TwiML.
    static func twiML(_ verb: VoiceVerb) -> String {
        switch verb {
        case let .say(text, language): "<Say language=\"\(language)\">\(HTMLEscaping.text(text))</Say>"
        case let .gather(action, digits, finishOnKey, prompts):
            "<Gather input=\"dtmf\" action=\"\(HTMLEscaping.text(action))\" method=\"POST\" timeout=\"6\""
                + (digits.map { " numDigits=\"\($0)\"" } ?? "") + (finishOnKey.map { " finishOnKey=\"\($0)\"" } ?? "") + ">"
                + prompts.map(twiML).joined() + "</Gather>"
        case let .dial(number, action):
            (action.map { "<Dial action=\"\(HTMLEscaping.text($0))\" method=\"POST\">" } ?? "<Dial>") + HTMLEscaping.text(number) + "</Dial>"
        case let .redirect(url): "<Redirect method=\"POST\">\(HTMLEscaping.text(url))</Redirect>"
        case .hangup: "<Hangup/>"
        }
    }

    /// The tenant named in the path and the form, once the provider's signature over both is checked.
    static func verified(_ request: Request, _ context: APIRequestContext, _ settings: ProviderWebhookSettings)
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

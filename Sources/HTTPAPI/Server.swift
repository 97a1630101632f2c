import APISpec
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus
import RecoupApp
import RecoupCore

/// The use cases the API calls. Handlers never reach storage directly.
public struct APIServices: Sendable {
    public var directory: DirectoryService
    public var accounts: AccountService
    public var placements: PlacementService
    public var audit: AuditTrailService
    public var notices: NoticeService
    public var contactability: ContactabilityService
    public var contacts: ContactRecordingService
    public var facts: FactRecordingService
    public var messages: MessageService
    public var templates: TemplateService
    public var inbound: InboundTextService
    public var ivr: IVRService
    /// Agents' click-to-call; without a voice provider it refuses to place calls.
    public var calls: OutboundCallService
    public var voicemails: VoicemailDrops
    public var returnedMail: ReturnedMailService
    /// Payment methods, payments, refunds, client terms and the ledger; card payments need a processor.
    public var payments: PaymentService
    public var plans: PlanService
    public var settlements: SettlementService
    public var remittances: RemittanceService
    public var promises: PromiseService
    /// The card processor's webhook signing secret; nil: its webhook is not served.
    public var processorWebhookSecret: String?
    /// The agency's letterhead (name, dispute address, phone, licences) for a tenant's notices.
    public var letterhead: @Sendable (TenantID) async throws -> CollectorDetails
    /// The one-click unsubscribe links' handler; nil when no public URL is configured (emails then carry none).
    public var unsubscribe: UnsubscribeService?
    /// Open and click tracking links; nil when no public URL is configured.
    public var tracking: TrackingLinks?
    /// The shared secret the email relay's event webhook (bounces, complaints) is signed with; nil: not served.
    public var emailEventsSecret: String?
    /// The SMS and voice provider's webhook credentials; nil when no provider is configured (the webhooks are then
    /// absent).
    public var textWebhooks: ProviderWebhookSettings?
    public var clock: any Clock
    /// Answers whether the database is reachable, for `/health`.
    public var databaseCheck: @Sendable () async -> Bool

    public init(
        directory: DirectoryService, accounts: AccountService, placements: PlacementService,
        audit: AuditTrailService, contactRepository: any ContactRepository, factRepository: any FactRepository,
        decisionLog: any DecisionLog, outbox: any OutboxRepository, inbound: any InboundRepository, callRepository: any CallRepository,
        callTransport: (any CallTransport)? = nil, voiceURLs: VoiceWebhookURLs? = nil,
        templateRepository: any TemplateRepository, templateSender: TemplateSender = TemplateSender(),
        paymentRepository: any PaymentRepository, planRepository: any PlanRepository, settlementRepository: any SettlementRepository,
        remittanceRepository: any RemittanceRepository, promiseRepository: any PromiseRepository,
        processor: (any PaymentProcessor)? = nil, contactPressure: ContactPressure? = nil,
        clock: any Clock,
        letterhead: @escaping @Sendable (TenantID) async throws -> CollectorDetails,
        databaseCheck: @escaping @Sendable () async -> Bool
    ) {
        self.directory = directory
        self.accounts = accounts
        self.placements = placements
        self.audit = audit
        notices = NoticeService(accounts: accounts)
        contactability = ContactabilityService(
            accounts: accounts, contacts: contactRepository, facts: factRepository, decisions: decisionLog, clock: clock)
        facts = FactRecordingService(facts: factRepository, accounts: accounts, clock: clock)
        contacts = ContactRecordingService(contacts: contactRepository, accounts: accounts, clock: clock)
        let snapshots = AccountSnapshots(accounts: accounts, contacts: contactRepository, facts: factRepository)
        templates = TemplateService(templates: templateRepository, accounts: accounts, clock: clock, sender: templateSender)
        messages = MessageService(snapshots: snapshots, outbox: outbox, clock: clock, templates: templates, sender: templateSender)
        self.inbound = InboundTextService(inbound: inbound, snapshots: snapshots, clock: clock)
        calls = OutboundCallService(
            calls: callRepository, snapshots: snapshots, transport: callTransport, urls: voiceURLs, clock: clock, contactPressure: contactPressure)
        voicemails = VoicemailDrops(outbox: outbox, contacts: contactRepository, clock: clock)
        returnedMail = ReturnedMailService(outbox: outbox, contacts: contactRepository, accounts: accounts, clock: clock)
        payments = PaymentService(payments: paymentRepository, settlements: settlementRepository, accounts: accounts, processor: processor, clock: clock)
        payments.receipts = PaymentReceipts(messages: messages, agencyName: { try await letterhead($0).name })
        payments.consumerDays = ConsumerDays(messages: messages)
        plans = PlanService(plans: planRepository, payments: payments, clock: clock)
        plans.consumerDays = ConsumerDays(messages: messages)
        settlements = SettlementService(settlements: settlementRepository, plans: plans, payments: payments, clock: clock)
        remittances = RemittanceService(remittances: remittanceRepository, directory: directory, payments: payments, clock: clock)
        promises = PromiseService(promises: promiseRepository, payments: payments, clock: clock)
        promises.consumerDays = ConsumerDays(messages: messages)
        ivr = IVRService(inbound: inbound, snapshots: snapshots, clock: clock, promises: promises)
        ivr.payments = payments
        self.letterhead = letterhead
        self.clock = clock
        self.databaseCheck = databaseCheck
    }
}

/// Limits that protect the server from oversized input, from guessing at keys and from a runaway caller.
public struct APILimits: Sendable {
    public var jsonBodyBytes: Int
    public var placementFileBytes: Int
    /// Refused keys one client address may send before it is locked out for the rest of the window; nil: no lockout.
    public var guessing: GuessingLimit?
    /// Each key's request rate and burst; nil: unlimited.
    public var requestsPerKey: RateLimit?
    /// Peers (reverse proxies, load balancers) whose `X-Forwarded-For` names the caller's address.
    public var trustedProxies: Set<String>

    public static let defaultGuessing = GuessingLimit(refusals: 20, seconds: 600)

    public init(
        jsonBodyBytes: Int = 64 * 1024, placementFileBytes: Int = 1 << 30, guessing: GuessingLimit? = Self.defaultGuessing,
        requestsPerKey: RateLimit? = nil, trustedProxies: Set<String> = []
    ) {
        self.jsonBodyBytes = jsonBodyBytes
        self.placementFileBytes = placementFileBytes
        self.guessing = guessing
        self.requestsPerKey = requestsPerKey
        self.trustedProxies = trustedProxies
    }
}

/// Builds the HTTP router: problem+json errors outermost, then metrics, size limits and authentication, then the
/// generated OpenAPI routes, the plain ones (`/openapi.yaml`, `/metrics`), the consumers' pages (`/u/…`) and the
/// providers' webhooks (`/webhooks/…`).
public func makeRouter(
    services: APIServices, registry: PrometheusCollectorRegistry, limits: APILimits = APILimits()
) throws -> Router<APIRequestContext> {
    let contract = try APIContract.yaml()
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: ProblemMiddleware(routes: ContractRoutes(yaml: String(decoding: contract, as: UTF8.self))))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: BodyLimitMiddleware(jsonLimit: limits.jsonBodyBytes, fileLimit: limits.placementFileBytes))
    let throttle = APIThrottle(guessing: limits.guessing, perKey: limits.requestsPerKey, trustedProxies: limits.trustedProxies)
    router.add(middleware: AuthMiddleware(directory: services.directory, throttle: throttle, clock: services.clock, registry: registry))

    let spec = ByteBuffer(bytes: contract)
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: spec))
    }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    if let unsubscribe = services.unsubscribe { ConsumerPages.register(on: router, unsubscribe: unsubscribe) }
    if let tracking = services.tracking { ConsumerPages.registerTracking(on: router, links: tracking, messages: services.messages) }
    if let secret = services.emailEventsSecret {
        ProviderWebhooks.registerEmailEvents(
            on: router, secret: secret, messages: services.messages, optOuts: EmailOptOuts(facts: services.facts, clock: services.clock))
    }
    if let webhooks = services.textWebhooks {
        ProviderWebhooks.registerTexts(
            on: router, settings: webhooks, inbound: services.inbound, outbox: services.messages,
            letterhead: services.letterhead)
        ProviderWebhooks.registerVoice(on: router, settings: webhooks, ivr: services.ivr, letterhead: services.letterhead)
        ProviderWebhooks.registerOutboundCalls(on: router, settings: webhooks, calls: services.calls, voicemails: services.voicemails)
    }
    if let secret = services.processorWebhookSecret {
        ProviderWebhooks.registerProcessorEvents(on: router, secret: secret, payments: services.payments, clock: services.clock)
    }
    let handlers = APIHandlers(services: services, limits: limits)
    try handlers.registerHandlers(on: router, middlewares: [EmptyBodyMiddleware(jsonLimit: limits.jsonBodyBytes)])
    return router
}

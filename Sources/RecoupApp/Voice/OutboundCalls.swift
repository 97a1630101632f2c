import Compliance
import Foundation
import RecoupCore

/// A call for the voice provider to place.
public struct OutboundCall: Sendable, Equatable {
    /// The call's (or the voicemail message's) id: the same on every retry, so the provider can de-duplicate.
    public var idempotencyKey: String
    public var to: String
    /// Where the provider fetches what to do once the line answers (TwiML).
    public var answerURL: String
    /// Where the provider reports how the call ended.
    public var statusCallback: String
    /// Wait for an answering machine's greeting to end before playing (a voicemail drop).
    public var detectMachine: Bool

    public init(idempotencyKey: String, to: String, answerURL: String, statusCallback: String, detectMachine: Bool) {
        self.idempotencyKey = idempotencyKey
        self.to = to
        self.answerURL = answerURL
        self.statusCallback = statusCallback
        self.detectMachine = detectMachine
    }
}

/// Asks a voice provider to place a call.
public protocol CallTransport: Sendable {
    /// Returns the provider's id for the call once it accepted it. Throws ``TransportFailure``.
    func place(_ call: OutboundCall) async throws -> String
}

/// How the provider's report of a call becomes the outcome the frequency rules count (1006.14(b)(3)(ii)): a busy
/// line and a call that failed or was cancelled before it rang never connected and do not count; a call that rang
/// out unanswered counts; an answered call is a voicemail or a person, as the provider's machine detection says.
public enum CallOutcome {
    /// The outcome of a call the provider reports in `status` (`CallStatus` or a dial's `DialCallStatus`), nil while
    /// it is still under way. `prerecorded`: a limited-content message was played on it.
    public static func outcome(status: String, answeredBy: String?, prerecorded: Bool) -> ContactOutcome? {
        switch status {
        case "busy": return .busy
        case "failed", "canceled": return .failed
        case "no-answer": return .noAnswer
        case "completed", "answered":
            let machine = answeredBy.map { $0.hasPrefix("machine") || $0 == "fax" } ?? false
            if prerecorded { return answeredBy == "human" ? .answeredPrerecordedMessagePlayed : .limitedContentMessageLeft }
            return machine ? .voicemailReachedNoMessageLeft : .conversation
        default: return nil  // queued, initiated, ringing, in-progress
        }
    }

    /// What a placed call counts as until the provider reports: an attempt that connected to nobody yet, which the
    /// 7-in-7 presumption counts (a call whose outcome is unknown is never left out of the count).
    public static let pending: ContactOutcome = .noAnswer

    /// The outcomes an agent may give a call that connected, after hanging up.
    public static let dispositions: Set<ContactOutcome> = [
        .conversation, .wrongParty, .answeredHungUp, .voicemailReachedNoMessageLeft, .limitedContentMessageLeft,
        .limitedContentMessageInterrupted, .noAnswer, .busy, .notInService,
    ]
}

/// An agent's click-to-call: the provider rings the agent's phone first and, when the agent answers, dials the
/// consumer and bridges the two. The consumer's leg is the contact attempt the rules count.
public struct AgentCall: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The provider is ringing the agent.
        case ringingAgent = "ringing_agent"
        /// The agent answered; the consumer is being dialled.
        case dialingConsumer = "dialing_consumer"
        /// Over; `outcome` says how it went.
        case ended
    }

    /// Also the id of its contact attempt.
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var consumerID: ConsumerID
    public var destinationID: ContactPointID
    public var consumerNumber: String
    public var agentPhone: String
    /// Who placed it (the API key's actor).
    public var agent: String
    public var providerRef: String?
    public var status: Status
    public var outcome: ContactOutcome
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, consumerID: ConsumerID, destinationID: ContactPointID,
        consumerNumber: String, agentPhone: String, agent: String, providerRef: String? = nil, status: Status = .ringingAgent,
        outcome: ContactOutcome = CallOutcome.pending, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.consumerID = consumerID
        self.destinationID = destinationID
        self.consumerNumber = consumerNumber
        self.agentPhone = agentPhone
        self.agent = agent
        self.providerRef = providerRef
        self.status = status
        self.outcome = outcome
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Stores agents' calls. A call and its contact attempt share one id and change together: every change of outcome
/// rewrites the attempt's outcome and appends a `contact.outcome` audit event in the same transaction.
public protocol CallRepository: Sendable {
    /// Records a new call and its contact attempt with their audit events; the same `idempotencyKey` answers the
    /// call already recorded (`created` false).
    func begin(_ call: AgentCall, contact: RecordedContact, idempotencyKey: String?) async throws -> (AgentCall, created: Bool)
    func call(_ id: UUID, tenantID: TenantID) async throws -> AgentCall?
    /// Moves a call on; a changed outcome also changes its contact attempt. Nil when there is no such call.
    func update(_ id: UUID, tenantID: TenantID, status: AgentCall.Status, providerRef: String?, outcome: ContactOutcome?, actor: String, at: Date)
        async throws -> AgentCall?
    /// An account's calls, newest first.
    func calls(account: AccountID, tenantID: TenantID) async throws -> [AgentCall]
}

/// Where the provider calls back about outbound calls, under Recoup's public URL.
public struct VoiceWebhookURLs: Sendable {
    public let publicURL: String

    public init(publicURL: String) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    func base(_ tenant: TenantID) -> String { "\(publicURL)/webhooks/voice/\(tenant)" }
    /// The agent answered: what to dial.
    func bridge(_ call: UUID, _ tenant: TenantID) -> String { "\(base(tenant))/bridge?call=\(call.lowercasedString)" }
    func agentStatus(_ call: UUID, _ tenant: TenantID) -> String { "\(base(tenant))/call-status?call=\(call.lowercasedString)" }
    func voicemail(_ message: UUID, _ tenant: TenantID) -> String { "\(base(tenant))/voicemail?message=\(message.lowercasedString)" }
    func voicemailStatus(_ message: UUID, _ tenant: TenantID) -> String {
        "\(base(tenant))/voicemail-status?message=\(message.lowercasedString)"
    }
}

/// Agents' click-to-call. The engine decides before the agent's phone rings (a manually dialled live call to that
/// number, now); the attempt is recorded at once, counted as unanswered until the provider reports how the
/// consumer's leg ended; the agent may then say what happened (a conversation, a wrong party).
public struct OutboundCallService: Sendable {
    let calls: any CallRepository
    let snapshots: AccountSnapshots
    let transport: (any CallTransport)?
    let urls: VoiceWebhookURLs?
    let clock: any Clock
    let engine: ComplianceEngine
    /// The agency's ceiling on attempts per consumer across media: an agent's call over it is refused like one the
    /// law refuses.
    let contactPressure: ContactPressure?

    public init(
        calls: any CallRepository, snapshots: AccountSnapshots, transport: (any CallTransport)?, urls: VoiceWebhookURLs?, clock: any Clock,
        contactPressure: ContactPressure? = nil, engine: ComplianceEngine = ComplianceEngine()
    ) {
        self.calls = calls
        self.snapshots = snapshots
        self.transport = transport
        self.urls = urls
        self.clock = clock
        self.contactPressure = contactPressure
        self.engine = engine
    }

    public enum Placed: Sendable {
        case placed(AgentCall, created: Bool)
        /// The engine refuses the call now; the decision says why and when it would be lawful.
        case refused(ContactDecision)
    }

    /// Rings the agent at `agentPhone`, then the consumer at `destination` (or their first phone).
    public func clickToCall(
        account id: AccountID, destination: ContactPointID?, agentPhone: String, idempotencyKey: String?, scope: AccessScope, actor: String,
        collectorName: String
    ) async throws -> Placed {
        guard agentPhone.hasPrefix("+"), (8...15).contains(agentPhone.count - 1), agentPhone.dropFirst().allSatisfy(\.isNumber) else {
            throw RecoupError.invalid([FieldProblem(field: "agent_phone", reason: "the agent's phone in E.164 form, e.g. +15125550199")])
        }
        let now = clock.now()
        // The account first: an id outside the caller's scope is not found, whatever this server can do.
        let (account, consumer, snapshot) = try await snapshots.load(id, scope: scope, collectorName: collectorName, at: Instant(now))
        guard let transport, let urls else {
            throw RecoupError.unavailable("no voice provider is configured (RECOUP_SMS_URL and RECOUP_PUBLIC_URL)")
        }
        let phones = consumer.contactPoints.compactMap { point -> (ContactPoint, String)? in
            if case let .phone(number, _, _, _) = point.kind { (point, number) } else { nil }
        }
        guard let (point, number) = destination.map({ wanted in phones.first { $0.0.id == wanted } }) ?? phones.first else {
            throw RecoupError.invalid([FieldProblem(
                field: "destination_id", reason: destination == nil ? "the consumer has no phone on file" : "not a phone of this account's consumer")])
        }
        let decision = engine.decide(snapshot, AccountSnapshots.proposal(.call, to: point, account: account, consumer: consumer, at: Instant(now)), on: account)
        guard decision.allowed else { return .refused(decision) }
        if let refusal = contactPressure?.refusing(decision, after: snapshot.history, at: Instant(now)) { return .refused(refusal) }

        let call = AgentCall(
            tenantID: scope.tenantID, accountID: account.id, consumerID: consumer.id, destinationID: point.id, consumerNumber: number,
            agentPhone: agentPhone, agent: actor, createdAt: now, updatedAt: now)
        let contact = RecordedContact(
            id: call.id, accountID: account.id, consumerID: consumer.id, occurredAt: now, direction: .outbound, channel: .call,
            destinationID: point.id, dialingMethod: .manual, outcome: CallOutcome.pending, contentType: .collection, recordedBy: actor)
        let (stored, created) = try await calls.begin(call, contact: contact, idempotencyKey: idempotencyKey)
        guard created else { return .placed(stored, created: false) }
        do {
            let sid = try await transport.place(OutboundCall(
                idempotencyKey: stored.id.lowercasedString, to: agentPhone, answerURL: urls.bridge(stored.id, scope.tenantID),
                statusCallback: urls.agentStatus(stored.id, scope.tenantID), detectMachine: false))
            let updated = try await calls.update(
                stored.id, tenantID: scope.tenantID, status: .ringingAgent, providerRef: sid, outcome: nil, actor: actor, at: clock.now())
            return .placed(updated ?? stored, created: true)
        } catch {
            // The consumer was never dialled: the attempt does not count.
            _ = try await calls.update(stored.id, tenantID: scope.tenantID, status: .ended, providerRef: nil, outcome: .failed, actor: actor, at: clock.now())
            throw RecoupError.conflict("the voice provider did not place the call: \((error as? TransportFailure)?.reason ?? "\(error)")")
        }
    }

    /// The agent answered: tell them whom they are connected to and dial the consumer; how that leg ends comes to
    /// ``dialed(call:tenantID:status:)``.
    public func bridge(call id: UUID, tenantID: TenantID) async throws -> [VoiceVerb] {
        guard let call = try await calls.call(id, tenantID: tenantID) else { throw RecoupError.notFound("call") }
        guard call.status == .ringingAgent else { return [.hangup] }  // a repeated request: the consumer is dialled once
        _ = try await calls.update(id, tenantID: tenantID, status: .dialingConsumer, providerRef: nil, outcome: nil, actor: "provider:voice", at: clock.now())
        return [.say("Connecting you to the consumer now.", language: "en-US"),
                .dial(call.consumerNumber, action: "/webhooks/voice/\(tenantID)/dialed?call=\(id.lowercasedString)")]
    }

    /// How the consumer's leg ended (`DialCallStatus`): its outcome becomes the attempt's.
    public func dialed(call id: UUID, tenantID: TenantID, status: String) async throws -> [VoiceVerb] {
        guard try await calls.call(id, tenantID: tenantID) != nil else { throw RecoupError.notFound("call") }
        let outcome = CallOutcome.outcome(status: status, answeredBy: nil, prerecorded: false)
        _ = try await calls.update(id, tenantID: tenantID, status: .ended, providerRef: nil, outcome: outcome, actor: "provider:voice", at: clock.now())
        return [.hangup]
    }

    /// How the agent's leg ended. When it ended before the consumer was dialled (the agent did not answer), the
    /// consumer was never called: the attempt is recorded as failed and does not count.
    public func agentLegEnded(call id: UUID, tenantID: TenantID, status: String) async throws {
        guard let call = try await calls.call(id, tenantID: tenantID) else { throw RecoupError.notFound("call") }
        guard call.status == .ringingAgent, CallOutcome.outcome(status: status, answeredBy: nil, prerecorded: false) != nil else { return }
        _ = try await calls.update(id, tenantID: tenantID, status: .ended, providerRef: nil, outcome: .failed, actor: "provider:voice", at: clock.now())
    }

    /// The agent says how a call went, after it ended.
    public func disposition(call id: UUID, outcome: ContactOutcome, scope: AccessScope, actor: String) async throws -> AgentCall {
        guard let call = try await calls.call(id, tenantID: scope.tenantID) else { throw RecoupError.notFound("call \(id.lowercasedString)") }
        _ = try await snapshots.accounts.account(call.accountID, scope: scope)  // a creditor's key sees only its accounts
        guard CallOutcome.dispositions.contains(outcome) else {
            throw RecoupError.invalid([FieldProblem(
                field: "outcome", reason: "one of \(CallOutcome.dispositions.map(\.rawValue).sorted().joined(separator: ", "))")])
        }
        guard call.status == .ended else { throw RecoupError.conflict("the call is still under way") }
        guard let updated = try await calls.update(id, tenantID: scope.tenantID, status: .ended, providerRef: nil, outcome: outcome, actor: actor, at: clock.now())
        else { throw RecoupError.notFound("call") }
        return updated
    }

    /// An account's calls in scope, newest first.
    public func calls(account id: AccountID, scope: AccessScope) async throws -> [AgentCall] {
        _ = try await snapshots.accounts.account(id, scope: scope)
        return try await calls.calls(account: id, tenantID: scope.tenantID)
    }

}

/// Prerecorded limited-content voicemails (1006.2(j)) queued in the outbox: the dispatcher places the call with
/// machine detection, the provider fetches the words here once the greeting ends, and reports how the call went.
public struct VoicemailDrops: Sendable {
    let outbox: any OutboxRepository
    let contacts: any ContactRepository
    let clock: any Clock

    public init(outbox: any OutboxRepository, contacts: any ContactRepository, clock: any Clock) {
        self.outbox = outbox
        self.contacts = contacts
        self.clock = clock
    }

    /// The message to play, in the consumer's language.
    public func play(message id: UUID, tenantID: TenantID) async throws -> [VoiceVerb] {
        guard let message = try await outbox.message(id: id), message.tenantID == tenantID, message.channel == .voicemail else {
            throw RecoupError.notFound("voicemail message")
        }
        return [.say(message.body, language: message.language == "es" ? "es-US" : "en-US"), .hangup]
    }

    /// How the call went: the attempt's outcome (a message left, or unanswered, busy, failed), and the message's
    /// engagement (delivered when played, failed when the call never connected).
    public func status(message id: UUID, tenantID: TenantID, status: String, answeredBy: String?) async throws {
        guard let outcome = CallOutcome.outcome(status: status, answeredBy: answeredBy, prerecorded: true) else { return }
        guard try await contacts.amend(contact: id, tenantID: tenantID, outcome: outcome, actor: "provider:voice", at: clock.now()) else {
            throw RecoupError.notFound("voicemail message")
        }
        let kind: EngagementKind? = switch outcome {
        case .limitedContentMessageLeft, .answeredPrerecordedMessagePlayed: .delivered
        case .busy, .failed: .failed
        default: nil
        }
        if let kind {
            _ = try await outbox.recordEngagement(kind, of: .message(id, tenantID), detail: [status, answeredBy].compactMap { $0 }.joined(separator: ", "),
                                                  at: clock.now())
        }
    }
}

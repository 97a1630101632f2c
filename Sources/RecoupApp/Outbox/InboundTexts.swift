import Compliance
import Foundation
import RecoupCore

/// An account one of whose consumers has a given number on file.
public struct PhoneOwner: Sendable, Equatable {
    public var accountID: AccountID
    public var consumerID: ConsumerID
    public var contactPointID: ContactPointID
    /// The consumer's language ("en", "es"): keyword answers are sent in it.
    public var language: String

    public init(accountID: AccountID, consumerID: ConsumerID, contactPointID: ContactPointID, language: String) {
        self.accountID = accountID
        self.consumerID = consumerID
        self.contactPointID = contactPointID
        self.language = language
    }
}

/// Whether an inbound message waits for an agent.
public enum InboxStatus: String, Sendable, CaseIterable {
    /// A conversation no keyword answered: an agent should read it.
    case open
    /// Answered by Recoup (STOP, START, HELP, a revocation) or closed by an agent.
    case handled
}

/// A message a consumer sent, as received.
public struct InboundMessage: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var channel: HistoryChannel
    /// The provider's id (an SMS SID): a retried webhook carries the same one.
    public var providerID: String
    public var sender: String
    public var recipient: String
    public var body: String
    /// How Recoup read it: `opt_out`, `revocation`, `opt_in`, `help` or `conversation`.
    public var intent: String
    /// The accounts whose consumer has the sender's number on file (none for an unknown number).
    public var accountIDs: [AccountID]
    /// What Recoup answered at once, if anything.
    public var reply: String?
    public var status: InboxStatus
    public var receivedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, channel: HistoryChannel, providerID: String, sender: String, recipient: String,
        body: String, intent: String, accountIDs: [AccountID], reply: String?, status: InboxStatus, receivedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.channel = channel
        self.providerID = providerID
        self.sender = sender
        self.recipient = recipient
        self.body = body
        self.intent = intent
        self.accountIDs = accountIDs
        self.reply = reply
        self.status = status
        self.receivedAt = receivedAt
    }
}

/// Everything one received message writes, in one transaction: the message, the inbound contact on each account
/// (and the confirmation sent back), the consent facts it changes, the engagement it means for the last message
/// sent to that number, and the audit event.
public struct InboundRecord: Sendable {
    public var message: InboundMessage
    public var contacts: [RecordedContact]
    public var facts: [RecordedFact]
    public var engagement: [EngagementKind]
    public var audit: AuditEntry
    /// A STOP puts the sender on the tenant's do-not-text list, a START takes it off.
    public var suppression: SuppressionChange?
}

/// A change to the tenant's do-not-text list.
public enum SuppressionChange: Sendable, Equatable {
    case add(TextSuppression)
    case remove(number: String)
}

/// Inbound messages as stored.
public protocol InboundRepository: Sendable {
    /// The accounts of the tenant with a party who has `phone` (E.164) on file.
    func owners(phone: String, tenantID: TenantID) async throws -> [PhoneOwner]
    /// The tenant's accounts with this keypad reference (``ReferenceCode``): usually one, a few in a large portfolio.
    func accounts(reference: String, tenantID: TenantID) async throws -> [AccountID]
    /// Writes a received message and what it causes. Returns false, writing nothing, when a message with the same
    /// provider id was already received (the provider retried its webhook).
    func receive(_ record: InboundRecord) async throws -> Bool
    /// The tenant's inbound messages in one status, newest first.
    func inbox(status: InboxStatus, tenantID: TenantID, limit: Int) async throws -> [InboundMessage]
    /// Marks an open message handled, with its audit event. False when the tenant has no such open message.
    func close(inbound id: UUID, tenantID: TenantID, actor: String, at: Date) async throws -> Bool
}

/// Answers the texts consumers send. STOP and its kin revoke TCPA consent and opt the number out of texts at once
/// (64.1200(a)(10), 1006.14(h)) on every account that has the number, with one confirmation when the engine allows
/// it; START gives consent back; HELP says who is texting; a sentence that asks to stop counts as a revocation;
/// everything else waits in the agents' inbox. A webhook the provider retries is received once.
public struct InboundTextService: Sendable {
    let inbound: any InboundRepository
    let snapshots: AccountSnapshots
    let clock: any Clock
    let engine: ComplianceEngine

    public init(inbound: any InboundRepository, snapshots: AccountSnapshots, clock: any Clock, engine: ComplianceEngine = ComplianceEngine()) {
        self.inbound = inbound
        self.snapshots = snapshots
        self.clock = clock
        self.engine = engine
    }

    /// Receives one text; returns the reply to send back in the webhook's answer, if any (nil for a repeat).
    public func receive(
        tenantID: TenantID, providerID: String, from sender: String, to recipient: String, body: String, collector: CollectorDetails
    ) async throws -> String? {
        let now = clock.now()
        let reply = TextReply.classify(body)
        let owners = try await inbound.owners(phone: sender, tenantID: tenantID)
        let actor = "consumer:sms"
        var contacts: [RecordedContact] = []
        var facts: [RecordedFact] = []
        for owner in owners {
            contacts.append(RecordedContact(
                accountID: owner.accountID, consumerID: owner.consumerID, occurredAt: now, direction: .inbound, channel: .sms,
                destinationID: owner.contactPointID, dialingMethod: nil, outcome: .received, contentType: nil, recordedBy: actor))
            facts += try Self.facts(for: reply, body: body, owner: owner, at: now, actor: actor)
        }

        var answer: String?
        let texts = Disclosures.texts(owners.first?.language == "es" ? .spanish : .english)
        switch reply {
        case .optOut, .revocation, .optIn:
            let content: ContentType = reply.revokes ? .optOutConfirmationOnly : .responseToConsumerInquiry
            if let owner = owners.first {
                let (account, consumer, snapshot) = try await pending(owner, facts: facts, contacts: contacts, tenantID: tenantID, collector: collector, at: now)
                guard let point = consumer.contactPoints.first(where: { $0.id == owner.contactPointID }) else { break }
                var proposal = AccountSnapshots.proposal(.sms, to: point, account: account, consumer: consumer, at: Instant(now))
                proposal.content = ContentFacts(type: content)
                if engine.decide(snapshot, proposal, on: account).allowed {
                    answer = reply.revokes ? texts.textStopConfirmation : texts.textStartConfirmation
                    contacts += owners.map { owner in
                        RecordedContact(
                            accountID: owner.accountID, consumerID: owner.consumerID, occurredAt: now, direction: .outbound, channel: .sms,
                            destinationID: owner.contactPointID, dialingMethod: .autodialer, outcome: .delivered, contentType: content,
                            recordedBy: "recoup:sms-keywords")
                    }
                }
            } else if reply.revokes {
                // A number Recoup does not know: confirm, there is no account to record anything on.
                answer = texts.textStopConfirmation
            }
        case .help:
            answer = texts.textHelp(collector.name, collector.phone)
        case .conversation:
            break
        }

        let message = InboundMessage(
            tenantID: tenantID, channel: .sms, providerID: providerID, sender: sender, recipient: recipient, body: body,
            intent: Self.intent(reply), accountIDs: owners.map(\.accountID), reply: answer,
            status: reply == .conversation ? .open : .handled, receivedAt: now)
        var engagement: [EngagementKind] = owners.isEmpty ? [] : [.replied]
        if reply.revokes, !owners.isEmpty { engagement.append(.optedOut) }
        let audit = AuditEntry(
            actor: actor, action: "message.received", subjectType: "inbound_message", subjectID: message.id.lowercasedString,
            afterDigest: AuditChain.hexDigest(Data(body.utf8)),
            details: ["channel": "sms", "provider_id": providerID, "intent": message.intent,
                      "account_ids": owners.map(\.accountID.description).joined(separator: ","), "replied": answer == nil ? "no" : "yes"])
        let suppression: SuppressionChange? = switch reply {
        case .optOut: .add(TextSuppression(number: sender, since: now, statement: body, perSe: true))
        case .revocation: .add(TextSuppression(number: sender, since: now, statement: body, perSe: false))
        case .optIn: .remove(number: sender)
        case .help, .conversation: nil
        }
        let created = try await inbound.receive(InboundRecord(
            message: message, contacts: contacts, facts: facts, engagement: engagement, audit: audit, suppression: suppression))
        return created ? answer : nil
    }

    /// The inbound messages of the tenant in one status (`open`: the agents' inbox), newest first.
    public func inbox(status: InboxStatus, scope: AccessScope, limit: Int) async throws -> [InboundMessage] {
        guard (1...AccountService.maxPageSize).contains(limit) else {
            throw RecoupError.invalid([FieldProblem(field: "limit", reason: "must be between 1 and \(AccountService.maxPageSize)")])
        }
        return try await inbound.inbox(status: status, tenantID: scope.tenantID, limit: limit)
    }

    /// An agent marks an inbox message handled.
    public func close(_ id: UUID, scope: AccessScope, actor: String) async throws {
        guard try await inbound.close(inbound: id, tenantID: scope.tenantID, actor: actor, at: clock.now()) else {
            throw RecoupError.notFound("inbound message \(id.lowercasedString)")
        }
    }

    /// The account as the engine will see it once this message is recorded: its facts and the inbound text applied.
    private func pending(
        _ owner: PhoneOwner, facts: [RecordedFact], contacts: [RecordedContact], tenantID: TenantID, collector: CollectorDetails, at now: Date
    ) async throws -> (Account, Consumer, ContactSnapshot) {
        let (account, consumer, loaded) = try await snapshots.load(
            owner.accountID, scope: AccessScope(tenantID: tenantID), collectorName: collector.name, at: Instant(now))
        var snapshot = loaded
        for fact in facts where fact.accountID == owner.accountID {
            do { try CheckDocument.apply(fact.kind, fact.fact, to: &snapshot) } catch {
                throw RecoupError.invalid([FieldProblem(field: "fact", reason: "\(error)")])
            }
        }
        snapshot.history += contacts.filter { $0.accountID == owner.accountID }.map(\.contactEvent)
        return (account, consumer, snapshot)
    }

    /// The consent facts a reply records for one account: a revocation and an opt-out from texts (and from calls,
    /// when the words name calls), or a consent to texts given back.
    static func facts(for reply: TextReply, body: String, owner: PhoneOwner, at now: Date, actor: String) throws -> [RecordedFact] {
        let when = ISO8601DateFormatter().string(from: now)
        let destination = owner.contactPointID.description
        func fact(_ kind: RecordedFactKind, _ data: Data) -> RecordedFact {
            RecordedFact(consumerID: owner.consumerID, accountID: owner.accountID, kind: kind, fact: data, recordedAt: now, recordedBy: actor)
        }
        switch reply {
        case let .optOut(keyword), let .revocation(keyword):
            var perSe = false
            if case .optOut = reply { perSe = true }
            var facts = try stopFacts(destination: destination, at: now, keyword: keyword, statement: body, perSe: perSe).map(fact)
            if case .revocation = reply, keyword.contains("call") || keyword.contains("llam") {
                facts.append(fact(.optOut, try json(["recorded_at": when, "medium": "telephone_calls", "scope": "number",
                                                     "destination": destination, "how": "text reply", "statement": body])))
            }
            return facts
        case .optIn:
            return [fact(.consent, try json(["type": "reg_f_text_consent", "given_directly_to_collector": true, "received_at": when,
                                             "destination": destination, "statement": body]))]
        case .help, .conversation:
            return []
        }
    }

    /// What a STOP texted from a number records for one of its destinations: a TCPA revocation of consent and an
    /// opt-out from texts to that number (1006.14(h)).
    static func stopFacts(destination: String, at now: Date, keyword: String, statement: String, perSe: Bool) throws -> [(RecordedFactKind, Data)] {
        let when = ISO8601DateFormatter().string(from: now)
        return [
            (.tcpaRevocation, try json(["received_at": when, "destination": destination, "method": "text reply \"\(keyword)\"",
                                        "per_se_reasonable": perSe, "text": statement])),
            (.optOut, try json(["recorded_at": when, "medium": "sms", "scope": "number", "destination": destination,
                                "how": "text reply", "statement": statement])),
        ]
    }

    private static func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }

    static func intent(_ reply: TextReply) -> String {
        switch reply {
        case .optOut: "opt_out"
        case .revocation: "revocation"
        case .optIn: "opt_in"
        case .help: "help"
        case .conversation: "conversation"
        }
    }
}

import Compliance
import Crypto
import Foundation
import RecoupCore

/// One live decision as it is kept: the question (the check document), its SHA-256, the answer and the rule-set
/// version that gave it.
public struct StoredDecision: Sendable {
    public var id = UUID()
    public var accountID: AccountID
    public var decidedAt: Date
    public var channel: String
    public var destinationID: String?
    public var allowed: Bool
    public var rule: String?
    public var nextAllowedAt: Date?
    public var ruleSetVersion: String
    public var inputsDigest: String
    public var document: Data
    public var answer: Data
}

/// Keeps every live decision.
public protocol DecisionLog: Sendable {
    func store(_ decisions: [StoredDecision], tenantID: TenantID) async throws
}

/// "Can I call this person now?": for every channel and destination of an account's consumer, the engine's
/// decision at this instant, why, and the next lawful time. The snapshot is built from what Recoup holds about
/// the account (placement data: address, phones with type, source and consent, emails, the debt; every contact
/// recorded with the consumer), mapped onto the same values the check document uses, so the answer here and a
/// what-if check agree.
public struct ContactabilityService: Sendable {
    let accounts: AccountService
    let contacts: any ContactRepository
    let facts: any FactRepository
    let decisions: any DecisionLog
    let clock: any Clock
    let engine: ComplianceEngine

    public init(
        accounts: AccountService, contacts: any ContactRepository, facts: any FactRepository, decisions: any DecisionLog,
        clock: any Clock,
        engine: ComplianceEngine = ComplianceEngine()
    ) {
        self.accounts = accounts
        self.contacts = contacts
        self.facts = facts
        self.decisions = decisions
        self.clock = clock
        self.engine = engine
    }

    /// One channel to one destination, decided.
    public struct Entry: Sendable {
        public var channel: ProposedChannel
        public var destinationID: String
        /// The number or address, or the city and state of a postal address.
        public var destination: String
        public var decision: ContactDecision
    }

    public func contactability(_ id: AccountID, scope: AccessScope, collectorName: String) async throws -> (Instant, [Entry]) {
        let (account, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        let now = Instant(clock.now())
        var snapshot = Self.snapshot(account: account, consumer: consumer, collectorName: collectorName, at: now)
        snapshot.history = try await contacts.contacts(consumer: consumer.id, tenantID: scope.tenantID).map(\.contactEvent)
        for fact in try await facts.facts(consumer: consumer.id, tenantID: scope.tenantID) {
            // Validated when recorded; a fact that no longer reads is a storage fault, not a reason to ignore it.
            do { try CheckDocument.apply(fact.kind, fact.fact, to: &snapshot) } catch {
                throw RecoupError.invalid([FieldProblem(field: "recorded fact \(fact.id)", reason: "\(error)")])
            }
        }
        var entries: [Entry] = []
        var stored: [StoredDecision] = []
        for point in consumer.contactPoints {
            let (channels, label): ([ProposedChannel], String) = switch point.kind {
            case let .phone(number, _, _, _): ([.call, .sms], number)
            case let .email(address, _): ([.email], address)
            case let .postal(address): ([.letter], "\(address.city), \(address.state.rawValue)")
            }
            for channel in channels {
                var proposal = ProposedContact(action: .contact, channel: channel, at: now)
                proposal.debtID = account.id.description
                proposal.person = consumer.id.description
                if case .postal = point.kind {
                    proposal.destinationType = .mail
                } else {
                    proposal.destination = point.id.description
                }
                // Agents dial by hand; texts go out through the messaging platform, which is automated.
                proposal.dialingMethod = channel == .call ? .manual : channel == .sms ? .autodialer : .notApplicable
                proposal.content = ContentFacts(type: .collection)
                proposal.content.includesMiniMiranda = true  // every template carries the Disclosures text
                proposal.content.includesOptOutNotice = channel == .sms || channel == .email
                var decision = engine.decide(snapshot, proposal)
                if account.status == .recalled {
                    decision = ContactDecision.recalled(decision)
                }
                entries.append(Entry(channel: channel, destinationID: point.id.description, destination: label, decision: decision))
                let document = CheckDocument.document(snapshot, proposal)
                stored.append(StoredDecision(
                    accountID: account.id, decidedAt: now.date, channel: channel.rawValue, destinationID: proposal.destination,
                    allowed: decision.allowed, rule: decision.rule, nextAllowedAt: decision.nextAllowedAt?.date,
                    ruleSetVersion: decision.ruleSetVersion, inputsDigest: SHA256.hash(data: document).hexString,
                    document: document, answer: CheckDocument.encode(decision)))
            }
        }
        try await decisions.store(stored, tenantID: scope.tenantID)
        return (now, entries)
    }

    /// The snapshot of an account as Recoup holds it, without its contact history (the caller adds it).
    static func snapshot(account: Account, consumer: Consumer, collectorName: String, at now: Instant) -> ContactSnapshot {
        var snapshot = ContactSnapshot(asOf: now)
        snapshot.collector.name = collectorName
        snapshot.consumer.id = consumer.id.description
        snapshot.consumer.language = consumer.language
        snapshot.persons = [Person(id: consumer.id.description, role: .consumer, name: consumer.name.first + " " + consumer.name.last)]
        var debt = DebtFacts(id: account.id.description, type: account.debtType)
        debt.creditor = account.currentCreditor ?? account.originalCreditor
        debt.lastPaymentDate = account.lastPaymentDate ?? account.chargeOffDate
        debt.studentLoanAccountNumberAtAcquisition = account.studentLoanAccountNumber
        snapshot.debts = [debt]
        let resolver = TimeZoneResolver.standard
        for point in consumer.contactPoints {
            let id = point.id.description
            switch point.kind {
            case let .postal(address):
                snapshot.jurisdiction = Jurisdiction(state: address.state, city: "\(address.city), \(address.state.rawValue)")
                let zones = resolver.zone(forZIP: address.zip).map { [$0] } ?? resolver.zones(for: address.state).sorted()
                snapshot.consumer.locationSignals.insert(
                    contentsOf: zones.map { LocationSignal(source: .mailingAddress, zone: $0, detail: address.zip) }, at: 0)
            case let .phone(number, type, source, consent):
                for zone in resolver.zones(forPhone: number).sorted() {
                    snapshot.consumer.locationSignals.append(LocationSignal(source: .phoneAreaCode, zone: zone, detail: number))
                }
                let destinationType: DestinationType = switch type {
                case .cell, .unknown: .cell  // an unknown line is treated as a cell: the TCPA's stricter case
                case .landline: .landline
                case .work: .work
                }
                snapshot.destinations.append(Destination(
                    id: id, type: destinationType, value: number, person: consumer.id.description,
                    source: Self.destinationSource(source, type: type)))
                switch consent {
                case .yes: snapshot.consents.append(Consent(type: .callConsentOnCreditorFile, givenDirectlyToCollector: false, destinations: [id]))
                case .no: snapshot.tcpaRevocations.append(TCPARevocation(receivedAt: nil, destination: id, method: "creditor file"))
                case .unknown: break
                }
            case let .email(address, source):
                snapshot.destinations.append(Destination(
                    id: id, type: .email, value: address, person: consumer.id.description,
                    source: source == .employer ? .skipTraceEmployerDomain : source == .consumer ? .consumerProvided : .creditorFile))
            }
        }
        return snapshot
    }

    static func destinationSource(_ source: PhoneSource, type: PhoneType) -> DestinationSource {
        if type == .work { return .creditorFileEmployerNumber }
        return switch source {
        case .consumer: .consumerProvided
        case .creditorApplication: .providedToCreditorOnApplication
        case .creditorFile, .other: .creditorFile
        case .skipTrace: .skipTrace
        case .directory: .directory
        }
    }
}

extension ContactDecision {
    /// A recalled account is closed to every activity whatever the rules say; the decision keeps the findings.
    static func recalled(_ decision: ContactDecision) -> ContactDecision {
        ContactDecision(
            allowed: false, rule: "ACCOUNT-RECALLED", findings: decision.findings, nextAllowedAt: nil, zone: decision.zone,
            ruleSetVersion: decision.ruleSetVersion)
    }
}

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
/// decision at this instant, why, and the next lawful time, on the snapshot ``AccountSnapshots`` builds.
public struct ContactabilityService: Sendable {
    let snapshots: AccountSnapshots
    let decisions: any DecisionLog
    let clock: any Clock
    let engine: ComplianceEngine

    public init(
        accounts: AccountService, contacts: any ContactRepository, facts: any FactRepository, decisions: any DecisionLog,
        clock: any Clock,
        engine: ComplianceEngine = ComplianceEngine()
    ) {
        snapshots = AccountSnapshots(accounts: accounts, contacts: contacts, facts: facts)
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
        let now = Instant(clock.now())
        let (account, consumer, snapshot) = try await snapshots.load(id, scope: scope, collectorName: collectorName, at: now)
        let prepared = engine.prepare(snapshot)
        var entries: [Entry] = []
        var stored: [StoredDecision] = []
        for point in consumer.contactPoints {
            let (channels, label): ([ProposedChannel], String) = switch point.kind {
            case let .phone(number, _, _, _): ([.call, .sms], number)
            case let .email(address, _): ([.email], address)
            case let .postal(address): ([.letter], "\(address.city), \(address.state.rawValue)")
            }
            for channel in channels {
                let proposal = AccountSnapshots.proposal(channel, to: point, account: account, consumer: consumer, at: now)
                let decision = engine.decide(prepared, proposal, on: account)
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
}

extension ComplianceEngine {
    /// The engine's decision on a live account: a recalled account is closed to every activity whatever the rules
    /// say (rule `ACCOUNT-RECALLED`, no next lawful time); the decision keeps the rules' findings.
    func decide(_ snapshot: ContactSnapshot, _ proposal: ProposedContact, on account: Account) -> ContactDecision {
        decide(prepare(snapshot), proposal, on: account)
    }

    func decide(_ prepared: PreparedSnapshot, _ proposal: ProposedContact, on account: Account) -> ContactDecision {
        let decision = decide(prepared, proposal)
        guard account.status == .recalled else { return decision }
        return ContactDecision(
            allowed: false, rule: "ACCOUNT-RECALLED", findings: decision.findings, nextAllowedAt: nil, zone: decision.zone,
            ruleSetVersion: decision.ruleSetVersion)
    }
}

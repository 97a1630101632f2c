import Compliance
import RecoupCore

/// What a snapshot is built from, for one account.
public struct SnapshotInput: Sendable {
    public var account: Account
    /// The primary consumer with contact points (identity numbers are not needed for decisions and are left sealed).
    public var consumer: Consumer
    public var contacts: [RecordedContact]
    public var facts: [RecordedFact]
    /// The tenant's do-not-text entries for the consumer's numbers.
    public var suppressions: [TextSuppression]

    public init(account: Account, consumer: Consumer, contacts: [RecordedContact], facts: [RecordedFact], suppressions: [TextSuppression] = []) {
        self.account = account
        self.consumer = consumer
        self.contacts = contacts
        self.facts = facts
        self.suppressions = suppressions
    }
}

/// Loads what many snapshots need in a few queries (the dispatcher's batches).
public protocol SnapshotSource: Sendable {
    /// The tenant's accounts among `ids` with their inputs; ids of other tenants or unknown ids are left out.
    func snapshotInputs(_ ids: [AccountID], tenantID: TenantID) async throws -> [AccountID: SnapshotInput]
}

/// An account as the compliance engine sees it: what Recoup holds about the account (placement data: address,
/// phones with type, source and consent, emails, the debt; every contact recorded with the consumer; every
/// recorded consent, opt-out and hold), mapped onto the same values the check document uses, so a live decision
/// and a what-if check agree. One builder for every live decision: contactability, the dispatcher, the purge.
public struct AccountSnapshots: Sendable {
    let accounts: AccountService
    let contacts: any ContactRepository
    let facts: any FactRepository
    /// Loads many accounts at once when available; otherwise each is loaded on its own.
    let bulk: (any SnapshotSource)?

    public init(accounts: AccountService, contacts: any ContactRepository, facts: any FactRepository, bulk: (any SnapshotSource)? = nil) {
        self.accounts = accounts
        self.contacts = contacts
        self.facts = facts
        self.bulk = bulk
    }

    /// The account, its primary consumer and the snapshot as of `now`, history and recorded facts included.
    public func load(_ id: AccountID, scope: AccessScope, collectorName: String, at now: Instant) async throws
        -> (Account, Consumer, ContactSnapshot)
    {
        let (account, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        let input = SnapshotInput(
            account: account, consumer: consumer, contacts: try await contacts.contacts(consumer: consumer.id, tenantID: scope.tenantID),
            facts: try await facts.facts(consumer: consumer.id, tenantID: scope.tenantID),
            suppressions: try await facts.textSuppressions(numbers: consumer.phoneNumbers, tenantID: scope.tenantID))
        return (account, consumer, try Self.snapshot(input, collectorName: collectorName, at: now))
    }

    /// Many accounts of one tenant at once (a few queries in all with a bulk source); accounts not found are left out.
    public func load(_ ids: [AccountID], tenantID: TenantID, collectorName: String, at now: Instant) async throws
        -> [AccountID: (Account, Consumer, ContactSnapshot)]
    {
        var loaded: [AccountID: (Account, Consumer, ContactSnapshot)] = [:]
        if let bulk {
            for (id, input) in try await bulk.snapshotInputs(ids, tenantID: tenantID) {
                loaded[id] = (input.account, input.consumer, try Self.snapshot(input, collectorName: collectorName, at: now))
            }
            return loaded
        }
        for id in Set(ids) {
            do { loaded[id] = try await load(id, scope: AccessScope(tenantID: tenantID), collectorName: collectorName, at: now) } catch RecoupError.notFound {}
        }
        return loaded
    }

    /// The snapshot of one account's inputs: history and recorded facts included.
    static func snapshot(_ input: SnapshotInput, collectorName: String, at now: Instant) throws -> ContactSnapshot {
        var snapshot = Self.snapshot(account: input.account, consumer: input.consumer, collectorName: collectorName, at: now)
        snapshot.history = input.contacts.map(\.contactEvent).sharingDebtLists()
        // A number on the do-not-text list is revoked and opted out on this account too, as if it had texted STOP here.
        let suppressed = try input.suppressions.flatMap { suppression in
            try input.consumer.contactPoints.filter { $0.phoneNumber == suppression.number }.flatMap { point in
                try InboundTextService.stopFacts(
                    destination: point.id.description, at: suppression.since, keyword: "STOP", statement: suppression.statement, perSe: suppression.perSe)
            }
        }
        for (kind, fact) in suppressed {
            try CheckDocument.apply(kind, fact, to: &snapshot)
        }
        for fact in input.facts {
            // Validated when recorded; a fact that no longer reads is a storage fault, not a reason to ignore it.
            do { try CheckDocument.apply(fact.kind, fact.fact, to: &snapshot) } catch {
                throw RecoupError.invalid([FieldProblem(field: "recorded fact \(fact.id)", reason: "\(error)")])
            }
        }
        return snapshot
    }

    /// Recoup's own contact of one kind to one of the consumer's contact points about the account, as the engine is
    /// asked about it: agents dial by hand, texts go out through the messaging platform (automated), and every
    /// message carries the disclosures and, when electronic, the opt-out notice (templates take them from
    /// ``Disclosures`` and cannot leave them out).
    /// `showingCaliforniaLicense`: an email's or text's body carries the agency's California licence number (in
    /// 12-point type in an email, in the reader's own type in a text).
    public static func proposal(
        _ channel: ProposedChannel, to point: ContactPoint, account: Account, consumer: Consumer, at now: Instant,
        showingCaliforniaLicense: Bool = false
    ) -> ProposedContact {
        var proposal = ProposedContact(action: .contact, channel: channel, at: now)
        proposal.debtID = account.id.description
        proposal.person = consumer.id.description
        // A mailing address is no telephone or email destination, but it is named, so mail returned from it counts.
        proposal.destination = point.id.description
        if case .postal = point.kind { proposal.destinationType = .mail }
        proposal.dialingMethod = switch channel {
        case .call: .manual
        case .sms: .autodialer
        case .voicemail: .prerecorded
        default: .notApplicable
        }
        // A voicemail is a limited-content message (1006.2(j)): it says nothing that reveals a debt.
        proposal.content = ContentFacts(type: channel == .voicemail ? .limitedContentMessage : .collection)
        proposal.content.includesMiniMiranda = channel != .voicemail
        proposal.content.includesOptOutNotice = channel == .sms || channel == .email
        if showingCaliforniaLicense, channel == .sms || channel == .email { proposal.content.californiaLicenseNumberDisplayedPt = 12 }
        return proposal
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

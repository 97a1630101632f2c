import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: SnapshotSource {
    /// Seven queries per chunk of 500 accounts, whatever the chunk's size: accounts, parties, consumers, contact
    /// points, contacts, facts, do-not-text entries; all in one session on the reading connection, so a load runs
    /// beside the writer's commits. Each query sees the latest commit: a contact or fact written meanwhile appears
    /// in the queries after it, never half.
    public func snapshotInputs(_ ids: [AccountID], tenantID: TenantID) async throws -> [AccountID: SnapshotInput] {
        try await readSession { sql in try await self.snapshotInputs(ids, tenantID: tenantID, on: sql) }
    }

    private func snapshotInputs(_ ids: [AccountID], tenantID: TenantID, on sql: any SQLDatabase) async throws -> [AccountID: SnapshotInput] {
        let tenant = tenantID.description
        var inputs: [AccountID: SnapshotInput] = [:]
        for chunk in Array(Set(ids.map(\.description))).sorted().chunks(of: 500) {
            func rows(_ table: String, _ column: String, in values: [String], orderBy: String? = nil) async throws -> [any SQLRow] {
                guard !values.isEmpty else { return [] }
                var query = sql.select().column(SQLLiteral.all).from(table).where("tenant_id", .equal, tenant)
                    .where(SQLIdentifier(column), .in, SQLBind.group(values))
                if let orderBy { query = query.orderBy(orderBy) }
                return try await query.all()
            }
            var parties: [AccountID: [AccountParty]] = [:]
            let chunk = Array(chunk)
            for row in try await rows("account_parties", "account_id", in: chunk) {
                parties[try Self.id(row, "account_id"), default: []].append(
                    AccountParty(consumerID: try Self.id(row, "consumer_id"), role: try Self.enumValue(row, "role")))
            }
            let accounts = try await rows("accounts", "id", in: chunk).map { row in
                let id: AccountID = try Self.id(row, "id")
                // As `account(_:scope:)` orders them: role descending, then consumer.
                let sorted = (parties[id] ?? []).sorted {
                    $0.role.rawValue != $1.role.rawValue ? $0.role.rawValue > $1.role.rawValue : $0.consumerID < $1.consumerID
                }
                return try Self.account(from: row, parties: sorted)
            }
            let consumerIDs = Set(accounts.compactMap { $0.primaryParty?.consumerID.description }).sorted()
            var points: [ConsumerID: [(Int64, ContactPoint)]] = [:]
            for row in try await rows("contact_points", "consumer_id", in: consumerIDs) {
                points[try Self.id(row, "consumer_id"), default: []].append(
                    (try row.decode(column: "position", as: Int64.self), try Self.contactPoint(from: row)))
            }
            var consumers: [ConsumerID: Consumer] = [:]
            for row in try await rows("consumers", "id", in: consumerIDs) {
                let id: ConsumerID = try Self.id(row, "id")
                consumers[id] = Consumer(
                    id: id, tenantID: tenantID,
                    name: PersonName(
                        first: try row.decode(column: "first_name", as: String.self),
                        middle: try row.decode(column: "middle_name", as: String?.self),
                        last: try row.decode(column: "last_name", as: String.self)),
                    dateOfBirth: nil, ssn: nil, language: try row.decode(column: "language", as: String.self),
                    flags: ConsumerFlags(rawValue: Int(try row.decode(column: "flags", as: Int64.self))),
                    contactPoints: (points[id] ?? []).sorted { $0.0 < $1.0 }.map(\.1))
            }
            var contacts: [ConsumerID: [RecordedContact]] = [:]
            for row in try await rows("contact_events", "consumer_id", in: consumerIDs, orderBy: "occurred_at") {
                let contact = try Self.contact(row)
                contacts[contact.consumerID, default: []].append(contact)
            }
            var facts: [ConsumerID: [RecordedFact]] = [:]
            for row in try await rows("consumer_facts", "consumer_id", in: consumerIDs, orderBy: "recorded_at") {
                let fact = try Self.fact(row)
                facts[fact.consumerID, default: []].append(fact)
            }
            let numbers = Set(consumers.values.flatMap(\.phoneNumbers)).sorted()
            let suppressions = Dictionary(grouping: try await rows("text_suppressions", "number", in: numbers).map(Self.suppression), by: \.number)
            for account in accounts {
                guard let consumerID = account.primaryParty?.consumerID, let consumer = consumers[consumerID] else { continue }
                inputs[account.id] = SnapshotInput(
                    account: account, consumer: consumer, contacts: contacts[consumerID] ?? [], facts: facts[consumerID] ?? [],
                    suppressions: consumer.phoneNumbers.flatMap { suppressions[$0] ?? [] })
            }
        }
        return inputs
    }
}

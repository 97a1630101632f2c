import FluentKit
import Foundation
import PostgresNIO
import RecoupApp
import RecoupCore
import SQLKit
import Synchronization

/// Stores batches of placed debts with a handful of set-based statements per batch (look-ups with `IN`, bulk
/// inserts through ``BulkInserter``), which is what keeps a million-row import within a small multiple of the databases' own loaders.
///
/// Matching rules: an account is the same when tenant, client and client account number match; a consumer is the
/// same when the keyed hash of the SSN matches, or, without an SSN, the keyed hash of first and last name, date of
/// birth, first address line and ZIP. Without a date of birth a consumer is never merged by name.
struct SQLPlacementWriter: PlacementWriter {
    let store: SQLStore
    let report: PlacementReport
    /// The import's transaction; nil when each batch commits in a transaction of its own (``SQLStore/commitsInSteps``).
    let sql: (any SQLDatabase)?
    /// Rows written so far in this transaction, to refresh PostgreSQL's planner statistics as they grow.
    let progress = WriteProgress()

    /// A debt with everything its storage needs that depends on nothing stored.
    struct PreparedDebt: Sendable {
        var debt: PlacedDebt
        var keys: ConsumerKeys
        /// Keyed hash of the row's content: an unchanged re-placement is recognised without comparing fields.
        var digest: String
        var sealedDateOfBirth: String?
        var sealedSSN: String?
    }

    func prepare(_ debts: [PlacedDebt]) throws -> [PreparedDebt] {
        let cipher = store.cipher
        return try debts.map { debt in
            PreparedDebt(
                debt: debt,
                keys: keys(for: debt.consumer, address: debt.consumer.contactPoints.lazy.compactMap { point -> PostalAddress? in
                    if case let .postal(address) = point.kind { address } else { nil }
                }.first),
                digest: cipher.searchHash("record", debt.canonicalContent),
                sealedDateOfBirth: try debt.consumer.dateOfBirth.map { try cipher.seal($0.iso) },
                sealedSSN: try debt.consumer.ssn.map { try cipher.seal($0.digits) })
        }
    }

    func write(_ batch: [PreparedDebt], actor: String) async throws -> PlacementBatchResult {
        guard let sql else {
            return try await store.transaction { sql in try await self.write(batch, actor: actor, on: sql) }
        }
        let result = try await write(batch, actor: actor, on: sql)
        if progress.add(batch.count), sql is any PostgresDatabase {
            // A file is one transaction, so autovacuum never sees the tables grow and the planner keeps the
            // statistics of the empty tables: it then filters the look-ups above row by row instead of probing the
            // index, and each batch costs more than the last. ANALYZE inside the transaction samples its own new
            // rows; doing it each time the row count doubles costs a few ANALYZEs per file.
            try await sql.raw("ANALYZE accounts, consumers, contact_points, account_parties").run()
        }
        return result
    }

    private struct Party: Hashable {
        var account: AccountID
        var consumer: ConsumerID
    }

    /// A stored contact point by its owner and ``pointKey(_:)``.
    private struct PointOwner: Hashable {
        var consumer: ConsumerID
        var key: String
    }

    private struct ExistingAccount {
        var id: AccountID
        var digest: String
        var status: String
    }

    struct ConsumerKeys: Sendable {
        var ssnHash: String?
        var identityHash: String?
        var ssnLast4Hash: String?
    }

    private func keys(for consumer: Consumer, address: PostalAddress?) -> ConsumerKeys {
        let cipher = store.cipher
        var keys = ConsumerKeys()
        if let ssn = consumer.ssn {
            keys.ssnHash = cipher.searchHash("ssn", ssn.digits)
            keys.ssnLast4Hash = cipher.searchHash("ssn4", ssn.lastFour)
        }
        if let dob = consumer.dateOfBirth, let address {
            let identity = [
                consumer.name.first.lowercased(), consumer.name.last.lowercased(), dob.iso,
                address.line1.lowercased().split(separator: " ").joined(separator: " "), address.zip5,
            ].joined(separator: "|")
            keys.identityHash = cipher.searchHash("identity", identity)
        }
        return keys
    }

    private func write(_ batch: [PreparedDebt], actor: String, on sql: any SQLDatabase) async throws
        -> PlacementBatchResult
    {
        let tenant = report.placement.tenantID.description
        let client = report.placement.clientID.description
        let now = report.placement.receivedAt
        var result = PlacementBatchResult()

        // 1. What already exists.
        var existingAccounts: [String: ExistingAccount] = [:]
        let numbers = Array(Set(batch.map(\.debt.account.clientAccountNumber)))
        for chunk in numbers.chunks(of: 500) {
            let rows = try await sql.select().columns("id", "client_account_number", "record_digest", "status")
                .from("accounts").where("tenant_id", .equal, tenant).where("client_id", .equal, client)
                .where("client_account_number", .in, Array(chunk)).all()
            for row in rows {
                existingAccounts[try row.decode(column: "client_account_number", as: String.self)] = ExistingAccount(
                    id: try SQLStore.id(row, "id"), digest: try row.decode(column: "record_digest", as: String.self),
                    status: try row.decode(column: "status", as: String.self))
            }
        }
        var knownParties: [AccountID: Set<ConsumerID>] = [:]
        for chunk in existingAccounts.values.map(\.id.description).chunks(of: 500) {
            for row in try await sql.select().columns("account_id", "consumer_id").from("account_parties")
                .where("tenant_id", .equal, tenant).where("account_id", .in, Array(chunk)).all()
            {
                knownParties[try SQLStore.id(row, "account_id"), default: []].insert(try SQLStore.id(row, "consumer_id"))
            }
        }
        let consumerKeys = batch.map(\.keys)
        var consumerBySSN: [String: ConsumerID] = [:]
        var consumerByIdentity: [String: ConsumerID] = [:]
        /// The SSN hash each known consumer has (nil: none on file), so an identity match never merges two people
        /// whose SSNs differ.
        var ssnOfConsumer: [ConsumerID: String?] = [:]
        let ssnHashes = Array(Set(consumerKeys.compactMap(\.ssnHash)))
        let identityHashes = Array(Set(consumerKeys.compactMap(\.identityHash)))
        for (column, hashes) in [("ssn_hash", ssnHashes), ("identity_hash", identityHashes)] {
            for chunk in hashes.chunks(of: 500) {
                let rows = try await sql.select().columns("id", "ssn_hash", "identity_hash").from("consumers")
                    .where("tenant_id", .equal, tenant).where(SQLIdentifier(column), .in, Array(chunk)).all()
                for row in rows {
                    let id: ConsumerID = try SQLStore.id(row, "id")
                    let ssnHash = try row.decode(column: "ssn_hash", as: String?.self)
                    if let ssnHash { consumerBySSN[ssnHash] = id }
                    ssnOfConsumer[id] = .some(ssnHash)
                    consumerByIdentity[try row.decode(column: "identity_hash", as: String.self)] = id
                }
            }
        }
        var knownPoints: [ConsumerID: Set<String>] = [:]
        /// Stored phone and email attributes by consumer and point key, to catch a changed consent or type.
        var storedAttributes: [PointOwner: (id: String, attributes: String)] = [:]
        let matchedConsumers = Array(Set(consumerBySSN.values).union(consumerByIdentity.values))
        for chunk in matchedConsumers.map(\.description).chunks(of: 500) {
            let rows = try await sql.select().columns("id", "consumer_id", "kind", "value", "phone_type", "source", "consent")
                .from("contact_points").where("tenant_id", .equal, tenant).where("consumer_id", .in, Array(chunk)).all()
            for row in rows {
                let id: ConsumerID = try SQLStore.id(row, "consumer_id")
                let key = "\(try row.decode(column: "kind", as: String.self)):\(try row.decode(column: "value", as: String.self))"
                knownPoints[id, default: []].insert(key)
                storedAttributes[PointOwner(consumer: id, key: key)] = (
                    try row.decode(column: "id", as: String.self),
                    Self.attributes(
                        type: try row.decode(column: "phone_type", as: String?.self),
                        source: try row.decode(column: "source", as: String?.self),
                        consent: try row.decode(column: "consent", as: String?.self)))
            }
        }

        // 2. Decide, row by row, in file order.
        var newConsumers: [ConsumerID: PreparedDebt] = [:]
        var newConsumerOrder: [ConsumerID] = []
        var consumerUpdates: [ConsumerID: PreparedDebt] = [:]
        var newPoints: [(ConsumerID, ContactPoint, Int)] = []
        /// Existing contact points whose type, source or consent the creditor changed: (row id, point).
        var changedPoints: [String: ContactPoint] = [:]
        var newAccounts: [String: (AccountID, PlacedDebt, ConsumerID, String)] = [:]
        var newAccountOrder: [String] = []
        var accountUpdates: [String: (AccountID, PlacedDebt, ConsumerID, String)] = [:]
        var parties: [Party: ConsumerRole] = [:]
        /// Changed accounts, for their audit events.
        var changes: [AccountChange] = []

        for prepared in batch {
            let debt = prepared.debt, keys = prepared.keys, digest = prepared.digest
            // The consumer: matched, made earlier in this batch, or new.
            let consumerID: ConsumerID
            let byIdentity = keys.identityHash.flatMap { consumerByIdentity[$0] }.flatMap { id -> ConsumerID? in
                // Same name, birth date and address but another SSN on file: two people, never merged.
                let onFile = ssnOfConsumer[id] ?? nil
                return onFile == nil || keys.ssnHash == nil || onFile == keys.ssnHash ? id : nil
            }
            if let id = keys.ssnHash.flatMap({ consumerBySSN[$0] }) ?? byIdentity {
                consumerID = id
                if (ssnOfConsumer[id] ?? nil) == nil, let hash = keys.ssnHash { ssnOfConsumer[id] = .some(hash) }
            } else {
                consumerID = debt.consumer.id
                newConsumers[consumerID] = prepared
                newConsumerOrder.append(consumerID)
                ssnOfConsumer[consumerID] = .some(keys.ssnHash)
            }
            if let hash = keys.ssnHash { consumerBySSN[hash] = consumerID }
            if let hash = keys.identityHash { consumerByIdentity[hash] = consumerID }

            let number = debt.account.clientAccountNumber
            let isNewAccount: Bool
            let accountID: AccountID
            if let pending = newAccounts[number] {
                accountID = pending.0
                isNewAccount = true
            } else if let existing = existingAccounts[number] {
                accountID = existing.id
                isNewAccount = false
            } else {
                accountID = debt.account.id
                isNewAccount = true
            }
            let previousDigest = newAccounts[number]?.3 ?? accountUpdates[number]?.3 ?? existingAccounts[number]?.digest
            let changed = previousDigest != digest

            if debt.role == .primary {
                if isNewAccount {
                    if newAccounts[number] == nil {
                        newAccountOrder.append(number)
                        result.imported += 1
                    } else if changed {
                        result.updated += 1
                    } else {
                        result.unchanged += 1
                    }
                    newAccounts[number] = (accountID, debt, consumerID, digest)
                } else if changed {
                    result.updated += 1
                    accountUpdates[number] = (accountID, debt, consumerID, digest)
                    changes.append(AccountChange(row: Int64(debt.row), account: accountID.description, before: previousDigest, after: digest))
                } else {
                    result.unchanged += 1
                }
            } else {
                guard newAccounts[number] != nil || existingAccounts[number] != nil else {
                    // A joint party row before its primary row: treat as the primary so nothing is lost.
                    var primary = debt
                    primary.role = .primary
                    newAccountOrder.append(number)
                    newAccounts[number] = (accountID, primary, consumerID, digest)
                    result.imported += 1
                    parties[Party(account: accountID, consumer: consumerID)] = .primary
                    continue
                }
                // A joint or co-signing debtor: the row changes the account when it adds a party.
                if parties[Party(account: accountID, consumer: consumerID)] == nil, !(knownParties[accountID]?.contains(consumerID) ?? false) {
                    result.updated += 1
                } else {
                    result.unchanged += 1
                }
            }
            let party = Party(account: accountID, consumer: consumerID)
            if parties[party] == nil { parties[party] = debt.role }

            // Contact points the consumer does not have yet; fill personal data that was missing.
            if changed || isNewAccount {
                var known = knownPoints[consumerID] ?? []
                for point in debt.consumer.contactPoints {
                    let key = Self.pointKey(point)
                    if known.insert(key).inserted {
                        newPoints.append((consumerID, point, known.count))
                    } else if let stored = storedAttributes[PointOwner(consumer: consumerID, key: key)] {
                        // A revoked consent or a line found to be a cell must reach the stored record (TCPA).
                        let merged = Self.merged(point, onto: stored.attributes)
                        if stored.attributes != Self.attributes(of: merged) { changedPoints[stored.id] = merged }
                    }
                }
                knownPoints[consumerID] = known
                if newConsumers[consumerID] == nil { consumerUpdates[consumerID] = prepared }
            }
        }

        // 3. Apply.
        let bulk = BulkInserter(sql: sql)
        try await bulk.insert(
            into: "consumers",
            columns: [
                "id", "tenant_id", "first_name", "middle_name", "last_name", "dob_sealed", "ssn_sealed", "ssn_hash",
                "ssn_last4_hash", "identity_hash", "language", "flags", "created_at", "updated_at",
            ],
            rows: newConsumerOrder.compactMap { id -> [BulkValue]? in
                guard let prepared = newConsumers[id] else { return nil }
                let consumer = prepared.debt.consumer, keys = prepared.keys
                return [
                    .text(id.description), .text(tenant), .text(consumer.name.first), .text(consumer.name.middle),
                    .text(consumer.name.last), .text(prepared.sealedDateOfBirth), .text(prepared.sealedSSN), .text(keys.ssnHash),
                    .text(keys.ssnLast4Hash), .text(keys.identityHash ?? "unmatched:\(id)"), .text(consumer.language),
                    .integer(Int64(consumer.flags.rawValue)), .timestamp(now), .timestamp(now),
                ]
            })
        for (id, prepared) in consumerUpdates {
            let consumer = prepared.debt.consumer, keys = prepared.keys
            try await sql.raw("""
                UPDATE consumers SET first_name = \(bind: consumer.name.first), middle_name = \(bind: consumer.name.middle),
                last_name = \(bind: consumer.name.last), language = \(bind: consumer.language),
                dob_sealed = COALESCE(dob_sealed, \(bind: prepared.sealedDateOfBirth)),
                ssn_sealed = COALESCE(ssn_sealed, \(bind: prepared.sealedSSN)),
                ssn_hash = COALESCE(ssn_hash, \(bind: keys.ssnHash)),
                ssn_last4_hash = COALESCE(ssn_last4_hash, \(bind: keys.ssnLast4Hash)),
                updated_at = \(bind: now)
                WHERE tenant_id = \(bind: tenant) AND id = \(bind: id.description)
                """).run()
        }
        try await bulk.insert(
            into: "contact_points",
            columns: [
                "id", "tenant_id", "consumer_id", "kind", "value", "phone_type", "source", "consent", "line1", "line2",
                "city", "state", "zip", "position", "created_at",
            ],
            rows: newPoints.map { consumerID, point, position in
                let values: [BulkValue] = switch point.kind {
                case let .phone(number, type, source, consent):
                    [.text("phone"), .text(number), .text(type.rawValue), .text(source.rawValue), .text(consent.rawValue),
                     .null, .null, .null, .null, .null]
                case let .email(address, source):
                    [.text("email"), .text(address), .null, .text(source.rawValue), .null, .null, .null, .null, .null, .null]
                case let .postal(address):
                    [.text("postal"), .text(Self.pointValue(point)), .null, .null, .null, .text(address.line1),
                     .text(address.line2), .text(address.city), .text(address.state.rawValue), .text(address.zip)]
                }
                return [.text(point.id.description), .text(tenant), .text(consumerID.description)] + values
                    + [.integer(Int64(position)), .timestamp(now)]
            })
        try await bulk.insert(
            into: "accounts", columns: Self.accountColumns + ["id", "tenant_id", "client_id", "record_digest", "reference_code"],
            rows: newAccountOrder.compactMap { number -> [BulkValue]? in
                guard let (id, debt, consumerID, digest) = newAccounts[number] else { return nil }
                return Self.accountValues(debt, placement: report.placement.id, consumer: consumerID, at: now)
                    + [.text(id.description), .text(tenant), .text(client), .text(digest), .text(ReferenceCode.of(id))]
            })
        for (id, debt, consumerID, digest) in accountUpdates.values {
            var update = sql.update("accounts")
            for (column, value) in zip(Self.accountColumns, Self.accountValues(
                debt, placement: report.placement.id, consumer: consumerID, at: now))
                where !Self.keptOnUpdate.contains(column)
            {
                update = update.set(SQLIdentifier(column), to: value.expression)
            }
            try await update.set("record_digest", to: digest)
                .where("tenant_id", .equal, tenant).where("id", .equal, id.description).run()
        }
        for (rowID, point) in changedPoints {
            let (type, source, consent) = Self.attributeValues(of: point)
            try await sql.update("contact_points").set("phone_type", to: type).set("source", to: source)
                .set("consent", to: consent).where("tenant_id", .equal, tenant).where("id", .equal, rowID).run()
        }
        try await bulk.insert(
            into: "account_parties", columns: ["account_id", "consumer_id", "tenant_id", "role"],
            rows: parties.filter { !(knownParties[$0.key.account]?.contains($0.key.consumer) ?? false) }.map { party, role in
                [.text(party.account.description), .text(party.consumer.description), .text(tenant), .text(role.rawValue)]
            })
        if self.sql == nil {
            // This batch commits alone: its events go with it.
            try await store.append(changes.map { $0.audit(placement: report.placement.id, actor: actor) },
                                   tenantID: report.placement.tenantID, at: now, on: sql)
        } else {
            // Staged until the file's transaction ends: appending now would hold the tenant's audit head (and every
            // other audited write of the tenant on PostgreSQL) for the rest of the file.
            try await bulk.insert(
                into: "placement_account_changes",
                columns: ["tenant_id", "placement_id", "row_number", "account_id", "before_digest", "after_digest"],
                rows: changes.map { $0.staged(tenant: tenant, placement: report.placement.id) })
        }
        return result
    }

    /// Set when an account is first placed and never by a later file: a re-placement must not bring a recalled
    /// account back to life, nor move its placement date.
    static let keptOnUpdate: Set<String> = ["status", "placed_at"]

    /// Columns written on insert and (less ``keptOnUpdate``) on update.
    static let accountColumns = [
        "placement_id", "client_account_number", "original_creditor", "current_creditor", "debt_type", "open_date",
        "charge_off_date", "last_payment_date", "last_payment_minor", "currency", "itemization_date",
        "itemization_date_type", "balance_at_itemization_minor", "interest_minor", "fees_minor", "payments_minor",
        "credits_minor", "current_balance_minor", "status", "placed_at", "student_loan_account_number",
        "primary_consumer_id", "state", "updated_at",
    ]

    static func accountValues(_ debt: PlacedDebt, placement: PlacementID, consumer: ConsumerID, at: Date) -> [BulkValue] {
        let a = debt.account, i = a.itemization
        let state = debt.consumer.contactPoints.lazy.compactMap { point -> String? in
            if case let .postal(address) = point.kind { address.state.rawValue } else { nil }
        }.first
        return [
            .text(placement.description), .text(a.clientAccountNumber), .text(a.originalCreditor),
            .text(a.currentCreditor), .text(a.debtType.rawValue), .text(a.openDate?.iso),
            .text(a.chargeOffDate?.iso), .text(a.lastPaymentDate?.iso), .integer(a.lastPaymentAmount?.minorUnits),
            .text(i.currentBalance.currency.code), .text(i.itemizationDate.iso),
            .text(i.itemizationDateType.rawValue), .integer(i.balanceAtItemization.minorUnits),
            .integer(i.interestSinceItemization.minorUnits), .integer(i.feesSinceItemization.minorUnits),
            .integer(i.paymentsSinceItemization.minorUnits), .integer(i.creditsSinceItemization.minorUnits),
            .integer(i.currentBalance.minorUnits), .text(a.status.rawValue), .timestamp(at),
            .text(a.studentLoanAccountNumber), .text(consumer.description), .text(state), .timestamp(at),
        ]
    }

    static func attributeValues(of point: ContactPoint) -> (type: String?, source: String?, consent: String?) {
        switch point.kind {
        case let .phone(_, type, source, consent): (type.rawValue, source.rawValue, consent.rawValue)
        case let .email(_, source): (nil, source.rawValue, nil)
        case .postal: (nil, nil, nil)
        }
    }

    /// What a file's phone makes of the one on file (`stored`, as ``attributes(type:source:consent:)``): a file may
    /// revoke a consent, give one where none was known, or say a line is a cell, never the reverse. Consumers are
    /// shared by the agency's clients, so neither another creditor's file nor one without a consent column may lift a
    /// refusal, or the cell-phone rules, that a file put on record; a consent given later is recorded as a fact.
    static func merged(_ point: ContactPoint, onto stored: String) -> ContactPoint {
        guard case let .phone(number, type, source, consent) = point.kind else { return point }
        let parts = stored.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let storedType = parts.count == 3 ? PhoneType(rawValue: parts[0]) : nil
        let storedConsent = parts.count == 3 ? ConsentStatus(rawValue: parts[2]) : nil
        let keptConsent: ConsentStatus = switch (storedConsent, consent) {
        case (.no?, _): .no
        case let (known?, .unknown): known
        default: consent
        }
        let keptType: PhoneType = switch (storedType, type) {
        case (.cell?, _): .cell
        case let (known?, .unknown): known
        default: type
        }
        var merged = point
        merged.kind = .phone(number: number, type: keptType, source: source, consent: keptConsent)
        return merged
    }

    static func attributes(of point: ContactPoint) -> String {
        let (type, source, consent) = attributeValues(of: point)
        return attributes(type: type, source: source, consent: consent)
    }

    static func attributes(type: String?, source: String?, consent: String?) -> String {
        "\(type ?? "")|\(source ?? "")|\(consent ?? "")"
    }

    static func pointValue(_ point: ContactPoint) -> String {
        switch point.kind {
        case let .phone(number, _, _, _): number
        case let .email(address, _): address
        case let .postal(a):
            [a.line1, a.line2 ?? "", a.city, a.state.rawValue, a.zip].joined(separator: ", ").lowercased()
        }
    }

    static func pointKey(_ point: ContactPoint) -> String {
        let kind = switch point.kind {
        case .phone: "phone"
        case .email: "email"
        case .postal: "postal"
        }
        return "\(kind):\(pointValue(point))"
    }
}

/// Counts the rows an import has written and says when the count has doubled since the last time it said so.
final class WriteProgress: Sendable {
    private let state = Mutex((rows: 0, nextMilestone: 2_000))

    /// Adds `rows`; true when the total has reached the next doubling milestone.
    func add(_ rows: Int) -> Bool {
        state.withLock { state in
            state.rows += rows
            guard state.rows >= state.nextMilestone else { return false }
            state.nextMilestone = state.rows * 2
            return true
        }
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

import FluentKit
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: AccountRepository {
    public func accounts(scope: AccessScope, filter: AccountFilter, after: AccountID?, limit: Int) async throws
        -> [AccountSummary]
    {
        var query = db.readSQL.select()
            .columns(
                SQLColumn("id", table: "a"), SQLColumn("client_id", table: "a"), SQLColumn("placement_id", table: "a"),
                SQLColumn("client_account_number", table: "a"), SQLColumn("original_creditor", table: "a"),
                SQLColumn("debt_type", table: "a"), SQLColumn("status", table: "a"),
                SQLColumn("current_balance_minor", table: "a"), SQLColumn("currency", table: "a"),
                SQLColumn("primary_consumer_id", table: "a"), SQLColumn("state", table: "a"),
                SQLColumn("placed_at", table: "a"), SQLColumn("first_name", table: "c"),
                SQLColumn("last_name", table: "c"))
            .from(SQLAlias(SQLIdentifier("accounts"), as: SQLIdentifier("a")))
            .join(
                SQLAlias(SQLIdentifier("consumers"), as: SQLIdentifier("c")), method: SQLJoinMethod.inner,
                on: SQLColumn("id", table: "c"), .equal, SQLColumn("primary_consumer_id", table: "a"))
            .where(SQLColumn("tenant_id", table: "a"), .equal, SQLBind(scope.tenantID.description))
        if let clientID = scope.clientID {
            query = query.where(SQLColumn("client_id", table: "a"), .equal, SQLBind(clientID.description))
        }
        if let clientID = filter.clientID {
            query = query.where(SQLColumn("client_id", table: "a"), .equal, SQLBind(clientID.description))
        }
        if let status = filter.status {
            query = query.where(SQLColumn("status", table: "a"), .equal, SQLBind(status.rawValue))
        }
        if let placementID = filter.placementID {
            query = query.where(SQLColumn("placement_id", table: "a"), .equal, SQLBind(placementID.description))
        }
        if let number = filter.clientAccountNumber {
            query = query.where(SQLColumn("client_account_number", table: "a"), .equal, SQLBind(number))
        }
        if let state = filter.state {
            query = query.where(SQLColumn("state", table: "a"), .equal, SQLBind(state.rawValue))
        }
        if let last4 = filter.ssnLastFour {
            query = query.where(SQLColumn("ssn_last4_hash", table: "c"), .equal, SQLBind(cipher.searchHash("ssn4", last4)))
        }
        if let after {
            query = query.where(SQLColumn("id", table: "a"), .greaterThan, SQLBind(after.description))
        }
        let rows = try await query.orderBy(SQLColumn("id", table: "a")).limit(limit).all()
        return try rows.map { row in
            let currency = try Self.currency(row)
            let first = try row.decode(column: "first_name", as: String.self)
            let last = try row.decode(column: "last_name", as: String.self)
            return AccountSummary(
                id: try Self.id(row, "id"), clientID: try Self.id(row, "client_id"),
                placementID: try Self.id(row, "placement_id"),
                clientAccountNumber: try row.decode(column: "client_account_number", as: String.self),
                originalCreditor: try row.decode(column: "original_creditor", as: String.self),
                debtType: try Self.enumValue(row, "debt_type"), status: try Self.enumValue(row, "status"),
                currentBalance: Money(
                    minorUnits: try row.decode(column: "current_balance_minor", as: Int64.self), currency: currency),
                primaryConsumerID: try Self.id(row, "primary_consumer_id"),
                primaryConsumerName: "\(first) \(last)",
                state: try row.decode(column: "state", as: String?.self).flatMap { USState(rawValue: $0) },
                placedAt: try row.decode(column: "placed_at", as: Date.self))
        }
    }

    public func account(_ id: AccountID, scope: AccessScope) async throws -> Account? {
        var query = db.readSQL.select().columns(SQLLiteral.all).from("accounts")
            .where("tenant_id", .equal, scope.tenantID.description)
            .where("id", .equal, id.description)
        if let clientID = scope.clientID { query = query.where("client_id", .equal, clientID.description) }
        guard let row = try await query.first() else { return nil }
        let parties = try await db.readSQL.raw("""
            SELECT consumer_id, role FROM account_parties
            WHERE tenant_id = \(bind: scope.tenantID.description) AND account_id = \(bind: id.description)
            ORDER BY role DESC, consumer_id
            """).all().map { row in
            AccountParty(consumerID: try Self.id(row, "consumer_id"), role: try Self.enumValue(row, "role"))
        }
        return try Self.account(from: row, parties: parties)
    }

    static func account(from row: any SQLRow, parties: [AccountParty]) throws -> Account {
        let currency = try currency(row)
        func money(_ column: String) throws -> Money {
            Money(minorUnits: try row.decode(column: column, as: Int64.self), currency: currency)
        }
        func date(_ column: String) throws -> LocalDate? {
            try row.decode(column: column, as: String?.self).flatMap { LocalDate(iso: $0) }
        }
        guard let itemizationDate = try date("itemization_date") else { throw StorageError.corrupt("itemization_date") }
        return Account(
            id: try id(row, "id"), tenantID: try id(row, "tenant_id"), clientID: try id(row, "client_id"),
            placementID: try id(row, "placement_id"),
            clientAccountNumber: try row.decode(column: "client_account_number", as: String.self),
            originalCreditor: try row.decode(column: "original_creditor", as: String.self),
            currentCreditor: try row.decode(column: "current_creditor", as: String?.self),
            debtType: try enumValue(row, "debt_type"), openDate: try date("open_date"),
            chargeOffDate: try date("charge_off_date"), lastPaymentDate: try date("last_payment_date"),
            lastPaymentAmount: try row.decode(column: "last_payment_minor", as: Int64?.self)
                .map { Money(minorUnits: $0, currency: currency) },
            itemization: Itemization(
                itemizationDate: itemizationDate, itemizationDateType: try enumValue(row, "itemization_date_type"),
                balanceAtItemization: try money("balance_at_itemization_minor"),
                interestSinceItemization: try money("interest_minor"), feesSinceItemization: try money("fees_minor"),
                paymentsSinceItemization: try money("payments_minor"),
                creditsSinceItemization: try money("credits_minor"), currentBalance: try money("current_balance_minor")),
            status: try enumValue(row, "status"), placedAt: try row.decode(column: "placed_at", as: Date.self),
            studentLoanAccountNumber: try row.decode(column: "student_loan_account_number", as: String?.self),
            parties: parties)
    }

    public func consumer(_ id: ConsumerID, scope: AccessScope) async throws -> (Consumer, [AccountID])? {
        var accountsQuery = db.readSQL.select().column(SQLColumn("id", table: "a"))
            .from(SQLAlias(SQLIdentifier("accounts"), as: SQLIdentifier("a")))
            .join(
                SQLAlias(SQLIdentifier("account_parties"), as: SQLIdentifier("p")), method: SQLJoinMethod.inner,
                on: SQLColumn("account_id", table: "p"), .equal, SQLColumn("id", table: "a"))
            .where(SQLColumn("tenant_id", table: "a"), .equal, SQLBind(scope.tenantID.description))
            .where(SQLColumn("consumer_id", table: "p"), .equal, SQLBind(id.description))
        if let clientID = scope.clientID {
            accountsQuery = accountsQuery.where(SQLColumn("client_id", table: "a"), .equal, SQLBind(clientID.description))
        }
        let accountIDs: [AccountID] = try await accountsQuery.orderBy(SQLColumn("id", table: "a")).all()
            .map { try Self.id($0, "id") }
        guard !accountIDs.isEmpty,
              let row = try await db.readSQL.raw("""
                  SELECT * FROM consumers WHERE tenant_id = \(bind: scope.tenantID.description) AND id = \(bind: id.description)
                  """).first()
        else { return nil }
        let points = try await db.readSQL.raw("""
            SELECT * FROM contact_points WHERE tenant_id = \(bind: scope.tenantID.description)
            AND consumer_id = \(bind: id.description) ORDER BY position
            """).all().map(Self.contactPoint(from:))
        let ssn = try row.decode(column: "ssn_sealed", as: String?.self).map { try cipher.open($0) }.flatMap { SSN($0) }
        let dob = try row.decode(column: "dob_sealed", as: String?.self).map { try cipher.open($0) }
            .flatMap { LocalDate(iso: $0) }
        let consumer = Consumer(
            id: id, tenantID: scope.tenantID,
            name: PersonName(
                first: try row.decode(column: "first_name", as: String.self),
                middle: try row.decode(column: "middle_name", as: String?.self),
                last: try row.decode(column: "last_name", as: String.self)),
            dateOfBirth: dob, ssn: ssn, language: try row.decode(column: "language", as: String.self),
            flags: ConsumerFlags(rawValue: Int(try row.decode(column: "flags", as: Int64.self))),
            contactPoints: points)
        return (consumer, accountIDs)
    }

    static func contactPoint(from row: any SQLRow) throws -> ContactPoint {
        let id: ContactPointID = try id(row, "id")
        let value = try row.decode(column: "value", as: String.self)
        switch try row.decode(column: "kind", as: String.self) {
        case "phone":
            return ContactPoint(id: id, kind: .phone(
                number: value, type: try enumValue(row, "phone_type"), source: try enumValue(row, "source"),
                consent: try enumValue(row, "consent")))
        case "email":
            return ContactPoint(id: id, kind: .email(address: value, source: try enumValue(row, "source")))
        default:
            guard let state = USState(rawValue: try row.decode(column: "state", as: String.self)) else {
                throw StorageError.corrupt("contact point state")
            }
            return ContactPoint(id: id, kind: .postal(PostalAddress(
                line1: try row.decode(column: "line1", as: String.self),
                line2: try row.decode(column: "line2", as: String?.self),
                city: try row.decode(column: "city", as: String.self), state: state,
                zip: try row.decode(column: "zip", as: String.self))))
        }
    }

    public func recall(
        _ ids: [AccountID], clientAccountNumbers: [String], scope: AccessScope, actor: String, reason: String?,
        at: Date
    ) async throws -> RecallOutcome {
        try await transaction { sql in
            var outcome = RecallOutcome()
            var entries: [AuditEntry] = []
            let requests = ids.map { ("id", $0.description) } + clientAccountNumbers.map { ("client_account_number", $0) }
            for (column, value) in requests {
                var query = sql.select().columns("id", "status", "record_digest").from("accounts")
                    .where("tenant_id", .equal, scope.tenantID.description)
                    .where(SQLIdentifier(column), .equal, SQLBind(value))
                if let clientID = scope.clientID { query = query.where("client_id", .equal, clientID.description) }
                let rows = try await query.all()
                if rows.isEmpty { outcome.notFound.append(value) }
                for row in rows {
                    let id: AccountID = try Self.id(row, "id")
                    let status: AccountStatus = try Self.enumValue(row, "status")
                    if status == .recalled {
                        if !outcome.alreadyRecalled.contains(id) { outcome.alreadyRecalled.append(id) }
                        continue
                    }
                    try await sql.raw("""
                        UPDATE accounts SET status = 'recalled', recalled_at = \(bind: at), updated_at = \(bind: at)
                        WHERE tenant_id = \(bind: scope.tenantID.description) AND id = \(bind: id.description)
                        """).run()
                    outcome.recalled.append(id)
                    var details = ["previous_status": status.rawValue]
                    if let reason { details["reason"] = reason }
                    let digest = try row.decode(column: "record_digest", as: String.self)
                    entries.append(AuditEntry(
                        actor: actor, action: "account.recalled", subjectType: "account", subjectID: id.description,
                        beforeDigest: AuditChain.hexDigest(Data("\(digest)|\(status.rawValue)".utf8)),
                        afterDigest: AuditChain.hexDigest(Data("\(digest)|recalled".utf8)), details: details))
                }
            }
            try await self.append(entries, tenantID: scope.tenantID, at: at, on: sql)
            return outcome
        }
    }

    // MARK: Row helpers

    static func id<Kind>(_ row: any SQLRow, _ column: String) throws -> Identifier<Kind> {
        guard let id = Identifier<Kind>(try row.decode(column: column, as: String.self)) else {
            throw StorageError.corrupt("\(column) is not a UUID")
        }
        return id
    }

    /// A calendar date stored as `YYYY-MM-DD`.
    static func localDate(_ row: any SQLRow, _ column: String) throws -> LocalDate {
        guard let date = LocalDate(iso: try row.decode(column: column, as: String.self)) else {
            throw StorageError.corrupt("\(column) is not a date")
        }
        return date
    }

    /// A nullable UUID column.
    static func optionalUUID(_ row: any SQLRow, _ column: String) throws -> UUID? {
        try row.decode(column: column, as: String?.self).flatMap { UUID(text: $0) }
    }

    static func enumValue<E: RawRepresentable>(_ row: any SQLRow, _ column: String) throws -> E where E.RawValue == String {
        let raw = try row.decode(column: column, as: String.self)
        guard let value = E(rawValue: raw) else { throw StorageError.corrupt("\(column) has unknown value \(raw)") }
        return value
    }

    static func currency(_ row: any SQLRow) throws -> Currency {
        guard let currency = Currency(code: try row.decode(column: "currency", as: String.self)) else {
            throw StorageError.corrupt("currency")
        }
        return currency
    }
}

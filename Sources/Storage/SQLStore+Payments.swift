import Foundation
import Ledger
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: PaymentRepository {
    // MARK: Terms

    public func terms(client: ClientID, tenantID: TenantID) async throws -> ClientTerms {
        guard let row = try await db.readSQL.select().column(SQLLiteral.all).from("client_terms")
            .where("tenant_id", .equal, tenantID.description).where("client_id", .equal, client.description).first()
        else { return .standard }
        func int(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
        let order = try row.decode(column: "allocation", as: String.self).split(separator: ",").compactMap { Bucket(rawValue: String($0)) }
        guard let allocation = AllocationPolicy(order: order) else { throw StorageError.corrupt("client_terms.allocation") }
        return ClientTerms(
            allocation: allocation,
            plans: PlanRules(maxMonths: Int(try int("plan_max_months")), minimumInstallment: try int("plan_minimum_installment"),
                             minimumDownPaymentBasisPoints: try int("plan_minimum_down_bp")),
            settlements: SettlementRules(minimumBasisPoints: try int("settlement_minimum_bp"),
                                         maxInstallments: Int(try int("settlement_max_installments")),
                                         maxValidDays: Int(try int("settlement_max_valid_days"))),
            contingencyBasisPoints: try int("contingency_bp"), graceDays: Int(try int("grace_days")),
            missesToBreak: Int(try int("misses_to_break")), remit: try Self.enumValue(row, "remit"),
            interest: try row.decode(column: "interest_bp", as: Int64?.self).map {
                InterestTerms(annualRateBasisPoints: $0, dayCount: DayCount(rawValue: try row.decode(column: "day_count", as: String?.self) ?? "") ?? .actual365)
            },
            convenienceFee: try row.decode(column: "convenience_states", as: String?.self).map { states in
                ConvenienceFeeTerms(
                    cardMinor: try row.decode(column: "convenience_card_minor", as: Int64?.self),
                    bankMinor: try row.decode(column: "convenience_bank_minor", as: Int64?.self),
                    permittedStates: Set(try states.split(separator: ",").map { code in
                        guard let state = USState(rawValue: String(code)) else { throw StorageError.corrupt("client_terms.convenience_states") }
                        return state
                    }))
            })
    }

    public func setTerms(_ terms: ClientTerms, client: ClientID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws {
        try await transaction { sql in
            try await sql.delete(from: "client_terms")
                .where("tenant_id", .equal, tenantID.description).where("client_id", .equal, client.description).run()
            try await sql.insert(into: "client_terms")
                .columns("tenant_id", "client_id", "allocation", "plan_max_months", "plan_minimum_installment", "plan_minimum_down_bp",
                         "settlement_minimum_bp", "settlement_max_installments", "settlement_max_valid_days", "contingency_bp",
                         "grace_days", "misses_to_break", "remit", "interest_bp", "day_count", "convenience_card_minor",
                         "convenience_bank_minor", "convenience_states", "updated_at")
                .values(
                    SQLBind(tenantID.description), SQLBind(client.description),
                    SQLBind(terms.allocation.order.map(\.rawValue).joined(separator: ",")), SQLBind(Int64(terms.plans.maxMonths)),
                    SQLBind(terms.plans.minimumInstallment), SQLBind(terms.plans.minimumDownPaymentBasisPoints),
                    SQLBind(terms.settlements.minimumBasisPoints), SQLBind(Int64(terms.settlements.maxInstallments)),
                    SQLBind(Int64(terms.settlements.maxValidDays)), SQLBind(terms.contingencyBasisPoints), SQLBind(Int64(terms.graceDays)),
                    SQLBind(Int64(terms.missesToBreak)), SQLBind(terms.remit.rawValue), SQLBind(terms.interest?.annualRateBasisPoints),
                    SQLBind(terms.interest?.dayCount.rawValue), SQLBind(terms.convenienceFee?.cardMinor),
                    SQLBind(terms.convenienceFee?.bankMinor),
                    SQLBind(terms.convenienceFee.map { $0.permittedStates.map(\.code).sorted().joined(separator: ",") }), SQLBind(at))
                .run()
            try await self.append([audit], tenantID: tenantID, at: at, on: sql)
        }
    }

    // MARK: Payment methods

    public func addMethod(_ method: PaymentMethod, audit: AuditEntry) async throws {
        let (customer, token, brand, last4, routing, number, checking, holder): (String?, String?, String?, String, String?, String?, Bool?, String?)
        switch method.details {
        case let .card(c, t, b, l):
            (customer, token, brand, last4, routing, number, checking, holder) = (c, t, b, l, nil, nil, nil, nil)
        case let .bank(r, n, c, h):
            (customer, token, brand, last4, routing, number, checking, holder) =
                (nil, nil, nil, String(n.suffix(4)), r, try cipher.seal(n), c, try cipher.seal(h))
        }
        try await transaction { sql in
            try await sql.insert(into: "payment_methods")
                .columns("id", "tenant_id", "account_id", "rail", "customer_token", "card_token", "brand", "last4", "routing",
                         "bank_account_sealed", "checking", "holder_sealed", "authorization", "authorized_via", "created_at")
                .values(
                    SQLBind(method.id.lowercasedString), SQLBind(method.tenantID.description), SQLBind(method.accountID.description),
                    SQLBind(method.rail.rawValue), SQLBind(customer), SQLBind(token), SQLBind(brand), SQLBind(last4), SQLBind(routing),
                    SQLBind(number), SQLBind(checking), SQLBind(holder), SQLBind(method.authorization), SQLBind(method.authorizedVia),
                    SQLBind(method.createdAt))
                .run()
            try await self.append([audit], tenantID: method.tenantID, at: method.createdAt, on: sql)
        }
    }

    public func method(_ id: UUID, tenantID: TenantID) async throws -> PaymentMethod? {
        try await db.readSQL.select().column(SQLLiteral.all).from("payment_methods")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first()
            .map(paymentMethod)
    }

    public func methods(account: AccountID, tenantID: TenantID) async throws -> [PaymentMethod] {
        try await db.readSQL.select().column(SQLLiteral.all).from("payment_methods")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at").all().map(paymentMethod)
    }

    func paymentMethod(_ row: any SQLRow) throws -> PaymentMethod {
        func text(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        let details: PaymentMethod.Details
        if try Self.enumValue(row, "rail") as PaymentRail == .card {
            details = .card(customer: try text("customer_token") ?? "", token: try text("card_token") ?? "", brand: try text("brand") ?? "",
                            last4: try row.decode(column: "last4", as: String.self))
        } else {
            details = .bank(routing: try text("routing") ?? "", accountNumber: try cipher.open(try text("bank_account_sealed") ?? ""),
                            checking: try row.decode(column: "checking", as: Bool?.self) ?? true,
                            holder: try cipher.open(try text("holder_sealed") ?? ""))
        }
        return PaymentMethod(
            id: try Self.uuid(row, "id"), tenantID: try Self.id(row, "tenant_id"), accountID: try Self.id(row, "account_id"),
            details: details, authorization: try row.decode(column: "authorization", as: String.self),
            authorizedVia: try row.decode(column: "authorized_via", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            revoked: try row.decode(column: "revoked", as: String?.self))
    }

    // MARK: Payments

    public func begin(_ payment: Payment, idempotencyKey: String, requestDigest: String, audit: AuditEntry) async throws
        -> (Payment, requestDigest: String, created: Bool)
    {
        let tenant = payment.tenantID.description
        return try await transaction { sql in
            // Concurrent requests with one key: PostgreSQL makes the second wait for the first's commit, then do nothing.
            let inserted = try await sql.raw("""
                INSERT INTO payments (id, tenant_id, account_id, client_id, method_id, rail, amount_minor, convenience_fee_minor,
                    currency, status, plan_id, installment, idempotency_key, request_digest, created_by, created_at, updated_at)
                VALUES (\(bind: payment.id.lowercasedString), \(bind: tenant), \(bind: payment.accountID.description),
                    \(bind: payment.clientID.description), \(bind: payment.methodID.lowercasedString), \(bind: payment.rail.rawValue),
                    \(bind: payment.amount.minorUnits), \(bind: payment.convenienceFee.minorUnits), \(bind: payment.amount.currency.code),
                    \(bind: payment.status.rawValue),
                    \(bind: payment.planID?.lowercasedString), \(bind: payment.installment.map(Int64.init)), \(bind: idempotencyKey),
                    \(bind: requestDigest), \(bind: payment.createdBy), \(bind: payment.createdAt), \(bind: payment.updatedAt))
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                RETURNING id
                """).first()
            if inserted != nil {
                try await self.append([audit], tenantID: payment.tenantID, at: payment.createdAt, on: sql)
                return (payment, requestDigest, true)
            }
            guard let existing = try await sql.select().column(SQLLiteral.all).from("payments")
                .where("tenant_id", .equal, tenant).where("idempotency_key", .equal, idempotencyKey).first()
            else { throw StorageError.corrupt("payment with idempotency key \(idempotencyKey) vanished") }
            return (try Self.payment(existing), try existing.decode(column: "request_digest", as: String.self), false)
        }
    }

    public func payment(_ id: UUID, tenantID: TenantID) async throws -> Payment? {
        try await db.readSQL.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.payment)
    }

    public func payment(idempotencyKey: String, tenantID: TenantID) async throws -> (Payment, requestDigest: String)? {
        guard let row = try await db.readSQL.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("idempotency_key", .equal, idempotencyKey).first()
        else { return nil }
        return (try Self.payment(row), try row.decode(column: "request_digest", as: String.self))
    }

    public func payment(reference: String, tenantID: TenantID) async throws -> Payment? {
        try await db.readSQL.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("processor_ref", .equal, reference).first().map(Self.payment)
    }

    public func payments(account: AccountID, tenantID: TenantID) async throws -> [Payment] {
        try await db.readSQL.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.payment)
    }

    public func payments(rail: PaymentRail, tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [Payment] {
        try await payments(rail: rail, tenantID: tenantID, by: "created_at", from: from, to: to)
    }

    public func returnedDebits(tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [Payment] {
        try await payments(rail: .ach, status: .returned, tenantID: tenantID, by: "updated_at", from: from, to: to)
    }

    /// The tenant's payments on `rail` (in `status`, when given) whose `column` instant falls on the UTC days `from`
    /// to `to`, both included, in that column's order.
    private func payments(
        rail: PaymentRail, status: PaymentStatus? = nil, tenantID: TenantID, by column: String, from: LocalDate, to: LocalDate
    ) async throws -> [Payment] {
        var query = db.readSQL.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("rail", .equal, rail.rawValue)
            .where(SQLIdentifier(column), .greaterThanOrEqual, SQLBind(from.utcStart))
            .where(SQLIdentifier(column), .lessThan, SQLBind(to.adding(days: 1).utcStart))
        if let status { query = query.where("status", .equal, status.rawValue) }
        return try await query.orderBy(SQLIdentifier(column)).all().map(Self.payment)
    }

    public func entries(account: AccountID, tenantID: TenantID) async throws -> [PostedEntry] {
        try await entries(account: account, tenantID: tenantID, on: db.readSQL)
    }

    func entries(account: AccountID, tenantID: TenantID, on sql: any SQLDatabase) async throws -> [PostedEntry] {
        try await sql.select().column(SQLLiteral.all).from("ledger_entries")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("position").all().map(Self.postedEntry)
    }

    public func transition(
        _ paymentID: UUID, tenantID: TenantID, at: Date,
        decide: @escaping @Sendable (Payment, LockedAccount, [PostedEntry]) throws -> PaymentTransition?
    ) async throws -> Payment? {
        let tenant = tenantID.description
        let id = paymentID.lowercasedString
        return try await transaction { sql in
            guard let row = try await sql.select().column("account_id").from("payments")
                .where("tenant_id", .equal, tenant).where("id", .equal, id).first()
            else { return nil }
            let account = try row.decode(column: "account_id", as: String.self)
            guard let (clientID, status) = try await Self.lock(account: account, tenant: tenant, on: sql) else { return nil }
            guard let current = try await sql.select().column(SQLLiteral.all).from("payments")
                .where("tenant_id", .equal, tenant).where("id", .equal, id).first().map(Self.payment)
            else { return nil }
            let stored = try await self.entries(account: current.accountID, tenantID: tenantID, on: sql)
            let locked = LockedAccount(status: status, settlements: try await self.settlements(account: current.accountID, tenantID: tenantID, on: sql))
            guard let change = try decide(current, locked, stored) else { return current }
            var updated = current
            updated.status = change.status
            updated.processorRef = change.processorRef ?? current.processorRef
            updated.failureReason = change.failureReason ?? current.failureReason
            updated.updatedAt = at
            if updated.entryID == nil,
               let posted = change.post.first(where: { $0.paymentID == paymentID && $0.entry.kind == .payment }) {
                updated.entryID = posted.entry.id
            }
            try await Self.insert(change.post, after: stored.count, account: account, client: clientID, tenant: tenant, at: at, on: sql)
            try await sql.update("payments")
                .set("status", to: SQLBind(updated.status.rawValue)).set("processor_ref", to: SQLBind(updated.processorRef))
                .set("failure_reason", to: SQLBind(updated.failureReason)).set("entry_id", to: SQLBind(updated.entryID?.lowercasedString))
                .set("updated_at", to: SQLBind(at))
                .where("tenant_id", .equal, tenant).where("id", .equal, id)
                .run()
            for (settlement, status) in [(change.completedSettlement, SettlementStatus.completed), (change.reopenedSettlement, .accepted)] {
                guard let settlement else { continue }
                try await sql.update("settlements").set("status", to: SQLBind(status.rawValue)).set("updated_at", to: SQLBind(at))
                    .where("tenant_id", .equal, tenant).where("id", .equal, settlement.lowercasedString).run()
            }
            if let status = change.accountStatus {
                try await sql.update("accounts").set("status", to: SQLBind(status.rawValue))
                    .where("tenant_id", .equal, tenant).where("id", .equal, account).run()
            }
            try await self.append(change.audit, tenantID: tenantID, at: at, on: sql)
            for queued in change.messages {
                _ = try await self.enqueue(queued.message, idempotencyKey: queued.idempotencyKey, audit: queued.audit, on: sql)
            }
            return updated
        }
    }

    public func eventNoted(_ id: String, tenantID: TenantID) async throws -> Bool {
        try await db.readSQL.select().column("event_id").from("processor_events")
            .where("tenant_id", .equal, tenantID.description).where("event_id", .equal, id).first() != nil
    }

    public func post(
        to account: AccountID, tenantID: TenantID, at: Date,
        decide: @escaping @Sendable ([PostedEntry]) throws -> (post: [PostedEntry], audit: [AuditEntry])?
    ) async throws -> [PostedEntry] {
        let tenant = tenantID.description
        return try await transaction { sql in
            guard let clientID = try await Self.lock(account: account.description, tenant: tenant, on: sql)?.client else { return [] }
            let stored = try await self.entries(account: account, tenantID: tenantID, on: sql)
            guard let (post, audit) = try decide(stored), !post.isEmpty else { return [] }
            try await Self.insert(post, after: stored.count, account: account.description, client: clientID, tenant: tenant, at: at, on: sql)
            try await self.append(audit, tenantID: tenantID, at: at, on: sql)
            return post
        }
    }

    /// Locks an account's row (a no-op update takes the row lock on PostgreSQL; SQLite has one writer) so every
    /// posting to it decides against the entries the previous one left; answers its client, nil when there is none.
    /// Locks the account row for the transaction (PostgreSQL: other writers wait; SQLite holds the write lock) and
    /// reads its client and its status as of the lock, which is what a posting decision must see.
    static func lock(account: String, tenant: String, on sql: any SQLDatabase) async throws
        -> (client: String, status: AccountStatus)?
    {
        guard let row = try await sql.raw("""
            UPDATE accounts SET status = status WHERE tenant_id = \(bind: tenant) AND id = \(bind: account) RETURNING client_id, status
            """).first()
        else { return nil }
        return (try row.decode(column: "client_id", as: String.self), try enumValue(row, "status"))
    }

    /// Appends entries to an account's ledger after its `after` stored ones.
    static func insert(_ post: [PostedEntry], after count: Int, account: String, client: String, tenant: String, at: Date, on sql: any SQLDatabase)
        async throws
    {
        guard !post.isEmpty else { return }
        var insert = sql.insert(into: "ledger_entries").columns(
            "id", "tenant_id", "account_id", "client_id", "position", "posted_on", "kind", "principal_minor", "interest_minor",
            "fees_minor", "reverses", "memo", "payment_id", "client_share_minor", "agency_fee_minor", "created_at")
        for (offset, posted) in post.enumerated() {
            let entry = posted.entry
            insert = insert.values(
                SQLBind(entry.id.lowercasedString), SQLBind(tenant), SQLBind(account), SQLBind(client),
                SQLBind(Int64(count + offset)), SQLBind(entry.postedOn.iso), SQLBind(entry.kind.rawValue),
                SQLBind(entry.amounts.principal), SQLBind(entry.amounts.interest), SQLBind(entry.amounts.fees),
                SQLBind(entry.reverses?.lowercasedString), SQLBind(entry.memo), SQLBind(posted.paymentID?.lowercasedString),
                SQLBind(posted.split.clientShare), SQLBind(posted.split.agencyFee), SQLBind(at))
        }
        try await insert.run()
    }

    public func noteEvent(_ id: String, type: String, tenantID: TenantID, at: Date) async throws -> Bool {
        try await db.sql.raw("""
            INSERT INTO processor_events (tenant_id, event_id, type, received_at)
            VALUES (\(bind: tenantID.description), \(bind: id), \(bind: type), \(bind: at))
            ON CONFLICT (tenant_id, event_id) DO NOTHING
            RETURNING event_id
            """).first() != nil
    }

    // MARK: Rows

    static func payment(_ row: any SQLRow) throws -> Payment {
        let currency = try currency(row)
        return Payment(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), accountID: try id(row, "account_id"),
            clientID: try id(row, "client_id"), methodID: try uuid(row, "method_id"), rail: try enumValue(row, "rail"),
            amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: currency),
            convenienceFee: Money(minorUnits: try row.decode(column: "convenience_fee_minor", as: Int64.self), currency: currency),
            status: try enumValue(row, "status"), processorRef: try row.decode(column: "processor_ref", as: String?.self),
            failureReason: try row.decode(column: "failure_reason", as: String?.self),
            entryID: try Self.optionalUUID(row, "entry_id"),
            planID: try Self.optionalUUID(row, "plan_id"),
            installment: try row.decode(column: "installment", as: Int64?.self).map(Int.init),
            createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func postedEntry(_ row: any SQLRow) throws -> PostedEntry {
        let postedOn = try Self.localDate(row, "posted_on")
        let entry = LedgerEntry(
            id: try uuid(row, "id"), postedOn: postedOn, kind: try enumValue(row, "kind"),
            amounts: BucketAmounts(principal: try row.decode(column: "principal_minor", as: Int64.self),
                                   interest: try row.decode(column: "interest_minor", as: Int64.self),
                                   fees: try row.decode(column: "fees_minor", as: Int64.self)),
            reverses: try Self.optionalUUID(row, "reverses"),
            memo: try row.decode(column: "memo", as: String?.self))
        return PostedEntry(
            entry: entry, paymentID: try Self.optionalUUID(row, "payment_id"),
            split: RemittanceSplit(clientShare: try row.decode(column: "client_share_minor", as: Int64.self),
                                   agencyFee: try row.decode(column: "agency_fee_minor", as: Int64.self)))
    }

    static func uuid(_ row: any SQLRow, _ column: String) throws -> UUID {
        guard let id = UUID(text: try row.decode(column: column, as: String.self)) else {
            throw StorageError.corrupt("\(column) is not a UUID")
        }
        return id
    }
}

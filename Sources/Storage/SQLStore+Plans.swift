import Foundation
import Ledger
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: PlanRepository {
    public func createPlan(_ plan: PlanRecord, audit: [AuditEntry]) async throws {
        let tenant = plan.tenantID.description
        try await transaction { sql in
            // Whatever plan is active on the account now is the one re-arranged (the partial unique index keeps one
            // active plan per account, so two agreed at once cannot both be).
            try await sql.update("payment_plans").set("status", to: SQLBind(PlanStatus.replaced.rawValue))
                .set("updated_at", to: SQLBind(plan.createdAt))
                .where("tenant_id", .equal, tenant).where("account_id", .equal, plan.accountID.description)
                .where("status", .equal, PlanStatus.active.rawValue)
                .run()
            try await sql.insert(into: "payment_plans")
                .columns("id", "tenant_id", "account_id", "client_id", "amount_minor", "currency", "down_payment_minor", "installments",
                         "frequency", "first_date", "method_id", "status", "replaces", "created_by", "created_at", "updated_at")
                .values(
                    SQLBind(plan.id.uuidString.lowercased()), SQLBind(tenant), SQLBind(plan.accountID.description),
                    SQLBind(plan.clientID.description), SQLBind(plan.amount.minorUnits), SQLBind(plan.amount.currency.code),
                    SQLBind(plan.downPayment), SQLBind(Int64(plan.installmentCount)), SQLBind(plan.frequency.rawValue),
                    SQLBind(plan.firstDate.iso), SQLBind(plan.methodID?.uuidString.lowercased()), SQLBind(plan.status.rawValue),
                    SQLBind(plan.replaces?.uuidString.lowercased()), SQLBind(plan.createdBy), SQLBind(plan.createdAt), SQLBind(plan.updatedAt))
                .run()
            try await self.append(audit, tenantID: plan.tenantID, at: plan.createdAt, on: sql)
        }
    }

    public func plan(_ id: UUID, tenantID: TenantID) async throws -> PlanRecord? {
        try await db.sql.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.uuidString.lowercased()).first().map(Self.plan)
    }

    public func plans(account: AccountID, tenantID: TenantID) async throws -> [PlanRecord] {
        try await db.sql.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.plan)
    }

    public func activePlans(tenantID: TenantID) async throws -> [PlanRecord] {
        try await db.sql.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("status", .equal, PlanStatus.active.rawValue)
            .orderBy("created_at").all().map(Self.plan)
    }

    public func setPlanStatus(
        _ id: UUID, tenantID: TenantID, to status: PlanStatus, from: Set<PlanStatus>, audit: AuditEntry, at: Date
    ) async throws -> Bool {
        try await transaction { sql in
            let moved = try await sql.raw("""
                UPDATE payment_plans SET status = \(bind: status.rawValue), updated_at = \(bind: at)
                WHERE tenant_id = \(bind: tenantID.description) AND id = \(bind: id.uuidString.lowercased())
                AND status IN (\(binds: from.map(\.rawValue).sorted()))
                RETURNING id
                """).first() != nil
            if moved { try await self.append([audit], tenantID: tenantID, at: at, on: sql) }
            return moved
        }
    }

    static func plan(_ row: any SQLRow) throws -> PlanRecord {
        guard let first = LocalDate(iso: try row.decode(column: "first_date", as: String.self)) else {
            throw StorageError.corrupt("payment_plans.first_date")
        }
        return PlanRecord(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), accountID: try id(row, "account_id"),
            clientID: try id(row, "client_id"),
            amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: try currency(row)),
            downPayment: try row.decode(column: "down_payment_minor", as: Int64.self),
            installmentCount: Int(try row.decode(column: "installments", as: Int64.self)), frequency: try enumValue(row, "frequency"),
            firstDate: first, methodID: try row.decode(column: "method_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            status: try enumValue(row, "status"), replaces: try row.decode(column: "replaces", as: String?.self).flatMap(UUID.init(uuidString:)),
            createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}

extension SQLStore {
    public func pendingPayments(rail: PaymentRail, tenantID: TenantID) async throws -> [Payment] {
        try await db.sql.select().column(SQLLiteral.all).from("payments")
            .where("tenant_id", .equal, tenantID.description).where("rail", .equal, rail.rawValue)
            .where("status", .equal, PaymentStatus.pending.rawValue).where("processor_ref", .is, SQLLiteral.null)
            .orderBy("created_at").all().map(Self.payment)
    }

    public func updateMethod(_ method: PaymentMethod, audit: AuditEntry, at: Date) async throws {
        var bank: (routing: String, number: String, last4: String, checking: Bool, holder: String)?
        if case let .bank(routing, number, checking, holder) = method.details {
            bank = (routing, try cipher.seal(number), String(number.suffix(4)), checking, try cipher.seal(holder))
        }
        try await transaction { [bank] sql in
            var update = sql.update("payment_methods").set("revoked", to: SQLBind(method.revoked))
            if let bank {
                update = update.set("routing", to: SQLBind(bank.routing)).set("bank_account_sealed", to: SQLBind(bank.number))
                    .set("last4", to: SQLBind(bank.last4)).set("checking", to: SQLBind(bank.checking)).set("holder_sealed", to: SQLBind(bank.holder))
            }
            try await update
                .where("tenant_id", .equal, method.tenantID.description).where("id", .equal, method.id.uuidString.lowercased())
                .run()
            try await self.append([audit], tenantID: method.tenantID, at: at, on: sql)
        }
    }

    public func achDebitsFiled() async throws -> Int {
        let row = try await db.sql.raw("SELECT CAST(COALESCE(SUM(entry_count), 0) AS BIGINT) AS filed FROM ach_files").first()
        return Int(try row?.decode(column: "filed", as: Int64.self) ?? 0)
    }

    public func saveACHFile(_ file: ACHFileRecord, audit: AuditEntry?) async throws {
        let debits = file.debits.map { "\($0.paymentID.uuidString.lowercased()):\($0.trace)" }.joined(separator: ",")
        let tenant = file.tenantID.description
        try await transaction { sql in
            if file.status == .building, audit != nil {
                for (paymentID, trace) in file.debits {
                    let claimed = try await sql.raw("""
                        UPDATE payments SET processor_ref = \(bind: trace)
                        WHERE tenant_id = \(bind: tenant) AND id = \(bind: paymentID.uuidString.lowercased())
                          AND status = \(bind: PaymentStatus.pending.rawValue) AND processor_ref IS NULL
                        RETURNING id
                        """).first()
                    guard claimed != nil else {
                        throw RecoupError.conflict("debit \(paymentID.uuidString.lowercased()) was filed by another export meanwhile; run the export again")
                    }
                }
            }
            try await sql.delete(from: "ach_files")
                .where("tenant_id", .equal, file.tenantID.description).where("id", .equal, file.id.uuidString.lowercased()).run()
            try await sql.insert(into: "ach_files")
                .columns("id", "tenant_id", "effective_date", "created_at", "status", "debits", "entry_count", "total_minor", "text")
                .values(
                    SQLBind(file.id.uuidString.lowercased()), SQLBind(file.tenantID.description), SQLBind(file.effectiveDate.iso),
                    SQLBind(file.createdAt), SQLBind(file.status.rawValue), SQLBind(debits), SQLBind(Int64(file.debits.count)),
                    SQLBind(file.totalMinor), SQLBind(file.text))
                .run()
            if let audit { try await self.append([audit], tenantID: file.tenantID, at: file.createdAt, on: sql) }
        }
    }

    public func achFiles(tenantID: TenantID) async throws -> [ACHFileRecord] {
        try await db.sql.select().column(SQLLiteral.all).from("ach_files")
            .where("tenant_id", .equal, tenantID.description).orderBy("created_at").all().map { row in
                guard let effective = LocalDate(iso: try row.decode(column: "effective_date", as: String.self)) else {
                    throw StorageError.corrupt("ach_files.effective_date")
                }
                let debits: [(paymentID: UUID, trace: String)] = try row.decode(column: "debits", as: String.self)
                    .split(separator: ",").map { pair in
                        let parts = pair.split(separator: ":")
                        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { throw StorageError.corrupt("ach_files.debits") }
                        return (id, String(parts[1]))
                    }
                return ACHFileRecord(
                    id: try Self.uuid(row, "id"), tenantID: tenantID, effectiveDate: effective,
                    createdAt: try row.decode(column: "created_at", as: Date.self), status: try Self.enumValue(row, "status"),
                    debits: debits, totalMinor: try row.decode(column: "total_minor", as: Int64.self),
                    text: try row.decode(column: "text", as: String.self))
            }
    }
}

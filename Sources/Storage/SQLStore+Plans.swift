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
                    SQLBind(plan.id.lowercasedString), SQLBind(tenant), SQLBind(plan.accountID.description),
                    SQLBind(plan.clientID.description), SQLBind(plan.amount.minorUnits), SQLBind(plan.amount.currency.code),
                    SQLBind(plan.downPayment), SQLBind(Int64(plan.installmentCount)), SQLBind(plan.frequency.rawValue),
                    SQLBind(plan.firstDate.iso), SQLBind(plan.methodID?.lowercasedString), SQLBind(plan.status.rawValue),
                    SQLBind(plan.replaces?.lowercasedString), SQLBind(plan.createdBy), SQLBind(plan.createdAt), SQLBind(plan.updatedAt))
                .run()
            try await self.append(audit, tenantID: plan.tenantID, at: plan.createdAt, on: sql)
        }
    }

    public func plan(_ id: UUID, tenantID: TenantID) async throws -> PlanRecord? {
        try await db.readSQL.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.plan)
    }

    public func plans(account: AccountID, tenantID: TenantID) async throws -> [PlanRecord] {
        try await db.readSQL.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.plan)
    }

    public func activePlans(tenantID: TenantID) async throws -> [PlanRecord] {
        try await db.readSQL.select().column(SQLLiteral.all).from("payment_plans")
            .where("tenant_id", .equal, tenantID.description).where("status", .equal, PlanStatus.active.rawValue)
            .orderBy("created_at").all().map(Self.plan)
    }

    public func setPlanStatus(
        _ id: UUID, tenantID: TenantID, to status: PlanStatus, from: Set<PlanStatus>, audit: AuditEntry, at: Date
    ) async throws -> Bool {
        try await transaction { sql in
            let moved = try await sql.raw("""
                UPDATE payment_plans SET status = \(bind: status.rawValue), updated_at = \(bind: at)
                WHERE tenant_id = \(bind: tenantID.description) AND id = \(bind: id.lowercasedString)
                AND status IN (\(binds: from.map(\.rawValue).sorted()))
                RETURNING id
                """).first() != nil
            if moved { try await self.append([audit], tenantID: tenantID, at: at, on: sql) }
            return moved
        }
    }

    static func plan(_ row: any SQLRow) throws -> PlanRecord {
        let first = try Self.localDate(row, "first_date")
        return PlanRecord(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), accountID: try id(row, "account_id"),
            clientID: try id(row, "client_id"),
            amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: try currency(row)),
            downPayment: try row.decode(column: "down_payment_minor", as: Int64.self),
            installmentCount: Int(try row.decode(column: "installments", as: Int64.self)), frequency: try enumValue(row, "frequency"),
            firstDate: first, methodID: try Self.optionalUUID(row, "method_id"),
            status: try enumValue(row, "status"), replaces: try Self.optionalUUID(row, "replaces"),
            createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}

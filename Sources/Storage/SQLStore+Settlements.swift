import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: SettlementRepository {
    public func saveSettlement(_ settlement: SettlementRecord, expecting: SettlementStatus?, audit: AuditEntry) async throws {
        let tenant = settlement.tenantID.description
        try await transaction { sql in
            if let expecting {
                // Locks the row and checks nobody moved it since it was read.
                let current = try await sql.raw("""
                    UPDATE settlements SET updated_at = updated_at
                    WHERE tenant_id = \(bind: tenant) AND id = \(bind: settlement.id.lowercasedString) AND status = \(bind: expecting.rawValue)
                    RETURNING id
                    """).first()
                guard current != nil else { throw RecoupError.conflict("the settlement changed meanwhile; look at it again") }
            }
            try await sql.delete(from: "settlements")
                .where("tenant_id", .equal, tenant).where("id", .equal, settlement.id.lowercasedString).run()
            try await sql.insert(into: "settlements")
                .columns("id", "tenant_id", "account_id", "client_id", "balance_minor", "amount_minor", "currency", "installments", "expires_on",
                         "status", "approval_reasons", "balance_at_acceptance", "plan_id", "offered_by", "approved_by", "created_at", "updated_at")
                .values(
                    SQLBind(settlement.id.lowercasedString), SQLBind(tenant), SQLBind(settlement.accountID.description),
                    SQLBind(settlement.clientID.description), SQLBind(settlement.balance.minorUnits), SQLBind(settlement.amount.minorUnits),
                    SQLBind(settlement.amount.currency.code), SQLBind(Int64(settlement.installments)), SQLBind(settlement.expiresOn.iso),
                    SQLBind(settlement.status.rawValue), SQLBind(settlement.approvalReasons.joined(separator: "\n")),
                    SQLBind(settlement.balanceAtAcceptance), SQLBind(settlement.planID?.lowercasedString), SQLBind(settlement.offeredBy),
                    SQLBind(settlement.approvedBy), SQLBind(settlement.createdAt), SQLBind(settlement.updatedAt))
                .run()
            try await self.append([audit], tenantID: settlement.tenantID, at: settlement.updatedAt, on: sql)
        }
    }

    public func settlement(_ id: UUID, tenantID: TenantID) async throws -> SettlementRecord? {
        try await db.readSQL.select().column(SQLLiteral.all).from("settlements")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.settlement)
    }

    public func settlements(account: AccountID, tenantID: TenantID) async throws -> [SettlementRecord] {
        try await settlements(account: account, tenantID: tenantID, on: db.readSQL)
    }

    func settlements(account: AccountID, tenantID: TenantID, on sql: any SQLDatabase) async throws -> [SettlementRecord] {
        try await sql.select().column(SQLLiteral.all).from("settlements")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.settlement)
    }

    static func settlement(_ row: any SQLRow) throws -> SettlementRecord {
        let currency = try currency(row)
        let expires = try Self.localDate(row, "expires_on")
        let reasons = try row.decode(column: "approval_reasons", as: String.self)
        return SettlementRecord(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), accountID: try id(row, "account_id"), clientID: try id(row, "client_id"),
            balance: Money(minorUnits: try row.decode(column: "balance_minor", as: Int64.self), currency: currency),
            amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: currency),
            installments: Int(try row.decode(column: "installments", as: Int64.self)), expiresOn: expires, status: try enumValue(row, "status"),
            approvalReasons: reasons.isEmpty ? [] : reasons.components(separatedBy: "\n"),
            balanceAtAcceptance: try row.decode(column: "balance_at_acceptance", as: Int64?.self),
            planID: try Self.optionalUUID(row, "plan_id"),
            offeredBy: try row.decode(column: "offered_by", as: String.self), approvedBy: try row.decode(column: "approved_by", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}

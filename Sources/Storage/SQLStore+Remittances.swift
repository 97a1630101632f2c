import Foundation
import Ledger
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: RemittanceRepository {
    public func remittanceLines(client: ClientID, tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [RemittanceLine] {
        let (start, end) = (from.utcStart, to.adding(days: 1).utcStart)
        let rows = try await db.readSQL.raw("""
            SELECT e.posted_on, e.kind, e.principal_minor, e.interest_minor, e.fees_minor, e.client_share_minor, e.agency_fee_minor,
                   e.account_id, a.client_account_number
            FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
            WHERE e.tenant_id = \(bind: tenantID.description) AND e.client_id = \(bind: client.description) AND e.payment_id IS NOT NULL
              AND e.created_at >= \(bind: start) AND e.created_at < \(bind: end)
            ORDER BY e.created_at, e.account_id, e.position
            """).all()
        return try rows.map { row in
            let posted = try Self.localDate(row, "posted_on")
            let moved = try row.decode(column: "principal_minor", as: Int64.self) + row.decode(column: "interest_minor", as: Int64.self)
                + row.decode(column: "fees_minor", as: Int64.self)
            let account: AccountID = try Self.id(row, "account_id")
            return RemittanceLine(
                postedOn: posted, accountNumber: try row.decode(column: "client_account_number", as: String.self),
                reference: ReferenceCode.of(account), kind: try row.decode(column: "kind", as: String.self), collected: -moved,
                split: RemittanceSplit(clientShare: try row.decode(column: "client_share_minor", as: Int64.self),
                                       agencyFee: try row.decode(column: "agency_fee_minor", as: Int64.self)))
        }
    }

    public func trustTotals(client: ClientID, tenantID: TenantID) async throws -> (collected: Int64, remitted: Int64) {
        let tenant = tenantID.description
        let row = try await db.readSQL.raw("""
            SELECT CAST((SELECT COALESCE(SUM(client_share_minor), 0) FROM ledger_entries
                         WHERE tenant_id = \(bind: tenant) AND client_id = \(bind: client.description)) AS BIGINT) AS collected,
                   CAST((SELECT COALESCE(SUM(client_share_minor), 0) FROM remittances
                         WHERE tenant_id = \(bind: tenant) AND client_id = \(bind: client.description)) AS BIGINT) AS remitted
            """).first()
        return (try row?.decode(column: "collected", as: Int64.self) ?? 0, try row?.decode(column: "remitted", as: Int64.self) ?? 0)
    }

    public func saveRemittance(_ remittance: RemittanceRecord, audit: AuditEntry) async throws {
        let (tenant, client) = (remittance.tenantID.description, remittance.clientID.description)
        try await transaction { sql in
            _ = try await sql.raw("UPDATE clients SET name = name WHERE tenant_id = \(bind: tenant) AND id = \(bind: client) RETURNING id").first()
            if let overlap = try await sql.select().columns("id", "period_from", "period_to").from("remittances")
                .where("tenant_id", .equal, tenant).where("client_id", .equal, client)
                .where("period_from", .lessThanOrEqual, remittance.to.iso).where("period_to", .greaterThanOrEqual, remittance.from.iso).first()
            {
                throw RecoupError.conflict("""
                    \(try overlap.decode(column: "period_from", as: String.self)) to \(try overlap.decode(column: "period_to", as: String.self)) \
                    was already remitted (statement \(try overlap.decode(column: "id", as: String.self)))
                    """)
            }
            try await sql.insert(into: "remittances")
                .columns("id", "tenant_id", "client_id", "period_from", "period_to", "method", "currency", "collected_minor", "client_share_minor",
                         "agency_fee_minor", "line_count", "created_by", "created_at")
                .values(
                    SQLBind(remittance.id.lowercasedString), SQLBind(remittance.tenantID.description), SQLBind(remittance.clientID.description),
                    SQLBind(remittance.from.iso), SQLBind(remittance.to.iso), SQLBind(remittance.method.rawValue), SQLBind(remittance.currency.code),
                    SQLBind(remittance.collected), SQLBind(remittance.split.clientShare), SQLBind(remittance.split.agencyFee),
                    SQLBind(Int64(remittance.lineCount)), SQLBind(remittance.createdBy), SQLBind(remittance.createdAt))
                .run()
            try await self.append([audit], tenantID: remittance.tenantID, at: remittance.createdAt, on: sql)
        }
    }

    public func remittances(client: ClientID, tenantID: TenantID) async throws -> [RemittanceRecord] {
        try await db.readSQL.select().column(SQLLiteral.all).from("remittances")
            .where("tenant_id", .equal, tenantID.description).where("client_id", .equal, client.description)
            .orderBy("period_from", .descending).all().map(Self.remittance)
    }

    public func remittance(_ id: UUID, tenantID: TenantID) async throws -> RemittanceRecord? {
        try await db.readSQL.select().column(SQLLiteral.all).from("remittances")
            .where("tenant_id", .equal, tenantID.description).where("id", .equal, id.lowercasedString).first().map(Self.remittance)
    }

    static func remittance(_ row: any SQLRow) throws -> RemittanceRecord {
        RemittanceRecord(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), clientID: try id(row, "client_id"),
            from: try localDate(row, "period_from"), to: try localDate(row, "period_to"),
            method: try enumValue(row, "method"), currency: try currency(row), collected: try row.decode(column: "collected_minor", as: Int64.self),
            split: RemittanceSplit(clientShare: try row.decode(column: "client_share_minor", as: Int64.self),
                                   agencyFee: try row.decode(column: "agency_fee_minor", as: Int64.self)),
            lineCount: Int(try row.decode(column: "line_count", as: Int64.self)), createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}

import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: RetentionRepository {
    public func inactiveAccounts(tenantID: TenantID) async throws -> [InactiveAccount] {
        try await db.readSQL.select().columns("id", "status", "recalled_at", "updated_at").from("accounts")
            .where("tenant_id", .equal, tenantID.description).where("status", .notEqual, AccountStatus.active.rawValue)
            .orderBy("id").all().map { row in
                InactiveAccount(
                    id: try Self.id(row, "id"), status: try Self.enumValue(row, "status"),
                    endedAt: try row.decode(column: "recalled_at", as: Date?.self) ?? row.decode(column: "updated_at", as: Date.self))
            }
    }

    public func erase(_ id: AccountID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws -> [String: Int] {
        let tenant = tenantID.description, account = id.description
        return try await transaction { sql in
            var deleted: [String: Int] = [:]
            /// Deletes matching rows and counts them (`RETURNING` works on both databases).
            func delete(_ table: String, _ condition: SQLQueryString) async throws {
                let rows = try await sql.raw("DELETE FROM \(ident: table) WHERE tenant_id = \(bind: tenant) AND \(condition) RETURNING 1 AS gone").all()
                deleted[table, default: 0] += rows.count
            }
            let parties = try await sql.select().column("consumer_id").from("account_parties")
                .where("tenant_id", .equal, tenant).where("account_id", .equal, account).all()
                .map { try $0.decode(column: "consumer_id", as: String.self) }
            try await delete("engagement_events", "message_id IN (SELECT id FROM outbox_messages WHERE account_id = \(bind: account))")
            // The texts the consumer sent about this account (an inbound text naming several accounts goes with the first purged).
            try await delete("inbound_messages", "account_ids LIKE \(bind: "%" + account + "%")")
            for table in ["compliance_decisions", "contact_events", "consumer_facts", "outbox_messages", "agent_calls", "account_parties"] {
                try await delete(table, "account_id = \(bind: account)")
            }
            try await delete("accounts", "id = \(bind: account)")
            for consumer in Set(parties).sorted() {
                let remaining = try await sql.raw("""
                    SELECT 1 AS kept FROM account_parties WHERE tenant_id = \(bind: tenant) AND consumer_id = \(bind: consumer)
                    UNION ALL SELECT 1 AS kept FROM accounts WHERE tenant_id = \(bind: tenant) AND primary_consumer_id = \(bind: consumer)
                    """).all()
                guard remaining.isEmpty else { continue }
                for table in ["consumer_facts", "contact_events", "contact_points"] {
                    try await delete(table, "consumer_id = \(bind: consumer)")
                }
                try await delete("consumers", "id = \(bind: consumer)")
            }
            var entry = audit
            for (table, count) in deleted.sorted(by: { $0.key < $1.key }) { entry.details["deleted_\(table)"] = "\(count)" }
            try await self.append([entry], tenantID: tenantID, at: at, on: sql)
            return deleted
        }
    }
}

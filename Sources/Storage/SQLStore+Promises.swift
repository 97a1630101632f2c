import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: PromiseRepository {
    public func savePromise(_ promise: PromiseRecord, idempotencyKey: String?, audit: AuditEntry) async throws -> PromiseRecord {
        let tenant = promise.tenantID.description
        return try await transaction { sql in
            let inserted = try await sql.raw("""
                INSERT INTO promises (id, tenant_id, account_id, client_id, amount_minor, currency, due_on, source, made_by, idempotency_key, created_at)
                VALUES (\(bind: promise.id.lowercasedString), \(bind: tenant), \(bind: promise.accountID.description),
                    \(bind: promise.clientID.description), \(bind: promise.amount.minorUnits), \(bind: promise.amount.currency.code),
                    \(bind: promise.dueOn.iso), \(bind: promise.source.rawValue), \(bind: promise.madeBy), \(bind: idempotencyKey),
                    \(bind: promise.createdAt))
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                RETURNING id
                """).first()
            if inserted != nil {
                try await self.append([audit], tenantID: promise.tenantID, at: promise.createdAt, on: sql)
                return promise
            }
            guard let idempotencyKey, let existing = try await sql.select().column(SQLLiteral.all).from("promises")
                .where("tenant_id", .equal, tenant).where("idempotency_key", .equal, idempotencyKey).first()
            else { throw StorageError.corrupt("promise insert answered nothing") }
            return try Self.promise(existing)
        }
    }

    public func promises(account: AccountID, tenantID: TenantID) async throws -> [PromiseRecord] {
        try await db.readSQL.select().column(SQLLiteral.all).from("promises")
            .where("tenant_id", .equal, tenantID.description).where("account_id", .equal, account.description)
            .orderBy("created_at", .descending).all().map(Self.promise)
    }

    static func promise(_ row: any SQLRow) throws -> PromiseRecord {
        let due = try Self.localDate(row, "due_on")
        return PromiseRecord(
            id: try uuid(row, "id"), tenantID: try id(row, "tenant_id"), accountID: try id(row, "account_id"), clientID: try id(row, "client_id"),
            amount: Money(minorUnits: try row.decode(column: "amount_minor", as: Int64.self), currency: try currency(row)), dueOn: due,
            source: try enumValue(row, "source"), madeBy: try row.decode(column: "made_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}

import Foundation
import RecoupApp
import RecoupCore
import SQLKit

/// Debits waiting for a file, the files, and the bank details a notification of change corrects.
extension SQLStore {
    public func pendingPayments(rail: PaymentRail, tenantID: TenantID) async throws -> [Payment] {
        try await db.readSQL.select().column(SQLLiteral.all).from("payments")
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
                .where("tenant_id", .equal, method.tenantID.description).where("id", .equal, method.id.lowercasedString)
                .run()
            try await self.append([audit], tenantID: method.tenantID, at: at, on: sql)
        }
    }

    public func achDebitsFiled() async throws -> Int {
        let row = try await db.readSQL.raw("SELECT CAST(COALESCE(SUM(entry_count), 0) AS BIGINT) AS filed FROM ach_files").first()
        return Int(try row?.decode(column: "filed", as: Int64.self) ?? 0)
    }

    public func saveACHFile(_ file: ACHFileRecord, audit: AuditEntry) async throws {
        let debits = file.debits.map { "\($0.paymentID.lowercasedString):\($0.trace)" }.joined(separator: ",")
        let tenant = file.tenantID.description
        try await transaction { sql in
            for (paymentID, trace) in file.debits {
                let claimed = try await sql.raw("""
                    UPDATE payments SET processor_ref = \(bind: trace)
                    WHERE tenant_id = \(bind: tenant) AND id = \(bind: paymentID.lowercasedString)
                      AND status = \(bind: PaymentStatus.pending.rawValue) AND processor_ref IS NULL
                    RETURNING id
                    """).first()
                guard claimed != nil else {
                    throw RecoupError.conflict("debit \(paymentID.lowercasedString) was filed by another export meanwhile; run the export again")
                }
            }
            try await sql.insert(into: "ach_files")
                .columns("id", "tenant_id", "effective_date", "created_at", "status", "debits", "entry_count", "total_minor", "text")
                .values(
                    SQLBind(file.id.lowercasedString), SQLBind(file.tenantID.description), SQLBind(file.effectiveDate.iso),
                    SQLBind(file.createdAt), SQLBind(file.status.rawValue), SQLBind(debits), SQLBind(Int64(file.debits.count)),
                    SQLBind(file.totalMinor), SQLBind(file.text))
                .run()
            try await self.append([audit], tenantID: file.tenantID, at: file.createdAt, on: sql)
        }
    }

    public func markACHFileReady(_ id: UUID, tenantID: TenantID) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE ach_files SET status = \(bind: ACHFileRecord.Status.ready.rawValue)
            WHERE tenant_id = \(bind: tenantID.description) AND id = \(bind: id.lowercasedString)
              AND status = \(bind: ACHFileRecord.Status.building.rawValue)
            RETURNING id
            """).first() != nil
    }

    public func achFiles(tenantID: TenantID) async throws -> [ACHFileRecord] {
        try await db.readSQL.select().column(SQLLiteral.all).from("ach_files")
            .where("tenant_id", .equal, tenantID.description).orderBy("created_at").all().map { row in
                let effective = try Self.localDate(row, "effective_date")
                let debits: [(paymentID: UUID, trace: String)] = try row.decode(column: "debits", as: String.self)
                    .split(separator: ",").map { pair in
                        let parts = pair.split(separator: ":")
                        guard parts.count == 2, let id = UUID(text: String(parts[0])) else { throw StorageError.corrupt("ach_files.debits") }
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

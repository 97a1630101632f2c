import FluentKit
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

extension SQLStore: PlacementRepository {
    public var commitsInSteps: Bool { db.location.isSQLite }

    public func importing(
        _ report: PlacementReport, actor: String,
        _ body: @escaping @Sendable (any PlacementWriter) async throws -> (PlacementReport, [RowError])
    ) async throws -> (PlacementReport, [RowError]) {
        if commitsInSteps { return try await importingInSteps(report, actor: actor, body) }
        do {
            return try await transaction { sql in
                try await self.lockImports(of: report.placement.tenantID, on: sql)
                try await self.insertPlacement(report, on: sql)
                let writer = SQLPlacementWriter(store: self, report: report, sql: sql)
                let (final, errors) = try await body(writer)
                try await self.finishPlacement(final, errors: errors, actor: actor, on: sql)
                return (final, errors)
            }
        } catch let rejection as PlacementRejection {
            try await transaction { sql in
                try await self.insertPlacement(rejection.report, on: sql)
                try await self.finishPlacement(rejection.report, errors: rejection.errors, actor: actor, on: sql)
            }
            return (rejection.report, rejection.errors)
        }
    }

    /// SQLite's way: the placement row (outcome `importing`), then each batch in a transaction of its own (the
    /// writer's, with its `account.updated` events), then the counts, errors and `placement.imported` event. Other
    /// writes take their turns between batches. Imports need no lock: each batch sees every batch committed before it,
    /// whichever file it came from.
    private func importingInSteps(
        _ report: PlacementReport, actor: String,
        _ body: @escaping @Sendable (any PlacementWriter) async throws -> (PlacementReport, [RowError])
    ) async throws -> (PlacementReport, [RowError]) {
        var started = report
        started.outcome = .importing
        try await transaction { [started] sql in try await self.insertPlacement(started, on: sql) }
        let final: (PlacementReport, [RowError])
        do {
            final = try await body(SQLPlacementWriter(store: self, report: report, sql: nil))
        } catch let rejection as PlacementRejection {
            final = (rejection.report, rejection.errors)
        }
        try await transaction { sql in try await self.finishPlacement(final.0, errors: final.1, actor: actor, on: sql) }
        return final
    }

    /// Makes the agency's other imports wait until this transaction ends. Each import looks up the accounts and
    /// consumers already stored before writing its own; two at once on PostgreSQL would both miss the other's (the
    /// same client's account twice: a constraint violation; a consumer shared by two clients' files: stored twice).
    /// SQLite has one writer, so its imports already take turns.
    func lockImports(of tenantID: TenantID, on sql: any SQLDatabase) async throws {
        guard !db.location.isSQLite else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtext('recoup.placement-import'), hashtext(\(bind: tenantID.description)))").run()
    }

    func insertPlacement(_ report: PlacementReport, on sql: any SQLDatabase) async throws {
        let p = report.placement
        try await sql.insert(into: "placements")
            .columns(
                "id", "tenant_id", "client_id", "file_name", "file_digest", "mode", "outcome", "row_count", "imported",
                "updated", "unchanged", "rejected", "ignored_columns", "received_at")
            .values(
                SQLBind(p.id.description), SQLBind(p.tenantID.description), SQLBind(p.clientID.description),
                SQLBind(p.fileName), SQLBind(p.fileDigest), SQLBind(report.mode.rawValue),
                SQLBind(report.outcome.rawValue), SQLBind(p.counts.rows), SQLBind(p.counts.imported),
                SQLBind(p.counts.updated), SQLBind(p.counts.unchanged), SQLBind(p.counts.rejected),
                SQLBind(Self.encodeList(report.ignoredColumns)), SQLBind(p.receivedAt))
            .run()
    }

    func finishPlacement(_ report: PlacementReport, errors: [RowError], actor: String, on sql: any SQLDatabase) async throws {
        let p = report.placement
        try await sql.raw("""
            UPDATE placements SET file_digest = \(bind: p.fileDigest), outcome = \(bind: report.outcome.rawValue),
            row_count = \(bind: p.counts.rows), imported = \(bind: p.counts.imported), updated = \(bind: p.counts.updated),
            unchanged = \(bind: p.counts.unchanged), rejected = \(bind: p.counts.rejected),
            ignored_columns = \(bind: Self.encodeList(report.ignoredColumns))
            WHERE tenant_id = \(bind: p.tenantID.description) AND id = \(bind: p.id.description)
            """).run()
        for start in stride(from: 0, to: errors.count, by: 1000) {
            var insert = sql.insert(into: "placement_errors")
                .columns("placement_id", "tenant_id", "ordinal", "row_number", "column_name", "value", "reason")
            for (offset, error) in errors[start..<min(start + 1000, errors.count)].enumerated() {
                insert = insert.values(
                    SQLBind(p.id.description), SQLBind(p.tenantID.description), SQLBind(start + offset),
                    SQLBind(error.row), SQLBind(error.column), SQLBind(error.value), SQLBind(error.reason))
            }
            try await insert.run()
        }
        let details = [
            "file_digest": p.fileDigest, "file_name": p.fileName ?? "", "mode": report.mode.rawValue,
            "outcome": report.outcome.rawValue, "client_id": p.clientID.description, "rows": String(p.counts.rows),
            "imported": String(p.counts.imported), "updated": String(p.counts.updated),
            "unchanged": String(p.counts.unchanged), "rejected": String(p.counts.rejected),
            "errors": String(errors.count), "ignored_columns": report.ignoredColumns.joined(separator: ","),
        ]
        try await appendAccountChanges(of: p, actor: actor, on: sql)
        try await append(
            [AuditEntry(
                actor: actor, action: report.outcome == .processed ? "placement.imported" : "placement.rejected",
                subjectType: "placement", subjectID: p.id.description, afterDigest: p.fileDigest, details: details)],
            tenantID: p.tenantID, at: p.receivedAt, on: sql)
    }

    /// The writer's staged changes as `account.updated` events, in file order, a page at a time; the stage is then
    /// emptied.
    func appendAccountChanges(of placement: Placement, actor: String, on sql: any SQLDatabase) async throws {
        let tenant = placement.tenantID.description, id = placement.id.description
        var after: Int64 = 0
        while true {
            let rows = try await sql.raw("""
                SELECT row_number, account_id, before_digest, after_digest FROM placement_account_changes
                WHERE tenant_id = \(bind: tenant) AND placement_id = \(bind: id) AND row_number > \(bind: after)
                ORDER BY row_number LIMIT 1000
                """).all()
            guard !rows.isEmpty else { break }
            var entries: [AuditEntry] = []
            for row in rows {
                after = try row.decode(column: "row_number", as: Int64.self)
                entries.append(AccountChange(
                    row: after, account: try row.decode(column: "account_id", as: String.self),
                    before: try row.decode(column: "before_digest", as: String?.self),
                    after: try row.decode(column: "after_digest", as: String.self)
                ).audit(placement: placement.id, actor: actor))
            }
            try await append(entries, tenantID: placement.tenantID, at: placement.receivedAt, on: sql)
        }
        try await sql.raw("DELETE FROM placement_account_changes WHERE tenant_id = \(bind: tenant) AND placement_id = \(bind: id)").run()
    }

    public func placement(_ id: PlacementID, scope: AccessScope) async throws -> PlacementReport? {
        var query = db.readSQL.select().columns(SQLLiteral.all).from("placements")
            .where("tenant_id", .equal, scope.tenantID.description).where("id", .equal, id.description)
        if let clientID = scope.clientID { query = query.where("client_id", .equal, clientID.description) }
        guard let row = try await query.first() else { return nil }
        let counts = ImportCounts(
            rows: Int(try row.decode(column: "row_count", as: Int64.self)),
            imported: Int(try row.decode(column: "imported", as: Int64.self)),
            updated: Int(try row.decode(column: "updated", as: Int64.self)),
            unchanged: Int(try row.decode(column: "unchanged", as: Int64.self)),
            rejected: Int(try row.decode(column: "rejected", as: Int64.self)))
        let placement = Placement(
            id: id, tenantID: scope.tenantID, clientID: try Self.id(row, "client_id"),
            fileName: try row.decode(column: "file_name", as: String?.self),
            fileDigest: try row.decode(column: "file_digest", as: String.self), counts: counts,
            receivedAt: try row.decode(column: "received_at", as: Date.self))
        return PlacementReport(
            placement: placement, mode: try Self.enumValue(row, "mode"), outcome: try Self.enumValue(row, "outcome"),
            ignoredColumns: Self.decodeList(try row.decode(column: "ignored_columns", as: String.self)))
    }

    public func mapping(client: ClientID, tenantID: TenantID) async throws -> Data? {
        try await db.readSQL.select().column("mapping").from("client_mappings")
            .where("tenant_id", .equal, tenantID.description).where("client_id", .equal, client.description).first()
            .map { Data(try $0.decode(column: "mapping", as: String.self).utf8) }
    }

    public func setMapping(_ json: Data?, client: ClientID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws {
        try await transaction { sql in
            try await sql.delete(from: "client_mappings")
                .where("tenant_id", .equal, tenantID.description).where("client_id", .equal, client.description).run()
            if let json {
                try await sql.insert(into: "client_mappings").columns("tenant_id", "client_id", "mapping", "updated_at")
                    .values(SQLBind(tenantID.description), SQLBind(client.description), SQLBind(String(decoding: json, as: UTF8.self)), SQLBind(at))
                    .run()
            }
            try await self.append([audit], tenantID: tenantID, at: at, on: sql)
        }
    }

    public func placementErrors(_ id: PlacementID, scope: AccessScope) async throws -> [RowError]? {
        guard try await placement(id, scope: scope) != nil else { return nil }
        return try await db.readSQL.raw("""
            SELECT row_number, column_name, value, reason FROM placement_errors
            WHERE tenant_id = \(bind: scope.tenantID.description) AND placement_id = \(bind: id.description)
            ORDER BY ordinal
            """).all().map { row in
            RowError(
                row: Int(try row.decode(column: "row_number", as: Int64.self)),
                column: try row.decode(column: "column_name", as: String.self),
                value: try row.decode(column: "value", as: String.self),
                reason: try row.decode(column: "reason", as: String.self))
        }
    }

    static func encodeList(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decodeList(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

/// An account a placement row changed: its `account.updated` event, staged or appended by the writer.
struct AccountChange {
    var row: Int64
    var account: String
    var before: String?
    var after: String

    func audit(placement: PlacementID, actor: String) -> AuditEntry {
        AuditEntry(actor: actor, action: "account.updated", subjectType: "account", subjectID: account, beforeDigest: before,
                   afterDigest: after, details: ["placement_id": placement.description, "row": String(row)])
    }

    /// Its row in `placement_account_changes`.
    func staged(tenant: String, placement: PlacementID) -> [BulkValue] {
        [.text(tenant), .text(placement.description), .integer(row), .text(account), before.map { .text($0) } ?? .null, .text(after)]
    }
}

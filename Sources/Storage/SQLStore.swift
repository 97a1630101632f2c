import FluentKit
import Foundation
import RecoupApp
import RecoupCore
import SQLKit

/// The ports of RecoupApp implemented with SQLKit over FluentKit's connections: one code path for SQLite and
/// PostgreSQL. Every query names `tenant_id`, and client-scoped callers also `client_id`.
public struct SQLStore: Sendable {
    let db: RecoupDatabase
    let cipher: FieldCipher
    let keys: DataKeys

    /// A signed checkpoint is kept every this many events (the head is re-signed on every append).
    public static let checkpointInterval: Int64 = 1000

    public init(database: RecoupDatabase, keys: DataKeys) {
        self.db = database
        self.keys = keys
        self.cipher = FieldCipher(keys: keys)
    }

    /// Runs `body`'s statements on one connection, leased once. On SQLite their result rows also come back in one
    /// piece from the database thread, where a statement run on the pool hands each row to the event loop as a task
    /// of its own (the dispatcher's claims, and its snapshot loads through `readSession`, read hundreds of rows at once).
    func session<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.sql.withSession(body)
    }

    /// `session` on the connection for reads (`RecoupDatabase.readSQL`): its statements see committed state only,
    /// each the latest.
    func readSession<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.readSQL.withSession(body)
    }

    /// Runs `body` in one transaction on the SQL connection that holds it.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.database.transaction { tx in try await body(try tx.sqlDatabase()) }
    }
}

// MARK: - Audit

extension SQLStore: AuditRepository {
    public func append(_ entries: [AuditEntry], tenantID: TenantID, at: Date) async throws {
        try await transaction { sql in try await self.append(entries, tenantID: tenantID, at: at, on: sql) }
    }

    /// Appends to the tenant's chain inside the caller's transaction. The head row is locked first (an UPDATE
    /// takes a row lock on PostgreSQL; SQLite has one writer), so concurrent appenders queue instead of forking
    /// the chain.
    func append(_ entries: [AuditEntry], tenantID: TenantID, at: Date, on sql: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        let tenant = tenantID.description
        // Creates the head on the first append, and otherwise locks it by a no-op update, in one statement.
        guard let headRow = try await sql.raw("""
            INSERT INTO audit_heads (tenant_id, event_count, head_hash, signed_at, signature)
            VALUES (\(bind: tenant), 0, \(bind: AuditChain.genesisHash), \(bind: at), '')
            ON CONFLICT (tenant_id) DO UPDATE SET event_count = audit_heads.event_count
            RETURNING event_count, head_hash
            """).first()
        else { throw StorageError.corrupt("audit head for \(tenant) vanished") }
        var count = try headRow.decode(column: "event_count", as: Int64.self)
        var previous = try headRow.decode(column: "head_hash", as: String.self)
        var checkpoints: [AuditCheckpoint] = []
        var rows: [[BulkValue]] = []
        rows.reserveCapacity(entries.count)
        for entry in entries {
            count += 1
            let event = AuditChain.seal(entry, tenantID: tenantID, sequence: count, occurredAt: at, previousHash: previous)
            previous = event.hash
            rows.append([
                .text(event.id.lowercasedString), .text(tenant), .integer(count), .timestamp(event.occurredAt),
                .text(event.actor), .text(event.action), .text(event.subjectType), .text(event.subjectID), .text(event.beforeDigest),
                .text(event.afterDigest), .text(AuditChain.canonicalJSON(event.details)), .text(event.previousHash), .text(event.hash),
            ])
            if count % Self.checkpointInterval == 0 {
                checkpoints.append(AuditChain.signCheckpoint(
                    tenantID: tenantID, count: count, headHash: event.hash, signedAt: at, key: keys.checkpoint))
            }
        }
        try await BulkInserter(sql: sql).insert(
            into: "audit_events",
            columns: ["id", "tenant_id", "sequence", "occurred_at", "actor", "action", "subject_type", "subject_id", "before_digest",
                      "after_digest", "details", "previous_hash", "hash"],
            rows: rows)
        let head = AuditChain.signCheckpoint(
            tenantID: tenantID, count: count, headHash: previous, signedAt: at, key: keys.checkpoint)
        try await sql.raw("""
            UPDATE audit_heads SET event_count = \(bind: head.count), head_hash = \(bind: head.headHash),
            signed_at = \(bind: head.signedAt), signature = \(bind: head.signature)
            WHERE tenant_id = \(bind: tenant)
            """).run()
        for checkpoint in checkpoints {
            try await sql.insert(into: "audit_checkpoints")
                .columns("tenant_id", "event_count", "head_hash", "signed_at", "signature")
                .values(
                    SQLBind(tenant), SQLBind(checkpoint.count), SQLBind(checkpoint.headHash),
                    SQLBind(checkpoint.signedAt), SQLBind(checkpoint.signature))
                .run()
        }
    }

    public func auditEvents(
        tenantID: TenantID, afterSequence: Int64, limit: Int, subjectType: String?, subjectID: String?,
        action: String?
    ) async throws -> [AuditEvent] {
        var query = db.readSQL.select().columns(SQLLiteral.all).from("audit_events")
            .where("tenant_id", .equal, tenantID.description)
            .where("sequence", .greaterThan, afterSequence)
        if let subjectType { query = query.where("subject_type", .equal, subjectType) }
        if let subjectID { query = query.where("subject_id", .equal, subjectID) }
        if let action { query = query.where("action", .equal, action) }
        let rows = try await query.orderBy("sequence").limit(limit).all()
        return try rows.map { row in
            let details = try JSONDecoder().decode(
                [String: String].self, from: Data(try row.decode(column: "details", as: String.self).utf8))
            guard let id = UUID(text: try row.decode(column: "id", as: String.self)) else {
                throw StorageError.corrupt("audit event id")
            }
            let entry = AuditEntry(
                actor: try row.decode(column: "actor", as: String.self),
                action: try row.decode(column: "action", as: String.self),
                subjectType: try row.decode(column: "subject_type", as: String.self),
                subjectID: try row.decode(column: "subject_id", as: String.self),
                beforeDigest: try row.decode(column: "before_digest", as: String?.self),
                afterDigest: try row.decode(column: "after_digest", as: String?.self),
                details: details)
            return AuditEvent(
                id: id, tenantID: tenantID, sequence: try row.decode(column: "sequence", as: Int64.self),
                occurredAt: try row.decode(column: "occurred_at", as: Date.self), entry: entry,
                previousHash: try row.decode(column: "previous_hash", as: String.self),
                hash: try row.decode(column: "hash", as: String.self))
        }
    }

    public func checkpoints(tenantID: TenantID) async throws -> [AuditCheckpoint] {
        let tenant = tenantID.description
        let history = try await db.readSQL.raw("""
            SELECT event_count, head_hash, signed_at, signature FROM audit_checkpoints WHERE tenant_id = \(bind: tenant)
            UNION ALL
            SELECT event_count, head_hash, signed_at, signature FROM audit_heads WHERE tenant_id = \(bind: tenant)
            """).all()
        return try history.map { row in
            AuditCheckpoint(
                tenantID: tenantID, count: try row.decode(column: "event_count", as: Int64.self),
                headHash: try row.decode(column: "head_hash", as: String.self),
                signedAt: try row.decode(column: "signed_at", as: Date.self),
                signature: try row.decode(column: "signature", as: String.self))
        }
    }

    public func auditedTenants() async throws -> [TenantID] {
        try await db.readSQL.raw("SELECT DISTINCT tenant_id FROM audit_events ORDER BY tenant_id").all().compactMap {
            TenantID(try $0.decode(column: "tenant_id", as: String.self))
        }
    }
}

// MARK: - Directory

extension SQLStore: DirectoryRepository {
    public func createTenant(_ tenant: Tenant, audit: AuditEntry) async throws {
        try await transaction { sql in
            try await sql.insert(into: "tenants").columns("id", "tenant_id", "name", "created_at")
                .values(
                    SQLBind(tenant.id.description), SQLBind(tenant.id.description), SQLBind(tenant.name),
                    SQLBind(tenant.createdAt))
                .run()
            try await self.append([audit], tenantID: tenant.id, at: tenant.createdAt, on: sql)
        }
    }

    public func tenants() async throws -> [Tenant] {
        try await db.readSQL.raw("SELECT id, name, created_at FROM tenants ORDER BY created_at, id").all().map { row in
            guard let id = TenantID(try row.decode(column: "id", as: String.self)) else {
                throw StorageError.corrupt("tenant id")
            }
            return Tenant(
                id: id, name: try row.decode(column: "name", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    public func createClient(_ client: Client, audit: AuditEntry) async throws {
        try await transaction { sql in
            try await sql.insert(into: "clients").columns("id", "tenant_id", "name", "created_at")
                .values(
                    SQLBind(client.id.description), SQLBind(client.tenantID.description), SQLBind(client.name),
                    SQLBind(client.createdAt))
                .run()
            try await self.append([audit], tenantID: client.tenantID, at: client.createdAt, on: sql)
        }
    }

    public func clients(scope: AccessScope) async throws -> [Client] {
        var query = db.readSQL.select().columns("id", "name", "created_at").from("clients")
            .where("tenant_id", .equal, scope.tenantID.description)
        if let clientID = scope.clientID { query = query.where("id", .equal, clientID.description) }
        return try await query.orderBy("created_at").orderBy("id").all().map { row in
            guard let id = ClientID(try row.decode(column: "id", as: String.self)) else {
                throw StorageError.corrupt("client id")
            }
            return Client(
                id: id, tenantID: scope.tenantID, name: try row.decode(column: "name", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    public func client(_ id: ClientID, scope: AccessScope) async throws -> Client? {
        try await clients(scope: scope).first { $0.id == id }
    }

    public func createAPIKey(_ key: APIKeyRecord, audit: AuditEntry) async throws {
        try await transaction { sql in
            try await Self.insert(key, on: sql)
            try await self.append([audit], tenantID: key.tenantID, at: key.createdAt, on: sql)
        }
    }

    public func apiKey(secretHash: String) async throws -> APIKeyRecord? {
        guard let row = try await db.readSQL.raw("""
            SELECT * FROM api_keys WHERE secret_hash = \(bind: secretHash)
            """).first()
        else { return nil }
        let key = try Self.apiKey(row)
        // A client key without its client would otherwise read as tenant-wide: refuse it outright.
        if key.role == .client, key.clientID == nil { return nil }
        return key
    }

    public func apiKeys(tenantID: TenantID) async throws -> [APIKeyRecord] {
        try await db.readSQL.raw("""
            SELECT * FROM api_keys WHERE tenant_id = \(bind: tenantID.description) ORDER BY created_at, id
            """).all().map(Self.apiKey)
    }

    public func revokeAPIKey(_ id: APIKeyID, tenantID: TenantID, at: Date, audit: AuditEntry) async throws -> Bool {
        try await transaction { sql in
            let revoked = try await sql.raw("""
                UPDATE api_keys SET revoked_at = \(bind: at)
                WHERE id = \(bind: id.description) AND tenant_id = \(bind: tenantID.description) AND revoked_at IS NULL
                RETURNING id
                """).first()
            guard revoked != nil else { return false }
            try await self.append([audit], tenantID: tenantID, at: at, on: sql)
            return true
        }
    }

    public func rotateAPIKey(_ id: APIKeyID, tenantID: TenantID, to new: APIKeyRecord, expiresAt: Date, audit: [AuditEntry]) async throws -> Bool {
        try await transaction { sql in
            let moved = try await sql.raw("""
                UPDATE api_keys SET expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at < \(bind: expiresAt) THEN expires_at
                                                      ELSE \(bind: expiresAt) END
                WHERE id = \(bind: id.description) AND tenant_id = \(bind: tenantID.description) AND revoked_at IS NULL
                  AND (expires_at IS NULL OR expires_at > \(bind: new.createdAt))
                RETURNING id
                """).first()
            guard moved != nil else { return false }
            try await Self.insert(new, on: sql)
            try await self.append(audit, tenantID: tenantID, at: new.createdAt, on: sql)
            return true
        }
    }

    /// A new key's row.
    static func insert(_ key: APIKeyRecord, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: "api_keys")
            .columns("id", "tenant_id", "role", "client_id", "secret_hash", "created_at", "expires_at")
            .values(
                SQLBind(key.id.description), SQLBind(key.tenantID.description), SQLBind(key.role.rawValue),
                SQLBind(key.clientID?.description), SQLBind(key.secretHash), SQLBind(key.createdAt), SQLBind(key.expiresAt))
            .run()
    }

    public func noteUse(of id: APIKeyID, at: Date) async throws {
        try await db.sql.update("api_keys").set("last_used_at", to: SQLBind(at)).where("id", .equal, id.description).run()
    }

    static func apiKey(_ row: any SQLRow) throws -> APIKeyRecord {
        guard let id = APIKeyID(try row.decode(column: "id", as: String.self)),
              let tenant = TenantID(try row.decode(column: "tenant_id", as: String.self)),
              let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else { throw StorageError.corrupt("api key row") }
        return APIKeyRecord(
            id: id, tenantID: tenant, role: role, clientID: try row.decode(column: "client_id", as: String?.self).flatMap { ClientID($0) },
            secretHash: try row.decode(column: "secret_hash", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            revokedAt: try row.decode(column: "revoked_at", as: Date?.self), expiresAt: try row.decode(column: "expires_at", as: Date?.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self))
    }
}

import Foundation
import RecoupCore

/// Creating tenants, clients and API keys: the set-up an agency does once, each step audited.
public struct DirectoryService: Sendable {
    let directory: any DirectoryRepository
    let clock: any Clock
    /// Where authenticated keys' uses are gathered for their `last_used_at`; none: not kept.
    let uses: APIKeyUses?

    public init(directory: any DirectoryRepository, clock: any Clock, uses: APIKeyUses? = nil) {
        self.directory = directory
        self.clock = clock
        self.uses = uses
    }

    /// Writes the key uses gathered since the last call (a server calls it on a timer and when it stops).
    public func writeKeyUses() async throws {
        try await uses?.write(to: directory)
    }

    public func createTenant(name: String, actor: String) async throws -> Tenant {
        let name = try Self.validName(name)
        let tenant = Tenant(name: name, createdAt: clock.now())
        try await directory.createTenant(tenant, audit: AuditEntry(
            actor: actor, action: "tenant.created", subjectType: "tenant", subjectID: tenant.id.description,
            details: ["name": name]))
        return tenant
    }

    public func createClient(name: String, scope: AccessScope, actor: String) async throws -> Client {
        let name = try Self.validName(name)
        let client = Client(tenantID: scope.tenantID, name: name, createdAt: clock.now())
        try await directory.createClient(client, audit: AuditEntry(
            actor: actor, action: "client.created", subjectType: "client", subjectID: client.id.description,
            details: ["name": name]))
        return client
    }

    public func clients(scope: AccessScope) async throws -> [Client] {
        try await directory.clients(scope: scope)
    }

    /// Creates a key and returns its secret, which is never stored and cannot be shown again. A key given an
    /// `expiresAt` stops working at that instant without anyone revoking it.
    public func createAPIKey(
        tenantID: TenantID, role: Role, clientID: ClientID?, expiresAt: Date? = nil, actor: String
    ) async throws -> (APIKeyRecord, secret: String) {
        try await requireTenant(tenantID)
        switch (role, clientID) {
        case (.client, nil):
            throw RecoupError.invalid([FieldProblem(field: "client", reason: "a client key needs --client")])
        case (.client, let id?):
            guard try await directory.client(id, scope: AccessScope(tenantID: tenantID)) != nil else {
                throw RecoupError.notFound("client \(id)")
            }
        case (_, .some):
            throw RecoupError.invalid([FieldProblem(field: "client", reason: "only client keys belong to a client")])
        case (_, nil):
            break
        }
        let now = clock.now()
        if let expiresAt, expiresAt <= now {
            throw RecoupError.invalid([FieldProblem(field: "expires", reason: "must be in the future")])
        }
        let secret = APIKeyRecord.newSecret()
        let record = APIKeyRecord(
            id: APIKeyID(), tenantID: tenantID, role: role, clientID: clientID,
            secretHash: APIKeyRecord.hash(secret: secret), createdAt: now, expiresAt: expiresAt)
        var details = ["role": role.rawValue]
        if let clientID { details["client_id"] = clientID.description }
        if let expiresAt { details["expires_at"] = expiresAt.formatted(.iso8601) }
        try await directory.createAPIKey(record, audit: AuditEntry(
            actor: actor, action: "apikey.created", subjectType: "apikey", subjectID: record.id.description,
            details: details))
        return (record, secret)
    }

    /// Every key of the tenant, revoked and expired ones included; an unknown tenant is not found (not an empty list).
    public func apiKeys(tenantID: TenantID) async throws -> [APIKeyRecord] {
        try await requireTenant(tenantID)
        return try await directory.apiKeys(tenantID: tenantID)
    }

    private func requireTenant(_ tenantID: TenantID) async throws {
        guard try await directory.tenants().contains(where: { $0.id == tenantID }) else {
            throw RecoupError.notFound("tenant \(tenantID)")
        }
    }

    /// Withdraws a key at once: the next request made with it is refused (keys are looked up on every request,
    /// never cached). Revoking a key already revoked changes nothing and answers it as it is; another tenant's key
    /// is not found.
    public func revokeAPIKey(_ id: APIKeyID, tenantID: TenantID, actor: String) async throws -> APIKeyRecord {
        guard var key = try await directory.apiKeys(tenantID: tenantID).first(where: { $0.id == id }) else {
            throw RecoupError.notFound("API key \(id)")
        }
        guard key.revokedAt == nil else { return key }
        let now = clock.now()
        var details = ["role": key.role.rawValue]
        if let clientID = key.clientID { details["client_id"] = clientID.description }
        let audit = AuditEntry(actor: actor, action: "apikey.revoked", subjectType: "apikey", subjectID: id.description, details: details)
        if try await directory.revokeAPIKey(id, tenantID: tenantID, at: now, audit: audit) {
            key.revokedAt = now
            return key
        }
        // Revoked by someone else meanwhile: answer what is on file.
        return try await directory.apiKeys(tenantID: tenantID).first { $0.id == id } ?? key
    }

    /// Replaces a key without cutting its caller off: a new key with the same role and client (and the old one's
    /// expiry, if it had one still ahead) is created, and the old one keeps working for `grace` more, then
    /// expires (sooner if it was to expire sooner). The caller moves to the new secret within the grace; `apikey.rotated`
    /// names both keys. A revoked or expired key is not found: there is nothing to rotate.
    public func rotateAPIKey(_ id: APIKeyID, tenantID: TenantID, grace: TimeInterval, actor: String) async throws
        -> (old: APIKeyRecord, new: APIKeyRecord, secret: String)
    {
        let now = clock.now()
        guard grace >= 0,
              var old = try await directory.apiKeys(tenantID: tenantID).first(where: { $0.id == id }),
              old.revokedAt == nil, old.expiresAt.map({ $0 > now }) ?? true
        else { throw RecoupError.notFound("working API key \(id)") }
        let secret = APIKeyRecord.newSecret()
        let new = APIKeyRecord(
            id: APIKeyID(), tenantID: tenantID, role: old.role, clientID: old.clientID, secretHash: APIKeyRecord.hash(secret: secret),
            createdAt: now, expiresAt: old.expiresAt)
        let oldExpiry = min(old.expiresAt ?? .distantFuture, now + grace)
        var created = ["role": new.role.rawValue, "rotated_from": id.description]
        if let clientID = new.clientID { created["client_id"] = clientID.description }
        if let expiresAt = new.expiresAt { created["expires_at"] = expiresAt.formatted(.iso8601) }
        let audit = [
            AuditEntry(actor: actor, action: "apikey.created", subjectType: "apikey", subjectID: new.id.description, details: created),
            AuditEntry(actor: actor, action: "apikey.rotated", subjectType: "apikey", subjectID: id.description,
                       details: ["new_key_id": new.id.description, "old_key_expires_at": oldExpiry.formatted(.iso8601)]),
        ]
        guard try await directory.rotateAPIKey(id, tenantID: tenantID, to: new, expiresAt: oldExpiry, audit: audit) else {
            throw RecoupError.notFound("working API key \(id)")
        }
        old.expiresAt = oldExpiry
        return (old, new, secret)
    }

    /// What a presented bearer secret turned out to be.
    public enum Authentication: Equatable, Sendable {
        case authenticated(Principal)
        case unknown
        /// A withdrawn key still in use: worth telling the operator who revoked it.
        case revoked(APIKeyRecord)
        /// A key past its expiry: its caller needs a new one.
        case expired(APIKeyRecord)
    }

    /// Resolves a bearer secret to its caller; refuses unknown, revoked and expired keys.
    public func authenticate(secret: String) async throws -> Authentication {
        guard secret.hasPrefix("rk_"), secret.utf8.count < 200,
              let key = try await directory.apiKey(secretHash: APIKeyRecord.hash(secret: secret))
        else { return .unknown }
        if key.revokedAt != nil { return .revoked(key) }
        let now = clock.now()
        if let expiresAt = key.expiresAt, expiresAt <= now { return .expired(key) }
        await uses?.note(key, at: now)
        return .authenticated(key.principal)
    }

    static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RecoupError.invalid([FieldProblem(field: "name", reason: "must not be empty")]) }
        guard trimmed.count <= 200 else {
            throw RecoupError.invalid([FieldProblem(field: "name", reason: "at most 200 characters")])
        }
        return trimmed
    }
}

/// Authenticated keys' last uses, gathered in memory and written now and then, so authentication never waits for
/// the database's writer (a long import holds it on SQLite). Kept to the minute: a key whose stored last use is
/// less than a minute old is not noted again.
public actor APIKeyUses {
    private var pending: [APIKeyID: Date] = [:]
    /// How finely a key's last use is kept.
    static let resolution: TimeInterval = 60

    public init() {}

    func note(_ key: APIKeyRecord, at now: Date) {
        guard key.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.resolution }) ?? true else { return }
        pending[key.id] = max(pending[key.id] ?? now, now)
    }

    /// Writes what was noted since the last write; what fails to write is noted again for the next one.
    func write(to directory: any DirectoryRepository) async throws {
        let batch = pending.sorted { $0.value < $1.value }
        pending = [:]
        for (index, (id, at)) in batch.enumerated() {
            do {
                try await directory.noteUse(of: id, at: at)
            } catch {
                for (id, at) in batch[index...] { pending[id] = max(pending[id] ?? at, at) }
                throw error
            }
        }
    }
}

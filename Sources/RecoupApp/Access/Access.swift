import Crypto
import Foundation
import RecoupCore

/// What a caller may do. Roles are coarse on purpose: an agency maps people onto five jobs.
public enum Role: String, CaseIterable, Sendable, Codable {
    case admin, manager, agent, compliance
    /// A creditor client's own user: sees its accounts and placements only.
    case client

    /// Full dates of birth are shown only to roles that verify identity or audit.
    public var seesFullDateOfBirth: Bool { self == .admin || self == .manager || self == .compliance }
    public var canManageClients: Bool { self == .admin || self == .manager }
    public var canManageKeys: Bool { self == .admin }
    /// Refunds, settlements outside the client's authority, client terms: money decisions above an agent's.
    public var canApproveMoney: Bool { self == .admin || self == .manager }
    public var canPlaceAccounts: Bool { self == .admin || self == .manager || self == .client }
    public var canRecall: Bool { self == .admin || self == .manager || self == .client }
    public var canReadAudit: Bool { self == .admin || self == .compliance }
    /// The agency's own people, as opposed to a creditor client's users.
    public var isStaff: Bool { self != .client }
}

/// The slice of data a caller may reach: always one tenant, and for client users one client within it.
/// Every repository query takes a scope, so isolation is not something a handler can forget.
public struct AccessScope: Hashable, Sendable {
    public let tenantID: TenantID
    public let clientID: ClientID?

    public init(tenantID: TenantID, clientID: ClientID? = nil) {
        self.tenantID = tenantID
        self.clientID = clientID
    }
}

/// An authenticated caller.
public struct Principal: Hashable, Sendable {
    public let keyID: APIKeyID
    public let role: Role
    public let scope: AccessScope

    public init(keyID: APIKeyID, role: Role, scope: AccessScope) {
        self.keyID = keyID
        self.role = role
        self.scope = scope
    }

    /// How the audit trail names this caller.
    public var actor: String { "apikey:\(keyID)" }
}

public enum APIKeyKind {}
public typealias APIKeyID = Identifier<APIKeyKind>

/// A stored API key: only the SHA-256 of the secret is kept, so a database leak yields no usable key. A revoked or
/// expired key stays on file (the audit trail names it as an actor) but authenticates no one.
public struct APIKeyRecord: Hashable, Sendable {
    public let id: APIKeyID
    public let tenantID: TenantID
    public let role: Role
    public let clientID: ClientID?
    public let secretHash: String
    public let createdAt: Date
    public var revokedAt: Date?
    /// The instant the key stops working by itself (a contractor's end date, a client's contract); none: until revoked.
    public var expiresAt: Date?
    /// When the key last authenticated a request, to the minute (nil: never): a key nobody uses is one to revoke.
    public var lastUsedAt: Date?

    public init(
        id: APIKeyID, tenantID: TenantID, role: Role, clientID: ClientID?, secretHash: String, createdAt: Date, revokedAt: Date? = nil,
        expiresAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.role = role
        self.clientID = clientID
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
    }

    public var principal: Principal {
        Principal(keyID: id, role: role, scope: AccessScope(tenantID: tenantID, clientID: role == .client ? clientID : nil))
    }

    /// Keys have 256 bits of randomness, so a fast hash is enough (no password stretching needed).
    public static func hash(secret: String) -> String {
        Data(SHA256.hash(data: Data(secret.utf8))).hexString
    }

    /// A new secret: `rk_` followed by 43 URL-safe base64 characters.
    public static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        let raw = key.withUnsafeBytes { Data($0) }
        let text = raw.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "rk_" + text
    }
}

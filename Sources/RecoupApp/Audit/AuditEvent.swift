import Crypto
import Foundation
import RecoupCore

/// What happened, before it is sealed into a tenant's chain: the use case builds it, storage seals and stores it
/// in the same transaction as the change it records.
public struct AuditEntry: Hashable, Sendable {
    /// Who did it: `apikey:<id>`, `cli`, `system`, `client:<id>`.
    public var actor: String
    /// A dotted verb: `placement.imported`, `account.updated`, `account.recalled`, `apikey.created`.
    public var action: String
    public var subjectType: String
    public var subjectID: String
    /// SHA-256 (hex) of the subject's state before and after, when the event changes a record.
    public var beforeDigest: String?
    public var afterDigest: String?
    /// Small, flat facts worth keeping with the event (counts, file digest, reason). Never personal data.
    public var details: [String: String]

    public init(
        actor: String, action: String, subjectType: String, subjectID: String, beforeDigest: String? = nil,
        afterDigest: String? = nil, details: [String: String] = [:]
    ) {
        self.actor = actor
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.beforeDigest = beforeDigest
        self.afterDigest = afterDigest
        self.details = details
    }
}

/// An audit event as stored: the entry plus its place in the tenant's hash chain.
public struct AuditEvent: Hashable, Sendable, Codable {
    public var id: UUID
    public var tenantID: TenantID
    /// 1, 2, 3 … per tenant, without gaps.
    public var sequence: Int64
    public var occurredAt: Date
    public var actor: String
    public var action: String
    public var subjectType: String
    public var subjectID: String
    public var beforeDigest: String?
    public var afterDigest: String?
    public var details: [String: String]
    /// The ``hash`` of the event before this one in the tenant's chain; ``AuditChain/genesisHash`` for the first.
    public var previousHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case id, sequence, actor, action, details, hash
        case tenantID = "tenant_id"
        case occurredAt = "occurred_at"
        case subjectType = "subject_type"
        case subjectID = "subject_id"
        case beforeDigest = "before_digest"
        case afterDigest = "after_digest"
        case previousHash = "previous_hash"
    }

    public init(
        id: UUID, tenantID: TenantID, sequence: Int64, occurredAt: Date, entry: AuditEntry, previousHash: String,
        hash: String
    ) {
        self.id = id
        self.tenantID = tenantID
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actor = entry.actor
        self.action = entry.action
        self.subjectType = entry.subjectType
        self.subjectID = entry.subjectID
        self.beforeDigest = entry.beforeDigest
        self.afterDigest = entry.afterDigest
        self.details = entry.details
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A signed statement of a chain's head: "tenant T had `count` events ending in `headHash`". Signed with a key
/// the database does not hold, it exposes truncation (dropping the newest events) and wholesale re-hashing,
/// which a plain hash chain cannot.
public struct AuditCheckpoint: Hashable, Sendable, Codable {
    public var tenantID: TenantID
    public var count: Int64
    public var headHash: String
    public var signedAt: Date
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case count, signature
        case tenantID = "tenant_id"
        case headHash = "head_hash"
        case signedAt = "signed_at"
    }

    public init(tenantID: TenantID, count: Int64, headHash: String, signedAt: Date, signature: String) {
        self.tenantID = tenantID
        self.count = count
        self.headHash = headHash
        self.signedAt = signedAt
        self.signature = signature
    }
}

import Foundation

/// An agency (or a first-party creditor collecting its own debts): the unit of isolation. Nothing of one
/// tenant is ever visible to another.
public struct Tenant: Hashable, Sendable {
    public let id: TenantID
    public var name: String
    public let createdAt: Date

    public init(id: TenantID = TenantID(), name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A creditor that places accounts with the agency. A client's own users see only its accounts.
public struct Client: Hashable, Sendable {
    public let id: ClientID
    public let tenantID: TenantID
    public var name: String
    public let createdAt: Date

    public init(id: ClientID = ClientID(), tenantID: TenantID, name: String, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.createdAt = createdAt
    }
}

/// One batch of accounts placed by a client (a file or an API call), with what became of its rows.
public struct Placement: Hashable, Sendable {
    public let id: PlacementID
    public let tenantID: TenantID
    public let clientID: ClientID
    public var fileName: String?
    /// SHA-256 of the bytes received, hex; lets an auditor tie the batch to the file the client sent.
    public var fileDigest: String
    public var counts: ImportCounts
    public let receivedAt: Date

    public init(
        id: PlacementID = PlacementID(), tenantID: TenantID, clientID: ClientID, fileName: String?,
        fileDigest: String, counts: ImportCounts, receivedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.clientID = clientID
        self.fileName = fileName
        self.fileDigest = fileDigest
        self.counts = counts
        self.receivedAt = receivedAt
    }
}

/// What an import did with each data row.
public struct ImportCounts: Hashable, Sendable, Codable {
    public var rows = 0
    public var imported = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0

    public init(rows: Int = 0, imported: Int = 0, updated: Int = 0, unchanged: Int = 0, rejected: Int = 0) {
        self.rows = rows
        self.imported = imported
        self.updated = updated
        self.unchanged = unchanged
        self.rejected = rejected
    }
}

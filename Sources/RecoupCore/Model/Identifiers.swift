import Foundation

/// A typed identifier: a UUID that cannot be passed where another kind of id is expected.
///
/// Ids are made in the application (never by the database) so that a row, its audit event and its outbox
/// message can be written in one transaction, and printed and parsed as plain lower-case strings.
public struct Identifier<Kind>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    /// Parses a UUID string in any letter case; nil for anything else.
    public init?(_ string: some StringProtocol) {
        guard let uuid = UUID(uuidString: String(string)) else { return nil }
        self.uuid = uuid
    }

    /// Lower-case canonical text (8-4-4-4-12). Formatted by hand: Foundation's `uuidString` goes through `snprintf` on
    /// Linux, and ids are printed for every row an import stores.
    public var description: String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            var text = Array(bytes).hexString.utf8.map { $0 }
            for position in [20, 16, 12, 8] { text.insert(UInt8(ascii: "-"), at: position) }
            return String(decoding: text, as: UTF8.self)
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = Identifier(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an id: \(text)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public typealias TenantID = Identifier<Tenant>
public typealias ClientID = Identifier<Client>
public typealias PlacementID = Identifier<Placement>
public typealias AccountID = Identifier<Account>
public typealias ConsumerID = Identifier<Consumer>
public typealias ContactPointID = Identifier<ContactPoint>

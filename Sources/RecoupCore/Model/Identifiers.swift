import Foundation

/// A typed identifier: a UUID that cannot be passed where another kind of id is expected.
///
/// Ids are made in the application (never by the database) so that a row, its audit event and its outbox
/// message can be written in one transaction, and printed and parsed as plain lower-case strings.
public struct Identifier<Kind>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let uuid: UUID

    public init(_ uuid: UUID = .timeOrdered()) { self.uuid = uuid }

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

extension UUID {
    /// A version 7 UUID (RFC 9562): the instant's Unix milliseconds, then 74 random bits. Ids made later sort after
    /// ids made earlier, so rows written in time order (outbox messages, contact attempts, audit events) extend
    /// their primary-key and idempotency indexes at the right edge instead of dirtying a random page each: with
    /// random ids SQLite took 2.5 times as long to write a sent message's rows.
    public static func timeOrdered(at instant: Date = Date()) -> UUID {
        var random = [UInt8](repeating: 0, count: 10)
        random.withUnsafeMutableBytes(fillRandom)
        let t = UInt64(max(0, (instant.timeIntervalSince1970 * 1000).rounded())) & 0xFFFF_FFFF_FFFF
        return UUID(uuid: (
            UInt8(t >> 40 & 0xFF), UInt8(t >> 32 & 0xFF), UInt8(t >> 24 & 0xFF), UInt8(t >> 16 & 0xFF), UInt8(t >> 8 & 0xFF), UInt8(t & 0xFF),
            0x70 | random[0] & 0x0F, random[1], 0x80 | random[2] & 0x3F, random[3],
            random[4], random[5], random[6], random[7], random[8], random[9]))
    }
}

/// Fills `buffer` from the system's random source in one call (Foundation's `UUID()` opens /dev/urandom for every
/// id on Linux).
func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
    arc4random_buf(buffer.baseAddress!, buffer.count)
    #else
    var generator = SystemRandomNumberGenerator()
    for index in buffer.indices { buffer[index] = generator.next() }
    #endif
}

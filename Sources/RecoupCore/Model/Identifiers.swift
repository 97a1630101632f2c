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
        var random: (UInt16, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &random.0, fillRandom)
        withUnsafeMutableBytes(of: &random.1, fillRandom)
        return version7(millisecond: UInt64(max(0, (instant.timeIntervalSince1970 * 1000).rounded())), randA: UInt64(random.0), randB: random.1)
    }

    /// The RFC 9562 version 7 layout: 48 bits of Unix milliseconds, the version, 12 bits of `randA`, the variant,
    /// 62 bits of `randB` (each taken from the low end).
    static func version7(millisecond: UInt64, randA: UInt64, randB: UInt64) -> UUID {
        let t = millisecond & 0xFFFF_FFFF_FFFF
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(value >> shift & 0xFF) }
        return UUID(uuid: (
            byte(t, 40), byte(t, 32), byte(t, 24), byte(t, 16), byte(t, 8), byte(t, 0),
            0x70 | byte(randA, 8) & 0x0F, byte(randA, 0), 0x80 | byte(randB, 56) & 0x3F, byte(randB, 48),
            byte(randB, 40), byte(randB, 32), byte(randB, 24), byte(randB, 16), byte(randB, 8), byte(randB, 0)))
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

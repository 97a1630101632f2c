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
        guard let uuid = UUID(text: string) else { return nil }
        self.uuid = uuid
    }

    /// Lower-case canonical text (8-4-4-4-12), as stored.
    public var description: String { uuid.lowercasedString }

    /// The order of the ids' text, compared without printing it: lower-case hexadecimal digits sort as the bytes
    /// they spell.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        withUnsafeBytes(of: lhs.uuid.uuid) { left in
            withUnsafeBytes(of: rhs.uuid.uuid) { right in left.lexicographicallyPrecedes(right) }
        }
    }

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
    /// Lower-case canonical text (8-4-4-4-12): how Recoup stores and prints every id. Formatted by hand:
    /// Foundation's `uuidString` goes through `snprintf` on Linux and `lowercased()` copies it once more, and a
    /// sent message or an imported row prints several ids.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var at = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    text[at] = hexDigits[Int(byte >> 4)]
                    text[at + 1] = hexDigits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }

    /// Parses canonical text (8-4-4-4-12) in either letter case; nil for anything else, as `UUID(uuidString:)`.
    /// By hand, through a table: Foundation's parser calls `sscanf` on Linux (25 times as long), and every id read
    /// back from the database is parsed.
    public init?(text: some StringProtocol) {
        let parsed = text.utf8.withContiguousStorageIfAvailable(Self.parse) ?? {
            var copy = String(text)
            return copy.withUTF8(Self.parse)
        }()
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        // Any byte that is not a digit where one belongs sets a high bit.
        let invalid = hexValues.withUnsafeBufferPointer { values in
            withUnsafeMutableBytes(of: &bytes) { out -> UInt8 in
                var at = 0, invalid: UInt8 = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        invalid |= utf8[at] == UInt8(ascii: "-") ? 0 : 0xF0
                        at += 1
                    }
                    let high = values[Int(utf8[at])], low = values[Int(utf8[at + 1])]
                    invalid |= high | low
                    out[index] = high << 4 | low
                    at += 2
                }
                return invalid
            }
        }
        return invalid & 0xF0 == 0 ? bytes : nil
    }

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

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Each byte's value as a hexadecimal digit in either case; 0xFF for a byte that is none.
private let hexValues: [UInt8] = (0...255).map { (byte: UInt8) -> UInt8 in
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: 0xFF
    }
}

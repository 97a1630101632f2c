import Foundation

/// A person's name as the creditor gave it.
public struct PersonName: Hashable, Sendable, Codable {
    public var first: String
    public var middle: String?
    public var last: String

    public init(first: String, middle: String? = nil, last: String) {
        self.first = first
        self.middle = middle
        self.last = last
    }

    public var full: String { [first, middle, last].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ") }
}

/// A US Social Security number, nine digits. Its plaintext only ever lives in memory: storage encrypts it and
/// searches by a keyed hash of ``lastFour``.
public struct SSN: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    /// Accepts `123-45-6789` or `123456789`; rejects numbers the SSA never issues (area 000, 666, 9xx; group 00;
    /// serial 0000).
    public init?(_ text: some StringProtocol) {
        let digits = String(text.filter { $0 != "-" && $0 != " " })
        guard digits.count == 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let area = digits.prefix(3), group = digits.dropFirst(3).prefix(2), serial = digits.suffix(4)
        guard area != "000", area != "666", !area.hasPrefix("9"), group != "00", serial != "0000" else { return nil }
        self.digits = digits
    }

    public var lastFour: String { String(digits.suffix(4)) }

    /// Never prints the full number: logs and error messages stay safe.
    public var description: String { "***-**-\(lastFour)" }
}

/// Flags that change how (or whether) a consumer may be contacted.
public struct ConsumerFlags: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let deceased = ConsumerFlags(rawValue: 1 << 0)
    public static let bankruptcy = ConsumerFlags(rawValue: 1 << 1)
    public static let attorneyRepresented = ConsumerFlags(rawValue: 1 << 2)
    public static let ceaseCommunication = ConsumerFlags(rawValue: 1 << 3)
    public static let servicemember = ConsumerFlags(rawValue: 1 << 4)

    public static let names: [(String, ConsumerFlags)] = [
        ("deceased", .deceased), ("bankruptcy", .bankruptcy), ("attorney_represented", .attorneyRepresented),
        ("cease_communication", .ceaseCommunication), ("servicemember", .servicemember),
    ]

    public var names: [String] { ConsumerFlags.names.filter { contains($0.1) }.map(\.0) }
}

/// A person who owes (or co-owes) one or more debts. The same person across debts is one consumer.
public struct Consumer: Hashable, Sendable {
    public let id: ConsumerID
    public let tenantID: TenantID
    public var name: PersonName
    public var dateOfBirth: LocalDate?
    public var ssn: SSN?
    /// ISO 639-1 code of the language the consumer prefers (`en`, `es`).
    public var language: String
    public var flags: ConsumerFlags
    public var contactPoints: [ContactPoint]

    public init(
        id: ConsumerID = ConsumerID(), tenantID: TenantID, name: PersonName, dateOfBirth: LocalDate?, ssn: SSN?,
        language: String, flags: ConsumerFlags = [], contactPoints: [ContactPoint]
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.ssn = ssn
        self.language = language
        self.flags = flags
        self.contactPoints = contactPoints
    }

    /// Every phone number on file, in file order.
    public var phoneNumbers: [String] { contactPoints.compactMap(\.phoneNumber) }
}

/// A client's own file layout mapped onto the Recoup format, without code (see docs/placement-format.md).
///
/// ```json
/// {
///   "columns": {"Acct No": "client_account_number", "Bal": "current_balance"},
///   "date_format": "MM/dd/yyyy",
///   "amounts": "cents",
///   "values": {"phone1_type": {"C": "cell", "H": "landline"}},
///   "defaults": {"currency": "USD", "itemization_date_type": "charge_off"}
/// }
/// ```
///
/// Decoding rejects keys it does not know (a misspelt `date-format` would otherwise be silently ignored); call
/// ``validated()`` before use to check the column names and the date pattern.
public struct PlacementMapping: Decodable, Sendable, Hashable {
    /// How amounts are written in the client's file.
    public enum AmountUnit: String, Decodable, Sendable, CaseIterable {
        /// Decimal currency units with a dot: `1234.56` (the Recoup format).
        case dollars
        /// Whole minor units: `123456`.
        case cents
    }

    /// Client header name → Recoup column name.
    public var columns: [String: String]?
    /// A date pattern made of `yyyy`, `MM`, `M`, `dd`, `d` and literal separators; default `yyyy-MM-dd`.
    public var dateFormat: String?
    /// Default `dollars`.
    public var amounts: AmountUnit?
    /// Per Recoup column, client value → Recoup value (exact match after trimming, applied before validation).
    public var values: [String: [String: String]]?
    /// Per Recoup column, the value to use when the file has no such column or leaves the cell empty.
    public var defaults: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case columns, amounts, values, defaults
        case dateFormat = "date_format"
    }

    public init(
        columns: [String: String]? = nil, dateFormat: String? = nil, amounts: AmountUnit? = nil,
        values: [String: [String: String]]? = nil, defaults: [String: String]? = nil
    ) {
        self.columns = columns
        self.dateFormat = dateFormat
        self.amounts = amounts
        self.values = values
        self.defaults = defaults
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let unknown = all.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "unknown keys \(unknown.joined(separator: ", ")); "
                    + "a mapping has columns, date_format, amounts, values and defaults"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        columns = try container.decodeIfPresent([String: String].self, forKey: .columns)
        dateFormat = try container.decodeIfPresent(String.self, forKey: .dateFormat)
        if let unit = try container.decodeIfPresent(String.self, forKey: .amounts) {
            guard let parsed = AmountUnit(rawValue: unit) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .amounts, in: container, debugDescription: "amounts must be \"dollars\" or \"cents\", not \"\(unit)\"")
            }
            amounts = parsed
        }
        values = try container.decodeIfPresent([String: [String: String]].self, forKey: .values)
        defaults = try container.decodeIfPresent([String: String].self, forKey: .defaults)
    }

    /// Checks that every target names a Recoup column, that no two client columns map to the same one, and that
    /// the date pattern is usable. Reports every problem at once.
    public func validated() throws(PlacementFileError) -> PlacementMapping {
        var problems: [String] = []
        let known = Set(PlacementColumn.allCases.map(\.rawValue))
        func check(_ names: some Sequence<String>, _ place: String) {
            let unknown = Set(names.filter { !known.contains($0) }).sorted()
            if !unknown.isEmpty { problems.append("unknown Recoup columns in \(place): \(unknown.joined(separator: ", "))") }
        }
        check((columns ?? [:]).values, "columns")
        check((values ?? [:]).keys, "values")
        check((defaults ?? [:]).keys, "defaults")
        var sources: [String: [String]] = [:]
        for (source, target) in columns ?? [:] { sources[target, default: []].append(source) }
        for (target, names) in sources.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            problems.append("\(names.sorted().joined(separator: " and ")) both map to \(target)")
        }
        if let dateFormat, DatePattern(dateFormat) == nil {
            problems.append("date_format \"\(dateFormat)\" must use yyyy, MM or M, dd or d, and separators such as / - .")
        }
        guard problems.isEmpty else { throw .invalidMapping(problems.joined(separator: "; ")) }
        return self
    }
}

/// A fixed date pattern such as `MM/dd/yyyy` or `yyyyMMdd`, parsed on bytes without `DateFormatter` (which is
/// slow, and depends on the process's time zone and locale).
///
/// `yyyy` is four digits; `MM` and `dd` exactly two; `M` and `d` one or two (so a pattern needs a separator after
/// them). Any other non-letter is a literal that must match.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Hashable, Sendable {
        case year, month(padded: Bool), day(padded: Bool), literal(UInt8)
    }

    let tokens: [Token]
    public let description: String

    /// The Recoup format's own dates: `yyyy-MM-dd`.
    public static let iso = DatePattern("yyyy-MM-dd")!

    public init?(_ pattern: String) {
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        func run(of byte: UInt8) -> Int {
            var n = 0
            while index + n < bytes.count, bytes[index + n] == byte { n += 1 }
            return n
        }
        while index < bytes.count {
            let byte = bytes[index]
            let length = run(of: byte)
            switch (byte, length) {
            case (UInt8(ascii: "y"), 4): tokens.append(.year)
            case (UInt8(ascii: "M"), 1), (UInt8(ascii: "M"), 2): tokens.append(.month(padded: length == 2))
            case (UInt8(ascii: "d"), 1), (UInt8(ascii: "d"), 2): tokens.append(.day(padded: length == 2))
            case _ where byte < 0x80 && !Self.isLetter(byte):
                tokens.append(.literal(byte))
                index += 1
                continue
            default:
                return nil
            }
            index += length
        }
        var years = 0, months = 0, days = 0
        for token in tokens {
            switch token {
            case .year: years += 1
            case .month: months += 1
            case .day: days += 1
            case .literal: break
            }
        }
        guard years == 1, months == 1, days == 1 else { return nil }
        // A variable-width field must be followed by a literal or end the pattern, or it cannot be split.
        for (i, token) in tokens.enumerated() {
            if token == .month(padded: false) || token == .day(padded: false), i + 1 < tokens.count {
                guard case .literal = tokens[i + 1] else { return nil }
            }
        }
        self.tokens = tokens
        self.description = pattern
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// The date the text spells in this pattern, or nil (wrong shape, or a day that does not exist).
    public func parse(_ text: String) -> LocalDate? {
        var year = 0, month = 0, day = 0
        var utf8 = text.utf8[...]
        func digits(_ minimum: Int, _ maximum: Int) -> Int? {
            var value = 0, taken = 0
            while taken < maximum, let byte = utf8.first, byte >= 48, byte <= 57 {
                value = value * 10 + Int(byte - 48)
                taken += 1
                utf8 = utf8.dropFirst()
            }
            return taken >= minimum ? value : nil
        }
        for token in tokens {
            switch token {
            case .year:
                guard let v = digits(4, 4) else { return nil }
                year = v
            case let .month(padded):
                guard let v = digits(padded ? 2 : 1, 2) else { return nil }
                month = v
            case let .day(padded):
                guard let v = digits(padded ? 2 : 1, 2) else { return nil }
                day = v
            case let .literal(byte):
                guard utf8.first == byte else { return nil }
                utf8 = utf8.dropFirst()
            }
        }
        guard utf8.isEmpty else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}

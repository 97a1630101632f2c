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
public struct PlacementMapping: Decodable, Sendable, Hashable {
    /// How amounts are written in the client's file.
    public enum AmountUnit: String, Decodable, Sendable {
        /// Decimal currency units with a dot: `1234.56` (the Recoup format).
        case dollars
        /// Whole minor units: `123456`.
        case cents
    }

    /// Client header name → Recoup column name.
    public var columns: [String: String]?
    /// A date pattern made of `yyyy`, `MM`, `M`, `dd`, `d` and literal separators; default `yyyy-MM-dd`.
    public var dateFormat: String?
    public var amounts: AmountUnit?
    /// Per Recoup column, client value → Recoup value (case-sensitive, applied before validation).
    public var values: [String: [String: String]]?
    /// Per Recoup column, the value to use when the file has no such column or leaves it empty.
    public var defaults: [String: String]?

    enum CodingKeys: String, CodingKey {
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

    /// Checks that every target names a Recoup column and the date pattern is usable.
    public func validated() throws(PlacementFileError) -> PlacementMapping {
        let known = Set(PlacementColumn.allCases.map(\.rawValue))
        let targets = Array((columns ?? [:]).values) + Array((values ?? [:]).keys) + Array((defaults ?? [:]).keys)
        let unknown = Set(targets.filter { !known.contains($0) }).sorted()
        guard unknown.isEmpty else {
            throw .invalidMapping("unknown Recoup columns: \(unknown.joined(separator: ", "))")
        }
        if let dateFormat, DatePattern(dateFormat) == nil {
            throw .invalidMapping("date_format \(dateFormat) needs yyyy, MM (or M) and dd (or d)")
        }
        return self
    }
}

/// A fixed date pattern such as `MM/dd/yyyy` or `yyyyMMdd`, parsed without `DateFormatter` (slow, and dependent on
/// the process's time zone and locale).
struct DatePattern: Sendable, Hashable {
    enum Token: Hashable {
        case year, month(padded: Bool), day(padded: Bool), literal(Character)
    }

    let tokens: [Token]

    init?(_ pattern: String) {
        var tokens: [Token] = []
        var rest = Substring(pattern)
        while !rest.isEmpty {
            if rest.hasPrefix("yyyy") { tokens.append(.year); rest = rest.dropFirst(4) }
            else if rest.hasPrefix("MM") { tokens.append(.month(padded: true)); rest = rest.dropFirst(2) }
            else if rest.hasPrefix("M") { tokens.append(.month(padded: false)); rest = rest.dropFirst() }
            else if rest.hasPrefix("dd") { tokens.append(.day(padded: true)); rest = rest.dropFirst(2) }
            else if rest.hasPrefix("d") { tokens.append(.day(padded: false)); rest = rest.dropFirst() }
            else if let c = rest.first, !c.isLetter { tokens.append(.literal(c)); rest = rest.dropFirst() }
            else { return nil }
        }
        guard tokens.contains(.year),
              tokens.contains(where: { if case .month = $0 { true } else { false } }),
              tokens.contains(where: { if case .day = $0 { true } else { false } })
        else { return nil }
        self.tokens = tokens
    }

    func parse(_ text: String) -> LocalDate? {
        var chars = Substring(text)
        var year = 0, month = 0, day = 0
        func digits(_ count: ClosedRange<Int>) -> Int? {
            var value = 0, taken = 0
            while taken < count.upperBound, let c = chars.first, let d = c.wholeNumberValue, c.isASCII {
                value = value * 10 + d
                taken += 1
                chars = chars.dropFirst()
            }
            return count.contains(taken) ? value : nil
        }
        for token in tokens {
            switch token {
            case .year: guard let v = digits(4...4) else { return nil }; year = v
            case let .month(padded): guard let v = digits(padded ? 2...2 : 1...2) else { return nil }; month = v
            case let .day(padded): guard let v = digits(padded ? 2...2 : 1...2) else { return nil }; day = v
            case let .literal(c): guard chars.first == c else { return nil }; chars = chars.dropFirst()
            }
        }
        guard chars.isEmpty else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}

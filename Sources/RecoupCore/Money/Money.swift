import Foundation

/// An ISO 4217 currency code with the number of minor units its amounts carry.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String
    /// Digits after the decimal separator: 2 for USD, 0 for JPY.
    public let minorUnitDigits: Int

    public static let usd = Currency(code: "USD", minorUnitDigits: 2)

    /// Currencies whose minor units differ from two; everything else valid is assumed to have two.
    private static let exceptions: [String: Int] = [
        "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
    ]

    /// Accepts any three upper-case letters; the exponent table covers the currencies with other than 2 digits.
    public init?(code: some StringProtocol) {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = upper
        self.minorUnitDigits = Currency.exceptions[upper] ?? 2
    }

    private init(code: String, minorUnitDigits: Int) {
        self.code = code
        self.minorUnitDigits = minorUnitDigits
    }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let currency = Currency(code: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 4217 code: \(text)")
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// An amount of money: integer minor units (cents) and a currency. Never a floating-point number.
///
/// Balances are reconciled to the cent and reported to regulators, so every operation is exact and refuses to
/// mix currencies rather than silently converting.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public enum ArithmeticError: Error, Equatable, CustomStringConvertible {
        case currencyMismatch(Currency, Currency)
        case overflow
        public var description: String {
            switch self {
            case let .currencyMismatch(a, b): "cannot combine \(a) and \(b) amounts"
            case .overflow: "amount out of range"
            }
        }
    }

    public func adding(_ other: Money) throws(ArithmeticError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(ArithmeticError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: difference, currency: currency)
    }

    public var isNegative: Bool { minorUnits < 0 }

    /// Parses a decimal amount in major units with a dot and at most the currency's minor digits
    /// (`1234.56`, `-3`, `0.5`). No thousands separators, no exponent, no currency sign.
    public init?(decimal text: some StringProtocol, currency: Currency) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; bytes = bytes.dropFirst() }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDot = false
        var seenDigit = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenDot else { return nil }
                seenDot = true
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            seenDigit = true
            let digit = Int64(byte - 48)
            if seenDot {
                fractionDigits += 1
                guard fractionDigits <= currency.minorUnitDigits else { return nil }
                fraction = fraction * 10 + digit
            } else {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(digit)
                guard !o1, !o2, s < 1_000_000_000_000_000 else { return nil }
                whole = s
            }
        }
        guard seenDigit, !(seenDot && fractionDigits == 0) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<currency.minorUnitDigits { scale *= 10 }
        var fractionScale: Int64 = 1
        for _ in 0..<(currency.minorUnitDigits - fractionDigits) { fractionScale *= 10 }
        let units = whole * scale + fraction * fractionScale
        self.init(minorUnits: negative ? -units : units, currency: currency)
    }

    /// The plain decimal form used in files and JSON: `1234.56`, `-0.05`.
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        let magnitude = minorUnits.magnitude
        guard digits > 0 else { return (minorUnits < 0 ? "-" : "") + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (minorUnits < 0 ? "-" : "") + "\(magnitude / scale).\(padded)"
    }

    public var description: String { "\(decimalString) \(currency.code)" }
}

/// Locales Recoup writes to consumers in. Formatting is hand-written, not `NumberFormatter`, so that output is
/// identical on every platform and in every snapshot.
public enum DisplayLocale: String, Sendable, CaseIterable {
    case enUS = "en-US"
    case esUS = "es-US"
}

extension Money {
    /// Formats for a consumer: `$1,234.56` in en-US; `1,234.56 US$`-style is avoided in es-US because US Spanish
    /// convention (and the CFPB's Spanish model notice) writes `$1,234.56` too. Negative amounts use a leading minus.
    public func formatted(_ locale: DisplayLocale) -> String {
        let digits = currency.minorUnitDigits
        let magnitude = minorUnits.magnitude
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let whole = String(magnitude / scale)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        var number = grouped
        if digits > 0 {
            let fraction = String(magnitude % scale)
            number += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        let symbol = currency == .usd ? "$" : ""
        let suffix = currency == .usd ? "" : " \(currency.code)"
        let sign = minorUnits < 0 ? "-" : ""
        switch locale {
        case .enUS, .esUS:
            return "\(sign)\(symbol)\(number)\(suffix)"
        }
    }
}

/// Decimal numbers spelled out by hand for the renderers' output formats.
enum DecimalText {
    /// A number with at most two decimals and no trailing zeros (`12`, `8.5`, `0.75`, `-3.05`); a hundredth of a
    /// point is below what any printer resolves. No `String(format:)` and no locale, so output is byte-identical
    /// on every platform. Non-numbers become 0 and magnitudes are capped at a billion.
    static func twoPlaces(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int((min(max(value, -1e9), 1e9) * 100).rounded())
        let whole = hundredths.magnitude / 100
        let fraction = hundredths.magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        switch fraction {
        case 0: return "\(sign)\(whole)"
        case let tenths where tenths % 10 == 0: return "\(sign)\(whole).\(tenths / 10)"
        case let small where small < 10: return "\(sign)\(whole).0\(small)"
        default: return "\(sign)\(whole).\(fraction)"
        }
    }
}

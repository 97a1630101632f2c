/// ABA routing transit numbers.
public enum RoutingNumber {
    /// Nine digits whose weighted sum (3, 7, 1 repeated) is a multiple of 10: catches a mistyped digit before a
    /// debit is filed and returned.
    public static func isValid(_ routing: String) -> Bool {
        let digits = routing.compactMap(\.wholeNumberValue)
        guard digits.count == 9, routing.count == 9 else { return false }
        let weights = [3, 7, 1, 3, 7, 1, 3, 7, 1]
        return zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 10 == 0
    }
}

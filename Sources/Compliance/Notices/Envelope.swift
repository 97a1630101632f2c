/// What may show through a window envelope (1006.22(f)(2), 15 U.S.C. 1692f(8)): the collector's address, and its
/// business name only when the name does not say what the business is. "Acme Recovery Services" and "Demo
/// Collections Agency" stay inside the envelope; "Acme Partners" may show.
public enum Envelope {
    /// Words that say a business collects debts, in English and Spanish.
    static let revealingWords = [
        "collect", "debt", "recover", "bureau", "delinquen", "past due", "owe", "judgment", "repossess", "bill",
        "cobr", "deuda", "recupera", "moros",
    ]

    public static func revealsDebtCollection(_ name: String) -> Bool {
        let lower = name.lowercased()
        return revealingWords.contains { lower.contains($0) }
    }

    /// The lines of the return-address window: the name only when it is neutral.
    public static func returnAddress(name: String, address: [String]) -> [String] {
        (revealsDebtCollection(name) ? [] : [name]) + address.filter { !revealsDebtCollection($0) }
    }
}

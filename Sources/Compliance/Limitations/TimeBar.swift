import RecoupCore

/// Whether a debt is past its statute of limitations: a fact given directly (`sol_expired`) wins; otherwise unknown.
enum TimeBar {
    static func isExpired(_ debt: DebtFacts, _ c: RuleContext) -> Bool? {
        debt.solExpired
    }
}

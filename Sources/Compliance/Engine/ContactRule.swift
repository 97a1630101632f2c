import RecoupCore

/// The precedence groups of the catalogue (section 8): when several rules block, the first group's rule is the
/// one reported. Within a group, the order rules are listed in ``RuleCatalog``.
public enum Stage: Int, Sendable, Comparable, CaseIterable {
    case legalHold = 1, cease, attorney, disputeHold, recipient, licensing, medium, place, time, federalFrequency,
         stateFrequency, content, postContact

    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One rule of the catalogue: a pure function of the snapshot (through a ``RuleContext``) and an instant.
///
/// `evaluate` returns nil when the rule does not apply to the proposed action at all (a Massachusetts rule for an
/// Ohio consumer, a text rule for a letter), so findings list only what was actually considered. A blocking
/// finding says when the rule would stop blocking (``Reopening``), which is how the engine finds the next lawful
/// instant without trying every minute.
public protocol ContactRule: Sendable {
    var id: RuleID { get }
    var citation: String { get }
    var stage: Stage { get }
    func evaluate(_ context: RuleContext, at instant: Instant) -> Finding?
}

extension ContactRule {
    /// A pass; `decisive` when an exception made the contact lawful, `exempt` when the rule does not reach it.
    func pass(_ message: @autoclosure @escaping @Sendable () -> String, figures: [(String, Figure)] = [], decisive: Bool = false, exempt: Bool = false) -> Finding {
        Finding(rule: id, citation: citation, verdict: .pass, message: message(), figures: figures,
                decisive: decisive ? .exception : exempt ? .exemption : .none)
    }

    func warn(_ message: @autoclosure @escaping @Sendable () -> String, figures: [(String, Figure)] = []) -> Finding {
        Finding(rule: id, citation: citation, verdict: .warn, message: message(), figures: figures)
    }

    func block(_ message: @autoclosure @escaping @Sendable () -> String, figures: [(String, Figure)] = [], reopens: Reopening = .never) -> Finding {
        Finding(rule: id, citation: citation, verdict: .block, message: message(), figures: figures, reopens: reopens)
    }
}

/// A rule written as a closure: most rules are a few lines, and a table of them reads like the catalogue.
struct Rule: ContactRule {
    let id: RuleID
    let citation: String
    let stage: Stage
    let body: @Sendable (Rule, RuleContext, Instant) -> Finding?

    init(_ id: RuleID, _ citation: String, _ stage: Stage, _ body: @escaping @Sendable (Rule, RuleContext, Instant) -> Finding?) {
        self.id = id
        self.citation = citation
        self.stage = stage
        self.body = body
    }

    func evaluate(_ context: RuleContext, at instant: Instant) -> Finding? { body(self, context, instant) }
}

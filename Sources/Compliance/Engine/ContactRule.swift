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
/// The body returns nil when the rule does not apply to the proposed action at all (a Massachusetts rule for an
/// Ohio consumer, a text rule for a letter), so findings list only what was actually considered. A blocking
/// finding says when the rule would stop blocking (``Reopening``), which is how the engine finds the next lawful
/// instant without trying every minute.
///
/// Most rules are a few lines, so each is a closure and a table of them reads like the catalogue. A class, so the
/// engine's loop and every finding hold one reference instead of copying the rule's strings.
public final class ContactRule: Sendable {
    public let id: RuleID
    public let citation: String
    public let stage: Stage
    let body: @Sendable (RuleEvaluation, RuleContext, Instant) -> RuleOutcome?

    init(_ id: RuleID, _ citation: String, _ stage: Stage, _ body: @escaping @Sendable (RuleEvaluation, RuleContext, Instant) -> RuleOutcome?) {
        self.id = id
        self.citation = citation
        self.stage = stage
        self.body = body
    }

    /// What the rule says at `instant`; with `explaining`, its message and figures too.
    func evaluate(_ context: RuleContext, at instant: Instant, explaining: Bool = false) -> RuleOutcome? {
        body(RuleEvaluation(explaining: explaining), context, instant)
    }
}

/// What one evaluation of a rule said: plain values (nothing to retain) unless it was asked to explain.
struct RuleOutcome {
    let verdict: Verdict
    let reopens: Reopening
    let decisive: Decisiveness
    /// The message and figures, written only when explaining.
    let statement: (message: String, figures: [(String, Figure)])?

    /// The same verdict and explanation, reopening at another instant.
    func reopening(_ reopens: Reopening) -> RuleOutcome {
        RuleOutcome(verdict: verdict, reopens: reopens, decisive: decisive, statement: statement)
    }
}

/// One evaluation of a rule, through which its body states the finding.
///
/// Deciding needs only verdicts: the engine evaluates every rule, and again at each step of the next-lawful
/// search, and most findings are passes nobody prints. So messages and figures are taken unevaluated and written
/// only when `explaining`; a finding from a verdict-only evaluation writes them later by evaluating its rule again
/// (rules are pure, so the second evaluation takes the same path).
struct RuleEvaluation {
    let explaining: Bool

    /// A pass; `decisive` when an exception made the contact lawful, `exempt` when the rule does not reach it.
    func pass(_ message: @autoclosure () -> String, figures: @autoclosure () -> [(String, Figure)] = [], decisive: Bool = false, exempt: Bool = false) -> RuleOutcome {
        finding(.pass, message, figures, decisive: decisive ? .exception : exempt ? .exemption : .none)
    }

    func warn(_ message: @autoclosure () -> String, figures: @autoclosure () -> [(String, Figure)] = []) -> RuleOutcome {
        finding(.warn, message, figures)
    }

    func block(_ message: @autoclosure () -> String, figures: @autoclosure () -> [(String, Figure)] = [], reopens: Reopening = .never) -> RuleOutcome {
        finding(.block, message, figures, reopens: reopens)
    }

    private func finding(
        _ verdict: Verdict, _ message: () -> String, _ figures: () -> [(String, Figure)], reopens: Reopening = .never,
        decisive: Decisiveness = .none
    ) -> RuleOutcome {
        RuleOutcome(verdict: verdict, reopens: reopens, decisive: decisive, statement: explaining ? (message(), figures()) : nil)
    }
}

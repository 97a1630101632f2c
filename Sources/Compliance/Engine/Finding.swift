import RecoupCore

/// What one rule says of a proposed action.
public enum Verdict: String, Sendable, Comparable {
    case pass, warn, block

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int {
        switch self {
        case .pass: 0
        case .warn: 1
        case .block: 2
        }
    }
}

/// A figure a finding rests on, printed in `computed`.
public enum Figure: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case text(String)
    case date(LocalDate)
    case instant(Instant)
    case dates([LocalDate])
    case bool(Bool)

    public var description: String {
        switch self {
        case let .int(value): "\(value)"
        case let .text(value): value
        case let .date(value): value.iso
        case let .instant(value): "\(value)"
        case let .dates(values): values.map(\.iso).joined(separator: ", ")
        case let .bool(value): "\(value)"
        }
    }
}

/// When a blocking rule would stop blocking the same contact, all other facts unchanged.
public enum Reopening: Sendable, Equatable {
    /// From this instant on (as far as this rule is concerned).
    case at(Instant)
    /// Not without a change of facts (a cease notice, a hold, a missing consent).
    case never
}

/// One rule's verdict on one proposed action, with the citation and a message a collector understands.
public struct Finding: Sendable {
    let source: ContactRule
    public var rule: RuleID { source.id }
    public var citation: String { source.citation }
    public let verdict: Verdict
    /// For a block: when the rule stops blocking. Ignored otherwise.
    public let reopens: Reopening
    /// For a pass: whether this rule is what made the contact lawful, and how strongly (the rule reported for an
    /// allowed contact is the first exception in precedence order, else the first exemption).
    public let decisive: Decisiveness
    private let explanation: Explanation

    /// What a collector reads. Written only when asked for: most findings of most decisions are passes nobody
    /// prints (a dispatcher needs only the verdict), and formatting dates and names is most of a rule's cost.
    public var message: String { explained.message }
    /// The figures the finding rests on, printed in `computed`; written only when asked for, like the message.
    public var figures: [(String, Figure)] { explained.figures }

    init(rule: ContactRule, verdict: Verdict, explanation: Explanation, reopens: Reopening = .never, decisive: Decisiveness = .none) {
        source = rule
        self.verdict = verdict
        self.explanation = explanation
        self.reopens = reopens
        self.decisive = decisive
    }

    private var explained: (message: String, figures: [(String, Figure)]) {
        switch explanation {
        case let .stated(message, figures): (message, figures)
        case let .deferred(context, instant): source.evaluate(context, at: instant, explaining: true)?.statement ?? ("", [])
        }
    }
}

/// A finding's message and figures, or what writes them.
enum Explanation: Sendable {
    case stated(message: String, figures: [(String, Figure)])
    /// Not written yet: evaluating the rule again at the same instant, explaining, writes them.
    case deferred(RuleContext, Instant)
}

/// How much a passing rule had to do with a contact being lawful.
public enum Decisiveness: Int, Sendable, Comparable {
    /// A routine pass.
    case none
    /// The rule does not reach this kind of contact (a manually dialled call under the TCPA).
    case exemption
    /// An exception lifted a bar that would otherwise apply, or the rule's own computation is the answer (a
    /// consent, a remedy notice after a cease, a validation period that ends late enough).
    case exception

    public static func < (lhs: Decisiveness, rhs: Decisiveness) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A rule's identity: exactly the bold string that opens its entry in the rule catalogue.
public typealias RuleID = String

/// The engine's answer for one proposed action.
public struct ContactDecision: Sendable {
    public let allowed: Bool
    /// The deciding rule: the first blocking rule in precedence order, or for an allowed contact the rule whose
    /// exception or computation made it lawful (nil when nothing in particular did).
    public let rule: RuleID?
    /// Every rule's finding, in precedence order.
    public var findings: [Finding] {
        switch source {
        case let .given(findings): findings
        case let .recorded(recorded): recorded.findings
        }
    }
    /// The earliest instant at or after the proposed one at which the same contact is lawful: nil for an
    /// allowed contact and for one that stays unlawful until the facts change.
    public let nextAllowedAt: Instant?
    /// The clock instants are written in: the consumer's first candidate zone.
    public let zone: ZoneClock
    /// Version of the rule data the decision used.
    public let ruleSetVersion: String
    private let source: FindingSource

    public init(
        allowed: Bool, rule: RuleID?, findings: [Finding], nextAllowedAt: Instant?, zone: ZoneClock, ruleSetVersion: String
    ) {
        self.init(allowed: allowed, rule: rule, source: .given(findings), nextAllowedAt: nextAllowedAt, zone: zone, ruleSetVersion: ruleSetVersion)
    }

    init(allowed: Bool, rule: RuleID?, recorded: RecordedFindings, nextAllowedAt: Instant?, zone: ZoneClock, ruleSetVersion: String) {
        self.init(allowed: allowed, rule: rule, source: .recorded(recorded), nextAllowedAt: nextAllowedAt, zone: zone, ruleSetVersion: ruleSetVersion)
    }

    private init(allowed: Bool, rule: RuleID?, source: FindingSource, nextAllowedAt: Instant?, zone: ZoneClock, ruleSetVersion: String) {
        self.allowed = allowed
        self.rule = rule
        self.source = source
        self.nextAllowedAt = nextAllowedAt
        self.zone = zone
        self.ruleSetVersion = ruleSetVersion
    }

    private enum FindingSource: Sendable {
        case given([Finding])
        case recorded(RecordedFindings)
    }

    /// Figures of the deciding finding first, then those of every other finding not already named.
    public var computed: [(String, Figure)] {
        var seen = Set<String>()
        var result: [(String, Figure)] = []
        let findings = findings
        let ordered = findings.filter { $0.rule == rule } + findings.filter { $0.rule != rule }
        for finding in ordered {
            for (name, value) in finding.figures where seen.insert(name).inserted { result.append((name, value)) }
        }
        return result
    }
}

/// A rule's verdict as the engine records it while deciding: the rule by its place in the engine's precedence
/// order, and plain values, so recording thirty of them (and re-evaluating at each next-lawful step) retains and
/// releases nothing.
struct RecordedVerdict: Sendable {
    let rule: Int
    let verdict: Verdict
    let reopens: Reopening
    let decisive: Decisiveness
}

/// A decision's verdicts with what turns them into ``Finding`` values: a dispatcher reads only the verdict, so
/// findings are made when someone reads them.
struct RecordedFindings: Sendable {
    let rules: [ContactRule]
    let context: RuleContext
    let instant: Instant
    let verdicts: [RecordedVerdict]

    var findings: [Finding] {
        verdicts.map { recorded in
            Finding(rule: rules[recorded.rule], verdict: recorded.verdict, explanation: .deferred(context, instant),
                    reopens: recorded.reopens, decisive: recorded.decisive)
        }
    }
}

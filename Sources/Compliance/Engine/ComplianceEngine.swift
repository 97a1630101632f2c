import RecoupCore

/// Decides whether one proposed action is lawful now, which rule decided, and when it next will be.
///
/// Every rule of the catalogue is evaluated (strictest wins: the contact is allowed only if none blocks). When
/// something blocks, the engine asks each blocking rule when it would stop blocking, moves to the latest such
/// instant and evaluates again, until nothing blocks (the next lawful instant) or a rule says only a change of
/// facts reopens the contact. Because each rule answers exactly for itself (the call window in every zone, the
/// sliding 7-day count, the post-conversation week), the combination is exact too.
public struct ComplianceEngine: Sendable {
    public let rules: [ContactRule]
    /// The rule data, read once and handed to every decision by reference.
    private let tables: RuleTables
    public var ruleSet: RuleSet { tables.ruleSet }
    /// Limitation periods, with the tenant's overrides applied.
    public var limitations: StatuteOfLimitations { tables.limitations }

    /// How far ahead the next lawful instant is looked for (record retention can reopen years later); beyond it
    /// the answer is "not without new facts".
    static let searchHorizonSeconds: Int64 = 10 * 366 * 86_400
    static let maximumSteps = 64

    public init(
        rules: [ContactRule] = RuleCatalog.all, ruleSet: RuleSet = .current, limitations: StatuteOfLimitations = .current
    ) {
        // Stable sort: within a stage, catalogue order decides precedence.
        self.rules = rules.enumerated().sorted { lhs, rhs in
            lhs.element.stage != rhs.element.stage ? lhs.element.stage < rhs.element.stage : lhs.offset < rhs.offset
        }.map(\.element)
        tables = RuleTables(ruleSet, limitations: limitations, calendar: .usFederal)
    }

    /// The snapshot worked out once, for any number of decisions on it.
    public func prepare(_ snapshot: ContactSnapshot) -> PreparedSnapshot {
        PreparedSnapshot(snapshot, tables: tables)
    }

    public func decide(_ snapshot: ContactSnapshot, _ proposal: ProposedContact) -> ContactDecision {
        decide(prepare(snapshot), proposal)
    }

    /// The decision on one proposal for a snapshot this engine prepared.
    public func decide(_ prepared: PreparedSnapshot, _ proposal: ProposedContact) -> ContactDecision {
        precondition(prepared.ruleSetVersion == ruleSet.version, "a snapshot prepared for rule set \(prepared.ruleSetVersion), decided with \(ruleSet.version)")
        let context = RuleContext(prepared: prepared, proposal: proposal, tables: tables)
        let verdicts = evaluate(context, at: proposal.at)
        let recorded = RecordedFindings(rules: rules, context: context, instant: proposal.at, verdicts: verdicts)
        guard let blocking = verdicts.first(where: { $0.verdict == .block }) else {
            let deciding = verdicts.first { $0.decisive == .exception } ?? verdicts.first { $0.decisive == .exemption }
            return ContactDecision(
                allowed: true, rule: deciding.map { rules[$0.rule].id }, recorded: recorded, nextAllowedAt: nil,
                zone: context.primaryZone, ruleSetVersion: ruleSet.version)
        }
        return ContactDecision(
            allowed: false, rule: rules[blocking.rule].id, recorded: recorded,
            nextAllowedAt: nextLawfulInstant(context, after: verdicts, from: proposal.at), zone: context.primaryZone,
            ruleSetVersion: ruleSet.version)
    }

    func evaluate(_ context: RuleContext, at instant: Instant) -> [RecordedVerdict] {
        var verdicts: [RecordedVerdict] = []
        verdicts.reserveCapacity(24)
        for index in rules.indices {
            if let outcome = outcome(ofRule: index, context, at: instant) {
                verdicts.append(RecordedVerdict(rule: index, verdict: outcome.verdict, reopens: outcome.reopens, decisive: outcome.decisive))
            }
        }
        return verdicts
    }

    /// The reopening of the first rule, in precedence order, that blocks at `instant`; nil when none does. The
    /// search needs no more: any blocking rule's reopening is a lower bound of the next lawful instant.
    func firstBlock(_ context: RuleContext, at instant: Instant) -> Reopening? {
        for index in rules.indices {
            if let outcome = outcome(ofRule: index, context, at: instant), outcome.verdict == .block { return outcome.reopens }
        }
        return nil
    }

    /// What the rule at `index` says at `instant`. The engine's array keeps every rule alive, so the call borrows
    /// the rule instead of retaining and releasing it: two atomic operations per rule, thirty rules per step, were
    /// a tenth of a decision.
    @inline(__always)
    private func outcome(ofRule index: Int, _ context: RuleContext, at instant: Instant) -> RuleOutcome? {
        Unmanaged.passUnretained(rules[index])._withUnsafeGuaranteedRef { $0.evaluate(context, at: instant) }
    }

    private func nextLawfulInstant(_ context: RuleContext, after first: [RecordedVerdict], from start: Instant) -> Instant? {
        // The first step takes the latest reopening of every block the full evaluation found.
        var reopening = Reopening.at(start)
        for verdict in first where verdict.verdict == .block {
            guard case let .at(instant) = verdict.reopens else { return nil }
            if case let .at(latest) = reopening, instant > latest { reopening = verdict.reopens }
        }
        var candidate = start
        let horizon = start.adding(seconds: Self.searchHorizonSeconds)
        for _ in 0..<Self.maximumSteps {
            // A rule that blocks but names no later instant cannot be waited out.
            guard case let .at(next) = reopening, next > candidate, next <= horizon else { return nil }
            candidate = next
            guard let blocking = firstBlock(context, at: candidate) else { return candidate }
            reopening = blocking
        }
        return nil
    }
}

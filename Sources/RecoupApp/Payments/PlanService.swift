import Compliance
import Foundation
import Ledger
import RecoupCore

/// What a consumer and an agent agree a plan should be.
public struct PlanProposal: Sendable, Equatable {
    /// The plan amount; nil: the whole balance.
    public var amount: Int64?
    public var downPayment: Int64
    public var installments: Int
    public var frequency: InstallmentFrequency
    public var firstDate: LocalDate
    /// Autopay on this stored method.
    public var methodID: UUID?

    public init(amount: Int64?, downPayment: Int64, installments: Int, frequency: InstallmentFrequency, firstDate: LocalDate, methodID: UUID?) {
        self.amount = amount
        self.downPayment = downPayment
        self.installments = installments
        self.frequency = frequency
        self.firstDate = firstDate
        self.methodID = methodID
    }
}

/// Reminders of coming installments, sent through the outbox (so the compliance engine decides each at send time).
public struct InstallmentReminders: Sendable {
    let messages: MessageService
    /// The agency's name for a tenant, as messages are signed.
    let agencyName: @Sendable (TenantID) async throws -> String
    /// How many days before an installment falls due its reminder goes out.
    let daysBefore: Int

    public init(messages: MessageService, agencyName: @escaping @Sendable (TenantID) async throws -> String, daysBefore: Int = 3) {
        self.messages = messages
        self.agencyName = agencyName
        self.daysBefore = daysBefore
    }

    /// The reminder's subject and words in the consumer's language: the amount, the date, and how it will be paid.
    static func message(_ installment: Installment, currency: Currency, autopay: Bool, language: NoticeLanguage)
        -> (subject: String, text: String)
    {
        let date = LocalizedDate.text(installment.dueOn, language)
        switch language {
        case .english:
            let amount = Money(minorUnits: installment.amount, currency: currency).formatted(.enUS)
            return ("Your payment plan: next payment \(date)",
                    "Your plan payment of \(amount) is due on \(date)."
                        + (autopay ? " It will be charged to the payment method you gave us." : " Please pay by then to keep your plan."))
        case .spanish:
            let amount = Money(minorUnits: installment.amount, currency: currency).formatted(.esUS)
            return ("Su plan de pagos: próximo pago el \(date)",
                    "Su pago del plan de \(amount) vence el \(date)."
                        + (autopay ? " Se cargará al método de pago que nos dio." : " Por favor, pague antes de esa fecha para mantener su plan."))
        }
    }
}

/// What one autopay run did.
public struct AutopayReport: Sendable, Equatable {
    public var charged = 0
    public var declined = 0
    /// ACH debits recorded for the next NACHA file.
    public var queued = 0
    public var completed = 0
    public var broken = 0
    /// Reminders queued for installments coming up.
    public var reminded = 0
    /// Plans the run could not charge (no processor configured, the account gone), with why; the others still ran.
    public var errors: [(plan: UUID, reason: String)] = []
    public init() {}

    public static func == (lhs: AutopayReport, rhs: AutopayReport) -> Bool {
        (lhs.charged, lhs.declined, lhs.queued, lhs.completed, lhs.broken, lhs.reminded)
            == (rhs.charged, rhs.declined, rhs.queued, rhs.completed, rhs.broken, rhs.reminded)
            && lhs.errors.map(\.plan) == rhs.errors.map(\.plan)
    }
}

/// Payment plans: quotes inside the client's rules, plans with autopay, re-arranging (the old plan is kept as
/// replaced), and the daily run that charges what fell due and marks plans completed or broken.
public struct PlanService: Sendable {
    let plans: any PlanRepository
    let payments: PaymentService
    let clock: any Clock
    /// Where reminders of coming installments go; nil: none are sent.
    public var reminders: InstallmentReminders?
    /// Installments fall due, and are paid, on the consumer's days; UTC days without it.
    public var consumerDays: ConsumerDays?

    public init(plans: any PlanRepository, payments: PaymentService, clock: any Clock, reminders: InstallmentReminders? = nil) {
        self.plans = plans
        self.payments = payments
        self.clock = clock
        self.reminders = reminders
    }

    /// The schedule the proposal would have, checked against the client's rules and the balance; nothing is stored.
    public func quote(account: AccountID, _ proposal: PlanProposal, scope: AccessScope) async throws -> (PlanRecord, [Installment]) {
        let view = try await payments.ledger(account: account, scope: scope)
        let terms = try await payments.payments.terms(client: view.account.clientID, tenantID: scope.tenantID)
        let balance = view.ledger.balance.total
        let amount = proposal.amount ?? balance
        var problems: [FieldProblem] = []
        if amount <= 0 || amount > balance {
            problems.append(FieldProblem(field: "amount_minor", reason: "must be between 0.01 and the balance of \(view.ledger.balanceMoney.decimalString)"))
        }
        let today = try await consumerDays.day(account: view.account.id, scope: scope)(clock.now())
        if proposal.firstDate < today { problems.append(FieldProblem(field: "first_date", reason: "is before today (\(today.iso), the consumer's day)")) }
        if let methodID = proposal.methodID {
            let method = try await payments.payments.method(methodID, tenantID: scope.tenantID)
            if method?.accountID != view.account.id { problems.append(FieldProblem(field: "method_id", reason: "no such payment method on this account")) }
        }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        let schedule: [Installment]
        do {
            schedule = try PaymentPlan.schedule(
                amount: amount, downPayment: proposal.downPayment, installments: proposal.installments, frequency: proposal.frequency,
                firstDate: proposal.firstDate, rules: terms.plans)
        } catch {
            let field = switch error {
            case .downPaymentTooSmall, .downPaymentTooLarge: "down_payment_minor"
            case .noInstallments, .installmentTooSmall, .tooLong: "installments"
            }
            throw RecoupError.invalid([FieldProblem(field: field, reason: error.description)])
        }
        let now = clock.now()
        let plan = PlanRecord(
            tenantID: scope.tenantID, accountID: view.account.id, clientID: view.account.clientID,
            amount: Money(minorUnits: amount, currency: view.ledger.currency), downPayment: proposal.downPayment,
            installmentCount: proposal.installments, frequency: proposal.frequency, firstDate: proposal.firstDate,
            methodID: proposal.methodID, createdBy: "", createdAt: now, updatedAt: now)
        return (plan, schedule)
    }

    /// Agrees a plan inside the client's rules; an active plan on the account is re-arranged (kept, marked replaced).
    public func create(account: AccountID, _ proposal: PlanProposal, scope: AccessScope, actor: String) async throws -> PlanRecord {
        var (plan, _) = try await quote(account: account, proposal, scope: scope)
        plan.createdBy = actor
        return try await agree(plan, actor: actor)
    }

    /// Stores an agreed plan (checked by whoever agreed it: the client's plan rules, or a settlement's), re-arranging
    /// the account's active plan, with the audit events of both.
    func agree(_ plan: PlanRecord, actor: String, details: [String: String] = [:]) async throws -> PlanRecord {
        var plan = plan
        let previous = try await plans.plans(account: plan.accountID, tenantID: plan.tenantID).first { $0.status == .active }
        plan.replaces = previous?.id
        var audit = [AuditEntry(
            actor: actor, action: "plan.created", subjectType: "account", subjectID: plan.accountID.description,
            details: details.merging(
                ["plan_id": plan.id.lowercasedString, "amount": plan.amount.decimalString, "installments": "\(plan.installmentCount)",
                 "frequency": plan.frequency.rawValue, "first_date": plan.firstDate.iso, "last_date": plan.schedule.last?.dueOn.iso ?? "",
                 "autopay": plan.methodID == nil ? "no" : "yes"]) { $1 })]
        if let previous {
            audit.append(AuditEntry(actor: actor, action: "plan.replaced", subjectType: "account", subjectID: plan.accountID.description,
                                    details: ["plan_id": previous.id.lowercasedString, "by": plan.id.lowercasedString]))
        }
        try await plans.createPlan(plan, audit: audit)
        return plan
    }

    public func cancel(_ id: UUID, reason: String, scope: AccessScope, actor: String) async throws -> PlanRecord {
        let plan = try await plan(id, scope: scope)
        guard try await plans.setPlanStatus(
            id, tenantID: scope.tenantID, to: .cancelled, from: [.active],
            audit: AuditEntry(actor: actor, action: "plan.cancelled", subjectType: "account", subjectID: plan.accountID.description,
                              details: ["plan_id": id.lowercasedString, "reason": reason]),
            at: clock.now())
        else { throw RecoupError.conflict("the plan is \(plan.status.rawValue), not active") }
        return try await self.plan(id, scope: scope)
    }

    public func plan(_ id: UUID, scope: AccessScope) async throws -> PlanRecord {
        guard let plan = try await plans.plan(id, tenantID: scope.tenantID), scope.clientID == nil || scope.clientID == plan.clientID else {
            throw RecoupError.notFound("plan \(id.lowercasedString)")
        }
        return plan
    }

    /// The account's plans, newest first, each with where it stands today.
    public func plans(account: AccountID, scope: AccessScope) async throws -> [(PlanRecord, PlanProgress)] {
        let account = try await payments.accounts.account(account, scope: scope)
        let terms = try await payments.payments.terms(client: account.clientID, tenantID: scope.tenantID)
        let made = try await payments.paymentsNetOfRefunds(account: account.id, tenantID: scope.tenantID)
        let day = try await consumerDays.day(account: account.id, scope: scope)
        let today = day(clock.now())
        return try await plans.plans(account: account.id, tenantID: scope.tenantID).map {
            ($0, PlanProgress.of($0, payments: made, on: today, terms: terms, day: day))
        }
    }

    /// The daily autopay run for a tenant on `date`, or without one on each consumer's today (a run at 7:30 p.m. in
    /// Austin, already tomorrow in UTC, neither charges tomorrow's installment nor breaks a plan a day early): each
    /// active plan is marked completed or broken when it is, otherwise what has fallen due is charged to its method
    /// (once per plan per day: the attempt's idempotency key names both, so two runs at once charge once), and the
    /// plan is looked at again.
    public func runAutopay(tenantID: TenantID, on date: LocalDate? = nil, actor: String) async throws -> AutopayReport {
        var report = AutopayReport()
        for plan in try await plans.activePlans(tenantID: tenantID) {
            do {
                try await autopay(plan, on: date, actor: actor, report: &report)
            } catch {
                report.errors.append((plan.id, "\(error)"))
            }
        }
        return report
    }

    /// One plan's turn in the run.
    func autopay(_ plan: PlanRecord, on date: LocalDate?, actor: String, report: inout AutopayReport) async throws {
        let tenantID = plan.tenantID
        let scope = AccessScope(tenantID: tenantID)
        let day = try await consumerDays.day(account: plan.accountID, scope: scope)
        let date = date ?? day(clock.now())
        if try await review(plan, on: date, actor: actor, day: day, report: &report) != .active { return }
        if try await remind(plan, on: date, actor: actor, day: day) { report.reminded += 1 }
        guard let methodID = plan.methodID else { return }
        let made = try await payments.paymentsNetOfRefunds(account: plan.accountID, tenantID: tenantID)
        let terms = try await payments.payments.terms(client: plan.clientID, tenantID: tenantID)
        let progress = PlanProgress.of(plan, payments: made, on: date, terms: terms, day: day)
        // An ACH debit still waiting for its file (or for the bank) is not charged again.
        let inFlight = made.contains { $0.planID == plan.id && ($0.status == .pending || ($0.status == .processing && $0.entryID == nil)) }
        guard progress.arrears > 0, !inFlight else { return }
        let balance = try await payments.ledger(account: plan.accountID, scope: scope).ledger.balance.total
        guard balance > 0 else { return }
        // The oldest installment the arrears cover: the first not yet kept.
        let installment = plan.schedule.dropFirst(progress.standing.kept).first?.number
        let (payment, _) = try await payments.pay(
            account: plan.accountID, method: methodID, amount: Money(minorUnits: min(progress.arrears, balance), currency: plan.amount.currency),
            idempotencyKey: "autopay:\(plan.id.lowercasedString):\(date.iso)", plan: (plan.id, installment), scope: scope,
            actor: actor)
        switch payment.status {
        case .succeeded: report.charged += 1
        case .failed: report.declined += 1
        case .pending where payment.rail == .ach: report.queued += 1
        default: break
        }
        _ = try await review(plan, on: date, actor: actor, day: day, report: &report)
    }

    /// Queues a reminder of the plan's next installment when it falls due within the reminder days: by email, else by
    /// text, due at once or at the consumer's next lawful hour; once per installment (the key names it), whichever day
    /// the run first sees it. False when nothing was queued (no reminders configured, nothing coming, already queued,
    /// or Recoup may neither email nor text the consumer).
    func remind(_ plan: PlanRecord, on date: LocalDate, actor: String, day: (Date) -> LocalDate) async throws -> Bool {
        guard let reminders else { return false }
        let made = try await payments.paymentsNetOfRefunds(account: plan.accountID, tenantID: plan.tenantID)
        let terms = try await payments.payments.terms(client: plan.clientID, tenantID: plan.tenantID)
        guard let next = PlanProgress.of(plan, payments: made, on: date, terms: terms, day: day).standing.nextDue,
              next.dueOn > date, date.days(until: next.dueOn) <= reminders.daysBefore
        else { return false }
        let scope = AccessScope(tenantID: plan.tenantID)
        let agency = try await reminders.agencyName(plan.tenantID)
        let (consumer, zone) = try await reminders.messages.primaryConsumer(account: plan.accountID, scope: scope, collectorName: agency)
        let (subject, text) = InstallmentReminders.message(
            next, currency: plan.amount.currency, autopay: plan.methodID != nil, language: NoticeLanguage(rawValue: consumer.language) ?? .english)
        // Composed now, due at the first lawful instant when that is before the installment's day begins for the
        // consumer (a run at night); a reminder that could only go later would be moot and is not queued.
        let dayBegins = zone.instant(day: next.dueOn, secondOfDay: 0).date
        guard let message = try await reminders.messages.composeByEmailOrText(
            account: plan.accountID, subject: subject, text: text, scope: scope, collectorName: agency, deferringUntil: dayBegins)
        else { return false }
        // One key whichever medium it took: a reminder texted today is not emailed tomorrow.
        let key = "plan-reminder:\(plan.id.lowercasedString):\(next.number)"
        return try await reminders.messages.queue(message, idempotencyKey: key, actor: actor).created
    }

    /// Marks `plan` completed or broken when its payments say so; answers its status afterwards.
    public func review(_ plan: PlanRecord, on date: LocalDate, actor: String) async throws -> PlanStatus {
        var report = AutopayReport()
        let day = try await consumerDays.day(account: plan.accountID, scope: AccessScope(tenantID: plan.tenantID))
        return try await review(plan, on: date, actor: actor, day: day, report: &report)
    }

    func review(_ plan: PlanRecord, on date: LocalDate, actor: String, day: (Date) -> LocalDate, report: inout AutopayReport) async throws
        -> PlanStatus
    {
        guard plan.status == .active else { return plan.status }
        let made = try await payments.paymentsNetOfRefunds(account: plan.accountID, tenantID: plan.tenantID)
        let terms = try await payments.payments.terms(client: plan.clientID, tenantID: plan.tenantID)
        let progress = PlanProgress.of(plan, payments: made, on: date, terms: terms, day: day)
        let next: PlanStatus? = progress.complete ? .completed : progress.standing.broken ? .broken : nil
        guard let next else { return .active }
        let moved = try await plans.setPlanStatus(
            plan.id, tenantID: plan.tenantID, to: next, from: [.active],
            audit: AuditEntry(actor: actor, action: "plan.\(next.rawValue)", subjectType: "account", subjectID: plan.accountID.description,
                              details: ["plan_id": plan.id.lowercasedString, "paid": "\(progress.paid)",
                                        "missed": "\(progress.standing.missed)", "failures": "\(progress.failures)"]),
            at: clock.now())
        if moved { if next == .completed { report.completed += 1 } else { report.broken += 1 } }
        return next
    }
}

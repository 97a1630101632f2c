import RecoupCore

/// How often a plan's installments fall due.
public enum InstallmentFrequency: String, CaseIterable, Sendable, Codable {
    case weekly, biweekly
    /// Twice a month, fifteen days apart: the 5th and the 20th for a plan that starts on the 5th.
    case semiMonthly = "semi_monthly"
    /// The same day each month (the last day in a shorter month, back to the same day after it).
    case monthly
}

/// What a client allows in a payment plan.
public struct PlanRules: Hashable, Sendable {
    /// The last installment falls within this many months of the first date.
    public var maxMonths: Int
    /// No installment below this (the last, which takes the remainder, included).
    public var minimumInstallment: Int64
    /// A down payment of at least this share of the plan amount, in basis points (0: none required).
    public var minimumDownPaymentBasisPoints: Int64

    public init(maxMonths: Int, minimumInstallment: Int64, minimumDownPaymentBasisPoints: Int64 = 0) {
        self.maxMonths = maxMonths
        self.minimumInstallment = minimumInstallment
        self.minimumDownPaymentBasisPoints = minimumDownPaymentBasisPoints
    }
}

/// One scheduled payment; number 0 is the down payment.
public struct Installment: Hashable, Sendable {
    public var number: Int
    public var dueOn: LocalDate
    public var amount: Int64

    public init(number: Int, dueOn: LocalDate, amount: Int64) {
        self.number = number
        self.dueOn = dueOn
        self.amount = amount
    }
}

/// Why a plan is outside what the client allows, in words an agent can act on.
public enum PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    case noInstallments
    case downPaymentTooSmall(minimum: Int64)
    case downPaymentTooLarge
    case installmentTooSmall(Int64, minimum: Int64)
    case tooLong(lastDue: LocalDate, latest: LocalDate)

    public var description: String {
        switch self {
        case .noInstallments: "a plan has at least one installment"
        case let .downPaymentTooSmall(minimum): "the client requires a down payment of at least \(minimum) minor units"
        case .downPaymentTooLarge: "the down payment is the whole amount: take it as a payment, not a plan"
        case let .installmentTooSmall(amount, minimum): "installments of \(amount) minor units are below the client's minimum of \(minimum)"
        case let .tooLong(lastDue, latest): "the last installment would fall on \(lastDue.iso); the client allows plans until \(latest.iso)"
        }
    }
}

/// Payment-plan schedules. The amount after the down payment is split into equal installments rounded down to the
/// minor unit; the cents left over go on the last installment, so the schedule sums exactly to the plan amount.
public enum PaymentPlan {
    /// The schedule of a plan for `amount`, checked against the client's rules: the down payment (if any) due on
    /// `firstDate`, then `installments` installments at `frequency`, the first on `firstDate` when there is no down
    /// payment, else one period later.
    public static func schedule(
        amount: Int64, downPayment: Int64, installments: Int, frequency: InstallmentFrequency, firstDate: LocalDate, rules: PlanRules
    ) throws(PlanError) -> [Installment] {
        guard installments >= 1 else { throw .noInstallments }
        let requiredDown = (amount * rules.minimumDownPaymentBasisPoints + 9_999) / 10_000
        guard downPayment >= requiredDown else { throw .downPaymentTooSmall(minimum: requiredDown) }
        guard downPayment < amount else { throw .downPaymentTooLarge }
        let each = (amount - downPayment) / Int64(installments)
        guard each >= rules.minimumInstallment else { throw .installmentTooSmall(each, minimum: rules.minimumInstallment) }
        let schedule = self.installments(amount: amount, downPayment: downPayment, count: installments, frequency: frequency, firstDate: firstDate)
        let latest = addingMonths(rules.maxMonths, to: firstDate)
        if let lastDue = schedule.last?.dueOn, lastDue > latest { throw .tooLong(lastDue: lastDue, latest: latest) }
        return schedule
    }

    /// The installments of an agreed plan, re-derived from its terms (the client's rules checked it when it was made
    /// and may have changed since). `count` ≥ 1 and `downPayment` < `amount`, as ``schedule`` ensured.
    public static func installments(
        amount: Int64, downPayment: Int64, count: Int, frequency: InstallmentFrequency, firstDate: LocalDate
    ) -> [Installment] {
        let count = max(1, count)
        let financed = amount - downPayment
        let each = financed / Int64(count)
        let last = each + financed % Int64(count)
        var schedule: [Installment] = downPayment > 0 ? [Installment(number: 0, dueOn: firstDate, amount: downPayment)] : []
        var due = downPayment > 0 ? next(after: firstDate, frequency, anchor: firstDate) : firstDate
        for number in 1...count {
            schedule.append(Installment(number: number, dueOn: due, amount: number == count ? last : each))
            due = next(after: due, frequency, anchor: firstDate)
        }
        return schedule
    }

    /// What is due and unpaid on `date`: every installment due by then, less what was paid toward the plan.
    public static func arrears(on date: LocalDate, schedule: [Installment], paid: Int64) -> Int64 {
        max(0, schedule.filter { $0.dueOn <= date }.reduce(0) { $0 + $1.amount } - paid)
    }

    /// The due date after `date` in a plan anchored on `anchor` (whose day of month monthly plans keep).
    static func next(after date: LocalDate, _ frequency: InstallmentFrequency, anchor: LocalDate) -> LocalDate {
        switch frequency {
        case .weekly: return date.adding(days: 7)
        case .biweekly: return date.adding(days: 14)
        case .monthly:
            let months = (date.year - anchor.year) * 12 + date.month - anchor.month + 1
            return addingMonths(months, to: anchor)
        case .semiMonthly:
            // Two days a month, fifteen apart: the anchor's and the other one.
            let days = anchor.day <= 15 ? [anchor.day, anchor.day + 15] : [anchor.day - 15, anchor.day]
            let thisMonth = days.map { day(min($0, LocalDate.daysInMonth(year: date.year, month: date.month)), of: date) }
            if let later = thisMonth.first(where: { $0 > date }) { return later }
            let following = addingMonths(1, to: day(1, of: date))
            return day(min(days[0], LocalDate.daysInMonth(year: following.year, month: following.month)), of: following)
        }
    }

    /// The same day `months` later, the last day of a shorter month.
    public static func addingMonths(_ months: Int, to date: LocalDate) -> LocalDate {
        let index = date.year * 12 + (date.month - 1) + months
        let (year, month) = (index / 12, index % 12 + 1)
        return LocalDate(year: year, month: month, day: min(date.day, LocalDate.daysInMonth(year: year, month: month)))!
    }

    private static func day(_ day: Int, of date: LocalDate) -> LocalDate { LocalDate(year: date.year, month: date.month, day: day)! }
}

/// Where a plan stands on a day: which installments were kept, which missed after the grace period, and whether
/// the misses broke it (then the account returns to its workflow).
public struct PlanStanding: Hashable, Sendable {
    public var kept: Int
    public var missed: Int
    public var broken: Bool
    /// The first installment not yet covered, if any.
    public var nextDue: Installment?

    /// Payments are applied to installments in order (an early or partial payment counts toward the next one); an
    /// installment not covered `graceDays` after it fell due is missed; `missesToBreak` misses break the plan.
    public static func on(
        _ date: LocalDate, schedule: [Installment], payments: [(on: LocalDate, amount: Int64)], graceDays: Int, missesToBreak: Int
    ) -> PlanStanding {
        var standing = PlanStanding(kept: 0, missed: 0, broken: false, nextDue: nil)
        var owedSoFar: Int64 = 0
        for installment in schedule {
            owedSoFar += installment.amount
            let deadline = installment.dueOn.adding(days: graceDays)
            let paidByDeadline = payments.filter { $0.on <= min(deadline, date) }.reduce(0) { $0 + $1.amount }
            if paidByDeadline >= owedSoFar {
                standing.kept += 1
            } else if date > deadline {
                standing.missed += 1
            } else if standing.nextDue == nil {
                standing.nextDue = installment
            }
        }
        standing.broken = standing.missed >= max(1, missesToBreak)
        return standing
    }
}

import Ledger
import RecoupCore
import Testing

/// Plan schedules within client rules, where a plan stands after missed installments, and settlement offers.
struct PlanTests {
    let rules = PlanRules(maxMonths: 12, minimumInstallment: 2_500, minimumDownPaymentBasisPoints: 1_000)
    func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    @Test func aTwelveMonthPlanSumsExactlyWithTheRemainderOnTheLastInstallment() throws {
        let schedule = try PaymentPlan.schedule(
            amount: 123_457, downPayment: 12_346, installments: 12, frequency: .monthly, firstDate: date("2026-01-31"), rules: rules)
        #expect(schedule.count == 13 && schedule.reduce(0) { $0 + $1.amount } == 123_457)
        #expect(schedule[0] == Installment(number: 0, dueOn: date("2026-01-31"), amount: 12_346))
        #expect(schedule[1...11].allSatisfy { $0.amount == 9_259 } && schedule[12].amount == 9_262, "111,111 = 12 × 9,259 + 3")
        // The 31st, the last day of shorter months, and back to the 31st.
        #expect(schedule[1...4].map(\.dueOn.iso) == ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"])
        #expect(schedule[12].dueOn.iso == "2027-01-31")
    }

    @Test(arguments: [
        (InstallmentFrequency.weekly, ["2026-03-05", "2026-03-12", "2026-03-19", "2026-03-26"]),
        (.biweekly, ["2026-03-05", "2026-03-19", "2026-04-02", "2026-04-16"]),
        (.semiMonthly, ["2026-03-05", "2026-03-20", "2026-04-05", "2026-04-20"]),
        (.monthly, ["2026-03-05", "2026-04-05", "2026-05-05", "2026-06-05"]),
    ])
    func eachFrequencyFallsOnItsDays(_ frequency: InstallmentFrequency, _ expected: [String]) throws {
        // Without a down payment the first installment is on the first date.
        let fromFifth = try PaymentPlan.schedule(
            amount: 40_000, downPayment: 0, installments: 4, frequency: frequency, firstDate: date("2026-03-05"),
            rules: PlanRules(maxMonths: 12, minimumInstallment: 100))
        #expect(fromFifth.map(\.dueOn.iso) == expected)
    }

    @Test func semiMonthlyFromTheTwentiethAndTheEndOfTheMonth() throws {
        let fromTwentieth = try PaymentPlan.schedule(
            amount: 40_000, downPayment: 0, installments: 4, frequency: .semiMonthly, firstDate: date("2026-01-20"),
            rules: PlanRules(maxMonths: 12, minimumInstallment: 100))
        #expect(fromTwentieth.map(\.dueOn.iso) == ["2026-01-20", "2026-02-05", "2026-02-20", "2026-03-05"])
        let fromLastDay = try PaymentPlan.schedule(
            amount: 40_000, downPayment: 0, installments: 4, frequency: .semiMonthly, firstDate: date("2026-01-31"),
            rules: PlanRules(maxMonths: 12, minimumInstallment: 100))
        #expect(fromLastDay.map(\.dueOn.iso) == ["2026-01-31", "2026-02-16", "2026-02-28", "2026-03-16"])
    }

    @Test func plansOutsideTheClientsRulesAreRefusedWithTheRule() {
        #expect(throws: PlanError.downPaymentTooSmall(minimum: 10_000)) {
            try PaymentPlan.schedule(amount: 100_000, downPayment: 9_999, installments: 6, frequency: .monthly, firstDate: date("2026-01-01"), rules: rules)
        }
        #expect(throws: PlanError.installmentTooSmall(2_250, minimum: 2_500)) {
            try PaymentPlan.schedule(amount: 100_000, downPayment: 10_000, installments: 40, frequency: .weekly, firstDate: date("2026-01-01"), rules: rules)
        }
        #expect(throws: PlanError.tooLong(lastDue: date("2027-02-01"), latest: date("2027-01-01"))) {
            try PaymentPlan.schedule(amount: 200_000, downPayment: 20_000, installments: 13, frequency: .monthly, firstDate: date("2026-01-01"), rules: rules)
        }
        #expect(throws: PlanError.noInstallments) {
            try PaymentPlan.schedule(amount: 100_000, downPayment: 10_000, installments: 0, frequency: .monthly, firstDate: date("2026-01-01"), rules: rules)
        }
    }

    @Test func missedInstallmentsBreakThePlanAfterTheGraceAndTheConfiguredCount() throws {
        let schedule = try PaymentPlan.schedule(
            amount: 60_000, downPayment: 0, installments: 6, frequency: .monthly, firstDate: date("2026-01-10"),
            rules: PlanRules(maxMonths: 12, minimumInstallment: 100))
        let paid: [(on: LocalDate, amount: Int64)] = [(date("2026-01-10"), 10_000), (date("2026-02-14"), 10_000)]
        // February's was paid four days late: inside a five-day grace.
        var standing = PlanStanding.on(date("2026-03-10"), schedule: schedule, payments: paid, graceDays: 5, missesToBreak: 2)
        #expect(standing.kept == 2 && standing.missed == 0 && !standing.broken && standing.nextDue?.number == 3)
        standing = PlanStanding.on(date("2026-03-16"), schedule: schedule, payments: paid, graceDays: 5, missesToBreak: 2)
        #expect(standing.missed == 1 && !standing.broken, "March's missed after the grace; one miss is tolerated")
        standing = PlanStanding.on(date("2026-04-16"), schedule: schedule, payments: paid, graceDays: 5, missesToBreak: 2)
        #expect(standing.missed == 2 && standing.broken)
        // A double payment in March covers March and April.
        let caughtUp = paid + [(date("2026-03-12"), 20_000)]
        standing = PlanStanding.on(date("2026-04-16"), schedule: schedule, payments: caughtUp, graceDays: 5, missesToBreak: 2)
        #expect(standing.kept == 4 && standing.missed == 0)
    }

    @Test func settlementOffersInsideTheClientsAuthorityNeedNoApproval() {
        let rules = SettlementRules(minimumBasisPoints: 6_000, maxInstallments: 3, maxValidDays: 30)
        let today = date("2026-05-01")
        let sixty = Settlements.offer(.percent(basisPoints: 6_000), balance: 100_001, installments: 1, expiresOn: date("2026-05-31"), today: today, rules: rules)
        #expect(sixty.amount == 60_001 && !sixty.needsApproval && sixty.writeDown == 40_000, "rounded up, never below the share")
        let low = Settlements.offer(.amount(50_000), balance: 100_000, installments: 4, expiresOn: date("2026-07-01"), today: today, rules: rules)
        #expect(low.needsApproval && low.approvalReasons.count == 3, "\(low.approvalReasons)")
    }
}

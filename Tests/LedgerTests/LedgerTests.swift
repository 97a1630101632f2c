import Foundation
import Ledger
import RecoupCore
import Testing

/// A deterministic generator (SplitMix64), so every property run is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
let itemized = LocalDate(year: 2025, month: 6, day: 30)!

func placed(_ balance: Int64, interest: Int64 = 0, fees: Int64 = 0, payments: Int64 = 0, credits: Int64 = 0) -> Itemization {
    Itemization(
        itemizationDate: itemized, itemizationDateType: .chargeOff, balanceAtItemization: usd(balance), interestSinceItemization: usd(interest),
        feesSinceItemization: usd(fees), paymentsSinceItemization: usd(payments), creditsSinceItemization: usd(credits),
        currentBalance: usd(balance + interest + fees - payments - credits))
}

struct LedgerTests {
    @Test func theOpeningEntriesAreThePlacedAmountsAndTheItemizationIsDerivedFromThem() throws {
        let ledger = try AccountLedger.opening(placed(100_000, interest: 2_500, fees: 3_500, payments: 5_000, credits: 1_000), policy: .feesInterestPrincipal)
        #expect(ledger.entries.map(\.kind) == [.openingBalance, .openingInterest, .openingFees, .openingPayments, .openingCredits])
        // Payments before placement took the fees, then the interest; the credit took the rest of the interest.
        #expect(ledger.balance == BucketAmounts(principal: 100_000, interest: 0, fees: 0))
        let figures = ledger.itemization
        #expect(figures.atItemization == 100_000 && figures.interest == 2_500 && figures.fees == 3_500)
        #expect(figures.payments == 5_000 && figures.credits == 1_000 && figures.current == 100_000)
        #expect(throws: LedgerError.overpayment(owed: 100, paid: 200)) { try AccountLedger.opening(placed(100, payments: 200), policy: .principalFirst) }
    }

    @Test func aPaymentFollowsTheClientsOrderAndNeverTakesABucketBelowZero() throws {
        let ledger = try AccountLedger.opening(placed(10_000, interest: 1_000, fees: 500), policy: .feesInterestPrincipal)
        let feesFirst = try ledger.payment(usd(1_200), on: itemized.adding(days: 10), policy: .feesInterestPrincipal)
        #expect(feesFirst.amounts == BucketAmounts(principal: 0, interest: -700, fees: -500))
        let principalFirst = try ledger.payment(usd(1_200), on: itemized.adding(days: 10), policy: .principalFirst)
        #expect(principalFirst.amounts == BucketAmounts(principal: -1_200))
        #expect(throws: LedgerError.overpayment(owed: 11_500, paid: 11_501)) {
            try ledger.payment(usd(11_501), on: itemized.adding(days: 1), policy: .principalFirst)
        }
        #expect(throws: LedgerError.notPositive(0)) { try ledger.payment(usd(0), on: itemized, policy: .principalFirst) }
        #expect(throws: LedgerError.currencyMismatch(expected: .usd, got: Currency(code: "EUR")!)) {
            try ledger.payment(Money(minorUnits: 100, currency: Currency(code: "EUR")!), on: itemized, policy: .principalFirst)
        }
        #expect(throws: LedgerError.negativeBucket(.fees)) {
            try ledger.appending(LedgerEntry(postedOn: itemized, kind: .adjustment, amounts: BucketAmounts(fees: -501)))
        }
    }

    @Test func aReversalUndoesItsPaymentOnceAndTheItemizationNetsIt() throws {
        var ledger = try AccountLedger.opening(placed(10_000, interest: 1_000, fees: 500), policy: .feesInterestPrincipal)
        let before = ledger.balance
        let payment = try ledger.payment(usd(2_000), on: itemized.adding(days: 5), policy: .feesInterestPrincipal)
        ledger = try ledger.appending(payment)
        #expect(ledger.itemization.payments == 2_000)
        let returned = try ledger.reversal(of: payment.id, on: itemized.adding(days: 9), reason: "R01 insufficient funds")
        ledger = try ledger.appending(returned)
        #expect(ledger.balance == before && ledger.itemization.payments == 0 && ledger.itemization.current == before.total)
        #expect(throws: LedgerError.alreadyReversed(payment.id)) { try ledger.reversal(of: payment.id, on: itemized.adding(days: 9), reason: "again") }
        #expect(throws: LedgerError.alreadyReversed(payment.id)) { try ledger.appending(returned) }
        #expect(throws: LedgerError.notReversible(.openingBalance)) {
            try ledger.reversal(of: ledger.entries[0].id, on: itemized.adding(days: 9), reason: "no")
        }
    }

    @Test func partialReversalsGiveBackWhatWasPaidLastFirstAndNeverMoreThanThePayment() throws {
        var ledger = try AccountLedger.opening(placed(10_000, interest: 1_000, fees: 500), policy: .feesInterestPrincipal)
        let before = ledger.balance
        // 2,000 pays the 500 fees, the 1,000 interest, then 500 principal.
        let payment = try ledger.payment(usd(2_000), on: itemized.adding(days: 5), policy: .feesInterestPrincipal)
        ledger = try ledger.appending(payment)
        let lastFirst = AllocationPolicy.feesInterestPrincipal.order.reversed() as [Bucket]
        let first = try ledger.partialReversal(of: payment.id, amount: 700, order: lastFirst, on: itemized.adding(days: 6), reason: "goodwill")
        #expect(first.amounts == BucketAmounts(principal: 500, interest: 200) && first.reverses == payment.id)
        ledger = try ledger.appending(first)
        #expect(ledger.itemization.payments == 1_300, "the itemization nets the refund against the payment")
        #expect(throws: LedgerError.reversalExceedsEntry(payment.id, left: 1_300, asked: 1_301)) {
            try ledger.partialReversal(of: payment.id, amount: 1_301, order: lastFirst, on: itemized.adding(days: 7), reason: "too much")
        }
        #expect(throws: LedgerError.reversalExceedsEntry(payment.id, left: 1_300, asked: 2_000)) { 
            try ledger.appending(LedgerEntry(postedOn: itemized.adding(days: 7), kind: .reversal, amounts: -payment.amounts, reverses: payment.id))
        }
        // What is left reverses in full: the ledger is back where it was, and nothing more can be given back.
        let rest = try ledger.reversal(of: payment.id, on: itemized.adding(days: 8), reason: "chargeback")
        #expect(rest.amounts == BucketAmounts(interest: 800, fees: 500))
        ledger = try ledger.appending(rest)
        #expect(ledger.balance == before && ledger.itemization.payments == 0)
        #expect(throws: LedgerError.alreadyReversed(payment.id)) {
            try ledger.partialReversal(of: payment.id, amount: 1, order: lastFirst, on: itemized.adding(days: 9), reason: "again")
        }
    }

    @Test func aSettlementWritesDownWhatIsLeftToZero() throws {
        var ledger = try AccountLedger.opening(placed(10_000, interest: 1_000, fees: 500), policy: .feesInterestPrincipal)
        ledger = try ledger.appending(ledger.payment(usd(6_900), on: itemized.adding(days: 30), policy: .feesInterestPrincipal))
        let writeDown = try ledger.settlementWriteDown(on: itemized.adding(days: 30))
        #expect(writeDown.amounts == BucketAmounts(principal: -4_600))
        ledger = try ledger.appending(writeDown)
        #expect(ledger.balance == .zero && ledger.itemization.credits == 4_600 && ledger.itemization.payments == 6_900)
    }

    @Test func simpleDailyInterestFollowsThePrincipalWithTheDayCountAndRoundsOnceHalfUp() throws {
        var ledger = try AccountLedger.opening(placed(100_000), policy: .principalFirst)
        let terms = InterestTerms(annualRateBasisPoints: 1_825, dayCount: .actual365)
        // 30 days on $1,000.00 at 18.25 %: 100,000 × 0.1825 × 30 / 365 = 1,500 cents exactly.
        let first = try #require(ledger.interestAccrual(through: itemized.adding(days: 30), terms: terms))
        #expect(first.amounts == BucketAmounts(interest: 1_500) && first.kind == .interestAccrual)
        ledger = try ledger.appending(first)
        // A $500 payment on day 40 (principal first) halves the principal for the last 20 of the next 30 days:
        // (100,000 × 10 + 50,000 × 20) × 0.1825 / 365 = 1,000 cents.
        ledger = try ledger.appending(ledger.payment(usd(50_000), on: itemized.adding(days: 40), policy: .principalFirst))
        let second = try #require(ledger.interestAccrual(through: itemized.adding(days: 60), terms: terms))
        #expect(second.amounts.interest == 1_000)
        // Actual/360 charges more for the same days; nothing is due for a day already accrued.
        let per360 = try #require(ledger.interestAccrual(through: itemized.adding(days: 60), terms: InterestTerms(annualRateBasisPoints: 1_825, dayCount: .actual360)))
        #expect(per360.amounts.interest == 1_014)  // 2,000,000 × 0.1825 / 360 = 1,013.89 → 1,014
        #expect(try ledger.appending(second).interestAccrual(through: itemized.adding(days: 60), terms: terms) == nil)
        #expect(ledger.interestAccrual(through: itemized.adding(days: 60), terms: InterestTerms(annualRateBasisPoints: 0, dayCount: .actual365)) == nil)
        // Rounded once, half up: at 1 bp for 1 day, $18,250.00 earns exactly half a cent (→ 1), a cent less earns
        // nothing; $10,000,000.00 earns 273.97 cents (→ 274).
        let oneDay = InterestTerms(annualRateBasisPoints: 1, dayCount: .actual365)
        #expect(try AccountLedger.opening(placed(1_825_000), policy: .principalFirst).interestAccrual(through: itemized.adding(days: 1), terms: oneDay)?
            .amounts.interest == 1)
        #expect(try AccountLedger.opening(placed(1_824_999), policy: .principalFirst).interestAccrual(through: itemized.adding(days: 1), terms: oneDay) == nil)
        #expect(try AccountLedger.opening(placed(1_000_000_000), policy: .principalFirst).interestAccrual(through: itemized.adding(days: 1), terms: oneDay)?
            .amounts.interest == 274)
    }

    @Test func aPaymentAcrossDebtsFollowsTheConsumerAndNeverTouchesADisputedDebt() throws {
        let (a, b, c) = (AccountID(), AccountID(), AccountID())
        let debts = [DebtPosition(accountID: a, balance: 3_000, disputed: false), DebtPosition(accountID: b, balance: 5_000, disputed: true),
                     DebtPosition(accountID: c, balance: 4_000, disputed: false)]
        let (parts, unapplied) = try PaymentSplit.split(8_000, across: debts)
        #expect(parts.map(\.0) == [a, c] && parts.map(\.1) == [3_000, 4_000] && unapplied == 1_000, "the disputed debt is skipped; the excess is left unapplied")
        let instructed = try PaymentSplit.split(2_500, across: debts, instruction: [(c, 2_000), (a, 500)])
        #expect(instructed.parts.map(\.0) == [c, a] && instructed.unapplied == 0)
        #expect(throws: SplitError.disputed(b)) { try PaymentSplit.split(1_000, across: debts, instruction: [(b, 1_000)]) }
        #expect(throws: SplitError.exceedsBalance(a, asked: 3_001, owed: 3_000)) { try PaymentSplit.split(3_001, across: debts, instruction: [(a, 3_001)]) }
        #expect(throws: SplitError.instructionTotal(asked: 500, paid: 600)) { try PaymentSplit.split(600, across: debts, instruction: [(a, 500)]) }
    }

    /// Random histories of payments, fees, interest, credits and reversals, 500 seeds.
    @Test(arguments: 0..<500)
    func propertiesHoldForAnyHistory(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let policy = Bool.random(using: &random) ? AllocationPolicy.feesInterestPrincipal : .principalFirst
        var ledger = try AccountLedger.opening(
            placed(Int64.random(in: 1_000...5_000_000, using: &random), interest: Int64.random(in: 0...50_000, using: &random),
                   fees: Int64.random(in: 0...20_000, using: &random)),
            policy: policy)
        var day = 1
        for _ in 0..<Int.random(in: 1...30, using: &random) {
            day += Int.random(in: 0...20, using: &random)
            let date = itemized.adding(days: day)
            let before = ledger.balance
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1:
                guard before.total > 0 else { continue }
                ledger = try ledger.appending(ledger.payment(usd(Int64.random(in: 1...before.total, using: &random)), on: date, policy: policy))
            case 2: ledger = try ledger.appending(LedgerEntry(postedOn: date, kind: .fee, amounts: BucketAmounts(fees: Int64.random(in: 1...5_000, using: &random))))
            case 3:
                if let accrual = ledger.interestAccrual(through: date, terms: InterestTerms(annualRateBasisPoints: 1_800, dayCount: .actual365)) {
                    ledger = try ledger.appending(accrual)
                }
            case 4:
                // Reverse a random unreversed payment: the balance moves back by exactly what it changed.
                let open = ledger.entries.filter { entry in entry.kind == .payment && !ledger.entries.contains { $0.reverses == entry.id } }
                guard let payment = open.randomElement(using: &random) else { continue }
                ledger = try ledger.appending(ledger.reversal(of: payment.id, on: date, reason: "R01"))
                #expect(ledger.balance == before + (-payment.amounts))
            default:
                guard before.principal > 0 else { continue }
                ledger = try ledger.appending(LedgerEntry(postedOn: date, kind: .credit, amounts: BucketAmounts(principal: -Int64.random(in: 1...before.principal, using: &random))))
            }
            // No bucket below zero; the entries sum to the balance; the itemization reconciles to the cent.
            #expect(ledger.balance.isNonNegative)
            #expect(ledger.entries.reduce(Int64(0)) { $0 + $1.amounts.total } == ledger.balance.total)
            let figures = ledger.itemization
            #expect(figures.atItemization + figures.interest + figures.fees - figures.payments - figures.credits == figures.current)
        }
        // The order entries were loaded in changes nothing: the same balance, the same allocation of a new payment.
        let shuffled = AccountLedger(currency: .usd, itemizationDate: itemized, entries: ledger.entries.shuffled(using: &random))
        #expect(shuffled.balance == ledger.balance)
        if ledger.balance.total > 0 {
            let amount = usd(Int64.random(in: 1...ledger.balance.total, using: &random))
            let date = itemized.adding(days: day + 1)
            #expect(try shuffled.payment(amount, on: date, policy: policy).amounts == ledger.payment(amount, on: date, policy: policy).amounts)
            #expect(shuffled.interestAccrual(through: date.adding(days: 30), terms: InterestTerms(annualRateBasisPoints: 1_800, dayCount: .actual360))?.amounts
                == ledger.interestAccrual(through: date.adding(days: 30), terms: InterestTerms(annualRateBasisPoints: 1_800, dayCount: .actual360))?.amounts)
        }
    }
}

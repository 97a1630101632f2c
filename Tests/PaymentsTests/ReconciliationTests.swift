import Foundation
import Payments
import RecoupApp
import RecoupCore
import Testing

/// The processor's settlement report against the posted card payments: what matches, what only the processor has,
/// what only Recoup has, and lines that cannot be read.
struct ReconciliationTests {
    static let tenant = TenantID()

    static func payment(_ reference: String, _ minor: Int64, _ status: PaymentStatus) -> Payment {
        Payment(tenantID: tenant, accountID: AccountID(), clientID: ClientID(), methodID: UUID(), rail: .card,
                amount: Money(minorUnits: minor, currency: .usd), status: status, processorRef: reference, createdBy: "t",
                createdAt: Date(timeIntervalSince1970: 1_790_000_000), updatedAt: Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test func everyLineAndEveryPaymentIsAccountedFor() {
        let csv = """
            id,amount,type,created
            pi_1,40.00,charge,2026-09-21
            pi_2,25.00,charge,2026-09-21
            pi_2,25.00,refund,2026-09-22
            pi_3,10.00,charge,2026-09-21
            pi_9,5.00,charge,2026-09-21
            pi_4,12.00,charge,2026-09-21
            pi_5,abc,charge,2026-09-21
            pi_6,1.00,payout,2026-09-21
            """
        let (lines, problems) = Reconciliation.parse(csv)
        #expect(problems.map(\.line) == [8, 9])
        // pi_2 was taken before the report's days: found by its charge id, not among the days' payments.
        let report = Reconciliation.reconcile(lines, byReference: [Self.payment("pi_2", 2_500, .refunded)], payments: [
            Self.payment("pi_1", 4_000, .succeeded), Self.payment("pi_3", 1_000, .failed),
            Self.payment("pi_4", 1_100, .succeeded), Self.payment("pi_7", 700, .succeeded), Self.payment("pi_8", 800, .pending),
        ])
        #expect(report.matched == 3 && report.matchedCollected == 6_500 && report.matchedReturned == 2_500)
        #expect(report.atProcessorOnly.map(\.line) == [5, 6, 7], "pi_3 declined in Recoup, pi_9 unknown, pi_4's amount differs")
        #expect(report.atProcessorOnly[2].reason.contains("1200 minor units at the processor, 1100 in Recoup"))
        #expect(report.inRecoupOnly.map(\.processorRef) == ["pi_4", "pi_7"], "posted but not (or not as posted) in the report")
        #expect(!report.isClean)
        #expect(Reconciliation.reconcile([], byReference: [], payments: []).isClean)
        #expect(Reconciliation.parse("reference,total\n").problems.first?.reason.contains("header") == true)
    }

    /// A processor's charge ids are mixed-case: the id is read as written (the payment of an earlier day is looked up
    /// by it), the header and the type in any case.
    @Test func chargeIDsKeepTheirCase() {
        let (lines, problems) = Reconciliation.parse("ID,Amount,TYPE\npi_3MtwBwLkdIwHu7ix28a3tqPa,25.00,Refund\n")
        #expect(problems.isEmpty && lines.map(\.reference) == ["pi_3MtwBwLkdIwHu7ix28a3tqPa"] && lines.first?.kind == .refund)
        let refunded = Self.payment("pi_3MtwBwLkdIwHu7ix28a3tqPa", 2_500, .refunded)
        #expect(Reconciliation.reconcile(lines, byReference: [refunded], payments: []).isClean)
    }

    @Test func theProcessorTakesTheAmountAndTheConvenienceFeeTogether() {
        var payment = Self.payment("pi_fee", 4_000, .succeeded)
        payment.convenienceFee = Money(minorUnits: 300, currency: .usd)
        let (lines, _) = Reconciliation.parse("id,amount,type\npi_fee,43.00,charge\n")
        #expect(Reconciliation.reconcile(lines, byReference: [], payments: [payment]).isClean)
        let (short, _) = Reconciliation.parse("id,amount,type\npi_fee,40.00,charge\n")
        #expect(Reconciliation.reconcile(short, byReference: [], payments: [payment]).atProcessorOnly.first?.reason
            == "pi_fee: 4000 minor units at the processor, 4300 in Recoup")
    }
}

import Foundation
import Ledger
import RecoupCore

/// The decisions that move a payment and the ledger, as values: what to post when money arrives, when a charge is
/// declined, when a posted payment is undone. ``PaymentRepository/transition(_:tenantID:at:decide:)`` runs them
/// against the account's entries under its lock; each answers nil when the payment has already moved past the
/// point the news is about, which is what makes a replayed webhook or a late API answer harmless.
public enum PaymentPosting {
    /// The account's ledger: its stored entries, or, before its first posting, the opening entries of its placed
    /// amounts (returned as `opening`, to be stored with that posting).
    public static func ledger(_ account: Account, terms: ClientTerms, stored: [PostedEntry]) throws -> (AccountLedger, opening: [PostedEntry]) {
        if !stored.isEmpty {
            let ledger = AccountLedger(
                currency: account.itemization.currentBalance.currency, itemizationDate: account.itemization.itemizationDate,
                entries: stored.map(\.entry))
            return (ledger, [])
        }
        let opening = try AccountLedger.opening(account.itemization, policy: terms.allocation)
        return (opening, opening.entries.map { PostedEntry(entry: $0) })
    }

    /// Money for `payment` arrived (a card charge succeeded, an ACH debit was filed): post it, allocated in the client's
    /// order and split at its contingency rate, unless it is already posted (a success after a decline posts: the
    /// processor holds the money).
    ///
    /// With an accepted `settlement`, the payment that completes it also posts the write-down of the rest, and the
    /// account is settled in full, in the same transaction.
    public static func received(
        _ payment: Payment, account: Account, terms: ClientTerms, stored: [PostedEntry], status: PaymentStatus, reference: String?,
        on date: LocalDate, settlement: SettlementRecord? = nil, actor: String
    ) throws -> PaymentTransition? {
        guard payment.entryID == nil, [.pending, .processing, .failed].contains(payment.status) else { return nil }
        let (ledger, opening) = try ledger(account, terms: terms, stored: stored)
        let postedOn = max(date, ledger.itemizationDate)
        let entry = try ledger.payment(payment.amount, on: postedOn, policy: terms.allocation, memo: payment.rail.rawValue)
        let split = RemittanceSplit.of(payment.amount.minorUnits, contingencyBasisPoints: terms.contingencyBasisPoints)
        let after = try ledger.appending(entry)
        var post = opening + [PostedEntry(entry: entry, paymentID: payment.id, split: split)]
        var audit: [AuditEntry] = []
        var accountStatus: AccountStatus? = after.balance.total == 0 && account.status == .active ? .paid : nil
        var completed: UUID?
        if let settlement, settlement.status == .accepted, after.balance.total > 0, settlement.remaining(atBalance: after.balance.total) <= 0 {
            let writeDown = try after.settlementWriteDown(on: postedOn)
            post.append(PostedEntry(entry: writeDown))
            accountStatus = .settled
            completed = settlement.id
            audit.append(AuditEntry(
                actor: actor, action: "settlement.completed", subjectType: "account", subjectID: account.id.description,
                details: ["settlement_id": settlement.id.lowercasedString, "written_down": "\(-writeDown.amounts.total)",
                          "entry_id": writeDown.id.lowercasedString]))
        }
        var transition = PaymentTransition(
            status: status, processorRef: reference ?? payment.processorRef, post: post, accountStatus: accountStatus,
            audit: [AuditEntry(
                actor: actor, action: "payment.posted", subjectType: "account", subjectID: account.id.description,
                details: ["payment_id": payment.id.lowercasedString, "entry_id": entry.id.lowercasedString,
                          "amount": payment.amount.decimalString, "convenience_fee": payment.convenienceFee.decimalString,
                          "currency": payment.amount.currency.code, "principal": "\(-entry.amounts.principal)", "interest": "\(-entry.amounts.interest)", "fees": "\(-entry.amounts.fees)",
                          "client_share": "\(split.clientShare)", "agency_fee": "\(split.agencyFee)"])] + audit)
        transition.completedSettlement = completed
        return transition
    }

    /// The charge was declined: nothing posts. Ignored once the payment has an outcome.
    public static func declined(_ payment: Payment, reason: String, reference: String?, actor: String) -> PaymentTransition? {
        guard payment.status == .pending || payment.status == .processing, payment.entryID == nil else { return nil }
        return PaymentTransition(
            status: .failed, processorRef: reference ?? payment.processorRef, failureReason: reason,
            audit: [AuditEntry(actor: actor, action: "payment.failed", subjectType: "account", subjectID: payment.accountID.description,
                               details: ["payment_id": payment.id.lowercasedString, "reason": reason])])
    }

    /// A posted payment was undone (`status`: returned, refunded or charged back): its entry is reversed exactly, the
    /// remittance split with it, and a paid-off account is active again. When the payment had completed `settled`
    /// (the settlement it completed), the write-down is reversed too and the settlement is open again: what it forgave
    /// is owed once more. Ignored unless the payment is posted.
    public static func undone(
        _ payment: Payment, account: Account, terms: ClientTerms, stored: [PostedEntry], status: PaymentStatus, reason: String,
        on date: LocalDate, settled: SettlementRecord? = nil, actor: String
    ) throws -> PaymentTransition? {
        guard let entryID = payment.entryID, payment.status == .succeeded || payment.status == .processing,
              let position = stored.firstIndex(where: { $0.entry.id == entryID })
        else { return nil }
        var (ledger, _) = try ledger(account, terms: terms, stored: stored)
        let postedOn = max(date, ledger.itemizationDate)
        // What partial refunds gave back already stays given back: the rest is reversed, and the rest of the split.
        let reversal = try ledger.reversal(of: entryID, on: postedOn, reason: reason)
        ledger = try ledger.appending(reversal)
        var post = [PostedEntry(entry: reversal, paymentID: payment.id, split: -standingSplit(of: entryID, in: stored))]
        var audit = [AuditEntry(
            actor: actor, action: "payment.\(status.rawValue)", subjectType: "account", subjectID: account.id.description,
            details: ["payment_id": payment.id.lowercasedString, "reversal_id": reversal.id.lowercasedString,
                      "amount": payment.amount.decimalString, "reason": reason])]
        var accountStatus: AccountStatus? = account.status == .paid ? .active : nil
        var reopened: UUID?
        if let settled, account.status == .settled,
           let writeDown = stored[position...].last(where: { $0.entry.kind == .settlementWriteDown }),
           !stored.contains(where: { $0.entry.reverses == writeDown.entry.id }) {
            let undoWriteDown = try ledger.reversal(of: writeDown.entry.id, on: postedOn, reason: "settlement payment \(status.rawValue)")
            post.append(PostedEntry(entry: undoWriteDown))
            accountStatus = .active
            reopened = settled.id
            audit.append(AuditEntry(
                actor: actor, action: "settlement.reopened", subjectType: "account", subjectID: account.id.description,
                details: ["settlement_id": settled.id.lowercasedString, "because": payment.id.lowercasedString]))
        }
        var transition = PaymentTransition(status: status, failureReason: reason, post: post, accountStatus: accountStatus, audit: audit)
        transition.reopenedSettlement = reopened
        return transition
    }

    /// Part of a posted card payment went back to the consumer (`amount` minor units, less than is left of it): a
    /// partial reversal gives back what the payment paid last first (the reverse of the client's allocation order),
    /// what the payment keeps stays split at the rate it was split at, and a paid-off account is active again; the payment stays
    /// succeeded. `refundID` is the reversal entry's id, made from the request's idempotency key: a repeated request
    /// finds it posted and changes nothing. A settlement's payment is refunded in full or not at all (refusal).
    /// The split a payment's entry still stands at: its own less what partial refunds took back.
    static func standingSplit(of entryID: UUID, in stored: [PostedEntry]) -> RemittanceSplit {
        stored.filter { $0.entry.id == entryID || $0.entry.reverses == entryID }.reduce(RemittanceSplit.zero) { $0 + $1.split }
    }

    /// A settled account's payments are refunded in full or not at all: asked before the processor is, and again
    /// under the account's lock.
    public static func refusesPartialRefund(_ account: Account) throws {
        guard account.status != .settled else {
            throw RecoupError.conflict("a payment that settled the account is refunded in full (which reopens the settlement), not in part")
        }
    }

    public static func refundedInPart(
        _ payment: Payment, account: Account, terms: ClientTerms, stored: [PostedEntry], amount: Int64, refundID: UUID, reason: String,
        on date: LocalDate, actor: String
    ) throws -> PaymentTransition? {
        guard !stored.contains(where: { $0.entry.id == refundID }) else { return nil }
        guard let entryID = payment.entryID, payment.status == .succeeded else {
            throw RecoupError.conflict("only a succeeded card payment can be refunded (this one is \(payment.status.rawValue))")
        }
        try refusesPartialRefund(account)
        let (ledger, _) = try ledger(account, terms: terms, stored: stored)
        let reversal = try ledger.partialReversal(
            of: entryID, amount: amount, order: terms.allocation.order.reversed(), on: max(date, ledger.itemizationDate), reason: reason,
            id: refundID)
        _ = try ledger.appending(reversal)
        // What the payment keeps is split as the payment was, at its rate then: the refund takes the difference.
        let standing = standingSplit(of: entryID, in: stored)
        let original = stored.first { $0.entry.id == entryID }?.split ?? RemittanceSplit.of(payment.amount.minorUnits, contingencyBasisPoints: terms.contingencyBasisPoints)
        let kept = original.scaled(to: standing.clientShare + standing.agencyFee - amount)
        let split = RemittanceSplit(clientShare: kept.clientShare - standing.clientShare, agencyFee: kept.agencyFee - standing.agencyFee)
        return PaymentTransition(
            status: payment.status, post: [PostedEntry(entry: reversal, paymentID: payment.id, split: split)],
            accountStatus: account.status == .paid ? .active : nil,
            audit: [AuditEntry(
                actor: actor, action: "payment.partially_refunded", subjectType: "account", subjectID: account.id.description,
                details: ["payment_id": payment.id.lowercasedString, "reversal_id": refundID.lowercasedString,
                          "amount": Money(minorUnits: amount, currency: payment.amount.currency).decimalString, "reason": reason])])
    }
}

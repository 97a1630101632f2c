import Crypto
import Foundation
import Ledger
import RecoupCore

/// An account's ledger as the API shows it: entries with their shares, the balance by bucket, the itemization.
public struct LedgerView: Sendable {
    public var account: Account
    public var ledger: AccountLedger
    public var entries: [PostedEntry]
}

/// Payments on accounts: payment methods (tokens only), card payments through the processor, refunds, the
/// processor's webhooks, client terms and the ledger they post to.
///
/// A card payment is recorded before the processor is asked (its id is the charge's idempotency key), then moved on
/// by whichever answer arrives first, the API's or the webhook's; the other finds it already moved. An unreachable
/// processor leaves it pending: the same request again (same `Idempotency-Key`) asks again with the same key.
public struct PaymentService: Sendable {
    let payments: any PaymentRepository
    let settlements: any SettlementRepository
    let accounts: AccountService
    let processor: (any PaymentProcessor)?
    let clock: any Clock
    /// The consumer's receipt for each payment that posts (card or bank); none when nil.
    public var receipts: PaymentReceipts?
    /// The consumer's calendar: a payment posts, and is reversed, on the day it is for the consumer, the day its
    /// receipt names (UTC days when nil).
    public var consumerDays: ConsumerDays?

    public init(
        payments: any PaymentRepository, settlements: any SettlementRepository, accounts: AccountService, processor: (any PaymentProcessor)?,
        clock: any Clock
    ) {
        self.payments = payments
        self.settlements = settlements
        self.accounts = accounts
        self.processor = processor
        self.clock = clock
    }

    // MARK: Client terms

    public func terms(client: ClientID, scope: AccessScope) async throws -> ClientTerms {
        try checkClient(client, scope)
        return try await payments.terms(client: client, tenantID: scope.tenantID)
    }

    /// Replaces a client's terms; the audit event carries before and after.
    public func setTerms(_ terms: ClientTerms, client: ClientID, scope: AccessScope, actor: String) async throws {
        try checkClient(client, scope)
        let before = try await payments.terms(client: client, tenantID: scope.tenantID)
        let audit = AuditEntry(
            actor: actor, action: "client.terms_changed", subjectType: "client", subjectID: client.description,
            beforeDigest: Self.digest(before), afterDigest: Self.digest(terms), details: Self.describe(terms))
        try await payments.setTerms(terms, client: client, tenantID: scope.tenantID, audit: audit, at: clock.now())
    }

    // MARK: Payment methods

    /// Stores a card the processor tokenised (the portal's hosted fields, or the agent's processor terminal).
    public func addCard(
        account: AccountID, customer: String, token: String, brand: String, last4: String, authorization: String, via: String,
        scope: AccessScope, actor: String
    ) async throws -> PaymentMethod {
        var problems: [FieldProblem] = []
        if customer.isEmpty { problems.append(FieldProblem(field: "customer", reason: "the processor's customer token is required")) }
        if token.isEmpty { problems.append(FieldProblem(field: "token", reason: "the processor's payment-method token is required")) }
        if last4.count != 4 || !last4.allSatisfy(\.isNumber) {
            problems.append(FieldProblem(field: "last4", reason: "the card's last four digits, as the processor gave them"))
        }
        // A card number sent by mistake must never be stored, not even here: refuse anything that looks like one.
        if [customer, token].contains(where: { $0.filter(\.isNumber).count >= 12 }) {
            problems.append(FieldProblem(field: "token", reason: "looks like a card number: send the processor's token, never the card"))
        }
        if authorization.isEmpty { problems.append(FieldProblem(field: "authorization", reason: "what the consumer agreed to is required")) }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        let account = try await accounts.account(account, scope: scope)
        let method = PaymentMethod(
            tenantID: scope.tenantID, accountID: account.id, details: .card(customer: customer, token: token, brand: brand, last4: last4),
            authorization: authorization, authorizedVia: via, createdAt: clock.now())
        try await payments.addMethod(method, audit: Self.methodAudit(method, actor: actor))
        return method
    }

    /// Stores a bank account for ACH debits with the consumer's authorization, word for word (Nacha requires the
    /// originator to keep it: for WEB entries, the consumer's online agreement; for PPD, the signed or recorded one).
    public func addBank(
        account: AccountID, routing: String, accountNumber: String, checking: Bool, holder: String, authorization: String, via: String,
        scope: AccessScope, actor: String
    ) async throws -> PaymentMethod {
        var problems: [FieldProblem] = []
        if !RoutingNumber.isValid(routing) { problems.append(FieldProblem(field: "routing", reason: "not a valid ABA routing number (9 digits, check digit)")) }
        if !(4...17).contains(accountNumber.count) || !accountNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            problems.append(FieldProblem(field: "account_number", reason: "4 to 17 letters and digits"))
        }
        if holder.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(FieldProblem(field: "holder", reason: "the account holder's name is required")) }
        if authorization.isEmpty { problems.append(FieldProblem(field: "authorization", reason: "what the consumer agreed to is required")) }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        let account = try await accounts.account(account, scope: scope)
        let method = PaymentMethod(
            tenantID: scope.tenantID, accountID: account.id,
            details: .bank(routing: routing, accountNumber: accountNumber, checking: checking, holder: holder),
            authorization: authorization, authorizedVia: via, createdAt: clock.now())
        try await payments.addMethod(method, audit: Self.methodAudit(method, actor: actor))
        return method
    }

    public func methods(account: AccountID, scope: AccessScope) async throws -> [PaymentMethod] {
        let account = try await accounts.account(account, scope: scope)
        return try await payments.methods(account: account.id, tenantID: scope.tenantID)
    }

    static func methodAudit(_ method: PaymentMethod, actor: String) -> AuditEntry {
        AuditEntry(actor: actor, action: "payment_method.added", subjectType: "account", subjectID: method.accountID.description,
                   details: ["method_id": method.id.lowercasedString, "rail": method.rail.rawValue, "display": method.display,
                             "authorized_via": method.authorizedVia])
    }

    // MARK: Payments

    /// Takes a payment of `amount` on `account` with a stored method. The same `idempotencyKey` with the same request
    /// answers the same payment (`created` false); with a different request it is refused.
    ///
    /// `acceptedFee` is the convenience fee (minor units) the consumer was told of and agreed to, as
    /// ``convenienceFee(account:method:scope:)`` quoted it: a payment is refused unless it names exactly the fee the
    /// client's terms and the consumer's state allow, so no fee is ever charged unannounced or where it is not lawful.
    /// A plan's installments carry none (the consumer agreed to the plan's amounts).
    public func pay(
        account accountID: AccountID, method methodID: UUID, amount: Money, acceptedFee: Int64? = nil, idempotencyKey: String,
        plan: (id: UUID, installment: Int?)? = nil, scope: AccessScope, actor: String
    ) async throws -> (Payment, created: Bool) {
        let account = try await accounts.account(accountID, scope: scope)
        let digest = Self.digest(
            "\(account.id)|\(methodID)|\(amount.minorUnits)|\(amount.currency.code)|\(plan?.id.uuidString ?? "")|\(acceptedFee ?? 0)")
        // A retry answers what the first request did, even if the account has been paid off by it since.
        if let (earlier, recordedDigest) = try await payments.payment(idempotencyKey: idempotencyKey, tenantID: scope.tenantID) {
            guard recordedDigest == digest else { throw RecoupError.reusedIdempotencyKey(idempotencyKey) }
            guard earlier.status == .pending, earlier.rail == .card, let method = try await payments.method(methodID, tenantID: scope.tenantID)
            else { return (earlier, false) }
            return (try await charge(earlier, method: method, account: account, actor: actor), false)
        }
        guard account.status == .active else { throw RecoupError.conflict("the account is \(account.status.rawValue): it takes no payments") }
        guard let method = try await payments.method(methodID, tenantID: scope.tenantID), method.accountID == account.id else {
            throw RecoupError.invalid([FieldProblem(field: "method_id", reason: "no such payment method on this account")])
        }
        if let revoked = method.revoked {
            throw RecoupError.invalid([FieldProblem(field: "method_id", reason: "this method may not be charged any more: \(revoked)")])
        }
        if method.rail == .card, processor == nil { throw Self.noProcessor }
        let fee = plan == nil ? try await convenienceFee(account, rail: method.rail, scope: scope) : nil
        guard (acceptedFee ?? 0) == (fee?.minorUnits ?? 0) else {
            let quoted = Money(minorUnits: fee?.minorUnits ?? 0, currency: amount.currency)
            throw RecoupError.invalid([FieldProblem(
                field: "convenience_fee_minor",
                reason: quoted.minorUnits > 0
                    ? "this payment carries a convenience fee of \(quoted.decimalString) (\(fee!.reason)): tell the consumer, and send it once they agree"
                    : "no convenience fee may be charged on this payment: \(fee?.reason ?? "a plan's installments carry none")")])
        }
        let now = clock.now()
        let candidate = Payment(
            tenantID: scope.tenantID, accountID: account.id, clientID: account.clientID, methodID: method.id, rail: method.rail,
            amount: amount, convenienceFee: Money(minorUnits: fee?.minorUnits ?? 0, currency: amount.currency), planID: plan?.id,
            installment: plan?.installment ?? nil, createdBy: actor, createdAt: now, updatedAt: now)
        try await check(amount, against: account)
        let (payment, recordedDigest, created) = try await payments.begin(
            candidate, idempotencyKey: idempotencyKey, requestDigest: digest,
            audit: AuditEntry(actor: actor, action: "payment.created", subjectType: "account", subjectID: account.id.description,
                              details: ["payment_id": candidate.id.lowercasedString, "amount": amount.decimalString,
                                        "convenience_fee": candidate.convenienceFee.decimalString, "currency": amount.currency.code,
                                        "rail": method.rail.rawValue, "method": method.display]))
        guard recordedDigest == digest else { throw RecoupError.reusedIdempotencyKey(idempotencyKey) }
        // A replay of a payment still pending asks the processor again, with the same key: it charges once.
        guard payment.status == .pending, method.rail == .card else { return (payment, created) }
        return (try await charge(payment, method: method, account: account, actor: actor), created)
    }

    /// The convenience fee a payment on `account` by `method` would carry, with the reason to tell the consumer (zero
    /// and why not, when none may be charged): the client's terms, and the states of every address on file for every
    /// party to the debt.
    public func convenienceFee(account accountID: AccountID, method methodID: UUID, scope: AccessScope) async throws -> ConvenienceFee {
        let account = try await accounts.account(accountID, scope: scope)
        guard let method = try await payments.method(methodID, tenantID: scope.tenantID), method.accountID == account.id else {
            throw RecoupError.invalid([FieldProblem(field: "method_id", reason: "no such payment method on this account")])
        }
        return try await convenienceFee(account, rail: method.rail, scope: scope)
    }

    func convenienceFee(_ account: Account, rail: PaymentRail, scope: AccessScope) async throws -> ConvenienceFee {
        guard let terms = try await payments.terms(client: account.clientID, tenantID: scope.tenantID).convenienceFee else {
            return ConvenienceFee(minorUnits: 0, reason: "the client authorises no convenience fee")
        }
        var states: Set<USState> = []
        for party in account.parties {
            for point in try await accounts.consumer(party.consumerID, scope: scope).0.contactPoints {
                if case let .postal(address) = point.kind { states.insert(address.state) }
            }
        }
        return terms.fee(card: rail == .card, consumerStates: states)
    }

    /// Refuses an amount the account does not owe (the excess would have nowhere to go) before anything is recorded.
    func check(_ amount: Money, against account: Account) async throws {
        guard amount.minorUnits > 0 else { throw RecoupError.invalid([FieldProblem(field: "amount", reason: "must be positive")]) }
        let view = try await ledger(account: account)
        guard amount.currency == view.ledger.currency else {
            throw RecoupError.invalid([FieldProblem(field: "currency", reason: "the account is in \(view.ledger.currency)")])
        }
        guard amount.minorUnits <= view.ledger.balance.total else {
            throw RecoupError.invalid([FieldProblem(
                field: "amount", reason: "\(amount.decimalString) is more than the \(view.ledger.balanceMoney.decimalString) owed")])
        }
    }

    static let noProcessor = RecoupError.unavailable("no card processor is configured (RECOUP_PROCESSOR_URL)")

    func charge(_ payment: Payment, method: PaymentMethod, account: Account, actor: String) async throws -> Payment {
        guard let processor else { throw Self.noProcessor }
        guard case let .card(customer, token, _, _) = method.details else { return payment }
        let answer: ProcessorCharge
        do {
            answer = try await processor.charge(CardCharge(
                idempotencyKey: payment.id.lowercasedString, amount: payment.charged, customer: customer, token: token,
                paymentID: payment.id, description: "Account \(account.referenceCode)"))
        } catch is ProcessorUnavailable {
            // Unknown outcome: stays pending for the webhook or a retry with the same key.
            return try await payments.payment(payment.id, tenantID: payment.tenantID) ?? payment
        }
        return try await apply(answer.outcome, reference: answer.reference, to: payment.id, tenantID: payment.tenantID, actor: actor)
            ?? payment
    }

    /// Moves a payment on the processor's news, whoever brought it.
    func apply(_ outcome: ChargeOutcome, reference: String?, to paymentID: UUID, tenantID: TenantID, actor: String) async throws -> Payment? {
        guard let payment = try await payments.payment(paymentID, tenantID: tenantID) else { return nil }
        let account = try await accounts.account(payment.accountID, scope: AccessScope(tenantID: tenantID))
        let terms = try await payments.terms(client: account.clientID, tenantID: tenantID)
        let today = try await postingDay(account: account.id, tenantID: account.tenantID)
        let receipt = outcome == .succeeded ? try await receipt(for: payment, account: account) : nil
        return try await transition(paymentID, account: account) { payment, account, settlements, stored in
            switch outcome {
            case .succeeded:
                var posting = try PaymentPosting.received(
                    payment, account: account, terms: terms, stored: stored, status: .succeeded, reference: reference, on: today,
                    settlement: settlements.first { $0.status == .accepted }, actor: actor)
                if let receipt { posting?.messages = [receipt] }
                return posting
            case .processing:
                return payment.status == .pending
                    ? PaymentTransition(status: .processing, processorRef: reference, audit: []) : nil
            case let .declined(reason):
                return PaymentPosting.declined(payment, reason: reason, reference: reference, actor: actor)
            }
        }
    }

    /// Undoes a posted payment (`status` returned, refunded or charged back) by reversing its entry (and the
    /// write-down of a settlement it completed).
    func undo(_ paymentID: UUID, tenantID: TenantID, status: PaymentStatus, reason: String, actor: String) async throws -> Payment? {
        guard let payment = try await payments.payment(paymentID, tenantID: tenantID) else { return nil }
        let account = try await accounts.account(payment.accountID, scope: AccessScope(tenantID: tenantID))
        let terms = try await payments.terms(client: account.clientID, tenantID: tenantID)
        let today = try await postingDay(account: account.id, tenantID: account.tenantID)
        return try await transition(paymentID, account: account) { payment, account, settlements, stored in
            try PaymentPosting.undone(
                payment, account: account, terms: terms, stored: stored, status: status, reason: reason, on: today,
                settled: settlements.first { $0.status == .completed }, actor: actor)
        }
    }

    /// Refunds a card payment through the processor: in full (`amount` nil, or all that is left of it), which reverses
    /// what is left of its entry and gives back any convenience fee, or in part, which gives back `amount` of what it
    /// paid on the debt (``PaymentPosting/refundedInPart(_:account:terms:stored:amount:refundID:reason:on:actor:)``).
    /// A partial refund needs the caller's `idempotencyKey`: the processor's refund and the reversal entry are both
    /// keyed by it, so a retry refunds and posts once.
    public func refund(
        _ paymentID: UUID, amount: Int64? = nil, idempotencyKey: String? = nil, reason: String, scope: AccessScope, actor: String
    ) async throws -> Payment {
        let payment = try await payment(paymentID, scope: scope)
        guard payment.status == .succeeded, payment.rail == .card, let reference = payment.processorRef, let entryID = payment.entryID else {
            if payment.status == .refunded { return payment }
            throw RecoupError.conflict("only a succeeded card payment can be refunded (this one is \(payment.status.rawValue))")
        }
        guard let processor else { throw Self.noProcessor }
        let stored = try await payments.entries(account: payment.accountID, tenantID: scope.tenantID)
        // A retry of a partial refund already posted answers the payment, whatever is left of it now.
        if amount != nil, let key = idempotencyKey,
           stored.contains(where: { $0.entry.id == Self.refundEntryID(payment: payment.id, key: key) }) {
            return payment
        }
        let left = payment.amount.minorUnits - stored.filter { $0.entry.reverses == entryID }.reduce(0) { $0 + $1.entry.amounts.total }
        if let amount, amount != left {
            guard let key = idempotencyKey, !key.isEmpty else {
                throw RecoupError.invalid([FieldProblem(field: "Idempotency-Key", reason: "a partial refund needs one, so that a retry refunds once")])
            }
            let refundID = Self.refundEntryID(payment: payment.id, key: key)
            guard amount > 0, amount < left else {
                throw RecoupError.invalid([FieldProblem(
                    field: "amount_minor",
                    reason: "\(Money(minorUnits: left, currency: payment.amount.currency).decimalString) of this payment is left to refund")])
            }
            let account = try await accounts.account(payment.accountID, scope: scope)
            // Refused before the processor is asked: refused after, the money would be back with the consumer and nothing posted.
            try PaymentPosting.refusesPartialRefund(account)
            try await refundAtProcessor(processor, reference: reference, amount: Money(minorUnits: amount, currency: payment.amount.currency),
                                        key: "refund-\(payment.id.lowercasedString)-\(key)")
            let terms = try await payments.terms(client: account.clientID, tenantID: scope.tenantID)
            let today = try await postingDay(account: account.id, tenantID: account.tenantID)
            return try await transition(paymentID, account: account) { payment, account, _, stored in
                try PaymentPosting.refundedInPart(
                    payment, account: account, terms: terms, stored: stored, amount: amount, refundID: refundID, reason: reason, on: today,
                    actor: actor)
            } ?? payment
        }
        try await refundAtProcessor(processor, reference: reference, amount: nil, key: "refund-\(payment.id.lowercasedString)")
        if let refunded = try await undo(payment.id, tenantID: scope.tenantID, status: .refunded, reason: reason, actor: actor) {
            return refunded
        }
        return try await self.payment(paymentID, scope: scope)
    }

    func refundAtProcessor(_ processor: any PaymentProcessor, reference: String, amount: Money?, key: String) async throws {
        do {
            _ = try await processor.refund(reference: reference, amount: amount, idempotencyKey: key)
        } catch let failure as ProcessorUnavailable {
            throw RecoupError.unavailable("\(failure): nothing was refunded; try again")
        }
    }

    /// The reversal entry of a partial refund: the same for the same payment and idempotency key, so a repeated
    /// request finds its entry posted.
    static func refundEntryID(payment: UUID, key: String) -> UUID {
        let bytes = Array(SHA256.hash(data: Data("partial-refund|\(payment.lowercasedString)|\(key)".utf8)))
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                           bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A processor webhook for `tenantID`, its signature already checked. An event is noted once it has been applied,
    /// so a delivery that failed half way is applied when the processor retries it, and a replay of an applied one
    /// changes nothing (every decision also ignores news the payment has moved past). An event for no payment of
    /// this tenant is answered and ignored.
    public func receive(_ event: ProcessorEvent, tenantID: TenantID) async throws {
        // Disputes name the charge, not Recoup's payment: find it by the processor's reference.
        var found: Payment?
        if let id = event.paymentID { found = try await payments.payment(id, tenantID: tenantID) }
        if found == nil, let reference = event.reference { found = try await payments.payment(reference: reference, tenantID: tenantID) }
        guard let paymentID = found?.id else { return }
        if try await payments.eventNoted(event.id, tenantID: tenantID) { return }
        let actor = "processor:\(event.id)"
        switch event.kind {
        case .succeeded: _ = try await apply(.succeeded, reference: event.reference, to: paymentID, tenantID: tenantID, actor: actor)
        case let .failed(reason): _ = try await apply(.declined(reason), reference: event.reference, to: paymentID, tenantID: tenantID, actor: actor)
        case .chargeback: _ = try await undo(paymentID, tenantID: tenantID, status: .chargedBack, reason: "chargeback", actor: actor)
        case .refunded: _ = try await undo(paymentID, tenantID: tenantID, status: .refunded, reason: "refunded at the processor", actor: actor)
        case .ignored: break
        }
        _ = try await payments.noteEvent(event.id, type: event.type, tenantID: tenantID, at: clock.now())
    }

    public func payment(_ id: UUID, scope: AccessScope) async throws -> Payment {
        guard let payment = try await payments.payment(id, tenantID: scope.tenantID),
              scope.clientID == nil || scope.clientID == payment.clientID
        else { throw RecoupError.notFound("payment \(id.lowercasedString)") }
        return payment
    }

    /// The account's payments, each succeeded one less what partial refunds gave back of it (a payment refunded in
    /// part stays `succeeded`): what plans and promises count as paid.
    func paymentsNetOfRefunds(account: AccountID, tenantID: TenantID) async throws -> [Payment] {
        let made = try await payments.payments(account: account, tenantID: tenantID)
        var refunded: [UUID: Int64] = [:]
        for posted in try await payments.entries(account: account, tenantID: tenantID) where posted.entry.reverses != nil {
            if let id = posted.paymentID { refunded[id, default: 0] += posted.entry.amounts.total }
        }
        return made.map { payment in
            guard payment.status == .succeeded, let back = refunded[payment.id], back > 0 else { return payment }
            var net = payment
            net.amount = Money(minorUnits: payment.amount.minorUnits - back, currency: payment.amount.currency)
            return net
        }
    }

    /// The tenant's payments a report names by charge id or trace number (references naming none are left out).
    public func payments(references: some Sequence<String>, tenantID: TenantID) async throws -> [Payment] {
        var found: [Payment] = []
        for reference in Set(references) {
            if let payment = try await payments.payment(reference: reference, tenantID: tenantID) { found.append(payment) }
        }
        return found
    }

    /// The tenant's payments on `rail` taken in a period, for reconciliation.
    public func payments(rail: PaymentRail, from: LocalDate, to: LocalDate, tenantID: TenantID) async throws -> [Payment] {
        try await payments.payments(rail: rail, tenantID: tenantID, from: from, to: to)
    }

    /// The tenant's ACH debits returned in a period, for the bank side of reconciliation.
    public func returnedDebits(from: LocalDate, to: LocalDate, tenantID: TenantID) async throws -> [Payment] {
        try await payments.returnedDebits(tenantID: tenantID, from: from, to: to)
    }

    public func payments(account: AccountID, scope: AccessScope) async throws -> [Payment] {
        let account = try await accounts.account(account, scope: scope)
        return try await payments.payments(account: account.id, tenantID: scope.tenantID)
    }

    // MARK: ACH

    /// The ACH debits waiting for the next file, each with its bank details and account. A debit that must no longer
    /// be taken (a revoked authorization, an account no longer active, more than is now owed once the debits before
    /// it in the file are counted, a plan ended since it was queued, not in US dollars) is failed with the reason
    /// instead, so the bank never takes money that cannot be posted.
    public func achDue(tenantID: TenantID, plans: (any PlanRepository)? = nil, actor: String) async throws -> [(Payment, PaymentMethod, Account)] {
        var due: [(Payment, PaymentMethod, Account)] = []
        /// What each account still owes after the debits already taken into this file.
        var owed: [AccountID: Int64] = [:]
        for payment in try await payments.pendingPayments(rail: .ach, tenantID: tenantID) {
            let account = try await accounts.account(payment.accountID, scope: AccessScope(tenantID: tenantID))
            let method = try await payments.method(payment.methodID, tenantID: tenantID)
            var refusal: String?
            if let revoked = method?.revoked { refusal = "the authorization was revoked (\(revoked))" }
            if account.status != .active { refusal = "the account is \(account.status.rawValue)" }
            let earlier = owed[account.id]
            let left = if let earlier { earlier } else { try await ledger(account: account).ledger.balance.total }
            if payment.amount.minorUnits > left {
                refusal = earlier == nil ? "more than is now owed" : "more than is owed once the debits before it in this file are taken"
            }
            if payment.amount.currency != .usd { refusal = "an ACH debit is in US dollars (this one is \(payment.amount.currency.code))" }
            if let planID = payment.planID, let plan = try await plans?.plan(planID, tenantID: tenantID), plan.status != .active {
                refusal = "its plan is \(plan.status.rawValue)"
            }
            if let refusal {
                _ = try await apply(.declined("not filed: \(refusal)"), reference: nil, to: payment.id, tenantID: tenantID, actor: actor)
            } else if let method {
                due.append((payment, method, account))
                owed[account.id] = left - payment.amount.minorUnits
            }
        }
        return due
    }

    /// A debit went into a file under `trace`: it posts now (a return reverses it). Filing it again changes nothing.
    public func filed(_ paymentID: UUID, trace: String, tenantID: TenantID, actor: String) async throws -> Payment? {
        guard let payment = try await payments.payment(paymentID, tenantID: tenantID) else { return nil }
        let account = try await accounts.account(payment.accountID, scope: AccessScope(tenantID: tenantID))
        let terms = try await payments.terms(client: account.clientID, tenantID: tenantID)
        let today = try await postingDay(account: account.id, tenantID: account.tenantID)
        let receipt = try await receipt(for: payment, account: account)
        return try await transition(paymentID, account: account) { payment, account, settlements, stored in
            var posting = try PaymentPosting.received(
                payment, account: account, terms: terms, stored: stored, status: .processing, reference: trace, on: today,
                settlement: settlements.first { $0.status == .accepted }, actor: actor)
            if let receipt { posting?.messages = [receipt] }
            return posting
        }
    }

    /// The receipt a payment that posts now queues with its posting; none for one already posted (a repeated
    /// webhook or filing) or without receipts configured.
    private func receipt(for payment: Payment, account: Account) async throws -> QueuedMessage? {
        guard payment.entryID == nil else { return nil }
        return try await receipts?.receipt(for: payment, account: account)
    }

    /// The consumer's day now: a payment on `account` posts on it, and the nightly run accrues interest through it.
    private func postingDay(account: AccountID, tenantID: TenantID) async throws -> LocalDate {
        try await consumerDays.day(account: account, scope: AccessScope(tenantID: tenantID))(clock.now())
    }

    /// Runs a posting decision under the account's lock, on `account` and its settlements as they stand under that
    /// lock (a payment that settled or paid it off a moment earlier shows). When the ledger refuses it (a charge that
    /// succeeded after another payment took the balance below its amount), nothing posts: the payment keeps its
    /// status, is marked for review with the reason (the excess is the agency's to refund), and the audit trail says so.
    func transition(
        _ paymentID: UUID, account: Account,
        decide: @escaping @Sendable (Payment, Account, [SettlementRecord], [PostedEntry]) throws -> PaymentTransition?
    ) async throws -> Payment? {
        let tenantID = account.tenantID
        do {
            return try await payments.transition(paymentID, tenantID: tenantID, at: clock.now()) { payment, locked, stored in
                var current = account
                current.status = locked.status
                return try decide(payment, current, locked.settlements, stored)
            }
        } catch let refusal as LedgerError {
            let reason = "needs review: the ledger refused the posting (\(refusal))"
            return try await payments.transition(paymentID, tenantID: tenantID, at: clock.now()) { payment, _, _ in
                PaymentTransition(
                    status: payment.status, failureReason: reason,
                    audit: [AuditEntry(actor: "system", action: "payment.needs_review", subjectType: "account",
                                       subjectID: payment.accountID.description,
                                       details: ["payment_id": payment.id.lowercasedString, "reason": reason])])
            }
        }
    }

    /// The settlement the consumer accepted on the account, if any: no interest accrues while it stands.
    func acceptedSettlement(_ account: Account) async throws -> SettlementRecord? {
        try await settlements.settlements(account: account.id, tenantID: account.tenantID).first { $0.status == .accepted }
    }

    /// The bank returned the debit filed under `trace`: its entry is reversed. Nil when no payment has that trace.
    public func returned(trace: String, reason: String, tenantID: TenantID, actor: String) async throws -> Payment? {
        guard let payment = try await payments.payment(reference: trace, tenantID: tenantID) else { return nil }
        if let undone = try await undo(payment.id, tenantID: tenantID, status: .returned, reason: reason, actor: actor) { return undone }
        return try await payments.payment(payment.id, tenantID: tenantID)
    }

    /// A notification of change for the debit filed under `trace`: the stored bank details are corrected so the next
    /// debit goes to the right account. Nil when no payment has that trace.
    public func corrected(
        trace: String, routing: String?, accountNumber: String?, checking: Bool?, code: String, tenantID: TenantID, actor: String
    ) async throws -> PaymentMethod? {
        guard let payment = try await payments.payment(reference: trace, tenantID: tenantID),
              var method = try await payments.method(payment.methodID, tenantID: tenantID),
              case let .bank(oldRouting, oldNumber, oldChecking, holder) = method.details
        else { return nil }
        method.details = .bank(routing: routing ?? oldRouting, accountNumber: accountNumber ?? oldNumber, checking: checking ?? oldChecking,
                               holder: holder)
        let before = PaymentMethod(id: method.id, tenantID: tenantID, accountID: method.accountID,
                                   details: .bank(routing: oldRouting, accountNumber: oldNumber, checking: oldChecking, holder: holder),
                                   authorization: method.authorization, authorizedVia: method.authorizedVia, createdAt: method.createdAt)
        try await payments.updateMethod(
            method,
            audit: AuditEntry(actor: actor, action: "payment_method.corrected", subjectType: "account", subjectID: method.accountID.description,
                              details: ["method_id": method.id.lowercasedString, "code": code, "before": before.display,
                                        "after": method.display]),
            at: clock.now())
        return method
    }

    /// The method may not be charged again (an ACH return that revokes the authorization or closes the account).
    public func revoke(_ methodID: UUID, because reason: String, tenantID: TenantID, actor: String) async throws {
        guard var method = try await payments.method(methodID, tenantID: tenantID), method.revoked == nil else { return }
        method.revoked = reason
        try await payments.updateMethod(method, audit: AuditEntry(
            actor: actor, action: "payment_method.revoked", subjectType: "account", subjectID: method.accountID.description,
            details: ["method_id": methodID.lowercasedString, "reason": reason]), at: clock.now())
    }

    // MARK: Interest

    /// Posts the interest the client allows on an active account through `date` (simple daily on the principal,
    /// from the last accrual or the day it was placed: what accrued before placement is in the placed amounts);
    /// nothing when the client allows none, none is due, or a settlement is accepted (its amount is fixed). The first
    /// posting also stores the opening entries. Answers the accrual posted, if any.
    public func accrueInterest(account id: AccountID, through date: LocalDate, tenantID: TenantID, actor: String) async throws -> LedgerEntry? {
        let account = try await accounts.account(id, scope: AccessScope(tenantID: tenantID))
        let terms = try await payments.terms(client: account.clientID, tenantID: tenantID)
        guard account.status == .active, let interest = terms.interest, try await acceptedSettlement(account) == nil else { return nil }
        let placed = LocalDate(utc: account.placedAt)
        let posted = try await payments.post(to: id, tenantID: tenantID, at: clock.now()) { stored in
            let (ledger, opening) = try PaymentPosting.ledger(account, terms: terms, stored: stored)
            guard let accrual = ledger.interestAccrual(through: date, terms: interest, from: placed) else { return nil }
            return (opening + [PostedEntry(entry: accrual)], [AuditEntry(
                actor: actor, action: "interest.accrued", subjectType: "account", subjectID: id.description,
                details: ["entry_id": accrual.id.lowercasedString, "interest_minor": "\(accrual.amounts.interest)",
                          "through": date.iso, "terms": accrual.memo ?? ""])])
        }
        return posted.last { $0.entry.kind == .interestAccrual }?.entry
    }

    /// The daily accrual for every active account of `clients` whose terms allow interest, through `date` or each
    /// consumer's today (the day their payments post on); answers the interest posted (minor units) and on how many
    /// accounts.
    public func accrueInterest(tenantID: TenantID, clients: [ClientID], through date: LocalDate? = nil, actor: String) async throws
        -> (accounts: Int, interest: Int64)
    {
        var total = (accounts: 0, interest: Int64(0))
        let scope = AccessScope(tenantID: tenantID)
        for client in clients where try await payments.terms(client: client, tenantID: tenantID).interest != nil {
            var cursor: String?
            repeat {
                let page = try await accounts.list(scope: scope, filter: AccountFilter(clientID: client, status: .active), limit: 500, cursor: cursor)
                for summary in page.items {
                    let through = if let date { date } else { try await postingDay(account: summary.id, tenantID: tenantID) }
                    if let accrual = try await accrueInterest(account: summary.id, through: through, tenantID: tenantID, actor: actor) {
                        total.accounts += 1
                        total.interest += accrual.amounts.interest
                    }
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        return total
    }

    // MARK: Ledger

    public func ledger(account: AccountID, scope: AccessScope) async throws -> LedgerView {
        try await ledger(account: try await accounts.account(account, scope: scope))
    }

    func ledger(account: Account) async throws -> LedgerView {
        let terms = try await payments.terms(client: account.clientID, tenantID: account.tenantID)
        let stored = try await payments.entries(account: account.id, tenantID: account.tenantID)
        let (ledger, opening) = try PaymentPosting.ledger(account, terms: terms, stored: stored)
        return LedgerView(account: account, ledger: ledger, entries: stored.isEmpty ? opening : stored)
    }

    // MARK: Helpers

    func checkClient(_ client: ClientID, _ scope: AccessScope) throws {
        if let own = scope.clientID, own != client { throw RecoupError.notFound("client \(client)") }
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func digest(_ terms: ClientTerms) -> String {
        digest(describe(terms).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
    }

    static func describe(_ terms: ClientTerms) -> [String: String] {
        ["allocation": terms.allocation.order.map(\.rawValue).joined(separator: ","),
         "plan_max_months": "\(terms.plans.maxMonths)", "plan_minimum_installment": "\(terms.plans.minimumInstallment)",
         "plan_minimum_down_payment_bp": "\(terms.plans.minimumDownPaymentBasisPoints)",
         "settlement_minimum_bp": "\(terms.settlements.minimumBasisPoints)",
         "settlement_max_installments": "\(terms.settlements.maxInstallments)",
         "settlement_max_valid_days": "\(terms.settlements.maxValidDays)",
         "contingency_bp": "\(terms.contingencyBasisPoints)", "grace_days": "\(terms.graceDays)", "misses_to_break": "\(terms.missesToBreak)",
         "remit": terms.remit.rawValue,
         "interest": terms.interest.map { "\($0.annualRateBasisPoints) bp \($0.dayCount.rawValue)" } ?? "none",
         "convenience_fee": terms.convenienceFee.map { fee in
             "card \(fee.cardMinor.map(String.init) ?? "none"), bank \(fee.bankMinor.map(String.init) ?? "none") in "
                 + fee.permittedStates.map(\.code).sorted().joined(separator: ",")
         } ?? "none"]
    }
}

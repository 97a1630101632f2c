import APISpec
import Foundation
import Ledger
import RecoupApp
import RecoupCore

/// Payments, payment methods, refunds, the ledger and client terms.
extension APIHandlers {
    func getClientTerms(_ input: Operations.GetClientTerms.Input) async throws -> Operations.GetClientTerms.Output {
        let principal = try RequestPrincipal.require()
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        _ = try await requireClient(client, principal)
        return .ok(.init(body: .json(APIMapping.terms(try await services.payments.terms(client: client, scope: principal.scope)))))
    }

    func setClientTerms(_ input: Operations.SetClientTerms.Input) async throws -> Operations.SetClientTerms.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canApproveMoney else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot change client terms") }
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        _ = try await requireClient(client, principal)
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let terms = try APIMapping.terms(body)
        try await services.payments.setTerms(terms, client: client, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.terms(terms))))
    }

    func addPaymentMethod(_ input: Operations.AddPaymentMethod.Input) async throws -> Operations.AddPaymentMethod.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("store payment methods")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let method = try await services.payments.addCard(
            account: account, customer: body.customer, token: body.token, brand: body.brand, last4: body.last4,
            authorization: body.authorization, via: body.authorizedVia ?? "phone", scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.method(method))))
    }

    func listPaymentMethods(_ input: Operations.ListPaymentMethods.Input) async throws -> Operations.ListPaymentMethods.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("see payment methods")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        let methods = try await services.payments.methods(account: account, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: methods.map(APIMapping.method)))))
    }

    func createPayment(_ input: Operations.CreatePayment.Input) async throws -> Operations.CreatePayment.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("take payments")
        let accountID = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let method = try parseUUID(body.methodId, "method_id")
        let account = try await services.accounts.account(accountID, scope: principal.scope)
        let currency = try body.currency.map { code in
            guard let currency = Currency(code: code) else { throw RecoupError.invalid([FieldProblem(field: "currency", reason: "unknown")]) }
            return currency
        } ?? account.itemization.currentBalance.currency
        let (payment, created) = try await services.payments.pay(
            account: account.id, method: method, amount: Money(minorUnits: body.amountMinor, currency: currency),
            idempotencyKey: input.headers.idempotencyKey, scope: principal.scope, actor: principal.actor)
        let answer = APIMapping.payment(payment)
        return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
    }

    func listPayments(_ input: Operations.ListPayments.Input) async throws -> Operations.ListPayments.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        let payments = try await services.payments.payments(account: account, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: payments.map(APIMapping.payment)))))
    }

    func getPayment(_ input: Operations.GetPayment.Input) async throws -> Operations.GetPayment.Output {
        let principal = try RequestPrincipal.require()
        let id = try parseUUID(input.path.paymentId, "payment_id")
        return .ok(.init(body: .json(APIMapping.payment(try await services.payments.payment(id, scope: principal.scope)))))
    }

    func refundPayment(_ input: Operations.RefundPayment.Input) async throws -> Operations.RefundPayment.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canApproveMoney else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot refund payments") }
        let id = try parseUUID(input.path.paymentId, "payment_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let payment = try await services.payments.refund(id, reason: body.reason, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.payment(payment))))
    }

    func getLedger(_ input: Operations.GetLedger.Input) async throws -> Operations.GetLedger.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        return .ok(.init(body: .json(APIMapping.ledger(try await services.payments.ledger(account: account, scope: principal.scope)))))
    }

    /// The client in the caller's scope, or 404.
    func requireClient(_ id: ClientID, _ principal: Principal) async throws -> Client {
        guard let client = try await services.directory.clients(scope: principal.scope).first(where: { $0.id == id }) else {
            throw RecoupError.notFound("client \(id)")
        }
        return client
    }
}

extension APIMapping {
    static func terms(_ terms: ClientTerms) -> Components.Schemas.ClientTerms {
        .init(
            allocation: terms.allocation.order.compactMap { .init(rawValue: $0.rawValue) },
            planMaxMonths: terms.plans.maxMonths, planMinimumInstallmentMinor: terms.plans.minimumInstallment,
            planMinimumDownPaymentBp: terms.plans.minimumDownPaymentBasisPoints, settlementMinimumBp: terms.settlements.minimumBasisPoints,
            settlementMaxInstallments: terms.settlements.maxInstallments, settlementMaxValidDays: terms.settlements.maxValidDays,
            contingencyBp: terms.contingencyBasisPoints, graceDays: terms.graceDays, missesToBreak: terms.missesToBreak)
    }

    static func terms(_ body: Components.Schemas.ClientTerms) throws -> ClientTerms {
        guard let allocation = AllocationPolicy(order: body.allocation.compactMap { Bucket(rawValue: $0.rawValue) }) else {
            throw RecoupError.invalid([FieldProblem(field: "allocation", reason: "name principal, interest and fees once each")])
        }
        return ClientTerms(
            allocation: allocation,
            plans: PlanRules(maxMonths: body.planMaxMonths, minimumInstallment: body.planMinimumInstallmentMinor,
                             minimumDownPaymentBasisPoints: body.planMinimumDownPaymentBp),
            settlements: SettlementRules(minimumBasisPoints: body.settlementMinimumBp, maxInstallments: body.settlementMaxInstallments,
                                         maxValidDays: body.settlementMaxValidDays),
            contingencyBasisPoints: body.contingencyBp, graceDays: body.graceDays, missesToBreak: body.missesToBreak)
    }

    static func method(_ method: PaymentMethod) -> Components.Schemas.PaymentMethod {
        .init(id: method.id.uuidString.lowercased(), accountId: method.accountID.description,
              rail: .init(rawValue: method.rail.rawValue) ?? .card, display: method.display, authorizedVia: method.authorizedVia,
              createdAt: method.createdAt)
    }

    static func payment(_ payment: Payment) -> Components.Schemas.Payment {
        .init(
            id: payment.id.uuidString.lowercased(), accountId: payment.accountID.description, methodId: payment.methodID.uuidString.lowercased(),
            rail: .init(rawValue: payment.rail.rawValue) ?? .card, amount: money(payment.amount),
            status: .init(rawValue: payment.status.rawValue) ?? .pending, processorRef: payment.processorRef,
            failureReason: payment.failureReason, entryId: payment.entryID?.uuidString.lowercased(),
            planId: payment.planID?.uuidString.lowercased(), installment: payment.installment, createdBy: payment.createdBy,
            createdAt: payment.createdAt, updatedAt: payment.updatedAt)
    }

    static func buckets(_ amounts: BucketAmounts) -> Components.Schemas.Buckets {
        .init(principal: amounts.principal, interest: amounts.interest, fees: amounts.fees, total: amounts.total)
    }

    static func ledger(_ view: LedgerView) -> Components.Schemas.Ledger {
        let itemization = view.ledger.itemization
        return .init(
            accountId: view.account.id.description, currency: view.ledger.currency.code, balance: buckets(view.ledger.balance),
            itemization: .init(
                itemizationDate: view.ledger.itemizationDate.iso, balanceAtItemization: itemization.atItemization,
                interest: itemization.interest, fees: itemization.fees, payments: itemization.payments, credits: itemization.credits,
                current: itemization.current),
            entries: view.entries.map { posted in
                .init(id: posted.entry.id.uuidString.lowercased(), postedOn: posted.entry.postedOn.iso, kind: posted.entry.kind.rawValue,
                      amounts: buckets(posted.entry.amounts), reverses: posted.entry.reverses?.uuidString.lowercased(), memo: posted.entry.memo,
                      paymentId: posted.paymentID?.uuidString.lowercased(), clientShareMinor: posted.split.clientShare,
                      agencyFeeMinor: posted.split.agencyFee)
            })
    }
}

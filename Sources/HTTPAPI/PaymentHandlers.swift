import APISpec
import Foundation
import Ledger
import Messaging
import OpenAPIRuntime
import RecoupApp
import RecoupCore

/// Money: client terms, payment methods, payments and refunds, the ledger, plans, settlements, promises and remittances.
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
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw RecoupError.invalid([FieldProblem(field: field, reason: "required for a \(body._type.rawValue) method")])
            }
            return value
        }
        let via = body.authorizedVia ?? "phone"
        let method = switch body._type {
        case .card:
            try await services.payments.addCard(
                account: account, customer: try required(body.customer, "customer"), token: try required(body.token, "token"),
                brand: try required(body.brand, "brand"), last4: try required(body.last4, "last4"), authorization: body.authorization,
                via: via, scope: principal.scope, actor: principal.actor)
        case .bank:
            try await services.payments.addBank(
                account: account, routing: try required(body.routing, "routing"), accountNumber: try required(body.accountNumber, "account_number"),
                checking: body.accountType != .savings, holder: try required(body.holder, "holder"), authorization: body.authorization,
                via: via, scope: principal.scope, actor: principal.actor)
        }
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
            acceptedFee: body.convenienceFeeMinor, idempotencyKey: input.headers.idempotencyKey, scope: principal.scope, actor: principal.actor)
        let answer = APIMapping.payment(payment)
        return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
    }

    func quoteConvenienceFee(_ input: Operations.QuoteConvenienceFee.Input) async throws -> Operations.QuoteConvenienceFee.Output {
        let principal = try RequestPrincipal.require()
        let accountID = try parse(input.path.accountId, AccountID.self, "account_id")
        let method = try parseUUID(input.query.methodId, "method_id")
        let account = try await services.accounts.account(accountID, scope: principal.scope)
        let fee = try await services.payments.convenienceFee(account: account.id, method: method, scope: principal.scope)
        let currency = account.itemization.currentBalance.currency
        return .ok(.init(body: .json(.init(fee: APIMapping.money(Money(minorUnits: fee.minorUnits, currency: currency)), reason: fee.reason))))
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
        let payment = try await services.payments.refund(
            id, amount: body.amountMinor, idempotencyKey: input.headers.idempotencyKey, reason: body.reason, scope: principal.scope,
            actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.payment(payment))))
    }

    func getLedger(_ input: Operations.GetLedger.Input) async throws -> Operations.GetLedger.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        return .ok(.init(body: .json(APIMapping.ledger(try await services.payments.ledger(account: account, scope: principal.scope)))))
    }

    func quotePlan(_ input: Operations.QuotePlan.Input) async throws -> Operations.QuotePlan.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("quote plans")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let (plan, schedule) = try await services.plans.quote(account: account, try proposal(body), scope: principal.scope)
        return .ok(.init(body: .json(APIMapping.plan(plan, schedule: schedule, progress: nil, quote: true))))
    }

    func createPlan(_ input: Operations.CreatePlan.Input) async throws -> Operations.CreatePlan.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("agree plans")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let plan = try await services.plans.create(account: account, try proposal(body), scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.plan(plan, schedule: plan.schedule, progress: nil))))
    }

    func listPlans(_ input: Operations.ListPlans.Input) async throws -> Operations.ListPlans.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        let plans = try await services.plans.plans(account: account, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: plans.map { APIMapping.plan($0, schedule: $0.schedule, progress: $1) }))))
    }

    func cancelPlan(_ input: Operations.CancelPlan.Input) async throws -> Operations.CancelPlan.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("cancel plans")
        let id = try parseUUID(input.path.planId, "plan_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let plan = try await services.plans.cancel(id, reason: body.reason, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.plan(plan, schedule: plan.schedule, progress: nil))))
    }

    func proposal(_ body: Components.Schemas.PlanInput) throws -> PlanProposal {
        let first = try parseDate(body.firstDate, "first_date")
        return PlanProposal(
            amount: body.amountMinor, downPayment: body.downPaymentMinor ?? 0, installments: body.installments,
            frequency: InstallmentFrequency(rawValue: body.frequency.rawValue) ?? .monthly, firstDate: first,
            methodID: try body.methodId.map { try parseUUID($0, "method_id") })
    }

    func offerSettlement(_ input: Operations.OfferSettlement.Input) async throws -> Operations.OfferSettlement.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("offer settlements")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let terms: Settlements.Terms
        switch (body.percentBp, body.amountMinor) {
        case let (percent?, nil): terms = .percent(basisPoints: percent)
        case let (nil, amount?): terms = .amount(amount)
        default: throw RecoupError.invalid([FieldProblem(field: "percent_bp", reason: "give percent_bp or amount_minor, exactly one")])
        }
        let expires = try parseDate(body.expiresOn, "expires_on")
        let settlement = try await services.settlements.offer(
            account: account, terms, installments: body.installments, expiresOn: expires, scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.settlement(settlement))))
    }

    func listSettlements(_ input: Operations.ListSettlements.Input) async throws -> Operations.ListSettlements.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.settlements.settlements(account: account, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: items.map(APIMapping.settlement)))))
    }

    func approveSettlement(_ input: Operations.ApproveSettlement.Input) async throws -> Operations.ApproveSettlement.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canApproveMoney else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot approve settlements") }
        let id = try parseUUID(input.path.settlementId, "settlement_id")
        let settlement = try await services.settlements.approve(id, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.settlement(settlement))))
    }

    func acceptSettlement(_ input: Operations.AcceptSettlement.Input) async throws -> Operations.AcceptSettlement.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record accepted settlements")
        let id = try parseUUID(input.path.settlementId, "settlement_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let first = try body.firstDate.map { try parseDate($0, "first_date") }
        let settlement = try await services.settlements.accept(
            id, method: try body.methodId.map { try parseUUID($0, "method_id") }, firstDate: first, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.settlement(settlement))))
    }

    func issueRemittance(_ input: Operations.IssueRemittance.Input) async throws -> Operations.IssueRemittance.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canApproveMoney else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot issue remittances") }
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let (from, to) = (try parseDate(body.from, "from"), try parseDate(body.to, "to"))
        let record = try await services.remittances.issue(client: client, from: from, to: to, scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.remittance(record))))
    }

    func listRemittances(_ input: Operations.ListRemittances.Input) async throws -> Operations.ListRemittances.Output {
        let principal = try RequestPrincipal.require()
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        let (records, trust) = try await services.remittances.remittances(client: client, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: records.map(APIMapping.remittance),
                                           trustBalance: APIMapping.money(Money(minorUnits: trust, currency: .usd))))))
    }

    func getRemittanceStatement(_ input: Operations.GetRemittanceStatement.Input) async throws -> Operations.GetRemittanceStatement.Output {
        let principal = try RequestPrincipal.require()
        let id = try parseUUID(input.path.remittanceId, "remittance_id")
        let statement = try await services.remittances.statement(of: id, scope: principal.scope)
        if input.query.format == .pdf {
            let agency = try await services.letterhead(principal.scope.tenantID).name
            let pdf = PDFRenderer.render(RemittanceStatementLetter.letter(statement, agency: agency))
            return .ok(.init(body: .pdf(HTTPBody([UInt8](pdf)))))
        }
        return .ok(.init(body: .csv(HTTPBody(statement.csv))))
    }

    func makePromise(_ input: Operations.MakePromise.Input) async throws -> Operations.MakePromise.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record promises")
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let due = try parseDate(body.dueOn, "due_on")
        let promise = try await services.promises.promise(
            account: account, amount: body.amountMinor, dueOn: due, source: .agent, scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.promise(promise, .open))))
    }

    func listPromises(_ input: Operations.ListPromises.Input) async throws -> Operations.ListPromises.Output {
        let principal = try RequestPrincipal.require()
        let account = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.promises.promises(account: account, scope: principal.scope)
        return .ok(.init(body: .json(.init(items: items.map(APIMapping.promise)))))
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
            contingencyBp: terms.contingencyBasisPoints, graceDays: terms.graceDays, missesToBreak: terms.missesToBreak,
            remit: .init(rawValue: terms.remit.rawValue), interestBp: terms.interest?.annualRateBasisPoints,
            dayCount: terms.interest.flatMap { .init(rawValue: $0.dayCount.rawValue) },
            convenienceFee: terms.convenienceFee.map { fee in
                .init(cardMinor: fee.cardMinor, bankMinor: fee.bankMinor, states: fee.permittedStates.map(\.code).sorted())
            })
    }

    static func terms(_ body: Components.Schemas.ClientTerms) throws -> ClientTerms {
        var problems: [FieldProblem] = []
        func within<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ field: String) {
            if !range.contains(value) { problems.append(FieldProblem(field: field, reason: "must be from \(range.lowerBound) to \(range.upperBound)")) }
        }
        within(body.planMaxMonths, 1...120, "plan_max_months")
        within(body.planMinimumInstallmentMinor, 0...100_000_000, "plan_minimum_installment_minor")
        within(body.planMinimumDownPaymentBp, 0...10_000, "plan_minimum_down_payment_bp")
        within(body.settlementMinimumBp, 0...10_000, "settlement_minimum_bp")
        within(body.settlementMaxInstallments, 1...24, "settlement_max_installments")
        within(body.settlementMaxValidDays, 1...365, "settlement_max_valid_days")
        within(body.contingencyBp, 0...10_000, "contingency_bp")
        within(body.graceDays, 0...60, "grace_days")
        within(body.missesToBreak, 1...12, "misses_to_break")
        if let rate = body.interestBp { within(rate, 1...3_600, "interest_bp") }
        var feeStates: Set<USState> = []
        if let fee = body.convenienceFee {
            for (name, value) in [("card_minor", fee.cardMinor), ("bank_minor", fee.bankMinor)] {
                if let value { within(value, 1...10_000, "convenience_fee.\(name)") }
            }
            for (index, code) in fee.states.enumerated() {
                if let state = USState(rawValue: code) { feeStates.insert(state) } else {
                    problems.append(FieldProblem(field: "convenience_fee.states[\(index)]", reason: "\(code) is not a USPS state code"))
                }
            }
        }
        let allocation = AllocationPolicy(order: body.allocation.compactMap { Bucket(rawValue: $0.rawValue) })
        if allocation == nil { problems.append(FieldProblem(field: "allocation", reason: "name principal, interest and fees once each")) }
        guard problems.isEmpty, let allocation else { throw RecoupError.invalid(problems) }
        return ClientTerms(
            allocation: allocation,
            plans: PlanRules(maxMonths: body.planMaxMonths, minimumInstallment: body.planMinimumInstallmentMinor,
                             minimumDownPaymentBasisPoints: body.planMinimumDownPaymentBp),
            settlements: SettlementRules(minimumBasisPoints: body.settlementMinimumBp, maxInstallments: body.settlementMaxInstallments,
                                         maxValidDays: body.settlementMaxValidDays),
            contingencyBasisPoints: body.contingencyBp, graceDays: body.graceDays, missesToBreak: body.missesToBreak,
            remit: body.remit.flatMap { RemitMethod(rawValue: $0.rawValue) } ?? .net,
            interest: body.interestBp.map {
                InterestTerms(annualRateBasisPoints: $0, dayCount: body.dayCount.flatMap { DayCount(rawValue: $0.rawValue) } ?? .actual365)
            },
            convenienceFee: body.convenienceFee.map { ConvenienceFeeTerms(cardMinor: $0.cardMinor, bankMinor: $0.bankMinor, permittedStates: feeStates) })
    }

    static func method(_ method: PaymentMethod) -> Components.Schemas.PaymentMethod {
        .init(id: method.id.lowercasedString, accountId: method.accountID.description,
              rail: .init(rawValue: method.rail.rawValue) ?? .card, display: method.display, authorizedVia: method.authorizedVia,
              createdAt: method.createdAt)
    }

    static func payment(_ payment: Payment) -> Components.Schemas.Payment {
        .init(
            id: payment.id.lowercasedString, accountId: payment.accountID.description, methodId: payment.methodID.lowercasedString,
            rail: .init(rawValue: payment.rail.rawValue) ?? .card, amount: money(payment.amount),
            convenienceFee: money(payment.convenienceFee), status: .init(rawValue: payment.status.rawValue) ?? .pending, processorRef: payment.processorRef,
            failureReason: payment.failureReason, entryId: payment.entryID?.lowercasedString,
            planId: payment.planID?.lowercasedString, installment: payment.installment, createdBy: payment.createdBy,
            createdAt: payment.createdAt, updatedAt: payment.updatedAt)
    }

    /// A plan (or a quote: `status` quote) with its schedule, and where it stands when known.
    static func plan(_ plan: PlanRecord, schedule: [Installment], progress: PlanProgress?, quote: Bool = false) -> Components.Schemas.Plan {
        .init(
            id: plan.id.lowercasedString, accountId: plan.accountID.description, amount: money(plan.amount),
            downPaymentMinor: plan.downPayment, frequency: plan.frequency.rawValue, firstDate: plan.firstDate.iso,
            methodId: plan.methodID?.lowercasedString,
            status: quote ? .quote : .init(rawValue: plan.status.rawValue) ?? .active,
            replaces: plan.replaces?.lowercasedString, paidMinor: progress?.paid, missed: progress?.standing.missed,
            failures: progress?.failures,
            installments: schedule.map { .init(number: $0.number, dueOn: $0.dueOn.iso, amountMinor: $0.amount) },
            createdAt: plan.createdAt)
    }

    static func settlement(_ settlement: SettlementRecord) -> Components.Schemas.Settlement {
        .init(
            id: settlement.id.lowercasedString, accountId: settlement.accountID.description, balance: money(settlement.balance),
            amount: money(settlement.amount), installments: settlement.installments, expiresOn: settlement.expiresOn.iso,
            status: .init(rawValue: settlement.status.rawValue) ?? .offered, approvalReasons: settlement.approvalReasons,
            planId: settlement.planID?.lowercasedString, offeredBy: settlement.offeredBy, approvedBy: settlement.approvedBy,
            createdAt: settlement.createdAt)
    }

    static func remittance(_ record: RemittanceRecord) -> Components.Schemas.Remittance {
        func amount(_ minor: Int64) -> Components.Schemas.Money { money(Money(minorUnits: minor, currency: record.currency)) }
        return .init(
            id: record.id.lowercasedString, clientId: record.clientID.description, from: record.from.iso, to: record.to.iso,
            method: .init(rawValue: record.method.rawValue) ?? .net, collected: amount(record.collected),
            clientShare: amount(record.split.clientShare), agencyFee: amount(record.split.agencyFee),
            remitted: amount(record.method == .net ? record.split.clientShare : record.collected), lines: record.lineCount,
            createdAt: record.createdAt)
    }

    static func promise(_ promise: PromiseRecord, _ standing: PromiseStanding) -> Components.Schemas.Promise {
        .init(
            id: promise.id.lowercasedString, accountId: promise.accountID.description, amount: money(promise.amount),
            dueOn: promise.dueOn.iso, source: .init(rawValue: promise.source.rawValue) ?? .agent, madeBy: promise.madeBy,
            status: .init(rawValue: standing.rawValue) ?? .open, createdAt: promise.createdAt)
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
                .init(id: posted.entry.id.lowercasedString, postedOn: posted.entry.postedOn.iso, kind: posted.entry.kind.rawValue,
                      amounts: buckets(posted.entry.amounts), reverses: posted.entry.reverses?.lowercasedString, memo: posted.entry.memo,
                      paymentId: posted.paymentID?.lowercasedString, clientShareMinor: posted.split.clientShare,
                      agencyFeeMinor: posted.split.agencyFee)
            })
    }
}

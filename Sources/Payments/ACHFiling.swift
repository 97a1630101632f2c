import Foundation
import RecoupApp
import RecoupCore

/// The agency's side of ACH: the day's NACHA file of pending debits, and the bank's return file back.
///
/// An export first stores the file as `building`, claiming each of its debits with its trace number in the same
/// transaction (a debit another export claimed meanwhile fails this one, which then changes nothing), then files each
/// debit (which posts it), then marks the file `ready`. An export interrupted half way is resumed by the next one,
/// which files what was left and hands the same file out again: a debit is in one file and posted once, and of two
/// exports finishing one file at the same moment only the one that marks it ready hands it out.
public struct ACHFiling: Sendable {
    let payments: PaymentService
    let plans: PlanService
    let repository: any PaymentRepository
    let planRepository: any PlanRepository
    let originator: NACHAOriginator

    public init(
        payments: PaymentService, plans: PlanService, repository: any PaymentRepository, planRepository: any PlanRepository,
        originator: NACHAOriginator
    ) {
        self.payments = payments
        self.plans = plans
        self.repository = repository
        self.planRepository = planRepository
        self.originator = originator
    }

    /// The files this export produced: an interrupted one resumed, then a new one of the debits waiting (if any).
    public func export(tenantID: TenantID, effectiveDate: LocalDate, at now: Date, actor: String) async throws -> [ACHFileRecord] {
        var files: [ACHFileRecord] = []
        for unfinished in try await repository.achFiles(tenantID: tenantID) where unfinished.status == .building {
            if let finished = try await finish(unfinished, actor: actor) { files.append(finished) }
        }
        let due = try await payments.achDue(tenantID: tenantID, plans: planRepository, actor: actor)
        guard !due.isEmpty else { return files }
        let debits = due.map { payment, method, account in
            guard case let .bank(routing, number, checking, holder) = method.details else { preconditionFailure("ACH payment on a card") }
            return NACHADebit(
                routing: routing, accountNumber: number, account: checking ? .checking : .savings, amount: payment.charged,
                individualID: account.referenceCode, individualName: holder,
                entryClass: Self.entryClass(authorizedVia: method.authorizedVia), recurring: payment.planID != nil)
        }
        // Trace numbers continue the originator's sequence across its tenants, so each names one debit.
        let sequence = try await repository.achDebitsFiled() + 1
        let written = try NACHAFile.write(debits, originator: originator, effectiveDate: effectiveDate, createdAt: now, firstTraceSequence: sequence)
        let file = ACHFileRecord(
            tenantID: tenantID, effectiveDate: effectiveDate, createdAt: now, status: .building,
            debits: zip(due, written.traceNumbers).map { ($0.0.id, $1) }, totalMinor: written.totalDebit, text: written.text)
        do {
            try await repository.saveACHFile(file, audit: AuditEntry(
                actor: actor, action: "nacha.exported", subjectType: "ach_file", subjectID: file.id.lowercasedString,
                details: ["entries": "\(written.entryCount)", "total_minor": "\(written.totalDebit)", "effective_date": effectiveDate.iso,
                          "entry_hash": "\(written.entryHash)"]))
        } catch let error as RecoupError {
            throw error
        } catch {
            // Another tenant's export took the same trace numbers a moment earlier (they are unique): nothing was stored.
            throw RecoupError.conflict("another export filed at the same moment (\(error)); run the export again")
        }
        if let finished = try await finish(file, actor: actor) { files.append(finished) }
        return files
    }

    /// Files every debit of `file` (each posts once, whatever happened before) and marks it ready; nil when another
    /// export marked it ready first (that one hands it out).
    func finish(_ file: ACHFileRecord, actor: String) async throws -> ACHFileRecord? {
        for (paymentID, trace) in file.debits {
            _ = try await payments.filed(paymentID, trace: trace, tenantID: file.tenantID, actor: actor)
        }
        guard try await repository.markACHFileReady(file.id, tenantID: file.tenantID) else { return nil }
        var ready = file
        ready.status = .ready
        return ready
    }

    /// What a return file did.
    public struct ReturnsReport: Sendable {
        public var returned: [Payment] = []
        public var corrected: [PaymentMethod] = []
        /// Plans the returns broke.
        public var brokenPlans: [UUID] = []
        /// Entries naming no debit of this tenant, and lines the parser could not read: line and why.
        public var problems: [(line: Int, reason: String)] = []
    }

    /// Applies the bank's return file: each return reverses its debit (and may break its plan); each notification
    /// of change corrects the stored bank details. What cannot be matched is reported by line; the rest is applied.
    public func importReturns(_ text: String, tenantID: TenantID, on date: LocalDate, actor: String) async throws -> ReturnsReport {
        let parsed = ACHReturnFile.parse(text)
        var report = ReturnsReport()
        report.problems = parsed.problems
        for item in parsed.returns {
            let reason = "\(item.code) " + (item.reason?.description ?? "returned")
            guard let payment = try await payments.returned(trace: item.originalTrace, reason: reason, tenantID: tenantID, actor: actor) else {
                report.problems.append((item.line, "no debit with trace number \(item.originalTrace)"))
                continue
            }
            report.returned.append(payment)
            if item.reason?.revokesAuthorization == true || item.reason?.needsNewAccount == true {
                // The consumer revoked the debit or the account is gone: never debit that method again.
                try await payments.revoke(payment.methodID, because: reason, tenantID: tenantID, actor: actor)
            }
            if let planID = payment.planID, let plan = try? await plans.plan(planID, scope: AccessScope(tenantID: tenantID)),
               try await plans.review(plan, on: date, actor: actor) == .broken {
                report.brokenPlans.append(planID)
            }
        }
        for change in parsed.changes {
            var routing: String?
            var number: String?
            var checking: Bool?
            switch change.correction {
            case let .accountNumber(account): number = account
            case let .routing(value): routing = value
            case let .routingAndAccount(value, account): (routing, number) = (value, account)
            case let .transactionCode(code): checking = Self.isChecking(code)
            case let .accountAndTransactionCode(account, code): (number, checking) = (account, Self.isChecking(code))
            case let .other(code, _):
                report.problems.append((change.line, "notification of change \(code) is not applied automatically"))
                continue
            }
            guard let method = try await payments.corrected(
                trace: change.originalTrace, routing: routing, accountNumber: number, checking: checking, code: change.code,
                tenantID: tenantID, actor: actor)
            else {
                report.problems.append((change.line, "no debit with trace number \(change.originalTrace)"))
                continue
            }
            report.corrected.append(method)
        }
        return report
    }

    /// The Standard Entry Class of the consumer's authorization: online (WEB), on a recorded call (TEL), else written
    /// (PPD).
    static func entryClass(authorizedVia: String) -> StandardEntryClass {
        switch authorizedVia {
        case "portal", "web": .web
        case "phone", "tel": .tel
        default: .ppd
        }
    }

    /// Debit and credit codes of checking accounts start with 2; savings with 3.
    static func isChecking(_ transactionCode: String) -> Bool { transactionCode.hasPrefix("2") }
}

import ArgumentParser
import Foundation
import Payments
import RecoupApp
import RecoupCore
import Storage

/// `recoup payments run`: the daily autopay run (cron it once a day per tenant).
struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "Payment plans' daily run; reconciliation with the processor and the bank.", subcommands: [Run.self, Reconcile.self, ReconcileBank.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post the interest clients allow on active accounts, queue reminders of installments due within 3 days, charge what fell due on active plans with autopay (cards through the processor; bank debits wait for the next NACHA file), and mark plans completed or broken. Safe to run twice a day: each plan is charged once per date. A plan that cannot be charged is named and the others still run; exit 1 then.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The run's date, YYYY-MM-DD (default: each consumer's today, in their time zone).") var date: String?

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let (report, interest) = try await Runtime.with(options) { runtime in
                let day = try date.map { try parseDate($0, "--date") }
                let clients = try await runtime.directory.clients(scope: AccessScope(tenantID: tenantID)).map(\.id)
                let interest = try await runtime.payments.accrueInterest(tenantID: tenantID, clients: clients, through: day, actor: cliActor)
                return (try await runtime.plans.runAutopay(tenantID: tenantID, on: day, actor: cliActor), interest)
            }
            let lines = ["charged \(report.charged), declined \(report.declined), queued for ACH \(report.queued), completed \(report.completed), broken \(report.broken), reminded \(report.reminded), errors \(report.errors.count); "
                + "interest on \(interest.accounts) accounts, \(interest.interest) minor units"]
                + report.errors.map { "  plan \($0.plan.lowercasedString): \($0.reason)" }
            Output.emit(
                options, text: lines.joined(separator: "\n"),
                json: ["charged": report.charged, "declined": report.declined, "queued": report.queued, "completed": report.completed,
                       "broken": report.broken, "reminded": report.reminded, "interest_accounts": interest.accounts,
                       "interest_minor": interest.interest,
                       "errors": report.errors.map { ["plan": $0.plan.lowercasedString, "reason": $0.reason] }])
            if !report.errors.isEmpty { throw ExitCode(1) }
        }
    }
}

extension PaymentsCommand {
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile the processor's settlement report (CSV: id, amount, type) against the card payments posted for the same days. Every line and payment that does not match is named; exit 1 then.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The processor's settlement report (CSV).") var file: String
        @Option(help: "First day the report covers, YYYY-MM-DD.") var from: String
        @Option(help: "Last day it covers, YYYY-MM-DD.") var to: String

        func run() async throws {
            let (tenantID, first, last, csv) = try reconciliationInput(tenant: tenant, file: file, from: from, to: to)
            let (lines, problems) = Reconciliation.parse(csv)
            let (payments, found) = try await Runtime.with(options) { runtime in
                let found = try await runtime.payments.payments(references: lines.map(\.reference), tenantID: tenantID)
                return (try await runtime.payments.payments(rail: .card, from: first, to: last, tenantID: tenantID), found)
            }
            var report = Reconciliation.reconcile(lines, byReference: found, payments: payments)
            report.problems = problems
            let text = ["matched \(report.matched) (collected \(report.matchedCollected), returned \(report.matchedReturned) minor units), "
                        + "at the processor only \(report.atProcessorOnly.count), in Recoup only \(report.inRecoupOnly.count), unreadable \(problems.count)"]
                + report.atProcessorOnly.map { "  line \($0.line): \($0.reason)" }
                + report.inRecoupOnly.map { "  payment \($0.id.lowercasedString) (\($0.processorRef ?? "")): \($0.amount.decimalString) not in the report" }
                + problems.map { "  line \($0.line): \($0.reason)" }
            Output.emit(options, text: text.joined(separator: "\n"), json: [
                "matched": report.matched, "matched_collected_minor": report.matchedCollected, "matched_returned_minor": report.matchedReturned,
                "at_processor_only": lineReasons(report.atProcessorOnly),
                "in_recoup_only": report.inRecoupOnly.map { $0.id.lowercasedString },
                "problems": lineReasons(problems),
            ])
            if !report.isClean { throw ExitCode(1) }
        }
    }
}

extension PaymentsCommand {
    struct ReconcileBank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile-bank",
            abstract: "Reconcile the ACH clearing account's bank statement (CSV: date, amount, type settlement|return, reference) against the NACHA files filed and the returns posted for the same days: each filed batch (or whole file) should be credited from its effective date to two business days later, each return debited under its trace number. Every line, batch and return that does not match is named; exit 1 then.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The bank statement (CSV).") var file: String
        @Option(help: "First day the statement covers, YYYY-MM-DD.") var from: String
        @Option(help: "Last day it covers, YYYY-MM-DD.") var to: String

        func run() async throws {
            let (tenantID, first, last, csv) = try reconciliationInput(tenant: tenant, file: file, from: from, to: to)
            let (lines, problems) = BankReconciliation.parse(csv)
            var report = try await Runtime.with(options) { runtime in
                let files = try await runtime.store.achFiles(tenantID: tenantID)
                let byTrace = try await runtime.payments.payments(
                    references: lines.filter { $0.kind == .return }.map(\.reference), tenantID: tenantID)
                let returned = try await runtime.payments.returnedDebits(from: first, to: last, tenantID: tenantID)
                return BankReconciliation.reconcile(lines, days: first...last, files: files, byTrace: byTrace, returnedPayments: returned)
            }
            report.problems = problems
            let text = ["settled \(report.settled) (\(report.settledAmount) minor units), returned \(report.returned) (\(report.returnedAmount) minor units), "
                        + "at the bank only \(report.atBankOnly.count), unsettled batches \(report.unsettled.count), returns not on the statement \(report.unreportedReturns.count), unreadable \(problems.count)"]
                + report.atBankOnly.map { "  line \($0.line): \($0.reason)" }
                + report.unsettled.map { "  file \($0.file.lowercasedString) batch \($0.batch): \($0.amount) minor units filed, not credited" }
                + report.unreportedReturns.map { "  payment \($0.id.lowercasedString) (trace \($0.processorRef ?? "")): returned in Recoup, not debited by the bank" }
                + problems.map { "  line \($0.line): \($0.reason)" }
            Output.emit(options, text: text.joined(separator: "\n"), json: [
                "settled": report.settled, "settled_minor": report.settledAmount, "returned": report.returned, "returned_minor": report.returnedAmount,
                "at_bank_only": lineReasons(report.atBankOnly),
                "unsettled": report.unsettled.map { ["file": $0.file.lowercasedString, "batch": $0.batch, "amount_minor": $0.amount] as [String: Any] },
                "returns_not_on_statement": report.unreportedReturns.map { $0.id.lowercasedString },
                "problems": lineReasons(problems),
            ])
            if !report.isClean { throw ExitCode(1) }
        }
    }
}

/// What both reconciliations read: the tenant, the days the report covers, and the report's text.
func reconciliationInput(tenant: String, file: String, from: String, to: String) throws
    -> (tenant: TenantID, first: LocalDate, last: LocalDate, text: String)
{
    let tenantID = try parseID(tenant, TenantID.self, "--tenant")
    let (first, last) = (try parseDate(from, "--from"), try parseDate(to, "--to"))
    guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
    return (tenantID, first, last, String(decoding: data, as: UTF8.self))
}

/// Report lines and why each is named, as JSON.
func lineReasons(_ items: [(line: Int, reason: String)]) -> [[String: Any]] {
    items.map { ["line": $0.line, "reason": $0.reason] }
}

/// The agency's ACH desk with its bank as `RECOUP_ACH_ORIGINATOR` names it.
func achDesk(_ runtime: Runtime) throws -> ACHFiling {
    guard let originator = runtime.settings.achOriginator else {
        throw ValidationError("RECOUP_ACH_ORIGINATOR is not set: ROUTING,BANK NAME,COMPANY ID,COMPANY NAME")
    }
    return ACHFiling(payments: runtime.payments, plans: runtime.plans, repository: runtime.store, planRepository: runtime.store,
                     originator: originator)
}

/// `recoup nacha export` and `recoup nacha import-returns`: the agency's ACH files with its bank.
struct NACHACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nacha", abstract: "ACH files: the debits to send, the returns that come back.", subcommands: [Export.self, ImportReturns.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the NACHA file of every pending ACH debit (PPD, or WEB when authorised on the portal) and post them. An export interrupted half way is finished by the next one, which writes the same file again.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The effective entry date, YYYY-MM-DD.") var date: String
        @Option(help: "Where to write the file (several files get .2, .3 … suffixes).") var out: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let effective = try parseDate(date, "--date")
            let files = try await Runtime.with(options) { runtime in
                try await achDesk(runtime)
                    .export(tenantID: tenantID, effectiveDate: effective, at: runtime.clock.now(), actor: cliActor)
            }
            var written: [String] = []
            for (index, file) in files.enumerated() {
                let path = index == 0 ? out : "\(out).\(index + 1)"
                try file.text.write(toFile: path, atomically: true, encoding: .ascii)
                written.append(path)
            }
            let entries = files.reduce(0) { $0 + $1.debits.count }
            let total = files.reduce(Int64(0)) { $0 + $1.totalMinor }
            Output.emit(
                options,
                text: files.isEmpty ? "no pending ACH debits" : "wrote \(entries) debits, \(Money(minorUnits: total, currency: .usd).decimalString) to \(written.joined(separator: ", "))",
                json: ["files": written, "entries": entries, "total_minor": total])
        }
    }

    struct ImportReturns: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-returns",
            abstract: "Apply the bank's return file: each return reverses its debit and counts against its plan; each notification of change corrects the stored bank details. Lines that match nothing are named; exit 1 when there were any.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The return file.") var file: String

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let report = try await Runtime.with(options) { runtime in
                try await achDesk(runtime)
                    .importReturns(String(decoding: data, as: UTF8.self), tenantID: tenantID, on: LocalDate(utc: runtime.clock.now()),
                                   actor: cliActor)
            }
            let lines = ["returned \(report.returned.count), corrected \(report.corrected.count), plans broken \(report.brokenPlans.count), problems \(report.problems.count)"]
                + report.problems.map { "  line \($0.line): \($0.reason)" }
            Output.emit(options, text: lines.joined(separator: "\n"), json: [
                "returned": report.returned.map { $0.id.lowercasedString },
                "corrected": report.corrected.map { $0.id.lowercasedString },
                "broken_plans": report.brokenPlans.map { $0.lowercasedString },
                "problems": report.problems.map { ["line": $0.line, "reason": $0.reason] as [String: Any] },
            ])
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }
}

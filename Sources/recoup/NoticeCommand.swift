import ArgumentParser
import Compliance
import Foundation
import Messaging
import RecoupApp
import RecoupCore
import Storage

/// `recoup notice validation`: an account's Regulation F validation notice as print-ready PDF or HTML, in English
/// or Spanish, from its placement data and the collector's letterhead (RECOUP_COLLECTOR_ADDRESS or
/// `--collector-address`).
struct NoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "Letters the law requires.", subcommands: [Validation.self])

    struct Validation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an account's validation notice (12 CFR 1006.34, Model Form B-1 layout).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Account id.") var account: String
        @Option(help: "en or es.") var language = "en"
        @Option(help: "pdf or html.") var format = "pdf"
        @Option(help: "Where to write the notice.") var out: String
        @Option(help: "The day the notice is provided, YYYY-MM-DD (default: today, UTC).") var providedOn: String?
        @Option(help: "The dispute mailing address, lines separated by | (default: RECOUP_COLLECTOR_ADDRESS).")
        var collectorAddress: String?

        func validate() throws {
            guard NoticeLanguage(rawValue: language) != nil else { throw ValidationError("--language must be en or es") }
            guard ["pdf", "html"].contains(format) else { throw ValidationError("--format must be pdf or html") }
            if let providedOn, LocalDate(iso: providedOn) == nil { throw ValidationError("--provided-on must be YYYY-MM-DD") }
        }

        func run() async throws {
            let tenantID = try parseID(tenant, TenantID.self, "--tenant")
            let accountID = try parseID(account, AccountID.self, "--account")
            let noticeLanguage = NoticeLanguage(rawValue: language) ?? .english
            let day = providedOn.flatMap { LocalDate(iso: $0) } ?? LocalDate(utc: Date())
            let notice = try await Runtime.with(options) { runtime in
                let settings = runtime.settings
                let tenantName = try await runtime.collectorName(tenantID)
                let address = collectorAddress.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
                    ?? settings.collectorAddress
                return try await NoticeService(accounts: runtime.accounts).validationNotice(
                    accountID, scope: AccessScope(tenantID: tenantID), language: noticeLanguage, providedOn: day,
                    collector: CollectorDetails(
                        name: tenantName, mailingAddress: address, phone: settings.collectorPhone,
                        californiaLicense: settings.californiaLicense))
            }
            let letter = ValidationNoticeLetter.letter(notice)
            let data = format == "pdf" ? PDFRenderer.render(letter) : Data(HTMLRenderer.render(letter, language: language).utf8)
            guard FileManager.default.createFile(atPath: out, contents: data) else { throw ValidationError("cannot write \(out)") }
            Output.emit(
                options, text: "wrote \(out) (validation period ends \(notice.endDate.iso))",
                json: ["path": out, "end_date": notice.endDate.iso, "assumed_receipt_date": notice.validationPeriod.assumedReceiptDate.iso,
                       "state_notices": notice.stateNotices.map(\.rule)])
        }
    }
}

import ArgumentParser
import Channels
import Compliance
import Foundation
import Logging
import RecoupApp
import RecoupCore
import ServiceLifecycle
import Storage

/// `recoup send email|sms|letter|voicemail`: queue a message to one or more accounts, each checked by the compliance
/// engine first.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Queue messages to accounts (compliance-checked; `recoup dispatch` sends them).",
        subcommands: [Email.self, Text.self, Mail.self, Voicemail.self])

    /// The accounts a send names.
    struct Recipients: ParsableArguments {
        @Option(help: "Tenant id.") var tenant: String
        @Option(name: .customLong("account"), help: "Account id (repeatable).") var accounts: [String] = []
        @Flag(help: "Every active account of the tenant.") var allActive = false
    }

    struct Email: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue an email to accounts' primary consumers; the disclosures and opt-out notice are added.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var recipients: Recipients
        @Option(help: "Subject line.") var subject: String
        @Option(help: "Message text (the required statements are appended).") var text: String

        func run() async throws { try await queue(.email, subject: subject, text: text, to: recipients, options) }
    }

    struct Text: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sms", abstract: "Queue a text to accounts' primary consumers' mobile numbers; the disclosure and \"reply STOP\" are added.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var recipients: Recipients
        @Option(help: "Message text (the required statements are appended).") var text: String

        func run() async throws { try await queue(.sms, subject: nil, text: text, to: recipients, options) }
    }

    struct Mail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "letter", abstract: "Queue a letter (validation notice or final demand) to accounts' mailing addresses; `dispatch` files it in the print batch.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var recipients: Recipients
        @Option(help: "validation_notice or final_demand.") var kind: String
        @Option(help: "A final demand's words (paragraphs separated by a blank line).") var text: String?

        func run() async throws {
            guard let letter = LetterKind(rawValue: kind), letter != .receipt else { throw ValidationError("--kind must be validation_notice or final_demand") }
            try await queue(.letter, subject: nil, text: text, letter: letter, to: recipients, options)
        }
    }

    struct Voicemail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a prerecorded limited-content voicemail from a voicemail template; `dispatch` places the call through the voice provider.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var recipients: Recipients
        @Option(help: "The voicemail template's name.") var template = "callback"

        func run() async throws { try await queue(.voicemail, subject: nil, text: nil, template: template, to: recipients, options) }
    }

    static func queue(
        _ channel: ProposedChannel, subject: String?, text: String?, letter: LetterKind? = nil, template: String? = nil, to recipients: Recipients,
        _ options: GlobalOptions
    ) async throws {
        let tenantID = try parseID(recipients.tenant, TenantID.self, "--tenant")
        let ids = try recipients.accounts.map { try parseID($0, AccountID.self, "--account") }
        guard !ids.isEmpty || recipients.allActive else { throw ValidationError("name accounts with --account or --all-active") }
        let (queued, refused, failed): (Int, [String: Int], [String]) = try await Runtime.with(options) { runtime in
            var ids = ids
            let scope = AccessScope(tenantID: tenantID)
            if recipients.allActive {
                var after: AccountID?
                while true {
                    let page = try await runtime.store.accounts(scope: scope, filter: AccountFilter(status: .active), after: after, limit: 500)
                    ids += page.map(\.id)
                    guard page.count == 500 else { break }
                    after = page.last?.id
                }
            }
            let service = runtime.messages
            let collector = try await runtime.collectorName(tenantID)
            var queued = 0
            var refused: [String: Int] = [:]
            var failed: [String] = []
            for id in ids {
                do {
                    switch try await service.send(
                        channel, account: id, subject: subject, text: text, letter: letter, template: template, scope: scope, actor: cliActor,
                        collectorName: collector)
                    {
                    case .queued: queued += 1
                    case let .refused(decision): refused[decision.rule ?? "not allowed", default: 0] += 1
                    }
                } catch let error as RecoupError {
                    failed.append("\(id): \(error)")
                }
            }
            return (queued, refused, failed)
        }
        var lines = ["queued \(queued), refused \(refused.values.reduce(0, +)), failed \(failed.count)"]
        lines += refused.sorted { $0.key < $1.key }.map { "  refused by \($0.key): \($0.value)" }
        lines += failed.prefix(20).map { "  " + $0 }
        Output.emit(options, text: lines.joined(separator: "\n"), json: ["queued": queued, "refused": refused, "failed": failed])
    }
}

/// `recoup dispatch`: send what the outbox holds, rechecking compliance at send time; several may run at once.
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Send due messages from the outbox: email through the SMTP relay (RECOUP_SMTP_URL or --smtp), texts and voicemails through the SMS and voice provider (RECOUP_SMS_URL; voicemails need RECOUP_PUBLIC_URL), letters into the day's print batch (RECOUP_PRINT_DIR).",
        discussion: "Runs until stopped, polling for due messages; --once drains what is due now and exits. Safe to run in several processes on one database, and to kill at any moment.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "smtp://[user:password@]host[:port] (default: RECOUP_SMTP_URL).") var smtp: String?
    @Flag(help: "Drain what is due now, then exit.") var once = false
    @Option(help: "Seconds between polls when nothing is due.") var interval = 2.0
    @Option(help: "Messages claimed per batch.") var batch = Dispatcher.Settings.defaults.batchSize
    @Option(help: "Seconds a claim holds before another dispatcher may take the message over (default: RECOUP_DISPATCH_LEASE, else 120).")
    var lease: TimeInterval?
    @Option(help: "Messages handed off at once.") var concurrency = Dispatcher.Settings.defaults.concurrency
    @Option(help: "Sent messages whose outcome may wait to be written while the next are handed off (a crash hands these off again, with the same Message-ID).")
    var recordingWindow = Dispatcher.Settings.defaults.recordingWindow

    func run() async throws {
        let total = try await Runtime.with(options) { runtime in try await drain(runtime) }
        let counts: [String: Any] = [
            "sent": total.sent, "rescheduled": total.rescheduled, "retried": total.retried, "blocked": total.blocked,
            "dead": total.dead, "lost": total.lost,
        ]
        Output.emit(
            options,
            text: "done: sent \(total.sent), rescheduled \(total.rescheduled), retried \(total.retried), blocked \(total.blocked), dead \(total.dead)",
            json: counts)
    }

    private func drain(_ runtime: Runtime) async throws -> Dispatcher.Report {
        let url = smtp ?? runtime.settings.smtpURL
        let relay = url.flatMap(SMTPTransport.Configuration.init(url:))
        if url != nil, relay == nil { throw ValidationError("the SMTP relay must be smtp://[user:password@]host[:port]") }
        var settings = runtime.dispatchSettings()
        settings.batchSize = batch
        if let lease { settings.lease = lease }
        settings.concurrency = concurrency
        settings.recordingWindow = recordingWindow
        var service = DispatchService(dispatcher: runtime.dispatcher(email: relay.map { SMTPTransport($0) }, settings: settings), interval: interval)
        if !options.json {
            service.progress = { report in
                print("sent \(report.sent), rescheduled \(report.rescheduled), retried \(report.retried), blocked \(report.blocked), dead \(report.dead)")
            }
        }
        return try await service.drain(once: once)
    }
}

/// The dispatcher's polling loop, for `recoup dispatch` and inside `recoup serve` (when an SMTP relay is
/// configured): batches back to back while messages are due, a pause when none are, until shut down.
struct DispatchService: Service {
    let dispatcher: Dispatcher
    /// Seconds between polls when nothing is due.
    let interval: Double
    var progress: (@Sendable (Dispatcher.Report) -> Void)?
    var logger = Logger(label: "recoup.dispatch")

    /// A claim name unique to this process.
    static func workerName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    func run() async throws {
        _ = try await drain(once: false)
    }

    /// Dispatches until nothing is due (`once`) or until graceful shutdown; returns the totals.
    func drain(once: Bool) async throws -> Dispatcher.Report {
        let running: @Sendable () -> Bool = { !Task.isShuttingDownGracefully && !Task.isCancelled }
        var total = Dispatcher.Report()
        while running() {
            do {
                total.add(try await dispatcher.drain(while: running, progress: progress))
            } catch where !once {
                // A database hiccup must not stop a server's dispatcher; the leases make the next pass safe.
                logger.error("dispatch pass failed: \(error)")
            }
            if once { break }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
        }
        return total
    }
}

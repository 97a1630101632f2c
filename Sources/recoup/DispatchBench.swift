import ArgumentParser
import Channels
import Compliance
import Foundation
import RecoupApp
import RecoupCore
import Storage

/// `recoup bench dispatch`: drains queued emails through the dispatcher (claim, compliance re-check, hand-off,
/// contact and audit written) to an in-process SMTP sink, and in the same run measures the sink's ceiling with a
/// minimal sender (the same SMTP client, no database, no compliance), so the ratio survives a noisy machine.
struct DispatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Drain queued emails to a local SMTP sink through the dispatcher; print messages/s, the compliance share and the sink's ceiling.")

    @Option(help: "Demo accounts placed; every one with an email address gets one message.") var accounts = 2_000
    @Option(help: "Messages the minimal sender hands to the sink for the ceiling.") var ceilingMessages = 2_000
    @Option(help: "Work folder (deleted afterwards unless --keep).") var workDir: String?
    @Flag(help: "Keep the work folder.") var keep = false

    func run() async throws {
        let work = workDir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("recoup-dispatch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let file = (work as NSString).appendingPathComponent("placements.csv")
        try Bench.writeFile(rows: accounts, to: file)
        let dataDir = (work as NSString).appendingPathComponent("data")
        _ = try Bench.recoupImport(file: file, dataDir: dataDir, databaseURL: nil)

        let sink = try await SMTPSink.start()
        let relay = SMTPTransport.Configuration(host: "127.0.0.1", port: sink.port)

        // Ceiling: the sink fed by the bare client, one connection per message like the dispatcher.
        let probe = OutboundEmail(
            messageID: "<ceiling@recoup.localhost>", from: "Bench <bench@recoup.localhost>", to: "pat@example.com",
            subject: "Your account", text: MessageComposer.body("Hello,\n\nA payment plan is available.", channel: .email, language: "en"))
        let transport = SMTPTransport(relay)
        let ceilingStart = DispatchTime.now()
        for _ in 0..<ceilingMessages { try await transport.send(probe) }
        let ceilingSeconds = Self.seconds(since: ceilingStart)

        var options = try GlobalOptions.parse([])
        options.dataDir = dataDir
        // The SQLite file the import wrote, whatever DATABASE_URL says.
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        let (report, queued, seconds) = try await Runtime.with(options, environment: environment) { runtime in
            // A weekday afternoon in every US zone, so the compliance answers do not depend on when the bench runs.
            let clock = ShiftedClock(offset: Self.nextWednesdayAfternoon().timeIntervalSinceNow)
            let queued = try await Self.enqueue(runtime, clock: clock)
            let dispatcher = Dispatcher(
                outbox: runtime.store, snapshots: runtime.snapshots, email: transport, clock: clock,
                settings: .init(worker: "bench", from: "Bench <bench@recoup.localhost>", messageDomain: "recoup.localhost", collectorName: "Bench"))
            let start = DispatchTime.now()
            let report = try await dispatcher.drain()
            return (report, queued, Self.seconds(since: start))
        }
        try await sink.stop()

        let rate = Double(report.sent) / seconds
        let ceiling = Double(ceilingMessages) / ceilingSeconds
        print("queued \(queued) emails for \(accounts) demo accounts; sink received \(sink.received) (ceiling run included)")
        print(String(format: "dispatcher: %d sent, %d rescheduled, %d blocked in %.2f s: %.0f messages/s", report.sent, report.rescheduled,
                     report.blocked, seconds, rate))
        print(String(format: "compliance re-checks (snapshot load + decision): %.1f%% of the time spent on messages",
                     100 * Double(report.complianceNanoseconds) / Double(max(report.workNanoseconds, 1))))
        print(String(format: "sink ceiling (same SMTP client, no database, no compliance): %.0f messages/s", ceiling))
        print(String(format: "ratio: %.1f%% of the ceiling (target ≥ 50%%)", 100 * rate / ceiling))
        print("SMS: no SMS channel yet, not measured")
    }

    /// One message per account with an email address, queued directly (the bench measures sending, not queueing).
    static func enqueue(_ runtime: Runtime, clock: any RecoupApp.Clock) async throws -> Int {
        guard let tenant = try await runtime.store.tenants().first else { throw BenchError("the import created no tenant") }
        let scope = AccessScope(tenantID: tenant.id)
        var after: AccountID?
        var queued = 0
        while true {
            let page = try await runtime.store.accounts(scope: scope, filter: AccountFilter(), after: after, limit: 500)
            for summary in page {
                let (account, consumer) = try await runtime.accounts.accountWithPrimaryConsumer(summary.id, scope: scope)
                guard let point = consumer.contactPoints.first(where: { if case .email = $0.kind { true } else { false } }),
                      case let .email(address, _) = point.kind
                else { continue }
                let now = clock.now()
                let message = OutboxMessage(
                    tenantID: tenant.id, accountID: account.id, consumerID: consumer.id, channel: .email, destinationID: point.id,
                    recipient: address, language: consumer.language, subject: "Your account",
                    body: MessageComposer.body("Hello,\n\nA payment plan is available.", channel: .email, language: consumer.language), dueAt: now, createdAt: now)
                _ = try await runtime.store.enqueue(
                    message, idempotencyKey: nil,
                    audit: AuditEntry(actor: "bench", action: "message.queued", subjectType: "account", subjectID: account.id.description))
                queued += 1
            }
            guard page.count == 500 else { return queued }
            after = page.last?.id
        }
    }

    static func nextWednesdayAfternoon() -> Date {
        let day = LocalDate(utc: Date())
        let ahead = (3 - day.isoWeekday + 7) % 7
        let wednesday = day.adding(days: ahead == 0 ? 7 : ahead)
        return Date(timeIntervalSince1970: TimeInterval(wednesday.dayNumber) * 86_400 + 18 * 3600)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

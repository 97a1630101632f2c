import ArgumentParser
import Channels
import Compliance
import Foundation
import RecoupApp
import RecoupCore
import Storage

/// `recoup bench dispatch`: drains queued emails and texts through the dispatcher (claim, compliance re-check,
/// hand-off, contact and audit written) to an in-process SMTP sink and an in-process SMS provider, and in the same
/// run measures each sink's ceiling with a minimal sender (the same client, no database, no compliance), so the
/// ratios survive a noisy machine.
struct DispatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Drain queued emails and texts to local sinks through the dispatcher; print messages/s, the compliance share and each sink's ceiling.")

    @Option(help: "Demo accounts placed; each gets an email (first address) and a text (first mobile number with consent).")
    var accounts = 2_000
    @Option(help: "Queue this many emails and this many texts instead, placing enough demo accounts for both (the issue's run: 100000).")
    var messages: Int?
    @Option(help: "Messages the minimal sender hands to the sink for the ceiling.") var ceilingMessages = 2_000
    @Option(help: "Messages claimed per batch.") var batch = Dispatcher.Settings.defaults.batchSize
    @Option(help: "Hand-offs in flight, for the dispatcher and the ceiling runs alike.") var concurrency = Dispatcher.Settings.defaults.concurrency
    @Option(help: "Outcomes that may wait to be written while hand-offs go on.") var recordingWindow = Dispatcher.Settings.defaults.recordingWindow
    @Option(help: "Drain only this channel (email or sms); both when not given.") var only: String?
    @Option(help: "A scratch PostgreSQL database to run on instead of SQLite — its public schema is dropped and recreated.")
    var postgres: String?
    @Option(help: "Work folder (deleted afterwards unless --keep).") var workDir: String?
    @Flag(help: "Keep the work folder.") var keep = false

    func validate() throws {
        if let only, !["email", "sms"].contains(only) { throw ValidationError("--only takes email or sms, not \(only)") }
        if let messages, messages < 1 { throw ValidationError("--messages must be at least 1") }
    }

    /// The accounts placed: `--accounts`, or with `--messages` enough that the rarer channel reaches it (a fifth of
    /// the demo portfolio's accounts have a mobile number with consent, two thirds an email address).
    var placed: Int { messages.map { Int((Double($0) / 0.18).rounded(.up)) } ?? accounts }

    func run() async throws {
        let work = workDir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("recoup-dispatch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let file = (work as NSString).appendingPathComponent("placements.csv")
        try Bench.writeFile(rows: placed, to: file)
        let dataDir = (work as NSString).appendingPathComponent("data")
        if let postgres { try Bench.resetPostgres(url: postgres) }
        _ = try Bench.recoupImport(file: file, dataDir: dataDir, databaseURL: postgres)

        let smtpSink = try await SMTPSink.start()
        let smsSink = try await SMSSink.start()
        let email = SMTPTransport(SMTPTransport.Configuration(host: "127.0.0.1", port: smtpSink.port))
        let texts = TextProviderTransport(TelephonyProvider(
            baseURL: "http://127.0.0.1:\(smsSink.port)", accountID: "ACbench", authToken: "bench", from: "+15125559999"))

        // Ceilings: each sink fed by the bare client, as many hand-offs in flight as the dispatcher allows, just
        // before and just after the dispatcher's run (the machine's speed drifts; their mean is the yardstick).
        let probe = OutboundEmail(
            messageID: "<ceiling@recoup.localhost>", from: "Bench <bench@recoup.localhost>", to: "pat@example.com",
            subject: "Your account", text: MessageComposer.body(Self.words, channel: .email, language: "en"))
        let text = OutboundText(idempotencyKey: "ceiling", to: "+15125550100", body: MessageComposer.body(Self.words, channel: .sms, language: "en"))
        let emailCeiling = { try await Self.rate(ceilingMessages, inFlight: concurrency) { try await email.send(probe) } }
        let smsCeiling = { try await Self.rate(ceilingMessages, inFlight: concurrency) { _ = try await texts.send(text) } }

        var options = try GlobalOptions.parse([])
        options.dataDir = dataDir
        // The database the import wrote, whatever DATABASE_URL says.
        var environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        environment["DATABASE_URL"] = postgres
        let results = try await Runtime.with(options, environment: environment) { runtime in
            // A weekday afternoon in every US zone, so the compliance answers do not depend on when the bench runs.
            let clock = ShiftedClock(offset: Self.nextWednesdayAfternoon().timeIntervalSinceNow)
            let queued = try await Self.enqueue(runtime, clock: clock, upTo: messages ?? .max)
            var settings = Dispatcher.Settings(
                worker: "bench", from: "Bench <bench@recoup.localhost>", messageDomain: "recoup.localhost", collectorName: "Bench")
            settings.batchSize = batch
            settings.concurrency = concurrency
            settings.recordingWindow = recordingWindow
            var results: [(String, Int, Dispatcher.Report, Double, Double, [Measured])] = []
            for (name, count, dispatcher, ceiling) in [
                ("email", queued.emails, Dispatcher(outbox: runtime.store, snapshots: runtime.snapshots, email: email, clock: clock, settings: settings),
                 emailCeiling),
                ("sms", queued.texts, Dispatcher(outbox: runtime.store, snapshots: runtime.snapshots, email: nil, texts: texts, clock: clock, settings: settings),
                 smsCeiling),
            ] where only.map({ $0 == name }) ?? true {
                let before = try await ceiling()
                let start = DispatchTime.now(), cpu = Self.cpuSeconds()
                let report = try await dispatcher.drain()
                let seconds = Self.seconds(since: start), cpuSeconds = Self.cpuSeconds() - cpu
                results.append((name, count, report, seconds, cpuSeconds, [before, try await ceiling()]))
            }
            return results
        }
        try await smtpSink.stop()
        await smsSink.stop()

        print("\(placed) demo accounts; the SMTP sink received \(smtpSink.received), the SMS sink \(smsSink.received) (ceiling runs included)")
        for (name, queued, report, seconds, cpuSeconds, around) in results {
            let rate = Double(report.sent) / seconds
            let ceiling = around.map(\.rate).reduce(0, +) / Double(around.count)
            let ceilingCPU = around.map(\.cpuPerMessage).reduce(0, +) / Double(around.count)
            let cpuPerMessage = cpuSeconds / Double(max(1, report.claimed))
            print(String(format: "%@: %d queued; %d sent, %d rescheduled, %d blocked in %.2f s: %.0f messages/s", name, queued, report.sent,
                         report.rescheduled, report.blocked, seconds, rate))
            let work = Double(max(report.workNanoseconds, 1))
            print(String(format: "  compliance re-checks (snapshot load + decision): %.1f%% of the time spent on messages",
                         100 * Double(report.complianceNanoseconds) / work))
            print(String(format: "  hand-offs %.1f%%, waiting for room in the recording window %.1f%%; claiming batches %.2f s of %.2f s",
                         100 * Double(report.handOffNanoseconds) / work, 100 * Double(report.recordingNanoseconds) / work,
                         Double(report.claimNanoseconds) / 1e9, seconds))
            print(String(format: "  sink ceiling (same client, %d in flight, no database, no compliance): %.0f messages/s (%.0f before, %.0f after)",
                         concurrency, ceiling, around[0].rate, around[1].rate))
            print(String(format: "  ratio: %.1f%% of the ceiling (target ≥ 50%%)", 100 * rate / ceiling))
            // Wall-clock rates swing with whatever else the machine runs; CPU per message holds still, so A/B
            // comparisons read this line.
            print(String(format: "  CPU per message (all of this process's threads, the sink's included): %.0f µs dispatched, %.0f µs by the minimal sender (%.2f×)",
                         cpuPerMessage * 1e6, ceilingCPU * 1e6, cpuPerMessage / ceilingCPU))
        }
    }

    static let words = "Hello,\n\nA payment plan is available."

    /// A minimal sender's run: messages per second, and process CPU seconds per message.
    struct Measured {
        let rate: Double
        let cpuPerMessage: Double
    }

    /// The minimal sender: `count` hand-offs run `inFlight` at a time.
    static func rate(_ count: Int, inFlight: Int, _ send: @escaping @Sendable () async throws -> Void) async throws -> Measured {
        let start = DispatchTime.now(), cpu = cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                group.addTask { for _ in stride(from: worker, to: count, by: inFlight) { try await send() } }
            }
            try await group.waitForAll()
        }
        return Measured(rate: Double(count) / seconds(since: start), cpuPerMessage: (cpuSeconds() - cpu) / Double(count))
    }

    /// CPU time this process has used (user and system, every thread).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// An email to every account's first address and a text to its first mobile number with consent, at most
    /// `limit` of each, queued directly (the bench measures sending, not queueing).
    static func enqueue(_ runtime: Runtime, clock: any RecoupApp.Clock, upTo limit: Int) async throws -> (emails: Int, texts: Int) {
        guard let tenant = try await runtime.store.tenants().first else { throw BenchError("the import created no tenant") }
        let scope = AccessScope(tenantID: tenant.id)
        var after: AccountID?
        var queued = (emails: 0, texts: 0)
        while true {
            let page = try await runtime.store.accounts(scope: scope, filter: AccountFilter(), after: after, limit: 500)
            for input in try await runtime.store.snapshotInputs(page.map(\.id), tenantID: tenant.id).values {
                let (account, consumer) = (input.account, input.consumer)
                let email = consumer.contactPoints.lazy.compactMap { point -> (ContactPoint, String)? in
                    if case let .email(address, _) = point.kind { (point, address) } else { nil }
                }.first
                let mobile = consumer.contactPoints.lazy.compactMap { point -> (ContactPoint, String)? in
                    // Texts go only to mobiles with consent on file: the queue refuses the others, as it would an agent.
                    if case let .phone(number, .cell, _, .yes) = point.kind { (point, number) } else { nil }
                }.first
                for (channel, found) in [(ProposedChannel.email, email), (.sms, mobile)] {
                    guard let (point, recipient) = found, (channel == .email ? queued.emails : queued.texts) < limit else { continue }
                    let now = clock.now()
                    let message = OutboxMessage(
                        tenantID: tenant.id, accountID: account.id, consumerID: consumer.id, channel: channel, destinationID: point.id,
                        recipient: recipient, language: consumer.language, subject: channel == .email ? "Your account" : "",
                        body: MessageComposer.body(words, channel: channel, language: consumer.language), dueAt: now, createdAt: now)
                    _ = try await runtime.store.enqueue(
                        message, idempotencyKey: nil,
                        audit: AuditEntry(actor: "bench", action: "message.queued", subjectType: "account", subjectID: account.id.description))
                    if channel == .email { queued.emails += 1 } else { queued.texts += 1 }
                }
            }
            guard page.count == 500, min(queued.emails, queued.texts) < limit else { return queued }
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

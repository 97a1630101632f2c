import Foundation
import Channels
import Logging
import RecoupApp
import RecoupCore
import Storage

/// Everything a command needs, wired once: the database, the store and the use cases.
struct Runtime {
    let settings: Settings
    let database: RecoupDatabase
    let store: SQLStore
    let clock: any Clock

    static func open(
        _ options: GlobalOptions, migrate: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Runtime {
        let settings = try Settings.load(options, environment: environment)
        var logger = Logger(label: "recoup")
        logger.logLevel = .warning
        let database = try RecoupDatabase(settings.database, logger: logger)
        if migrate {
            do { try await database.migrate() } catch {
                await database.shutdown()
                throw error
            }
        }
        return Runtime(
            settings: settings, database: database, store: SQLStore(database: database, keys: settings.keys),
            clock: settings.clockOffset.map { ShiftedClock(offset: $0) as any Clock } ?? SystemClock())
    }

    var directory: DirectoryService { DirectoryService(directory: store, clock: clock) }
    var accounts: AccountService { AccountService(accounts: store, clock: clock) }
    var audit: AuditTrailService { AuditTrailService(audit: store, checkpointKey: settings.keys.checkpoint) }
    var placements: PlacementService { PlacementService(placements: store, directory: store, clock: clock) }

    var snapshots: AccountSnapshots { AccountSnapshots(accounts: accounts, contacts: store, facts: store) }
    var messages: MessageService { MessageService(snapshots: snapshots, outbox: store, clock: clock) }

    /// Signed one-click unsubscribe links, when a public URL is configured.
    var unsubscribeLinks: UnsubscribeLinks? {
        settings.publicURL.map { UnsubscribeLinks(baseURL: $0, key: settings.keys.links) }
    }

    /// The dispatcher's settings for this process: a claim name of its own, the From address, the links.
    func dispatchSettings() -> Dispatcher.Settings {
        var dispatch = Dispatcher.Settings(
            worker: DispatchService.workerName(), from: settings.mailFrom, messageDomain: "recoup.localhost", collectorName: "")
        dispatch.unsubscribe = unsubscribeLinks
        dispatch.publicURL = settings.publicURL
        return dispatch
    }

    /// The SMS provider, when `RECOUP_SMS_URL` and `RECOUP_SMS_FROM` are set (checked when the settings loaded).
    var textProvider: TextProviderTransport.Configuration? {
        settings.smsURL.flatMap { TextProviderTransport.Configuration(url: $0, from: settings.smsFrom ?? "") }
    }

    /// A dispatcher for the channels this process has transports for.
    func dispatcher(email: (any EmailTransport)?, settings: Dispatcher.Settings) -> Dispatcher {
        Dispatcher(
            outbox: store, snapshots: snapshots, email: email, texts: textProvider.map { TextProviderTransport($0) }, clock: clock,
            settings: settings)
    }

    /// The collector named in decisions and letters: the tenant's name.
    func collectorName(_ tenantID: TenantID) async throws -> String {
        try await store.tenants().first { $0.id == tenantID }?.name ?? ""
    }

    func close() async { await database.shutdown() }

    /// Runs `body` and always closes the database, so a failed command does not leave event loops behind.
    static func with<T>(
        _ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (Runtime) async throws -> T
    ) async throws -> T {
        let runtime = try await open(options, environment: environment)
        do {
            let value = try await body(runtime)
            await runtime.close()
            return value
        } catch {
            await runtime.close()
            throw error
        }
    }
}

/// Prints a command's result as text or as one JSON object.
enum Output {
    static func emit(_ options: GlobalOptions, text: String, json: [String: Any]) {
        if options.json {
            let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(text)
        }
    }
}

import Foundation
import Channels
import Compliance
import Foundation
import Ledger
import Logging
import Messaging
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

    var payments: PaymentService {
        var payments = PaymentService(payments: store, settlements: store, accounts: accounts, processor: settings.processor, clock: clock)
        payments.receipts = PaymentReceipts(messages: messages, agencyName: { try await collectorName($0) })
        payments.consumerDays = ConsumerDays(messages: messages)
        return payments
    }
    /// Plans, with reminders of coming installments queued in the outbox.
    var plans: PlanService {
        var plans = PlanService(plans: store, payments: payments, clock: clock,
                                reminders: InstallmentReminders(messages: messages, agencyName: { try await collectorName($0) }))
        plans.consumerDays = ConsumerDays(messages: messages)
        return plans
    }

    var snapshots: AccountSnapshots { AccountSnapshots(accounts: accounts, contacts: store, facts: store, bulk: store) }
    var messages: MessageService {
        MessageService(snapshots: snapshots, outbox: store, clock: clock,
                       templates: TemplateService(templates: store, accounts: accounts, clock: clock, sender: templateSender),
                       sender: templateSender)
    }

    /// What messages say about the agency: its phone, where consumers pay, its California licence.
    var templateSender: TemplateSender {
        TemplateSender(agencyPhone: settings.collectorPhone, portalURL: settings.publicURL, californiaLicense: settings.californiaLicense)
    }

    /// Signed one-click unsubscribe links, when a public URL is configured.
    var unsubscribeLinks: UnsubscribeLinks? {
        settings.publicURL.map { UnsubscribeLinks(baseURL: $0, key: settings.keys.links) }
    }

    /// Open and click tracking links, when a public URL is configured.
    var trackingLinks: TrackingLinks? {
        settings.publicURL.map { TrackingLinks(baseURL: $0, key: settings.keys.links) }
    }

    /// The dispatcher's settings for this process: a claim name of its own, the From address, the links.
    func dispatchSettings() -> Dispatcher.Settings {
        var dispatch = Dispatcher.Settings(
            worker: DispatchService.workerName(), from: settings.mailFrom, messageDomain: "recoup.localhost", collectorName: "")
        dispatch.unsubscribe = unsubscribeLinks
        dispatch.publicURL = settings.publicURL
        dispatch.tracking = trackingLinks
        dispatch.rateLimits = settings.rateLimits
        dispatch.contactPressure = settings.contactPressure
        dispatch.lease = settings.dispatchLease
        return dispatch
    }

    /// The SMS and voice provider, when `RECOUP_SMS_URL` and `RECOUP_SMS_FROM` are set (checked when the settings loaded).
    var textProvider: TelephonyProvider? {
        settings.smsURL.flatMap { TelephonyProvider(url: $0, from: settings.smsFrom ?? "") }
    }

    /// A dispatcher for the channels this process has transports for: email when a relay is given, texts and
    /// voicemails when a provider is configured (voicemails with a public URL too), letters always (filed in the print folder).
    func dispatcher(email: (any EmailTransport)?, settings: Dispatcher.Settings) -> Dispatcher {
        Dispatcher(
            outbox: store, snapshots: snapshots, email: email, texts: textProvider.map { TextProviderTransport($0) },
            letters: PrintBatchTransport(folder: self.settings.printDir, clock: clock, render: renderLetter),
            calls: textProvider.map { VoiceProviderTransport($0) }, clock: clock,
            settings: settings)
    }

    /// The agency's letterhead for a tenant: its name, and the address, phone and licence configured.
    func letterhead(_ tenantID: TenantID) async throws -> CollectorDetails {
        CollectorDetails(
            name: try await collectorName(tenantID), mailingAddress: settings.collectorAddress, phone: settings.collectorPhone,
            californiaLicense: settings.californiaLicense)
    }

    /// Lays out a queued letter as of today: the validation notice from the compliance module, a final demand or a
    /// receipt (with the balance the ledger holds today).
    @Sendable func renderLetter(_ message: OutboxMessage) async throws -> PrintBatchTransport.Rendered {
        let scope = AccessScope(tenantID: message.tenantID)
        let collector = try await letterhead(message.tenantID)
        let today = LocalDate(utc: clock.now())
        let language: NoticeLanguage = message.language == "es" ? .spanish : .english
        let (account, consumer) = try await accounts.accountWithPrimaryConsumer(message.accountID, scope: scope)
        switch LetterKind(rawValue: message.subject) {
        case .validationNotice?:
            let notice = try await NoticeService(accounts: accounts).validationNotice(
                message.accountID, scope: scope, language: language, providedOn: today, collector: collector)
            return .init(letter: ValidationNoticeLetter.letter(notice), recipientName: notice.consumer.name,
                         address: notice.consumer.mailingAddress, reference: account.referenceCode)
        case .finalDemand?, .receipt?:
            guard !collector.mailingAddress.isEmpty else {
                throw RecoupError.invalid([FieldProblem(field: "collector_address", reason: "RECOUP_COLLECTOR_ADDRESS is not configured")])
            }
            guard let point = consumer.contactPoints.first(where: { $0.id == message.destinationID }), case let .postal(address) = point.kind else {
                throw RecoupError.invalid([FieldProblem(field: "destination_id", reason: "the mailing address is no longer on file")])
            }
            let balance = try await payments.ledger(account: account.id, scope: scope).ledger.balanceMoney
            let demand = AccountLetter(
                message.subject == LetterKind.receipt.rawValue ? .receipt : .finalDemand, collectorName: collector.name, collectorAddress: collector.mailingAddress, collectorPhone: collector.phone,
                consumerName: consumer.name.full,
                consumerAddress: [address.line1, address.line2].compactMap { $0 } + ["\(address.city), \(address.state.rawValue) \(address.zip)"],
                date: today, creditor: account.currentCreditor ?? account.originalCreditor, accountNumber: account.clientAccountNumber,
                reference: account.referenceCode, balance: balance, text: message.body,
                californiaLicense: collector.californiaLicense, language: language)
            return .init(letter: AccountLetterLayout.letter(demand), recipientName: consumer.name.full, address: demand.consumerAddress,
                         reference: account.referenceCode)
        case nil:
            throw RecoupError.invalid([FieldProblem(field: "letter", reason: "unknown letter \(message.subject)")])
        }
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

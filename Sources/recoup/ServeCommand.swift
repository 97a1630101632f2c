import ArgumentParser
import Channels
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import Metrics
import Prometheus
import RecoupApp
import RecoupCore
import Storage
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the API (and, with --demo, create a demo portfolio first).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Flag(help: "Create a demo tenant with a demo portfolio if there is none, and print where its admin key is.")
    var demo = false

    func run() async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "recoup")
        logger.logLevel = .info
        let runtime = try await Runtime.open(options)
        do {
            if demo { try await DemoSetup.ensureDemoTenant(runtime, accounts: 500, seed: 42, port: port) }
            let store = runtime.store
            let directory = DirectoryService(directory: store, clock: runtime.clock, uses: APIKeyUses())
            var services = APIServices(
                directory: directory, accounts: runtime.accounts, placements: runtime.placements,
                audit: runtime.audit, contactRepository: store, factRepository: store, decisionLog: store, outbox: store, inbound: store,
                callRepository: store, callTransport: runtime.textProvider.map { VoiceProviderTransport($0) },
                voiceURLs: runtime.settings.publicURL.map(VoiceWebhookURLs.init),
                templateRepository: store, templateSender: runtime.templateSender, paymentRepository: store, planRepository: store, settlementRepository: store, remittanceRepository: store, promiseRepository: store,
                processor: runtime.settings.processor, contactPressure: runtime.settings.contactPressure, clock: runtime.clock,
                letterhead: runtime.letterhead,
                databaseCheck: { (try? await store.tenants()) != nil })
            if let links = runtime.unsubscribeLinks {
                services.unsubscribe = UnsubscribeService(links: links, outbox: store, facts: services.facts, clock: runtime.clock)
            }
            services.tracking = runtime.trackingLinks
            services.emailEventsSecret = runtime.settings.emailEventsSecret
            services.processorWebhookSecret = runtime.settings.processorWebhookSecret
            if let provider = runtime.textProvider, let publicURL = runtime.settings.publicURL {
                services.textWebhooks = ProviderWebhookSettings(authToken: provider.authToken, publicURL: publicURL)
            }
            let router = try makeRouter(services: services, registry: registry, limits: runtime.settings.apiLimits)
            let app = Application(
                router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Recoup"),
                logger: logger)
            logger.info("Recoup serving http://\(host):\(port) on \(runtime.settings.database)")
            // Shut down in reverse order: the key uses are written last, after the server stopped taking requests.
            var running: [any Service] = [KeyUseWriter(directory: directory, logger: logger), app]
            let relay = try runtime.settings.smtpURL.map { url in
                guard let relay = SMTPTransport.Configuration(url: url) else {
                    throw ValidationError("RECOUP_SMTP_URL must be smtp://[user:password@]host[:port]")
                }
                return relay
            }
            // Every server dispatches the channels it has transports for (letters always); the outbox's leases keep
            // several servers from sending anything twice.
            running.append(DispatchService(
                dispatcher: runtime.dispatcher(email: relay.map { SMTPTransport($0) }, settings: runtime.dispatchSettings()), interval: 2))
            if let relay { logger.info("Dispatching email through \(relay.host):\(relay.port)") }
            if let provider = runtime.textProvider { logger.info("Dispatching texts through \(provider.baseURL)") }
            logger.info("Filing letters in \(runtime.settings.printDir)")
            let group = ServiceGroup(
                configuration: .init(services: running, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            await runtime.close()
        } catch {
            await runtime.close()
            throw error
        }
    }
}

/// Writes the API keys' last uses every half minute, and once more when the server stops, before the database closes.
struct KeyUseWriter: Service {
    let directory: DirectoryService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: 30_000_000_000) }
            do { try await directory.writeKeyUses() } catch { logger.warning("API key uses not written: \(error)") }
        }
    }
}

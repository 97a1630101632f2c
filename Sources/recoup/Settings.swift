import ArgumentParser
import Configuration
import Channels
import Compliance
import Crypto
import Foundation
import HTTPAPI
import Payments
import RecoupApp
import RecoupCore
import Storage

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the embedded SQLite database and key files (env RECOUP_DATA_DIR).")
    var dataDir: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false
}

/// Configuration, read once at start from flags and the environment (swift-configuration), typed, and checked as a
/// whole: every problem is reported at once instead of one per restart.
struct Settings {
    var dataDir: String
    var database: DatabaseLocation
    var keys: DataKeys
    /// Where the master key came from, for the start-up banner.
    var keySource: String
    /// The collector's letterhead for notices: dispute mailing address (lines), phone, California licence.
    var collectorAddress: [String]
    var collectorPhone: String?
    var californiaLicense: String?
    /// The SMTP relay messages are handed to, and the From address they carry.
    var smtpURL: String?
    var mailFrom: String
    /// Hand-offs per second per channel, and the agency's ceiling on attempts per consumer across media.
    var rateLimits: RateLimits
    var contactPressure: ContactPressure?
    /// The secret the email relay signs its event webhook (bounces, complaints) with.
    var emailEventsSecret: String?
    /// Where letters are filed for the print-and-mail vendor, one folder per day.
    var printDir: String
    /// The SMS provider (`RECOUP_SMS_URL`, credentials included) and the number texts come from.
    var smsURL: String?
    var smsFrom: String?
    /// The base URL consumers reach Recoup at (`RECOUP_PUBLIC_URL`): one-click unsubscribe links point there.
    var publicURL: String?
    /// Seconds added to the system clock (`RECOUP_CLOCK_OFFSET`), for reproducible demos and tests.
    var clockOffset: TimeInterval?
    /// The card processor (`RECOUP_PROCESSOR_URL`, its secret key as the URL's user).
    var processor: CardProcessorClient?
    /// The agency as its bank set it up for ACH (`RECOUP_ACH_ORIGINATOR`).
    var achOriginator: NACHAOriginator?
    /// The signing secret of the processor's webhooks (`RECOUP_PROCESSOR_WEBHOOK_SECRET`).
    var processorWebhookSecret: String?
    /// The API's lockout of guessing addresses, its per-key request rate and the proxies it believes.
    var apiLimits: APILimits
    /// How long `serve`'s dispatcher holds a claim (`RECOUP_DISPATCH_LEASE`): a crashed server's messages are
    /// taken over that long after it stopped.
    var dispatchLease: TimeInterval

    /// Environment keys (swift-configuration maps `database.url` to `DATABASE_URL`):
    /// - `DATABASE_URL`: PostgreSQL URL; absent → SQLite at `<data dir>/recoup.sqlite`.
    /// - `RECOUP_DATA_DIR`: the data folder, default `./data` (the `--data-dir` flag wins).
    /// - `RECOUP_MASTER_KEY`: base64 of 32 bytes; absent → `<data dir>/master.key`, created once with mode 0600.
    /// - `RECOUP_AUDIT_KEY`: base64 of 32 bytes signing audit checkpoints; absent → derived from the master key.
    /// - `RECOUP_COLLECTOR_ADDRESS`: the mailing address disputes go to, lines separated by `|`.
    /// - `RECOUP_COLLECTOR_PHONE`, `RECOUP_CALIFORNIA_LICENSE`: printed on notices when set.
    /// - `RECOUP_SMTP_URL`: `smtp://[user:password@]host[:port]`, the relay `recoup dispatch` sends email through.
    /// - `RECOUP_MAIL_FROM`: the From address of email, default `Recoup <noreply@recoup.localhost>`.
    /// - `RECOUP_RATE_LIMITS`: hand-offs per second per channel, `email=50,sms=10` (the relay's or provider's limit),
    ///   and `telephony=20` for the provider's limit across texts and voicemails together.
    /// - `RECOUP_CONTACT_PRESSURE`: the agency's ceiling across media, `N/D` (N attempts in D days per consumer).
    /// - `RECOUP_EMAIL_EVENTS_SECRET`: the shared secret of `POST /webhooks/email/<tenant>/events` (bounces,
    ///   complaints, deliveries the relay reports); absent: the webhook is not served.
    /// - `RECOUP_PRINT_DIR`: where the dispatcher files letters, `<dir>/<YYYY-MM-DD>/` with a `manifest.csv`;
    ///   default `<data dir>/print`.
    /// - `RECOUP_SMS_URL`: `https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com` (or a compatible provider), with
    ///   `RECOUP_SMS_FROM`, the sending number: texts are dispatched, and with a public URL the provider's
    ///   webhooks (`/webhooks/sms/<tenant>/inbound` and `/status`) are served, checked with that auth token.
    /// - `RECOUP_PUBLIC_URL`: where consumers and providers reach this server (`https://pay.example.com`); emails
    ///   then carry one-click unsubscribe links to `<url>/u/…`.
    /// - `RECOUP_CLOCK_OFFSET`: seconds added to the system clock, so tests and demos decide as of a chosen time.
    /// - `RECOUP_PROCESSOR_URL`: `https://SECRET_KEY@api.stripe.com` (or a compatible processor): card payments and
    ///   refunds go there. `RECOUP_PROCESSOR_WEBHOOK_SECRET`: the signing secret of `/webhooks/payments/<tenant>`;
    ///   absent: that webhook is not served.
    /// - `RECOUP_ACH_ORIGINATOR`: `ROUTING,BANK NAME,COMPANY ID,COMPANY NAME`, the agency's bank (the ODFI) and its
    ///   originator identity there: `recoup nacha export` writes files for that bank.
    /// - `RECOUP_API_LOCKOUT`: `N/S`, an address that had N keys refused in S seconds is refused (429) until the
    ///   oldest of them is S seconds old; default `20/600`, `off` for none.
    /// - `RECOUP_API_KEY_RATE`: requests per second per API key, `R` or `R/BURST`; default `50/100`, `off` for none.
    /// - `RECOUP_DISPATCH_LEASE`: seconds a dispatcher's claim holds, default 120; longer than any hand-off takes.
    /// - `RECOUP_TRUSTED_PROXIES`: addresses of the reverse proxies in front of Recoup, comma-separated; requests from
    ///   them are throttled under the address their `X-Forwarded-For` names.
    static func load(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Settings
    {
        let config = ConfigReader(provider: EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific(["RECOUP_MASTER_KEY", "RECOUP_AUDIT_KEY", "DATABASE_URL", "RECOUP_SMS_URL", "RECOUP_EMAIL_EVENTS_SECRET",
                                     "RECOUP_PROCESSOR_URL", "RECOUP_PROCESSOR_WEBHOOK_SECRET"])))
        var problems: [String] = []
        let dataDir = options.dataDir ?? config.string(forKey: "recoup.data.dir", default: "./data")
        let database: DatabaseLocation
        if let url = config.string(forKey: "database.url", isSecret: true), !url.isEmpty {
            if !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
                problems.append("DATABASE_URL must start with postgres:// (got another scheme)")
            }
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: (dataDir as NSString).appendingPathComponent("recoup.sqlite"))
        }
        var master: SymmetricKey?
        var keySource = "RECOUP_MASTER_KEY"
        if let text = config.string(forKey: "recoup.master.key", isSecret: true) {
            do { master = try DataKeys.key(base64: text, source: "RECOUP_MASTER_KEY") } catch { problems.append("\(error)") }
        } else {
            let path = (dataDir as NSString).appendingPathComponent("master.key")
            keySource = path
            do { master = try DataKeys.loadOrCreateMasterKey(at: path) } catch { problems.append("\(error)") }
        }
        var auditKey: SymmetricKey?
        if let text = config.string(forKey: "recoup.audit.key", isSecret: true) {
            do { auditKey = try DataKeys.key(base64: text, source: "RECOUP_AUDIT_KEY") } catch { problems.append("\(error)") }
        }
        let offsetText = config.string(forKey: "recoup.clock.offset")
        let clockOffset = offsetText.flatMap(TimeInterval.init)
        if let offsetText, clockOffset == nil { problems.append("RECOUP_CLOCK_OFFSET must be a number of seconds, got \(offsetText)") }
        let smsURL = config.string(forKey: "recoup.sms.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        let smsFrom = config.string(forKey: "recoup.sms.from").flatMap { $0.isEmpty ? nil : $0 }
        if let smsURL, TelephonyProvider(url: smsURL, from: smsFrom ?? "") == nil {
            problems.append("RECOUP_SMS_URL must be https://ACCOUNT:TOKEN@host[:port] and RECOUP_SMS_FROM the sending number")
        }
        var processor: CardProcessorClient?
        if let url = config.string(forKey: "recoup.processor.url", isSecret: true), !url.isEmpty {
            processor = Self.processor(url)
            if processor == nil { problems.append("RECOUP_PROCESSOR_URL must be https://SECRET_KEY@host[:port]") }
        }
        var achOriginator: NACHAOriginator?
        if let text = config.string(forKey: "recoup.ach.originator"), !text.isEmpty {
            achOriginator = Self.originator(text)
            if achOriginator == nil {
                problems.append("RECOUP_ACH_ORIGINATOR must be ROUTING,BANK NAME,COMPANY ID,COMPANY NAME with a valid routing number")
            }
        }
        let rateText = config.string(forKey: "recoup.rate.limits") ?? ""
        let rateLimits = rateText.isEmpty ? RateLimits() : RateLimits.parse(rateText)
        if rateLimits == nil {
            problems.append("RECOUP_RATE_LIMITS must be channel=per-second pairs (email, sms, voicemail, letter, and telephony for the provider texts and voicemails share), e.g. email=50,sms=10,telephony=20")
        }
        let pressureText = config.string(forKey: "recoup.contact.pressure") ?? ""
        let pressure = pressureText.isEmpty ? nil : ContactPressure(pressureText)
        if !pressureText.isEmpty, pressure == nil { problems.append("RECOUP_CONTACT_PRESSURE must be N/D, e.g. 6/7") }
        let lockoutText = config.string(forKey: "recoup.api.lockout") ?? ""
        let guessing = ["", "off"].contains(lockoutText) ? nil : GuessingLimit(lockoutText)
        if !["", "off"].contains(lockoutText), guessing == nil { problems.append("RECOUP_API_LOCKOUT must be N/S or off, e.g. 20/600") }
        let keyRateText = config.string(forKey: "recoup.api.key.rate") ?? ""
        let keyRate = ["", "off"].contains(keyRateText) ? nil : RateLimit(keyRateText)
        if !["", "off"].contains(keyRateText), keyRate == nil { problems.append("RECOUP_API_KEY_RATE must be R, R/BURST or off, e.g. 50/100") }
        let proxies = (config.string(forKey: "recoup.trusted.proxies") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let apiLimits = APILimits(
            guessing: lockoutText.isEmpty ? APILimits.defaultGuessing : guessing,
            requestsPerKey: keyRateText.isEmpty ? RateLimit(perSecond: 50, burst: 100) : keyRate, trustedProxies: Set(proxies))
        let leaseText = config.string(forKey: "recoup.dispatch.lease") ?? ""
        let lease = leaseText.isEmpty ? Dispatcher.Settings.defaults.lease : TimeInterval(leaseText)
        if lease.map({ !($0 >= 1 && $0.isFinite) }) ?? true { problems.append("RECOUP_DISPATCH_LEASE must be a number of seconds, at least 1") }
        guard problems.isEmpty, let master else {
            throw ValidationError("configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let address = config.string(forKey: "recoup.collector.address", default: "")
        return Settings(
            dataDir: dataDir, database: database, keys: DataKeys(master: master, checkpoint: auditKey),
            keySource: keySource,
            collectorAddress: address.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            collectorPhone: config.string(forKey: "recoup.collector.phone"),
            californiaLicense: config.string(forKey: "recoup.california.license"),
            smtpURL: config.string(forKey: "recoup.smtp.url", isSecret: true),
            mailFrom: config.string(forKey: "recoup.mail.from", default: "Recoup <noreply@recoup.localhost>"),
            rateLimits: rateLimits ?? RateLimits(), contactPressure: pressure,
            emailEventsSecret: config.string(forKey: "recoup.email.events.secret", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
            printDir: config.string(forKey: "recoup.print.dir").flatMap { $0.isEmpty ? nil : $0 }
                ?? (dataDir as NSString).appendingPathComponent("print"),
            smsURL: smsURL, smsFrom: smsFrom,
            publicURL: config.string(forKey: "recoup.public.url").flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? String($0.dropLast()) : $0) },
            clockOffset: clockOffset, processor: processor, achOriginator: achOriginator,
            processorWebhookSecret: config.string(forKey: "recoup.processor.webhook.secret", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
            apiLimits: apiLimits, dispatchLease: lease ?? Dispatcher.Settings.defaults.lease)
    }

    /// The originator of `ROUTING,BANK NAME,COMPANY ID,COMPANY NAME`.
    static func originator(_ text: String) -> NACHAOriginator? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 4, RoutingNumber.isValid(parts[0]), !parts[1].isEmpty, (1...10).contains(parts[2].count), !parts[3].isEmpty
        else { return nil }
        return NACHAOriginator(
            destinationRouting: parts[0], destinationName: parts[1], originID: parts[2], originName: parts[3], companyName: parts[3],
            companyID: parts[2], originatingDFI: String(parts[0].prefix(8)))
    }

    /// The processor client of `https://SECRET_KEY@host[:port][/prefix]` (http for a local test processor).
    static func processor(_ url: String) -> CardProcessorClient? {
        guard var components = URLComponents(string: url), components.scheme == "https" || components.scheme == "http",
              let key = components.user, !key.isEmpty, components.host?.isEmpty == false
        else { return nil }
        components.user = nil
        components.password = nil
        return components.string.map { CardProcessorClient(baseURL: $0, secretKey: key) }
    }
}

import Crypto
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import Testing

/// A voice provider that accepts every call and keeps it.
final class RecordingCalls: CallTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [OutboundCall] = []

    var placed: [OutboundCall] { lock.withLock { calls } }

    func place(_ call: OutboundCall) async throws -> String {
        lock.withLock {
            calls.append(call)
            return "CA\(calls.count)"
        }
    }
}

/// A running API on a real database with two agencies, each with an admin key, and a client key for Acme's bank.
struct APIHarness {
    let store: SQLStore
    let database: RecoupDatabase
    let app: Application<RouterResponder<APIRequestContext>>
    let acme: TenantID
    let acmeBank: ClientID
    let acmeClinic: ClientID
    let other: TenantID
    let otherClient: ClientID
    let acmeAdmin: String
    let acmeAgent: String
    let bankKey: String
    let otherAdmin: String
    /// The signed consumer links the harness's server honours.
    let links: UnsubscribeLinks
    /// The server's clock: it stands still until a test moves it.
    let clock: ManualClock
    /// The voice provider the server places calls with.
    let calls: RecordingCalls
    /// The card processor the server charges through, when the test gave one.
    let processor: (any PaymentProcessor)?
    /// The server's directory, whose key uses a test writes when it wants them stored.
    let directory: DirectoryService
    /// The SMS provider's auth token the harness's webhooks check signatures with.
    static let smsToken = "test-auth-token"
    /// The email relay's event-webhook secret.
    static let emailEventsSecret = "test-events-secret"

    /// A dispatcher on the harness's database and clock with the given transports, as Acme's server would run one.
    func dispatcher(
        texts: (any TextTransport)? = nil, letters: (any LetterTransport)? = nil, calls: (any CallTransport)? = nil,
        publicURL: String? = "https://pay.acme.test"
    ) -> Dispatcher {
        let snapshots = AccountSnapshots(accounts: AccountService(accounts: store, clock: clock), contacts: store, facts: store)
        var settings = Dispatcher.Settings(worker: "w1", from: "billing@acme.test", messageDomain: "acme.test", collectorName: "Acme")
        settings.publicURL = publicURL
        return Dispatcher(outbox: store, snapshots: snapshots, email: nil, texts: texts, letters: letters, calls: calls, clock: clock, settings: settings)
    }

    /// Runs `body` against a fresh harness and always shuts its database down.
    static func with(
        _ kind: TestDatabase, limits: APILimits = APILimits(), processor: (any PaymentProcessor)? = nil,
        contactPressure: ContactPressure? = nil, _ body: (APIHarness) async throws -> Void
    ) async throws {
        let opened = try await kind.open()
        do {
            try await body(try await make(opened.database, opened.store, limits: limits, processor: processor, contactPressure: contactPressure))
            await opened.close()
        } catch {
            await opened.close()
            throw error
        }
    }

    static func make(
        _ database: RecoupDatabase, _ store: SQLStore, limits: APILimits, processor: (any PaymentProcessor)? = nil,
        contactPressure: ContactPressure? = nil
    ) async throws -> APIHarness {
        let clock = ManualClock(Fixture.start)
        let calls = RecordingCalls()
        let directory = DirectoryService(directory: store, clock: clock, uses: APIKeyUses())
        let acme = try await directory.createTenant(name: "Acme", actor: "test")
        let other = try await directory.createTenant(name: "Other", actor: "test")
        let bank = try await directory.createClient(name: "Big Bank", scope: AccessScope(tenantID: acme.id), actor: "test")
        let clinic = try await directory.createClient(name: "Clinic", scope: AccessScope(tenantID: acme.id), actor: "test")
        let otherClient = try await directory.createClient(name: "Other Bank", scope: AccessScope(tenantID: other.id), actor: "test")
        var services = APIServices(
            directory: directory, accounts: AccountService(accounts: store, clock: clock),
            placements: PlacementService(placements: store, directory: store, clock: clock),
            audit: AuditTrailService(audit: store, checkpointKey: nil), contactRepository: store, factRepository: store, decisionLog: store, outbox: store, inbound: store,
            callRepository: store, callTransport: calls, voiceURLs: VoiceWebhookURLs(publicURL: "https://pay.acme.test"),
            templateRepository: store, templateSender: TemplateSender(agencyPhone: "(512) 555-0199", portalURL: "https://pay.acme.test"),
            paymentRepository: store, planRepository: store, settlementRepository: store, remittanceRepository: store, promiseRepository: store, processor: processor,
            contactPressure: contactPressure, clock: clock,
            letterhead: { tenantID in
                // Acme has no agents' line (its IVR offers a call back); Other's IVR transfers callers to its agents.
                tenantID == acme.id ? CollectorDetails(name: "Acme", mailingAddress: ["PO Box 1234", "Austin, TX 78701"])
                    : CollectorDetails(name: "Other", mailingAddress: ["PO Box 99", "Dallas, TX 75201"], phone: "+15125550142")
            },
            databaseCheck: { true })
        let links = UnsubscribeLinks(baseURL: "https://pay.acme.test/", key: SymmetricKey(data: Data(repeating: 9, count: 32)))
        services.unsubscribe = UnsubscribeService(links: links, outbox: store, facts: services.facts, clock: clock)
        services.textWebhooks = ProviderWebhookSettings(authToken: APIHarness.smsToken, publicURL: "https://pay.acme.test")
        services.tracking = TrackingLinks(baseURL: "https://pay.acme.test", key: SymmetricKey(data: Data(repeating: 9, count: 32)))
        services.emailEventsSecret = APIHarness.emailEventsSecret
        services.processorWebhookSecret = TestProcessor.webhookSecret
        let router = try makeRouter(services: services, registry: PrometheusCollectorRegistry(), limits: limits)
        return APIHarness(
            store: store, database: database, app: Application(router: router), acme: acme.id, acmeBank: bank.id,
            acmeClinic: clinic.id, other: other.id, otherClient: otherClient.id,
            acmeAdmin: try await directory.createAPIKey(tenantID: acme.id, role: .admin, clientID: nil, actor: "t").secret,
            acmeAgent: try await directory.createAPIKey(tenantID: acme.id, role: .agent, clientID: nil, actor: "t").secret,
            bankKey: try await directory.createAPIKey(tenantID: acme.id, role: .client, clientID: bank.id, actor: "t").secret,
            otherAdmin: try await directory.createAPIKey(tenantID: other.id, role: .admin, clientID: nil, actor: "t").secret,
            links: links, clock: clock, calls: calls, processor: processor, directory: directory)
    }
}

extension TestClientProtocol {
    /// The ids of the accounts `GET /v1/accounts?<query>` answers `key` with.
    func accountIDs(_ key: String, _ query: String) async throws -> [String] {
        let (status, page, text) = try await call(.get, "/v1/accounts?\(query)", key: key)
        #expect(status == .ok, "\(query): \(text)")
        return (page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    /// The page of two accounts after `cursor`: its ids and the next cursor.
    func accountPage(_ key: String, after cursor: String) async throws -> (ids: [String], next: String?) {
        let (_, page, _) = try await call(.get, "/v1/accounts?limit=2&cursor=\(cursor)", key: key)
        return ((page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? [], page["next_cursor"] as? String)
    }

    /// Places `csv` for Acme's bank and answers the id of Acme's first account (the only one, in most tests).
    func placeForAcme(_ csv: String, _ h: APIHarness) async throws -> String {
        _ = try await call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csv, contentType: "text/csv")
        let (_, page, _) = try await call(.get, "/v1/accounts", key: h.acmeAdmin)
        return try #require((page["items"] as? [[String: Any]])?.first?["id"] as? String)
    }

    /// A webhook call as the SMS and voice provider makes it: form-encoded, signed over the public URL and the sorted
    /// fields.
    func webhook(_ path: String, _ fields: [(String, String)], signedWith token: String = APIHarness.smsToken)
        async throws -> (HTTPResponse.Status, String)
    {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[HTTPField.Name(WebhookSignature.header)!] = WebhookSignature.sign(url: "https://pay.acme.test" + path, parameters: fields, token: token)
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: WebhookSignature.formBody(fields))) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, key: String?, body: String? = nil, contentType: String = "application/json")
        async throws -> (HTTPResponse.Status, [String: Any], String)
    {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return (response.status, json, text)
        }
    }
}

let placementHeader = "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,balance_at_itemization,interest_since_itemization,current_balance,first_name,last_name,date_of_birth,ssn,address_line1,city,state,zip,phone1,phone1_type,email1"

func placementRow(_ number: String, ssn: String = "123-45-6789", balance: String = "100.00", zip: String = "78701") -> String {
    "\(number),Big Bank,credit_card,2025-06-30,charge_off,\(balance),0.00,\(balance),Pat,Doe,1980-02-29,\(ssn),\"1 Main St, Apt 2\",Austin,TX,\(zip),(512) 555-0100,cell,pat@example.com"
}

@Suite(.serialized)
struct APITests {
    @Test(arguments: TestDatabase.available)
    func placesAccountsAndReadsThemBack(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("A-1"), placementRow("A-2", zip: "7870"), placementRow("A-3", balance: "12.345")]
                .joined(separator: "\r\n")
            let (status, summary, text) = try await client.call(
                .post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csv, contentType: "text/csv")
            #expect(status == .created, "\(text)")
            #expect(summary["rows"] as? Int == 3)
            #expect(summary["imported"] as? Int == 1)
            #expect(summary["rejected"] as? Int == 2)
            let errorsURL = try #require(summary["errors_url"] as? String)
            let (_, _, report) = try await client.call(.get, errorsURL, key: h.acmeAdmin)
            let lines = report.split(whereSeparator: \.isNewline)
            #expect(lines.first == "row,column,value,reason")
            #expect(lines.contains { $0.hasPrefix("2,zip,7870,") })
            #expect(lines.contains { $0.hasPrefix("3,balance_at_itemization,12.345,") })

            let (_, page, _) = try await client.call(.get, "/v1/accounts?limit=10", key: h.acmeAdmin)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.count == 1)
            let accountID = try #require(items.first?["id"] as? String)
            let (detailStatus, detail, _) = try await client.call(.get, "/v1/accounts/\(accountID)", key: h.acmeAdmin)
            #expect(detailStatus == .ok)
            let itemization = try #require(detail["itemization"] as? [String: Any])
            #expect((itemization["current_balance"] as? [String: Any])?["amount_minor"] as? Int == 10_000)
            let consumers = try #require(detail["consumers"] as? [[String: Any]])
            let consumerID = try #require(consumers.first?["consumer_id"] as? String)
            let (_, consumer, _) = try await client.call(.get, "/v1/consumers/\(consumerID)", key: h.acmeAdmin)
            #expect(consumer["ssn_last4"] as? String == "6789")
            #expect(consumer["date_of_birth"] as? String == "1980-02-29")
            #expect((consumer["phones"] as? [[String: Any]])?.first?["number"] as? String == "+15125550100")
            #expect((consumer["addresses"] as? [[String: Any]])?.first?["line1"] as? String == "1 Main St, Apt 2")
            // A creditor client's key sees the person, not contact data that may come from another creditor.
            let (_, bankView, _) = try await client.call(.get, "/v1/consumers/\(consumerID)", key: h.bankKey)
            #expect(bankView["name"] != nil)
            #expect((bankView["phones"] as? [Any])?.isEmpty == true && bankView["ssn_last4"] == nil)
            // An agent sees only the birth year.
            let (_, agentView, _) = try await client.call(.get, "/v1/consumers/\(consumerID)", key: h.acmeAgent)
            #expect(agentView["date_of_birth"] as? String == "1980")

            let (recallStatus, recalled, _) = try await client.call(
                .post, "/v1/accounts/\(accountID)/recall", key: h.bankKey, body: #"{"reason":"paid the bank directly"}"#)
            #expect(recallStatus == .ok && recalled["status"] as? String == "recalled")
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=account.recalled", key: h.acmeAdmin)
            #expect((audit["items"] as? [[String: Any]])?.count == 1)
        }
        }
    }

    /// The endpoints an agency's integration uses every day, on their success paths: a new client, a placement's
    /// summary, the account filters, and walking every page with the cursor; with the audit trail they leave.
    @Test(arguments: TestDatabase.available)
    func clientsPlacementsFiltersAndCursorsWorkOverHTTP(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let (created, newClient, text) = try await client.call(.post, "/v1/clients", key: h.acmeAdmin, body: #"{"name": "  Main Street Dental "}"#)
            #expect(created == .created && newClient["name"] as? String == "Main Street Dental", "\(text)")
            let newClientID = try #require(newClient["id"] as? String)
            let (_, clients, _) = try await client.call(.get, "/v1/clients", key: h.acmeAdmin)
            #expect((clients["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains(newClientID) == true)
            let (_, others, _) = try await client.call(.get, "/v1/clients", key: h.otherAdmin)
            #expect((others["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains(newClientID) == false)

            let californian = { (number: String) in placementRow(number).replacingOccurrences(of: ",Austin,TX,78701,", with: ",San Francisco,CA,94105,") }
            let csv = [placementHeader, placementRow("F-1", ssn: "111-22-3331"), placementRow("F-2", ssn: "111-22-3332"),
                       placementRow("F-3", ssn: "111-22-3333"), californian("F-4"), californian("F-5")].joined(separator: "\n")
            let (placed, summary, _) = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin,
                                                              body: csv, contentType: "text/csv")
            let placementID = try #require(summary["id"] as? String)
            #expect(placed == .created && summary["imported"] as? Int == 5)
            let (fetched, stored, _) = try await client.call(.get, "/v1/placements/\(placementID)", key: h.acmeAdmin)
            #expect(fetched == .ok && stored["rows"] as? Int == 5 && stored["imported"] as? Int == 5 && stored["outcome"] as? String == "processed")
            #expect(stored["file_digest"] as? String == summary["file_digest"] as? String && (stored["file_digest"] as? String)?.count == 64)
            #expect(stored["client_id"] as? String == h.acmeBank.description)

            #expect(try await client.accountIDs(h.acmeAdmin, "state=CA").count == 2)
            #expect(try await client.accountIDs(h.acmeAdmin, "state=TX").count == 3)
            #expect(try await client.accountIDs(h.acmeAdmin, "placement_id=\(placementID)").count == 5)
            #expect(try await client.accountIDs(h.acmeAdmin, "client_id=\(h.acmeBank)").count == 5)
            #expect(try await client.accountIDs(h.acmeAdmin, "client_id=\(h.acmeClinic)").isEmpty)
            #expect(try await client.accountIDs(h.acmeAdmin, "client_account_number=F-4").count == 1)

            let (_, first, _) = try await client.call(.get, "/v1/accounts?limit=2", key: h.acmeAdmin)
            let second = try await client.accountPage(h.acmeAdmin, after: try #require(first["next_cursor"] as? String))
            let third = try await client.accountPage(h.acmeAdmin, after: try #require(second.next))
            let walked = [first].flatMap { ($0["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? [] } + second.ids + third.ids
            #expect(third.next == nil && walked.count == 5 && Set(walked).count == 5, "every account once, in pages of two")
            #expect(try await client.accountIDs(h.bankKey, "limit=2").count == 2)
            #expect(try await client.accountIDs(h.bankKey, "client_id=\(h.acmeBank)").count == 5)

            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=placement.imported", key: h.acmeAdmin)
            let imported = try #require((audit["items"] as? [[String: Any]])?.first)
            let details = try #require(imported["details"] as? [String: String])
            #expect(imported["subject_id"] as? String == placementID && imported["after_digest"] as? String == summary["file_digest"] as? String)
            #expect(details["rows"] == "5" && details["imported"] == "5" && details["rejected"] == "0" && details["client_id"] == h.acmeBank.description)
            let (_, keys, _) = try await client.call(.get, "/v1/audit-events?action=apikey.created", key: h.acmeAdmin)
            #expect((keys["items"] as? [[String: Any]])?.compactMap { ($0["details"] as? [String: String])?["role"] }.sorted() == ["admin", "agent", "client"],
                    "each of Acme's keys was an audit event, none of Other's")
            let (_, clientEvents, _) = try await client.call(.get, "/v1/audit-events?action=client.created", key: h.acmeAdmin)
            #expect((clientEvents["items"] as? [[String: Any]])?.contains { $0["subject_id"] as? String == newClientID && ($0["actor"] as? String)?.hasPrefix("apikey:") == true } == true)
        }
        }
    }

    /// A creditor whose system exports its own layout: the agency saves the client's mapping once, and every file
    /// the client then places over the API is read through it; a bad mapping is refused whole, and the mapping is
    /// the client's and its agency's only.
    @Test(arguments: TestDatabase.available)
    func aClientsOwnLayoutIsSavedOnceAndItsFilesAreReadThroughIt(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let path = "/v1/clients/\(h.acmeBank)/mapping"
            let mapping = #"""
                {"columns": {"Acct No": "client_account_number", "Creditor": "original_creditor", "Chg Off": "itemization_date",
                 "Bal": "balance_at_itemization", "Cur Bal": "current_balance", "First": "first_name", "Last": "last_name",
                 "Addr": "address_line1", "City": "city", "St": "state", "Zip": "zip", "Phone": "phone1", "Phone Type": "phone1_type",
                 "DOB": "date_of_birth"},
                 "date_format": "MM/dd/yyyy", "amounts": "cents", "values": {"phone1_type": {"C": "cell", "H": "landline"}},
                 "defaults": {"debt_type": "medical", "itemization_date_type": "charge_off"}}
                """#
            let file = "Acct No,Creditor,Chg Off,Bal,Cur Bal,First,Last,Addr,City,St,Zip,Phone,Phone Type,DOB\n"
                + "M-1,General Hospital,06/30/2024,123456,123456,Ann,Ray,5 Pine Rd,Tulsa,OK,74103,918-555-0142,C,02/29/1984\n"

            #expect(try await client.call(.get, path, key: h.acmeAdmin).0 == .notFound, "no layout yet: the Recoup format")
            #expect(try await client.call(.put, path, key: h.acmeAgent, body: mapping).0 == .forbidden)
            let (saved, _, text) = try await client.call(.put, path, key: h.acmeAdmin, body: mapping)
            #expect(saved == .ok, "\(text)")
            let (read, stored, _) = try await client.call(.get, path, key: h.bankKey)
            #expect(read == .ok && stored["date_format"] as? String == "MM/dd/yyyy" && (stored["columns"] as? [String: String])?["Acct No"] == "client_account_number")
            #expect(try await client.call(.get, "/v1/clients/\(h.acmeClinic)/mapping", key: h.bankKey).0 == .notFound, "a client sees its own only")
            #expect(try await client.call(.get, path, key: h.otherAdmin).0 == .notFound, "another agency's client is not found")

            let (placed, summary, placedText) = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin,
                                                                       body: file, contentType: "text/csv")
            #expect(placed == .created && summary["imported"] as? Int == 1 && summary["rejected"] as? Int == 0, "\(placedText)")
            let (_, page, _) = try await client.call(.get, "/v1/accounts?client_account_number=M-1", key: h.acmeAdmin)
            #expect((page["items"] as? [[String: Any]])?.first?["debt_type"] as? String == "medical")

            let (bad, problem, _) = try await client.call(.put, path, key: h.acmeAdmin, body: #"{"columns": {"X": "nope"}, "date_format": "QQ"}"#)
            let reasons = (problem["errors"] as? [[String: Any]])?.compactMap { $0["reason"] as? String }.joined(separator: " ") ?? ""
            #expect(bad == .badRequest && reasons.contains("unknown Recoup columns in columns: nope") && reasons.contains("date_format"), "\(problem)")
            #expect(try await client.call(.put, path, key: h.acmeAdmin, body: #"{"colour": "red"}"#).0 == .badRequest)
            #expect(try await client.call(.get, path, key: h.acmeAdmin).1["date_format"] as? String == "MM/dd/yyyy", "a refused layout changes nothing")

            #expect(try await client.call(.delete, path, key: h.acmeAdmin).0 == .noContent)
            #expect(try await client.call(.get, path, key: h.acmeAdmin).0 == .notFound)
            let (refused, _, _) = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: file, contentType: "text/csv")
            #expect(refused == .badRequest, "without its layout the client's file lacks the Recoup columns")

            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?subject_type=client&subject_id=\(h.acmeBank)", key: h.acmeAdmin)
            let actions = (audit["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.filter { $0.hasPrefix("client.mapping") } == ["client.mapping_changed", "client.mapping_removed"], "\(actions)")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherTenantsIdsAnswer404OnEveryEndpoint(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("T-1"), placementRow("T-2", zip: "bad")].joined(separator: "\n")
            let (_, summary, _) = try await client.call(
                .post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csv, contentType: "text/csv")
            let placementID = try #require(summary["id"] as? String)
            let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
            let account = try #require((page["items"] as? [[String: Any]])?.first)
            let accountID = try #require(account["id"] as? String)
            let consumerID = try #require(account["primary_consumer_id"] as? String)

            // The other agency's admin: every Acme id is a 404, every list is its own.
            for uri in ["/v1/accounts/\(accountID)", "/v1/consumers/\(consumerID)", "/v1/placements/\(placementID)",
                        "/v1/placements/\(placementID)/errors", "/v1/accounts/\(accountID)/validation-notice",
                        "/v1/accounts/\(accountID)/contactability", "/v1/accounts/\(accountID)/contacts",
                        "/v1/accounts/\(accountID)/facts"]
            {
                let (status, problem, _) = try await client.call(.get, uri, key: h.otherAdmin)
                #expect(status == .notFound, "\(uri)")
                #expect(problem["status"] as? Int == 404)
            }
            let (recall, _, recallText) = try await client.call(.post, "/v1/accounts/\(accountID)/recall", key: h.otherAdmin)
            #expect(recall == .notFound, "\(recallText)")
            let (placeStatus, _, _) = try await client.call(
                .post, "/v1/placements?client_id=\(h.acmeBank)", key: h.otherAdmin, body: csv, contentType: "text/csv")
            #expect(placeStatus == .notFound)
            let (_, otherAccounts, _) = try await client.call(.get, "/v1/accounts?client_id=\(h.acmeBank)", key: h.otherAdmin)
            #expect((otherAccounts["items"] as? [Any])?.isEmpty == true)
            let (_, otherClients, _) = try await client.call(.get, "/v1/clients", key: h.otherAdmin)
            #expect((otherClients["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [h.otherClient.description])
            let (_, otherAudit, _) = try await client.call(.get, "/v1/audit-events?limit=500", key: h.otherAdmin)
            let subjects = (otherAudit["items"] as? [[String: Any]] ?? []).compactMap { $0["subject_id"] as? String }
            #expect(!subjects.contains(accountID) && !subjects.contains(placementID) && !subjects.isEmpty)

            // The bank's client key sees the bank's accounts, never the clinic's, and cannot place for the clinic.
            let (_, bankPage, _) = try await client.call(.get, "/v1/accounts", key: h.bankKey)
            #expect((bankPage["items"] as? [Any])?.count == 1)
            let (_, bankClients, _) = try await client.call(.get, "/v1/clients", key: h.bankKey)
            #expect((bankClients["items"] as? [[String: Any]])?.count == 1)
            let (clinicPlace, _, _) = try await client.call(
                .post, "/v1/placements?client_id=\(h.acmeClinic)", key: h.bankKey, body: csv, contentType: "text/csv")
            #expect(clinicPlace == .notFound)
            let (bankAudit, _, _) = try await client.call(.get, "/v1/audit-events", key: h.bankKey)
            #expect(bankAudit == .forbidden)
        }
        }
    }

    @Test func authenticationIsRequiredAndChecked() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let (none, problem, _) = try await client.call(.get, "/v1/accounts", key: nil)
            #expect(none == .unauthorized && problem["status"] as? Int == 401)
            let (wrong, _, _) = try await client.call(.get, "/v1/accounts", key: "rk_not-a-real-key")
            #expect(wrong == .unauthorized)
            let (health, body, _) = try await client.call(.get, "/health", key: nil)
            #expect(health == .ok && body["status"] as? String == "ok")
            let (spec, _, text) = try await client.call(.get, "/openapi.yaml", key: nil)
            #expect(spec == .ok && text.hasPrefix("openapi: 3.1"))
            let (metrics, _, _) = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics == .ok)
            let (agentCreates, _, _) = try await client.call(.post, "/v1/clients", key: h.acmeAgent, body: #"{"name":"X"}"#)
            #expect(agentCreates == .forbidden)
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAdminRevokesAKeyAndTheNextRequestWithItIsRefused(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let (listed, page, text) = try await client.call(.get, "/v1/api-keys", key: h.acmeAdmin)
            #expect(listed == .ok, "\(text)")
            let keys = try #require(page["items"] as? [[String: Any]])
            // Acme's admin, agent and bank keys, never Other's; no secret and no hash in sight.
            #expect(keys.compactMap { $0["role"] as? String } == ["admin", "agent", "client"])
            #expect(keys.allSatisfy { $0["revoked_at"] == nil && $0["key"] == nil && $0["secret_hash"] == nil })
            #expect(keys.last?["client_id"] as? String == h.acmeBank.description)
            #expect(!text.contains(h.acmeAgent))
            let agentKey = try #require(keys.first { $0["role"] as? String == "agent" }?["id"] as? String)

            for key in [h.acmeAgent, h.bankKey] {
                let (list, _, _) = try await client.call(.get, "/v1/api-keys", key: key)
                let (revoke, _, _) = try await client.call(.post, "/v1/api-keys/\(agentKey)/revoke", key: key)
                #expect(list == .forbidden && revoke == .forbidden, "only admins manage keys")
            }
            let (otherList, otherPage, _) = try await client.call(.get, "/v1/api-keys", key: h.otherAdmin)
            #expect(otherList == .ok && (otherPage["items"] as? [[String: Any]])?.count == 1)
            let (otherRevokes, _, _) = try await client.call(.post, "/v1/api-keys/\(agentKey)/revoke", key: h.otherAdmin)
            #expect(otherRevokes == .notFound, "another tenant's key is not found, and stays working")
            #expect(try await client.call(.get, "/v1/accounts", key: h.acmeAgent).0 == .ok)

            let (revoked, key, _) = try await client.call(.post, "/v1/api-keys/\(agentKey)/revoke", key: h.acmeAdmin)
            #expect(revoked == .ok && key["id"] as? String == agentKey)
            let revokedAt = try #require(key["revoked_at"] as? String)
            let (refused, problem, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAgent)
            #expect(refused == .unauthorized && problem["detail"] as? String == "this API key was revoked")
            let (again, keyAgain, _) = try await client.call(.post, "/v1/api-keys/\(agentKey)/revoke", key: h.acmeAdmin)
            #expect(again == .ok && keyAgain["revoked_at"] as? String == revokedAt, "revoking twice changes nothing")
            let (_, after, _) = try await client.call(.get, "/v1/api-keys", key: h.acmeAdmin)
            #expect((after["items"] as? [[String: Any]])?.first { $0["id"] as? String == agentKey }?["revoked_at"] as? String == revokedAt)
            #expect(try await client.call(.get, "/v1/accounts", key: h.acmeAdmin).0 == .ok, "other keys go on working")

            #expect(try await client.call(.post, "/v1/api-keys/\(UUID().lowercasedString)/revoke", key: h.acmeAdmin).0 == .notFound)
            #expect(try await client.call(.post, "/v1/api-keys/not-a-uuid/revoke", key: h.acmeAdmin).0 == .notFound)

            _ = try await client.call(.get, "/v1/accounts", key: "rk_guessed")
            let (_, _, metrics) = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="revoked"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="unknown"} 1"#))

            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=apikey.revoked", key: h.acmeAdmin)
            let events = try #require(audit["items"] as? [[String: Any]])
            #expect(events.count == 1, "one event for the revocation, none for the repeat or the refusals")
            #expect(events.first?["subject_id"] as? String == agentKey)
            let adminKey = try #require(keys.first?["id"] as? String)
            #expect(events.first?["actor"] as? String == "apikey:\(adminKey)")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aKeyStopsWorkingAtItsExpiry(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let directory = DirectoryService(directory: h.store, clock: h.clock)
            await #expect(throws: RecoupError.self, "an expiry in the past is refused") {
                try await directory.createAPIKey(tenantID: h.acme, role: .agent, clientID: nil, expiresAt: h.clock.now(), actor: "t")
            }
            let expiry = h.clock.now() + 86_400
            let (key, secret) = try await directory.createAPIKey(tenantID: h.acme, role: .agent, clientID: nil, expiresAt: expiry, actor: "t")
            #expect(try await client.call(.get, "/v1/accounts", key: secret).0 == .ok)
            let (_, page, _) = try await client.call(.get, "/v1/api-keys", key: h.acmeAdmin)
            let listed = (page["items"] as? [[String: Any]])?.first { $0["id"] as? String == key.id.description }
            #expect(listed?["expires_at"] as? String == expiry.formatted(.iso8601))

            h.clock.advance(by: 86_400)
            let (refused, problem, _) = try await client.call(.get, "/v1/accounts", key: secret)
            #expect(refused == .unauthorized && (problem["detail"] as? String)?.hasPrefix("this API key expired at") == true)
            #expect(try await client.call(.get, "/v1/accounts", key: h.acmeAgent).0 == .ok, "keys without an expiry go on working")
            let (_, _, metrics) = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.contains(#"recoup_api_auth_failures_total{reason="expired"} 1"#))
        }
        }
    }

    /// A key's last use shows in the listing, kept to the minute and written apart from the request.
    @Test(arguments: TestDatabase.available)
    func aKeysLastUseIsListedToTheMinute(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            func agentLastUse() async throws -> String? {
                let (_, page, _) = try await client.call(.get, "/v1/api-keys", key: h.acmeAdmin)
                return (page["items"] as? [[String: Any]])?.first { $0["role"] as? String == "agent" }?["last_used_at"] as? String
            }
            #expect(try await agentLastUse() == nil, "never used")
            let first = h.clock.now()
            #expect(try await client.call(.get, "/v1/accounts", key: h.acmeAgent).0 == .ok)
            #expect(try await agentLastUse() == nil, "gathered, not yet written: the request never waits for the writer")
            try await h.directory.writeKeyUses()
            #expect(try await agentLastUse() == first.formatted(.iso8601))
            h.clock.advance(by: 30)
            _ = try await client.call(.get, "/v1/accounts", key: h.acmeAgent)
            try await h.directory.writeKeyUses()
            #expect(try await agentLastUse() == first.formatted(.iso8601), "within the minute: not noted again")
            h.clock.advance(by: 31)
            _ = try await client.call(.get, "/v1/accounts", key: h.acmeAgent)
            try await h.directory.writeKeyUses()
            #expect(try await agentLastUse() == h.clock.now().formatted(.iso8601))
        }
        }
    }

    @Test func badInputIsA4xxProblemNeverA500() async throws {
        try await APIHarness.with(.sqlite, limits: APILimits(jsonBodyBytes: 1024, placementFileBytes: 4096)) { h in
        try await h.app.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, String, HTTPResponse.Status)] = [
                (.post, "/v1/clients", "{not json", "application/json", .badRequest),
                (.post, "/v1/clients", #"{"name": 42}"#, "application/json", .badRequest),
                (.post, "/v1/clients", #"{"name": "A", "colour": "red"}"#, "application/json", .badRequest),
                (.post, "/v1/clients", #"{"name": ""}"#, "application/json", .badRequest),
                (.post, "/v1/clients", #"{}"#, "application/json", .badRequest),
                (.post, "/v1/clients", "{\"name\":\"" + String(repeating: "x", count: 2000) + "\"}", "application/json", .contentTooLarge),
                (.get, "/v1/accounts?cursor=bogus", nil, "", .badRequest),
                (.get, "/v1/accounts?limit=0", nil, "", .badRequest),
                (.get, "/v1/accounts?limit=abc", nil, "", .badRequest),
                (.get, "/v1/accounts?ssn_last4=12", nil, "", .badRequest),
                (.get, "/v1/accounts/not-a-uuid", nil, "", .notFound),
                (.get, "/v1/nothing-here", nil, "", .notFound),
                (.delete, "/v1/accounts/\(UUID())", nil, "", .methodNotAllowed),
                (.put, "/v1/clients", "{}", "application/json", .methodNotAllowed),
                (.post, "/v1/placements?client_id=\(h.acmeBank)", "", "text/csv", .badRequest),
                (.post, "/v1/placements?client_id=\(h.acmeBank)", "a,b\n1,2\n", "text/csv", .badRequest),
                (.post, "/v1/placements?client_id=\(h.acmeBank)", placementHeader + "\n\"unterminated", "text/csv", .badRequest),
                (.post, "/v1/placements?client_id=\(h.acmeBank)", String(repeating: "x", count: 5000), "text/csv", .contentTooLarge),
                (.post, "/v1/placements?client_id=\(h.acmeBank)&mode=all-or-nothing",
                 placementHeader + "\n" + placementRow("B-1") + "\n" + placementRow("B-2", zip: "x"), "text/csv", .unprocessableContent),
            ]
            for (method, uri, body, type, expected) in cases {
                let (status, problem, text) = try await client.call(method, uri, key: h.acmeAdmin, body: body, contentType: type)
                #expect(status == expected, "\(method) \(uri): \(text)")
                #expect(problem["status"] as? Int == expected.code, "\(uri): \(text)")
                #expect((problem["detail"] as? String)?.isEmpty == false)
            }
            // A body the contract refuses names the field and why, in the problem's errors.
            for (body, field, reason) in [(#"{"name": 42}"#, "/name", "must be a string"), (#"{}"#, "/name", "is required"),
                                          (#"{"name": "A", "colour": "red"}"#, "/colour", "is not a field of this request"),
                                          (#"{"name": null}"#, "/name", "must be a string, not null")] {
                let (_, problem, text) = try await client.call(.post, "/v1/clients", key: h.acmeAdmin, body: body)
                let errors = problem["errors"] as? [[String: Any]]
                #expect(errors?.count == 1 && errors?.first?["field"] as? String == field && errors?.first?["reason"] as? String == reason, "\(body): \(text)")
            }
            // A file the import cannot read at all names its file-level problems on row 0.
            let (_, unusable, _) = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin,
                                                          body: "a,b\n1,2\n", contentType: "text/csv")
            let fileProblems = try #require(unusable["errors"] as? [[String: Any]])
            #expect(fileProblems.contains { $0["field"] as? String == "client_account_number" } && fileProblems.allSatisfy { $0["row"] as? Int == 0 })
            // all-or-nothing stored no account.
            let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
            #expect((page["items"] as? [Any])?.isEmpty == true)
            // A malformed id names nothing: not found, quoted as sent.
            let (_, malformed, _) = try await client.call(.get, "/v1/accounts/not-a-uuid", key: h.acmeAdmin)
            #expect(malformed["detail"] as? String == #"account_id "not-a-uuid" not found"#)
            // A path of the contract with a method it does not take says which it does.
            let allow = try await client.execute(uri: "/v1/accounts/\(UUID())/payments", method: .delete,
                                                 headers: [.authorization: "Bearer \(h.acmeAdmin)"]) { $0.headers[.allow] }
            #expect(allow == "GET, POST")
            // A query parameter or header the contract refuses is named, in words, once.
            let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("Q-1"), h)
            for (uri, field, detail) in [
                ("/v1/accounts?limit=abc", "limit", "limit: must be an integer"),
                ("/v1/accounts?status=active&limit=abc", "status or limit", "status or limit: must be an integer"),
                ("/v1/accounts?status=bogus", "status", "status: is not one of the values this parameter takes (bogus)"),
                ("/v1/accounts/\(account)/validation-notice?language=xx", "language", "language: is not one of the values this parameter takes (xx)"),
                ("/v1/accounts/\(account)/convenience-fee", "method_id", "method_id: is required"),
            ] {
                let (status, problem, text) = try await client.call(.get, uri, key: h.acmeAdmin)
                let errors = problem["errors"] as? [[String: Any]]
                #expect(status == .badRequest && problem["detail"] as? String == detail && errors?.first?["field"] as? String == field, "\(uri): \(text)")
            }
            let (_, noKey, noKeyText) = try await client.call(.post, "/v1/accounts/\(account)/payments", key: h.acmeAdmin,
                                                              body: #"{"method_id": "x", "amount_minor": 100}"#)
            #expect(noKey["detail"] as? String == "Idempotency-Key: is required", "\(noKeyText)")
            let (_, array, arrayText) = try await client.call(.post, "/v1/clients", key: h.acmeAdmin, body: "[1]")
            #expect(array["detail"] as? String == "the body: must be a JSON object", "\(arrayText)")
        }
        }
    }
}

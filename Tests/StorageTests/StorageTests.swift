import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

@Suite(.serialized)
struct StorageTests {
    struct Agency {
        var tenant: Tenant
        var client: Client
    }

    func agency(_ store: SQLStore, _ name: String = "Acme Recovery") async throws -> Agency {
        let clock = ManualClock(Fixture.start)
        let directory = DirectoryService(directory: store, clock: clock)
        let tenant = try await directory.createTenant(name: name, actor: "test")
        let client = try await directory.createClient(name: "Big Bank", scope: AccessScope(tenantID: tenant.id), actor: "test")
        return Agency(tenant: tenant, client: client)
    }

    func place(_ store: SQLStore, _ agency: Agency, _ debts: [PlacedDebt], at: Date = Fixture.start) async throws
        -> PlacementReport
    {
        try await importing(store, agency, debts, at: at).0
    }

    func importing(_ store: SQLStore, _ agency: Agency, _ debts: [PlacedDebt], at: Date) async throws
        -> (PlacementReport, [RowError])
    {
        let placement = Placement(
            tenantID: agency.tenant.id, clientID: agency.client.id, fileName: "test.csv", fileDigest: "abc",
            counts: ImportCounts(), receivedAt: at)
        let report = PlacementReport(placement: placement, mode: .acceptValid, outcome: .processed, ignoredColumns: [])
        @Sendable func write(_ writer: some PlacementWriter) async throws -> PlacementBatchResult {
            try await writer.write(writer.prepare(debts), actor: "test")
        }
        return try await store.importing(report, actor: "test") { writer in
            let result = try await write(writer)
            var final = report
            final.placement.counts = ImportCounts(
                rows: debts.count, imported: result.imported, updated: result.updated, unchanged: result.unchanged)
            return (final, [])
        }
    }

    @Test(arguments: TestDatabase.available)
    func migrationsRunTwiceWithoutChange(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, _ in
            try await database.migrate()
            try await database.migrate()
        }
    }

    @Test(arguments: TestDatabase.available)
    func importsUpdatesAndDeduplicates(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store)
            let t = acme.tenant.id, c = acme.client.id
            let first = try await place(store, acme, [
                Fixture.debt(row: 1, number: "A-1", tenant: t, client: c),
                // Same SSN: the same consumer, a second debt.
                Fixture.debt(row: 2, number: "A-2", tenant: t, client: c, balance: 5_000),
                // No SSN but same name, DOB and address as nobody: a new consumer.
                Fixture.debt(row: 3, number: "A-3", tenant: t, client: c, first: "Lee", ssn: nil, dob: "1990-01-01"),
                // Same name, DOB and address as row 3, no SSN: merged with row 3's consumer.
                Fixture.debt(row: 4, number: "A-4", tenant: t, client: c, first: "Lee", ssn: nil, dob: "1990-01-01",
                             phone: "+15125550199"),
            ])
            #expect(first.placement.counts.imported == 4)
            let scope = AccessScope(tenantID: t)
            let all = try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10)
            #expect(all.count == 4)
            #expect(Set(all.compactMap(\.primaryConsumerID)).count == 2)
            let lee = try #require(all.first { $0.clientAccountNumber == "A-4" }?.primaryConsumerID)
            let (consumer, accounts) = try #require(try await store.consumer(lee, scope: scope))
            #expect(accounts.count == 2)
            let phones = consumer.contactPoints.compactMap { point -> String? in
                if case let .phone(number, _, _, _) = point.kind { number } else { nil }
            }
            #expect(Set(phones) == ["+15125550100", "+15125550199"])

            // Re-import: one unchanged, one changed balance, one new.
            let second = try await place(store, acme, [
                Fixture.debt(row: 1, number: "A-1", tenant: t, client: c),
                Fixture.debt(row: 2, number: "A-2", tenant: t, client: c, balance: 4_000),
                Fixture.debt(row: 3, number: "A-5", tenant: t, client: c),
            ], at: Fixture.start + 3600)
            #expect(second.placement.counts.unchanged == 1)
            #expect(second.placement.counts.updated == 1)
            #expect(second.placement.counts.imported == 1)
            let updated = try #require(try await store.accounts(
                scope: scope, filter: AccountFilter(clientAccountNumber: "A-2"), after: nil, limit: 1).first)
            #expect(updated.currentBalance == Money(minorUnits: 4_000, currency: .usd))
            let events = try await store.auditEvents(
                tenantID: t, afterSequence: 0, limit: 100, subjectType: "account", subjectID: updated.id.description,
                action: "account.updated")
            #expect(events.count == 1)
            #expect(events.first?.beforeDigest != nil && events.first?.beforeDigest != events.first?.afterDigest)
            #expect(try await store.auditEvents(
                tenantID: t, afterSequence: 0, limit: 100, subjectType: nil, subjectID: nil,
                action: "placement.imported").count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func differentSSNsAreNeverMergedAndRecalledAccountsStayRecalled(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store)
            let t = acme.tenant.id, c = acme.client.id
            // Same name, date of birth and address, different SSNs: two people (a father and son, say).
            _ = try await place(store, acme, [
                Fixture.debt(row: 1, number: "F-1", tenant: t, client: c, ssn: "123-45-6789"),
                Fixture.debt(row: 2, number: "F-2", tenant: t, client: c, ssn: "222-33-4444"),
            ])
            let scope = AccessScope(tenantID: t)
            let all = try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10)
            #expect(Set(all.compactMap(\.primaryConsumerID)).count == 2)

            // Recall F-1, then the client's next file changes its balance and revokes consent on the phone.
            let recalled = try await store.recall(
                [], clientAccountNumbers: ["F-1"], scope: scope, actor: "t", reason: nil, at: Fixture.start)
            #expect(recalled.recalled.count == 1)
            var changed = Fixture.debt(row: 1, number: "F-1", tenant: t, client: c, balance: 99_00, ssn: "123-45-6789")
            changed.consumer.contactPoints = changed.consumer.contactPoints.map { point in
                guard case let .phone(number, type, source, _) = point.kind else { return point }
                return ContactPoint(kind: .phone(number: number, type: type, source: source, consent: .no))
            }
            let report = try await place(store, acme, [changed], at: Fixture.start + 60)
            #expect(report.placement.counts.updated == 1)
            let account = try #require(try await store.account(recalled.recalled[0], scope: scope))
            #expect(account.status == .recalled)
            #expect(account.itemization.currentBalance.minorUnits == 99_00)
            let consumerID = try #require(account.parties.first?.consumerID)
            let (consumer, _) = try #require(try await store.consumer(consumerID, scope: scope))
            let consents = consumer.contactPoints.compactMap { point -> ConsentStatus? in
                if case let .phone(_, _, _, consent) = point.kind { consent } else { nil }
            }
            #expect(consents == [.no])

            // A later file (another creditor's, or one without a consent column) cannot lift the refusal or make the
            // cell a landline; it may still say where the number came from.
            var lifted = Fixture.debt(row: 1, number: "F-1", tenant: t, client: c, balance: 98_00, ssn: "123-45-6789")
            lifted.consumer.contactPoints = lifted.consumer.contactPoints.map { point in
                guard case let .phone(number, _, _, _) = point.kind else { return point }
                return ContactPoint(kind: .phone(number: number, type: .landline, source: .consumer, consent: .yes))
            }
            #expect(try await place(store, acme, [lifted], at: Fixture.start + 120).placement.counts.updated == 1)
            let (after, _) = try #require(try await store.consumer(consumerID, scope: scope))
            let phones = after.contactPoints.compactMap { point -> String? in
                if case let .phone(_, type, source, consent) = point.kind { "\(type) \(source) \(consent)" } else { nil }
            }
            #expect(phones == ["cell consumer no"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func personalDataIsSealedAtRestAndSearchableByLastFour(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let acme = try await agency(store)
            _ = try await place(store, acme, [Fixture.debt(number: "S-1", tenant: acme.tenant.id, client: acme.client.id)])
            let rows = try await database.sqlDatabase.raw("SELECT * FROM consumers").all()
            #expect(rows.count == 1)
            for column in ["dob_sealed", "ssn_sealed", "ssn_hash", "ssn_last4_hash", "identity_hash"] {
                let value = try rows[0].decode(column: column, as: String?.self) ?? ""
                #expect(!value.contains("123456789") && !value.contains("6789") && !value.contains("1980"))
            }
            let scope = AccessScope(tenantID: acme.tenant.id)
            let found = try await store.accounts(scope: scope, filter: AccountFilter(ssnLastFour: "6789"), after: nil, limit: 5)
            #expect(found.map(\.clientAccountNumber) == ["S-1"])
            #expect(try await store.accounts(scope: scope, filter: AccountFilter(ssnLastFour: "0000"), after: nil, limit: 5).isEmpty)
            let consumerID = try #require(found[0].primaryConsumerID)
            let consumer = try #require(try await store.consumer(consumerID, scope: scope))
            #expect(consumer.0.ssn?.digits == "123456789")
            #expect(consumer.0.dateOfBirth == LocalDate(iso: "1980-02-29"))
        }
    }

    /// Every table but the migrations' own carries `tenant_id`, so every query can name the tenant; and an API key
    /// is stored as the SHA-256 of its secret, never the secret.
    @Test(arguments: TestDatabase.available)
    func everyTableCarriesItsTenantAndKeysAreStoredOnlyAsHashes(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let sql = database.sqlDatabase
            let columns: [(table: String, column: String)]
            if database.location.isSQLite {
                var found: [(String, String)] = []
                for row in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() {
                    let table = try row.decode(column: "name", as: String.self)
                    for info in try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all() {
                        found.append((table, try info.decode(column: "name", as: String.self)))
                    }
                }
                columns = found
            } else {
                columns = try await sql.raw("""
                    SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
                    """).all().map { (try $0.decode(column: "table_name", as: String.self), try $0.decode(column: "column_name", as: String.self)) }
            }
            let tables = Set(columns.map(\.table))
            #expect(tables.count > 30, "\(tables.sorted())")
            let withoutTenant = tables.filter { table in !columns.contains { $0.table == table && $0.column == "tenant_id" } }
            #expect(withoutTenant == ["_fluent_migrations"], "\(withoutTenant.sorted())")

            let acme = try await agency(store)
            let (key, secret) = try await DirectoryService(directory: store, clock: ManualClock(Fixture.start))
                .createAPIKey(tenantID: acme.tenant.id, role: .admin, clientID: nil, actor: "test")
            let row = try #require(try await sql.raw("SELECT * FROM api_keys WHERE id = \(bind: key.id.description)").first())
            let stored = try row.decode(column: "secret_hash", as: String.self)
            #expect(stored == APIKeyRecord.hash(secret: secret) && stored.count == 64 && !stored.contains(secret.dropFirst(3)))
            for column in row.allColumns {
                let text = (try? row.decode(column: column, as: String?.self)) ?? nil
                #expect(text.map { !$0.contains(secret.dropFirst(3)) } ?? true, "\(column) holds the secret")
            }
        }
    }

    /// Rotating a key: the new secret works at once with the same role and client, the old one until the grace
    /// runs out (or its own earlier expiry), and both keys are named in the audit trail; a key that no longer works
    /// cannot be rotated.
    @Test(arguments: TestDatabase.available)
    func aRotatedKeyWorksUntilItsGraceRunsOutAndItsSuccessorAtOnce(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store)
            let clock = ManualClock(Fixture.start)
            let directory = DirectoryService(directory: store, clock: clock)
            let (key, secret) = try await directory.createAPIKey(tenantID: acme.tenant.id, role: .client, clientID: acme.client.id, actor: "t")
            let (old, new, newSecret) = try await directory.rotateAPIKey(key.id, tenantID: acme.tenant.id, grace: 3600, actor: "admin")
            #expect(new.role == .client && new.clientID == acme.client.id && new.id != key.id && newSecret != secret)
            #expect(old.expiresAt == Fixture.start + 3600)
            guard case let .authenticated(principal) = try await directory.authenticate(secret: newSecret) else {
                Issue.record("the new key works at once"); return
            }
            #expect(principal.scope.clientID == acme.client.id)
            clock.advance(by: 3599)
            #expect(try await directory.authenticate(secret: secret) == .authenticated(key.principal), "the old key works through its grace")
            clock.advance(by: 1)
            guard case .expired = try await directory.authenticate(secret: secret) else { Issue.record("then it expires"); return }
            await #expect(throws: RecoupError.self, "an expired key is not rotated") {
                try await directory.rotateAPIKey(key.id, tenantID: acme.tenant.id, grace: 3600, actor: "admin")
            }

            // A key already due to expire in ten minutes keeps that expiry whatever the grace; its successor inherits it.
            let soon = clock.now() + 600
            let (short, _) = try await directory.createAPIKey(tenantID: acme.tenant.id, role: .agent, clientID: nil, expiresAt: soon, actor: "t")
            let rotated = try await directory.rotateAPIKey(short.id, tenantID: acme.tenant.id, grace: 86_400, actor: "admin")
            #expect(rotated.old.expiresAt == soon && rotated.new.expiresAt == soon)
            let stored = try await store.apiKeys(tenantID: acme.tenant.id).first { $0.id == short.id }
            #expect(stored?.expiresAt == soon)

            let events = try await store.auditEvents(tenantID: acme.tenant.id, afterSequence: 0, limit: 100, subjectType: "apikey",
                                                     subjectID: nil, action: "apikey.rotated")
            #expect(events.map(\.subjectID) == [key.id.description, short.id.description])
            #expect(events.first?.details["new_key_id"] == new.id.description && events.first?.actor == "admin")
            let created = try await store.auditEvents(tenantID: acme.tenant.id, afterSequence: 0, limit: 100, subjectType: "apikey",
                                                      subjectID: new.id.description, action: "apikey.created")
            #expect(created.first?.details["rotated_from"] == key.id.description)
        }
    }

    @Test(arguments: TestDatabase.available)
    func tenantsAndClientsNeverSeeEachOthersAccounts(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store, "Acme")
            let other = try await agency(store, "Other Agency")
            let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
            let secondClient = try await directory.createClient(
                name: "Clinic", scope: AccessScope(tenantID: acme.tenant.id), actor: "test")
            _ = try await place(store, acme, [Fixture.debt(number: "X-1", tenant: acme.tenant.id, client: acme.client.id)])
            _ = try await place(store, Agency(tenant: acme.tenant, client: secondClient), [
                Fixture.debt(number: "X-2", tenant: acme.tenant.id, client: secondClient.id, ssn: "222-33-4444"),
            ])
            _ = try await place(store, other, [Fixture.debt(number: "X-1", tenant: other.tenant.id, client: other.client.id)])

            let acmeAll = try await store.accounts(
                scope: AccessScope(tenantID: acme.tenant.id), filter: AccountFilter(), after: nil, limit: 10)
            #expect(Set(acmeAll.map(\.clientAccountNumber)) == ["X-1", "X-2"])
            let clinicOnly = try await store.accounts(
                scope: AccessScope(tenantID: acme.tenant.id, clientID: secondClient.id), filter: AccountFilter(),
                after: nil, limit: 10)
            #expect(clinicOnly.map(\.clientAccountNumber) == ["X-2"])
            let otherAccount = try #require(try await store.accounts(
                scope: AccessScope(tenantID: other.tenant.id), filter: AccountFilter(), after: nil, limit: 10).first)
            // Another tenant's id: nothing, for accounts, consumers and placements alike.
            #expect(try await store.account(otherAccount.id, scope: AccessScope(tenantID: acme.tenant.id)) == nil)
            let otherConsumer = try #require(otherAccount.primaryConsumerID)
            #expect(try await store.consumer(otherConsumer, scope: AccessScope(tenantID: acme.tenant.id)) == nil)
            #expect(try await store.placement(otherAccount.placementID, scope: AccessScope(tenantID: acme.tenant.id)) == nil)
            // A client key of the clinic cannot read the bank's account even inside its own tenant.
            let bankAccount = try #require(acmeAll.first { $0.clientAccountNumber == "X-1" })
            #expect(try await store.account(
                bankAccount.id, scope: AccessScope(tenantID: acme.tenant.id, clientID: secondClient.id)) == nil)
            // Recall through another tenant's scope changes nothing.
            let outcome = try await store.recall(
                [otherAccount.id], clientAccountNumbers: [], scope: AccessScope(tenantID: acme.tenant.id), actor: "t",
                reason: nil, at: Fixture.start)
            #expect(outcome.recalled.isEmpty && outcome.notFound == [otherAccount.id.description])
        }
    }

    @Test(arguments: TestDatabase.available)
    func recallStopsAccountsOnceAndAuditsIt(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store)
            _ = try await place(store, acme, [
                Fixture.debt(number: "R-1", tenant: acme.tenant.id, client: acme.client.id),
                Fixture.debt(number: "R-2", tenant: acme.tenant.id, client: acme.client.id),
            ])
            let scope = AccessScope(tenantID: acme.tenant.id, clientID: acme.client.id)
            let service = AccountService(accounts: store, clock: ManualClock(Fixture.start + 60))
            let first = try await service.recall(ids: [], clientAccountNumbers: ["R-1"], scope: scope, actor: "t", reason: "paid direct")
            #expect(first.recalled.count == 1)
            let again = try await service.recall(ids: first.recalled, scope: scope, actor: "t", reason: nil)
            #expect(again.recalled.isEmpty && again.alreadyRecalled == first.recalled)
            let account = try #require(try await store.account(first.recalled[0], scope: scope))
            #expect(account.status == .recalled)
            let events = try await store.auditEvents(
                tenantID: acme.tenant.id, afterSequence: 0, limit: 50, subjectType: nil, subjectID: nil,
                action: "account.recalled")
            #expect(events.count == 1 && events[0].details["reason"] == "paid direct")
        }
    }

    @Test(arguments: TestDatabase.available)
    func cursorPagingWalksEveryAccountOnce(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let acme = try await agency(store)
            let debts = (1...23).map {
                Fixture.debt(row: $0, number: "P-\($0)", tenant: acme.tenant.id, client: acme.client.id,
                             ssn: String(format: "123-45-%04d", $0))
            }
            _ = try await place(store, acme, debts)
            let service = AccountService(accounts: store, clock: ManualClock(Fixture.start))
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await service.list(
                    scope: AccessScope(tenantID: acme.tenant.id), filter: AccountFilter(), limit: 5, cursor: cursor)
                seen += page.items.map(\.clientAccountNumber)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 23 && Set(seen).count == 23)
            await #expect(throws: RecoupError.self) {
                _ = try await service.list(
                    scope: AccessScope(tenantID: acme.tenant.id), filter: AccountFilter(), limit: 5, cursor: "garbage!")
            }
        }
    }
}

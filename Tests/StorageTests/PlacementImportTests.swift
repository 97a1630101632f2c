import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import SQLKit
import Testing

/// The whole import use case (CSV bytes in, stored accounts and report out) on real databases.
@Suite(.serialized)
struct PlacementImportTests {
    static let header = "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,balance_at_itemization,current_balance,first_name,last_name,date_of_birth,ssn,address_line1,city,state,zip,phone1,Legacy Notes"

    static func row(_ number: String, balance: String = "250.00", zip: String = "78701", ssn: String = "123-45-6789") -> String {
        "\(number),Big Bank,credit_card,2025-06-30,charge_off,\(balance),\(balance),Pat,Doe,1980-02-29,\(ssn),1 Main St,Austin,TX,\(zip),5125550100,note"
    }

    struct Setup {
        var service: PlacementService
        var accounts: AccountService
        var scope: AccessScope
        var client: ClientID
    }

    func setup(_ store: SQLStore) async throws -> Setup {
        let clock = ManualClock(Fixture.start)
        let directory = DirectoryService(directory: store, clock: clock)
        let tenant = try await directory.createTenant(name: "Acme", actor: "t")
        let client = try await directory.createClient(name: "Big Bank", scope: AccessScope(tenantID: tenant.id), actor: "t")
        return Setup(
            service: PlacementService(placements: store, directory: store, clock: clock),
            accounts: AccountService(accounts: store, clock: clock), scope: AccessScope(tenantID: tenant.id),
            client: client.id)
    }

    func run(_ s: Setup, _ text: String, mode: ImportMode = .acceptValid, chunk: Int = 7) async throws -> PlacementOutcome {
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: chunk).map { Array(bytes[$0..<min($0 + chunk, bytes.count)]) }
        return try await s.service.importPlacement(
            PlacementRequest(scope: s.scope, clientID: s.client, fileName: "f.csv", mode: mode, strict: false,
                             mapping: nil, actor: "t"),
            chunks: ChunkList(chunks: chunks))
    }

    @Test(arguments: TestDatabase.available)
    func goodRowsLandBadRowsAreReportedAndReimportUpdates(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            let file = [Self.header, Self.row("A-1"), Self.row("A-2", zip: "7870"), Self.row("A-3", ssn: "222-33-4444"), ""]
                .joined(separator: "\r\n")
            let first = try await run(s, file)
            #expect(first.report.placement.counts == ImportCounts(rows: 3, imported: 2, rejected: 1))
            #expect(first.report.ignoredColumns == ["Legacy Notes"])
            #expect(first.errors.map { [String($0.row), $0.column, $0.value] } == [["2", "zip", "7870"]])
            #expect(first.errors.first?.reason.hasPrefix("must be 5 digits or ZIP+4") == true)
            #expect(first.report.placement.fileDigest.count == 64)
            #expect(try await s.service.errors(first.report.placement.id, scope: s.scope) == first.errors)

            let second = try await run(s, [Self.header, Self.row("A-1"), Self.row("A-3", balance: "300.00", ssn: "222-33-4444"),
                                           Self.row("A-1", balance: "275.00")].joined(separator: "\n"))
            #expect(second.report.placement.counts == ImportCounts(rows: 3, imported: 0, updated: 2, unchanged: 1))
            let a1 = try #require(try await s.accounts.list(
                scope: s.scope, filter: AccountFilter(clientAccountNumber: "A-1"), limit: 5, cursor: nil).items.first)
            #expect(a1.currentBalance.minorUnits == 27_500)
            let all = try await s.accounts.list(scope: s.scope, filter: AccountFilter(), limit: 50, cursor: nil)
            #expect(all.items.count == 2)
        }
    }

    /// Files for one agency imported at the same moment (one client's file twice, another client's with the same
    /// consumers) wait for each other instead of colliding on the account number or storing a consumer twice: on
    /// PostgreSQL their transactions run side by side, so the store takes the agency's import lock first.
    @Test(arguments: TestDatabase.available)
    func simultaneousImportsForOneAgencyWaitForEachOther(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let s = try await setup(store)
            let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
            var other = s
            other.client = try await directory.createClient(name: "Clinic", scope: s.scope, actor: "t").id
            let file = ([Self.header] + (1...300).map { Self.row("C-\($0)", ssn: "123-45-\(6000 + $0)") }).joined(separator: "\n")
            async let first = run(s, file, chunk: 8192)
            async let again = run(s, file, chunk: 8192)
            async let clinic = run(other, file, chunk: 8192)
            let outcomes = try await [first, again, clinic].map(\.report.placement.counts)
            #expect(outcomes.allSatisfy { $0.rows == 300 && $0.rejected == 0 }, "\(outcomes)")
            #expect(outcomes[0].imported + outcomes[1].imported == 300 && outcomes[0].unchanged + outcomes[1].unchanged == 300,
                    "one of the two copies imports, the other finds every account unchanged: \(outcomes)")
            #expect(outcomes[2].imported == 300)
            func count(_ table: String) async throws -> Int {
                try #require(try await database.sqlDatabase.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()).decode(column: "n", as: Int.self)
            }
            #expect(try await count("accounts") == 600)
            #expect(try await count("consumers") == 300, "each consumer once, debts with both clients")
        }
    }

    /// A re-placement that changes accounts: each change becomes an `account.updated` event, in file order, when
    /// the file's transaction ends (staged in the database meanwhile, not in memory); a report keeps only the first
    /// errors it is allowed while still counting every bad row; a rejected file leaves neither events nor stage.
    @Test(arguments: TestDatabase.available)
    func changedAccountsBecomeAuditEventsInFileOrderAndReportsKeepTheFirstErrors(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            var s = try await setup(store)
            _ = try await run(s, [Self.header, Self.row("C-1"), Self.row("C-2"), Self.row("C-3")].joined(separator: "\n"))
            s.service = PlacementService(placements: store, directory: store, clock: ManualClock(Fixture.start), reportedErrors: 2)
            let bad = (1...4).map { Self.row("X-\($0)", zip: "1") }
            let second = try await run(s, ([Self.header, Self.row("C-3", balance: "300.00"), Self.row("C-1", balance: "275.00"), Self.row("C-2")]
                                           + bad).joined(separator: "\n"))
            #expect(second.report.placement.counts == ImportCounts(rows: 7, imported: 0, updated: 2, unchanged: 1, rejected: 4))
            #expect(second.errors.map(\.row) == [4, 5], "the first two errors kept")
            #expect(try await s.service.errors(second.report.placement.id, scope: s.scope).count == 2)

            let events = try await store.auditEvents(tenantID: s.scope.tenantID, afterSequence: 0, limit: 100, subjectType: "account",
                                                     subjectID: nil, action: "account.updated")
            var ids: [AccountID] = []
            for number in ["C-3", "C-1"] {
                let page = try await s.accounts.list(scope: s.scope, filter: AccountFilter(clientAccountNumber: number), limit: 1, cursor: nil)
                ids.append(try #require(page.items.first?.id))
            }
            #expect(events.map(\.subjectID) == ids.map(\.description), "in file order")
            #expect(events.map { $0.details["row"] } == ["1", "2"])
            #expect(events.allSatisfy { $0.details["placement_id"] == second.report.placement.id.description && $0.beforeDigest != nil
                && $0.afterDigest != nil && $0.beforeDigest != $0.afterDigest })
            let placementEvent = try await store.auditEvents(tenantID: s.scope.tenantID, afterSequence: 0, limit: 100, subjectType: "placement",
                                                             subjectID: second.report.placement.id.description, action: nil)
            #expect(placementEvent.count == 1 && placementEvent[0].sequence > events[1].sequence, "the file's own event comes last")

            let rejected = try await run(s, [Self.header, Self.row("C-2", balance: "9.00"), Self.row("Y-1", zip: "1")].joined(separator: "\n"),
                                         mode: .allOrNothing)
            #expect(rejected.report.outcome == .rejected)
            #expect(try await store.auditEvents(tenantID: s.scope.tenantID, afterSequence: 0, limit: 100, subjectType: "account",
                                                subjectID: nil, action: "account.updated").count == 2)
            let staged = try #require(try await database.sqlDatabase.raw("SELECT COUNT(*) AS n FROM placement_account_changes").first())
            #expect(try staged.decode(column: "n", as: Int.self) == 0, "the stage is empty outside an import")
        }
    }

    @Test(arguments: TestDatabase.available)
    func allOrNothingStoresNothingButTheReport(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            let outcome = try await run(
                s, [Self.header, Self.row("B-1"), Self.row("B-2", zip: "x")].joined(separator: "\n"), mode: .allOrNothing)
            #expect(outcome.report.outcome == .rejected)
            #expect(outcome.report.placement.counts.rejected == 1 && outcome.report.placement.counts.imported == 0)
            #expect(try await s.accounts.list(scope: s.scope, filter: AccountFilter(), limit: 5, cursor: nil).items.isEmpty)
            let stored = try await s.service.placement(outcome.report.placement.id, scope: s.scope)
            #expect(stored.outcome == .rejected)
            #expect(try await s.service.errors(outcome.report.placement.id, scope: s.scope).count == 1)
        }
    }

    @Test(arguments: TestDatabase.available, [
        ("", "empty"), ("\u{FEFF}", "empty"), ("a,b\n1,2\n", "missing required columns"),
        (PlacementImportTests.header + "\n\"open", "unbalanced quote"),
    ])
    func unusableFilesStoreNothing(_ kind: TestDatabase, _ file: (String, String)) async throws {
        let (text, expected) = file
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            do {
                _ = try await run(s, text)
                Issue.record("expected the file to be refused")
            } catch let RecoupError.unusablePlacement(problem) {
                #expect(problem.description.contains(expected), "\(problem)")
                #expect(!problem.rowErrors.isEmpty && problem.rowErrors.allSatisfy { $0.row == 0 })
            }
            #expect(try await store.auditEvents(
                tenantID: s.scope.tenantID, afterSequence: 0, limit: 10, subjectType: "placement", subjectID: nil,
                action: nil).isEmpty)
        }
    }

    /// 2,500 rows, several batches: big enough that a database committing in steps has written some before the end.
    static func longFile() -> String {
        ([header] + (1...2_500).map { row("L-\($0)", ssn: String(format: "3%02d-%02d-%04d", $0 % 90 + 10, $0 % 89 + 10, $0)) })
            .joined(separator: "\n") + "\n"
    }

    /// Another write of the agency (a new client, audited) goes through while a long file is being imported, instead
    /// of waiting for the import to end: on SQLite, whose one writer a file in one transaction would hold, the
    /// import commits batch by batch. Each time the importer has read past the second batch, the test makes the write
    /// and gives it five seconds.
    @Test(arguments: TestDatabase.available)
    func otherWritesGoThroughWhileAFileIsImported(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
            let bytes = Array(Self.longFile().utf8)
            let chunks = stride(from: 0, to: bytes.count, by: 4096).map { Array(bytes[$0..<min($0 + 4096, bytes.count)]) }
            let writes = Counter()
            let file = ChunkList(chunks: chunks, at: chunks.count * 9 / 10) {
                let done = Counter()
                let name = "Written meanwhile \(writes.increment())"
                Task {
                    _ = try await directory.createClient(name: name, scope: s.scope, actor: "t")
                    done.increment()
                }
                for _ in 0..<500 where done.value == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
                guard done.value == 1 else { throw RecoupError.conflict("the write waited more than 5 s for the import") }
            }
            let outcome = try await s.service.importPlacement(
                PlacementRequest(scope: s.scope, clientID: s.client, fileName: "long.csv", mode: .acceptValid, strict: false,
                                 mapping: nil, actor: "t"),
                chunks: file)
            #expect(outcome.report.outcome == .processed && outcome.report.placement.counts.imported == 2_500)
            #expect(writes.value == (store.commitsInSteps ? 2 : 1), "SQLite reads the file twice, PostgreSQL once")
            let clients = try await directory.clients(scope: s.scope).map(\.name)
            #expect(clients.filter { $0.hasPrefix("Written meanwhile") }.count == writes.value)
            let stored = try #require(try await store.placement(outcome.report.placement.id, scope: s.scope))
            #expect(stored.outcome == .processed && stored.placement.counts == outcome.report.placement.counts)
        }
    }

    /// A long file whose last line is broken stores nothing, whether or not the database commits in steps: the
    /// file is read whole before its first batch is written.
    @Test(arguments: TestDatabase.available, [ImportMode.acceptValid, .allOrNothing])
    func aFileBrokenAtItsEndStoresNothingEvenWhenCommittedInSteps(_ kind: TestDatabase, _ mode: ImportMode) async throws {
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            await #expect(throws: RecoupError.self) { _ = try await run(s, Self.longFile() + "L-x,\"open", mode: mode, chunk: 4096) }
            #expect(try await store.accounts(scope: s.scope, filter: AccountFilter(), after: nil, limit: 1).isEmpty)
            // And a long file with one bad row in all-or-nothing mode: only the rejected report.
            let rejected = try await run(s, Self.longFile() + Self.row("L-bad", zip: "7870") + "\n", mode: .allOrNothing, chunk: 4096)
            #expect(rejected.report.outcome == .rejected && rejected.errors.map(\.row) == [2_501])
            #expect(try await store.accounts(scope: s.scope, filter: AccountFilter(), after: nil, limit: 1).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theDemoPortfolioImportsCleanlyWithJointDebtors(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let s = try await setup(store)
            let portfolio = DemoPortfolio(accounts: 600, seed: 11, asOf: LocalDate(iso: "2026-09-01")!)
            let outcome = try await s.service.importPlacement(
                PlacementRequest(scope: s.scope, clientID: s.client, fileName: nil, mode: .allOrNothing, strict: true,
                                 mapping: nil, actor: "t"),
                chunks: portfolio.chunks(chunkSize: 4096))
            #expect(outcome.errors.isEmpty, "\(outcome.errors.prefix(3))")
            #expect(outcome.report.placement.counts.imported == 600)
            let jointRows = outcome.report.placement.counts.rows - 600
            #expect(jointRows > 0)
            // Each joint debtor's row made a second party on its account, a consumer of their own.
            var accounts: [Account] = []
            for summary in try await store.accounts(scope: s.scope, filter: AccountFilter(), after: nil, limit: 1_000) {
                accounts.append(try #require(try await store.account(summary.id, scope: s.scope)))
            }
            let shared = accounts.filter { $0.parties.count > 1 }
            #expect(accounts.count == 600 && shared.count == jointRows)
            #expect(shared.allSatisfy { account in
                account.parties.filter { $0.role == .primary }.count == 1 && account.parties.contains { $0.role == .joint || $0.role == .coSigner }
                    && Set(account.parties.map(\.consumerID)).count == account.parties.count
            })
            // Same seed, same file.
            var first: [String] = [], second: [String] = []
            portfolio.lines { first.append($0) }
            portfolio.lines { second.append($0) }
            #expect(first == second)
        }
    }
}

/// A count several tasks add to.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    @discardableResult func increment() -> Int { lock.withLock { count += 1; return count } }
}

import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

/// SQLite's second connection, which the dispatcher's snapshot loads use: it reads beside the writer (WAL), sees
/// only what was committed, and refuses to write.
struct ReadingConnectionTests {
    @Test(.timeLimit(.minutes(1))) func theReadingConnectionReadsBesideAnOpenTransactionSeesOnlyCommitsAndRefusesWrites() async throws {
        try await withStore(.sqlite) { database, store in
            @Sendable func tenants() async throws -> Int {
                try #require(try await database.readSQL.raw("SELECT count(*) AS n FROM tenants").first()).decode(column: "n", as: Int.self)
            }
            let before = try await tenants()
            let (opened, open) = AsyncStream<Void>.makeStream()
            let (released, release) = AsyncStream<Void>.makeStream()
            async let writing: Void = store.transaction { sql in
                let id = UUID().uuidString.lowercased()
                try await sql.raw("INSERT INTO tenants (id, tenant_id, name, created_at) VALUES (\(bind: id), \(bind: id), 'Held', \(bind: Date()))").run()
                open.yield()
                for await _ in released { break }
            }
            for await _ in opened { break }
            #expect(try await tenants() == before, "the read did not wait for the writer, and its uncommitted row is not seen")
            release.yield()
            try await writing
            #expect(try await tenants() == before + 1, "the committed row is seen")
            await #expect(throws: (any Error).self, "the reading connection is query-only") {
                try await database.readSQL.raw("DELETE FROM tenants").run()
            }
            #expect(try await tenants() == before + 1)
        }
    }

    /// A long write (a placement file is one transaction) must not hold the API's reads: every request
    /// authenticates, and staff browse accounts meanwhile.
    @Test(.timeLimit(.minutes(1))) func theStoresReadsDoNotWaitForAnOpenWriteTransaction() async throws {
        try await withStore(.sqlite) { database, store in
            let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
            let tenant = try await directory.createTenant(name: "Acme", actor: "test")
            let (key, secret) = try await directory.createAPIKey(tenantID: tenant.id, role: .admin, clientID: nil, actor: "test")
            let (opened, open) = AsyncStream<Void>.makeStream()
            let (released, release) = AsyncStream<Void>.makeStream()
            async let writing: Void = store.transaction { sql in
                try await sql.raw("UPDATE tenants SET name = 'Acme (renamed)' WHERE id = \(bind: tenant.id.description)").run()
                open.yield()
                for await _ in released { break }
            }
            for await _ in opened { break }
            // Each read races a timer; before, they queued behind the transaction until it committed.
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    guard case .authenticated(let principal) = try await directory.authenticate(secret: secret) else { return false }
                    let accounts = try await store.accounts(scope: principal.scope, filter: AccountFilter(), after: nil, limit: 10)
                    let tenants = try await store.tenants()
                    return principal.keyID == key.id && accounts.isEmpty && tenants.map(\.name) == ["Acme"]
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(answered, "authentication and reads answered while the write was open, from committed state")
            release.yield()
            try await writing
            #expect(try await store.tenants().map(\.name) == ["Acme (renamed)"])
        }
    }
}

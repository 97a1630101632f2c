import Foundation
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
}

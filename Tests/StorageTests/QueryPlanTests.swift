import Compliance
import Foundation
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

/// SQLite's planner has no statistics, so a query that names `tenant_id` and a list of ids can be planned as a
/// walk through the whole tenant (any index led by `tenant_id` looks as good as the ids' lookups once the list is
/// long). The dispatcher sends such queries on every batch; these plans must stay one index lookup per id, or a
/// batch costs as much as the portfolio is large.
struct QueryPlanTests {
    /// The shapes the store sends with a batch's ids: snapshots' accounts and consumers, and marking messages sent.
    static func lookup(_ table: String, ids: any SQLExpression) -> SQLQueryString {
        if table == "outbox_messages" {
            "UPDATE outbox_messages SET status = 'sent' WHERE tenant_id = \(bind: "tenant") AND id IN \(ids) AND status = 'sending' RETURNING id"
        } else {
            "SELECT * FROM \(ident: table) WHERE tenant_id = \(bind: "tenant") AND id IN \(ids)"
        }
    }

    /// What SQLite answers to EXPLAIN QUERY PLAN: one line per step.
    static func plan(of query: SQLQueryString, on database: RecoupDatabase) async throws -> [String] {
        try await database.sqlDatabase.raw("EXPLAIN QUERY PLAN \(query)").all().map { try $0.decode(column: "detail", as: String.self) }
    }

    @Test(arguments: ["accounts", "consumers", "outbox_messages"], [2, 8, 100])
    func lookupsByTenantAndIDsSeekEachID(_ table: String, ids: Int) async throws {
        try await withStore(.sqlite) { database, _ in
            // Bound values, as the store binds them: literals are planned differently.
            let plan = try await Self.plan(of: Self.lookup(table, ids: SQLBind.group((0..<ids).map { "id-\($0)" })), on: database)
            #expect(plan.count == 1 && plan[0].hasSuffix("(tenant_id=? AND id=?)"), "\(table) with \(ids) ids: \(plan)")
        }
    }

    /// The claim's update re-checks the picked rows by id; planned from the status index instead, it walked every
    /// queued message on each claim (35 ms a claim with 86,000 queued).
    @Test func theClaimLooksUpThePickedMessagesByID() async throws {
        try await withStore(.sqlite) { database, store in
            let claim = store.claimStatement(now: Date(), limit: 250, lease: 120, worker: "w", channels: [.email, .sms])
            let plan = try await Self.plan(of: claim, on: database)
            #expect(plan.first == "SEARCH outbox_messages USING INDEX sqlite_autoindex_outbox_messages_1 (id=?)", "\(plan)")
            #expect(!plan.contains { $0.contains("MULTI-INDEX OR") }, "\(plan)")
        }
    }
}

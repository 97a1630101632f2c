import Compliance
import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

/// The retention purge on both databases: only accounts out of collection whose 1006.100 period has ended are
/// erased, with everything recorded about them, consumers that still have an account stay, another tenant is
/// never touched, and the audit chain still verifies.
@Suite(.serialized)
struct RetentionTests {
    static let day: TimeInterval = 86_400
    static let t0 = Fixture.start

    @Test(arguments: TestDatabase.available)
    func purgeErasesOnlyWhatRetentionNoLongerRequires(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let storage = StorageTests()
            let acme = try await storage.agency(store)
            let other = try await storage.agency(store, "Other Agency")
            let t = acme.tenant.id, c = acme.client.id
            _ = try await storage.place(store, acme, [
                Fixture.debt(row: 1, number: "A-1", tenant: t, client: c),
                Fixture.debt(row: 2, number: "A-2", tenant: t, client: c),  // Pat again: one consumer
                Fixture.debt(row: 3, number: "A-3", tenant: t, client: c, first: "Lee", ssn: "987-65-4320", phone: "+15125550111"),
                Fixture.debt(row: 4, number: "A-4", tenant: t, client: c, first: "Ann", ssn: "987-65-4321", phone: "+15125550112"),
                Fixture.debt(row: 5, number: "A-5", tenant: t, client: c, first: "Kim", ssn: "987-65-4322", phone: "+15125550113"),
            ])
            _ = try await storage.place(store, other, [
                Fixture.debt(row: 1, number: "O-1", tenant: other.tenant.id, client: other.client.id),
            ])
            let scope = AccessScope(tenantID: t)
            let byNumber = try await Dictionary(uniqueKeysWithValues: store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10)
                .map { ($0.clientAccountNumber, $0) })
            struct NotPlaced: Error { let number: String }
            func id(_ number: String) throws -> AccountID {
                guard let id = byNumber[number]?.id else { throw NotPlaced(number: number) }
                return id
            }
            func consumer(_ number: String) throws -> ConsumerID {
                guard let id = byNumber[number]?.primaryConsumerID else { throw NotPlaced(number: number) }
                return id
            }

            // A-1: a call, then recalled on day 20. A-2 (same consumer): recalled two years later. A-3: a fact, recalled
            // on day 20. A-4: still active. A-5: recalled on day 20 but a returned letter recorded on day 400.
            func contact(_ number: String, on day: Double, outcome: ContactOutcome, channel: HistoryChannel) async throws {
                _ = try await store.record(
                    RecordedContact(accountID: try id(number), consumerID: try consumer(number), occurredAt: Self.t0 + day * Self.day,
                                    direction: .outbound, channel: channel, destinationID: nil, dialingMethod: nil, outcome: outcome,
                                    contentType: nil, recordedBy: "test"),
                    idempotencyKey: nil, tenantID: t, at: Self.t0 + day * Self.day)
            }
            try await contact("A-1", on: 10, outcome: .noAnswer, channel: .call)
            try await contact("A-5", on: 400, outcome: .returnedUndeliverable, channel: .letter)
            try await store.record(RecordedFact(
                consumerID: try consumer("A-3"), accountID: try id("A-3"), kind: .dispute, fact: Data(#"{"received_at": "2026-10-01T12:00:00Z"}"#.utf8),
                recordedAt: Self.t0 + 5 * Self.day, recordedBy: "test"), tenantID: t)
            for number in ["A-1", "A-3", "A-5"] {
                _ = try await store.recall([try id(number)], clientAccountNumbers: [], scope: scope, actor: "test", reason: nil, at: Self.t0 + 20 * Self.day)
            }
            _ = try await store.recall([try id("A-2")], clientAccountNumbers: [], scope: scope, actor: "test", reason: nil, at: Self.t0 + 730 * Self.day)
            _ = try await store.recall([], clientAccountNumbers: ["O-1"], scope: AccessScope(tenantID: other.tenant.id), actor: "test",
                                       reason: nil, at: Self.t0 + 20 * Self.day)

            // Three years and two days after the day-20 recalls.
            let clock = ManualClock(Self.t0 + (20 + 3 * 365 + 2) * Self.day)
            let service = RetentionService(accounts: AccountService(accounts: store, clock: clock), contacts: store, retention: store, clock: clock)

            let preview = try await service.purge(tenantID: t, actor: "test", dryRun: true)
            #expect(preview.map(\.account.id).sorted() == [try id("A-1"), try id("A-2"), try id("A-3"), try id("A-5")].sorted(), "active A-4 is never considered")
            #expect(Set(preview.filter(\.decision.allowed).map(\.account.id)) == [try id("A-1"), try id("A-3")])
            #expect(preview.allSatisfy { $0.erased == nil })
            let a5 = try #require(preview.first { $0.account.id == (try? id("A-5")) })
            #expect(a5.decision.rule == "REGF-1006.100-RECORDS")
            #expect(a5.retainThrough == LocalDate(iso: "2030-10-26"), "three years after the returned letter on day 400")
            #expect(try await count(store, "accounts", t) == 5, "a dry run deletes nothing")
            await #expect(throws: RecoupError.self) { try await service.purge(tenantID: t, actor: "test", dryRun: false, asOf: clock.now()) }

            let outcomes = try await service.purge(tenantID: t, actor: "test", dryRun: false)
            let erased = outcomes.filter { $0.erased != nil }
            #expect(Set(erased.map(\.account.id)) == [try id("A-1"), try id("A-3")])
            let a1 = try #require(erased.first { $0.account.id == (try? id("A-1")) }?.erased)
            #expect(a1["accounts"] == 1 && a1["contact_events"] == 1 && a1["account_parties"] == 1)
            #expect(a1["consumers"] == nil, "Pat still has A-2")
            let a3 = try #require(erased.first { $0.account.id == (try? id("A-3")) }?.erased)
            #expect(a3["consumers"] == 1 && a3["consumer_facts"] == 1 && a3["contact_points"] == 2)

            #expect(try await store.account(try id("A-1"), scope: scope) == nil)
            #expect(try await store.account(try id("A-2"), scope: scope) != nil)
            #expect(try await store.consumer(try consumer("A-2"), scope: scope) != nil)
            #expect(try await count(store, "accounts", t) == 3)
            #expect(try await count(store, "consumers", t) == 3)
            #expect(try await count(store, "accounts", other.tenant.id) == 1, "another tenant's old account is untouched")

            let purged = try await store.auditEvents(tenantID: t, afterSequence: 0, limit: 100, subjectType: "account", subjectID: nil, action: "account.purged")
            #expect(purged.count == 2)
            #expect(purged.allSatisfy { $0.details["rule"] == "REGF-1006.100-RECORDS" && $0.details["retained_through"] == "2029-10-11" })
            let verdicts = try await AuditTrailService(audit: store, checkpointKey: store.keys.checkpoint).verify(tenantID: t)
            #expect(verdicts.allSatisfy { $0.failure == nil })

            // A second run finds nothing more to erase.
            #expect(try await service.purge(tenantID: t, actor: "test", dryRun: false).allSatisfy { $0.erased == nil })
        }
    }

    private func count(_ store: SQLStore, _ table: String, _ tenant: TenantID) async throws -> Int {
        try await store.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE tenant_id = \(bind: tenant.description)")
            .first()?.decode(column: "n", as: Int.self) ?? -1
    }
}

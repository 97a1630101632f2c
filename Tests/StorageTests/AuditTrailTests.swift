import Crypto
import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import SQLKit
@testable import Storage
import Testing

/// The audit chain on real databases: intact chains verify, and every kind of tampering is named.
@Suite(.serialized)
struct AuditTrailTests {
    /// A tenant with `count` events (tenant.created plus `count - 1` others).
    func chain(_ store: SQLStore, events count: Int) async throws -> TenantID {
        let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
        let tenant = try await directory.createTenant(name: "Acme", actor: "test")
        for index in 2...count {
            try await store.append(
                [AuditEntry(actor: "test", action: "note.added", subjectType: "note", subjectID: "n\(index)",
                            details: ["n": String(index), "text": "line\nbreak \\ and \"quotes\""])],
                tenantID: tenant.id, at: Fixture.start + Double(index) + 0.123)
        }
        return tenant.id
    }

    /// Writes a forged event without details straight into the table, bypassing Recoup.
    func insert(_ forged: AuditEvent, into database: RecoupDatabase) async throws {
        try await database.sqlDatabase.raw("""
            INSERT INTO audit_events (id, tenant_id, sequence, occurred_at, actor, action, subject_type, subject_id,
            details, previous_hash, hash) VALUES (\(bind: forged.id.uuidString.lowercased()), \(bind: forged.tenantID.description),
            \(bind: forged.sequence), \(bind: forged.occurredAt), \(bind: forged.actor), \(bind: forged.action),
            \(bind: forged.subjectType), \(bind: forged.subjectID), '{}', \(bind: forged.previousHash), \(bind: forged.hash))
            """).run()
    }

    func verify(_ store: SQLStore, _ tenant: TenantID) async throws -> AuditTrailService.Verdict {
        try #require(try await AuditTrailService(audit: store, checkpointKey: store.keys.checkpoint)
            .verify(tenantID: tenant).first)
    }

    @Test(arguments: TestDatabase.available)
    func intactChainVerifies(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let tenant = try await chain(store, events: 12)
            let verdict = try await verify(store, tenant)
            #expect(verdict.failure == nil)
            #expect(verdict.eventCount == 12)
        }
    }

    @Test(arguments: TestDatabase.available)
    func editedEventIsNamed(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 6)
            try await database.sqlDatabase.raw(
                "UPDATE audit_events SET subject_id = 'forged' WHERE tenant_id = \(bind: tenant.description) AND sequence = 4"
            ).run()
            let verdict = try await verify(store, tenant)
            guard case let .edited(sequence, _)? = verdict.failure else {
                Issue.record("expected an edit, got \(String(describing: verdict.failure))")
                return
            }
            #expect(sequence == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func deletedEventIsNamed(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 6)
            try await database.sqlDatabase.raw(
                "DELETE FROM audit_events WHERE tenant_id = \(bind: tenant.description) AND sequence = 3").run()
            let verdict = try await verify(store, tenant)
            #expect(verdict.failure == .deleted(afterSequence: 2, expected: 3, found: 4))
        }
    }

    @Test(arguments: TestDatabase.available)
    func reorderedEventsAreDetected(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 6)
            // Swap the sequence numbers of events 2 and 3.
            let t = tenant.description
            try await database.sqlDatabase.raw("UPDATE audit_events SET sequence = 1000 WHERE tenant_id = \(bind: t) AND sequence = 2").run()
            try await database.sqlDatabase.raw("UPDATE audit_events SET sequence = 2 WHERE tenant_id = \(bind: t) AND sequence = 3").run()
            try await database.sqlDatabase.raw("UPDATE audit_events SET sequence = 3 WHERE tenant_id = \(bind: t) AND sequence = 1000").run()
            let verdict = try await verify(store, tenant)
            guard case let .edited(sequence, _)? = verdict.failure else {
                Issue.record("expected the first moved event to be named, got \(String(describing: verdict.failure))")
                return
            }
            #expect(sequence == 2, "the sequence is part of what an event's hash covers")
        }
    }

    /// An event put in place of event 3, sealed for that place but linked to another event (as a forger who knows
    /// the hashing but not the history would write it): its own hash checks, its link does not.
    @Test(arguments: TestDatabase.available)
    func anEventInsertedWithTheWrongLinkIsNamed(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 6)
            let fourth = try #require(try await store.auditEvents(
                tenantID: tenant, afterSequence: 3, limit: 1, subjectType: nil, subjectID: nil, action: nil).first)
            let forged = AuditChain.seal(
                AuditEntry(actor: "intruder", action: "account.updated", subjectType: "account", subjectID: "x"),
                tenantID: tenant, sequence: 3, occurredAt: Fixture.start + 3.5, previousHash: fourth.hash)
            try await database.sqlDatabase.raw("DELETE FROM audit_events WHERE tenant_id = \(bind: tenant.description) AND sequence = 3").run()
            try await insert(forged, into: database)
            #expect(try await verify(store, tenant).failure == .broken(sequence: 3, eventID: forged.id))
        }
    }

    @Test(arguments: TestDatabase.available)
    func truncationIsCaughtByTheSignedHead(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 6)
            try await database.sqlDatabase.raw(
                "DELETE FROM audit_events WHERE tenant_id = \(bind: tenant.description) AND sequence >= 5").run()
            let verdict = try await verify(store, tenant)
            #expect(verdict.failure == .truncated(checkpointCount: 6, found: 4))
        }
    }

    @Test(arguments: TestDatabase.available)
    func eventsAppendedOutsideRecoupAreCaught(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 3)
            let last = try #require(try await store.auditEvents(
                tenantID: tenant, afterSequence: 2, limit: 1, subjectType: nil, subjectID: nil, action: nil).first)
            // A well-chained event written straight into the table, past the signed head.
            let forged = AuditChain.seal(
                AuditEntry(actor: "intruder", action: "account.updated", subjectType: "account", subjectID: "x"),
                tenantID: tenant, sequence: 4, occurredAt: Fixture.start + 99, previousHash: last.hash)
            try await insert(forged, into: database)
            #expect(try await verify(store, tenant).failure == .unsigned(signedCount: 3, found: 4))
            // Removing the signed head does not help.
            try await database.sqlDatabase.raw("DELETE FROM audit_heads WHERE tenant_id = \(bind: tenant.description)").run()
            let verdicts = try await AuditTrailService(audit: store, checkpointKey: store.keys.checkpoint).verify()
            #expect(verdicts.first { $0.tenantID == tenant }?.failure == .unsigned(signedCount: 0, found: 4))
        }
    }

    @Test(arguments: TestDatabase.available)
    func wholesaleRehashingIsCaught(_ kind: TestDatabase) async throws {
        try await withStore(kind) { database, store in
            let tenant = try await chain(store, events: 5)
            // An attacker with database access rewrites event 2 and recomputes every later hash, and even re-signs
            // the head — but without the checkpoint key.
            let events = try await store.auditEvents(
                tenantID: tenant, afterSequence: 0, limit: 100, subjectType: nil, subjectID: nil, action: nil)
            var previous = AuditChain.genesisHash
            for event in events {
                var entry = AuditEntry(
                    actor: event.actor, action: event.action, subjectType: event.subjectType, subjectID: event.subjectID,
                    beforeDigest: event.beforeDigest, afterDigest: event.afterDigest, details: event.details)
                if event.sequence == 2 { entry.subjectID = "rewritten" }
                let forged = AuditChain.seal(
                    entry, id: event.id, tenantID: tenant, sequence: event.sequence, occurredAt: event.occurredAt,
                    previousHash: previous)
                previous = forged.hash
                try await database.sqlDatabase.raw("""
                    UPDATE audit_events SET subject_id = \(bind: forged.subjectID), previous_hash = \(bind: forged.previousHash),
                    hash = \(bind: forged.hash) WHERE id = \(bind: event.id.uuidString.lowercased())
                    """).run()
            }
            let wrongKey = SymmetricKey(data: Data(repeating: 9, count: 32))
            let head = AuditChain.signCheckpoint(
                tenantID: tenant, count: 5, headHash: previous, signedAt: Fixture.start, key: wrongKey)
            try await database.sqlDatabase.raw("""
                UPDATE audit_heads SET head_hash = \(bind: head.headHash), signature = \(bind: head.signature),
                signed_at = \(bind: head.signedAt) WHERE tenant_id = \(bind: tenant.description)
                """).run()
            let verdict = try await verify(store, tenant)
            #expect(verdict.failure == .forgedCheckpoint(count: 5))
            // Without re-signing, the old signature no longer matches the chain.
        }
    }

    @Test(arguments: TestDatabase.available)
    func checkpointsAreKeptEveryThousandEvents(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let directory = DirectoryService(directory: store, clock: ManualClock(Fixture.start))
            let tenant = try await directory.createTenant(name: "Busy", actor: "test")
            let entries = (1...1500).map {
                AuditEntry(actor: "t", action: "bulk", subjectType: "x", subjectID: String($0))
            }
            try await store.append(entries, tenantID: tenant.id, at: Fixture.start)
            let checkpoints = try await store.checkpoints(tenantID: tenant.id)
            #expect(Set(checkpoints.map(\.count)) == [1000, 1501])
            let verdict = try await verify(store, tenant.id)
            #expect(verdict.failure == nil && verdict.eventCount == 1501)
        }
    }

    @Test(arguments: TestDatabase.available)
    func exportVerifiesOfflineAndShowsTampering(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let tenant = try await chain(store, events: 4)
            let events = try await store.auditEvents(
                tenantID: tenant, afterSequence: 0, limit: 100, subjectType: nil, subjectID: nil, action: nil)
            var lines = [try AuditExport.headerLine(tenantID: tenant)]
            lines += try events.map { try AuditExport.line($0) }
            lines += try await store.checkpoints(tenantID: tenant).map { try AuditExport.line($0) }
            let good = try AuditExport.verify(lines: lines.map { Substring($0) }, key: store.keys.checkpoint)
            #expect(good.failure == nil && good.count == 4)
            var tampered = lines
            tampered[2] = tampered[2].replacingOccurrences(of: "note.added", with: "note.erased")
            let bad = try AuditExport.verify(lines: tampered.map { Substring($0) }, key: store.keys.checkpoint)
            guard case let .edited(sequence, _)? = bad.failure else {
                Issue.record("expected an edit, got \(String(describing: bad.failure))")
                return
            }
            #expect(sequence == 2)
        }
    }
}

import Crypto
import Foundation
import RecoupCore

/// Reading, exporting and verifying the audit trail.
public struct AuditTrailService: Sendable {
    let audit: any AuditRepository
    let checkpointKey: SymmetricKey?

    public init(audit: any AuditRepository, checkpointKey: SymmetricKey?) {
        self.audit = audit
        self.checkpointKey = checkpointKey
    }

    public func events(
        tenantID: TenantID, limit: Int, cursor: String?, subjectType: String?, subjectID: String?, action: String?
    ) async throws -> Page<AuditEvent> {
        guard (1...AccountService.maxPageSize).contains(limit) else {
            throw RecoupError.invalid([FieldProblem(field: "limit", reason: "must be between 1 and 500")])
        }
        var after: Int64 = 0
        if let cursor {
            guard let sequence = Int64(try ListCursor.decode(cursor)), sequence >= 0 else {
                throw RecoupError.invalid([FieldProblem(field: "cursor", reason: "not a cursor this API issued")])
            }
            after = sequence
        }
        let rows = try await audit.auditEvents(
            tenantID: tenantID, afterSequence: after, limit: limit + 1, subjectType: subjectType,
            subjectID: subjectID, action: action)
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { ListCursor.encode(String($0.sequence)) } : nil
        return Page(items: items, nextCursor: next)
    }

    /// The result of checking one tenant's chain.
    public struct Verdict: Sendable {
        public var tenantID: TenantID
        public var eventCount: Int64
        public var checkpointCount: Int
        public var failure: AuditChain.Failure?
    }

    /// Walks every event of each tenant (or of one) in pages, in constant memory.
    public func verify(tenantID: TenantID? = nil) async throws -> [Verdict] {
        let tenants = if let tenantID { [tenantID] } else { try await audit.auditedTenants() }
        var verdicts: [Verdict] = []
        for tenant in tenants {
            let checkpoints = try await audit.checkpoints(tenantID: tenant)
            var verifier = AuditChain.Verifier(checkpoints: checkpoints)
            var failure: AuditChain.Failure?
            var after: Int64 = 0
            pages: while true {
                let page = try await audit.auditEvents(
                    tenantID: tenant, afterSequence: after, limit: 1000, subjectType: nil, subjectID: nil, action: nil)
                for event in page {
                    do { try verifier.consume(event) } catch { failure = error; break pages }
                }
                guard let last = page.last, page.count == 1000 else { break }
                after = last.sequence
            }
            if failure == nil {
                do {
                    try verifier.finish(checkpoints: checkpoints, key: checkpointKey)
                } catch .unsigned {
                    // Events appended while we walked carry a head newer than the one read first: read it again.
                    let fresh = try await audit.checkpoints(tenantID: tenant)
                    do { try verifier.finish(checkpoints: fresh, key: checkpointKey) } catch { failure = error }
                } catch {
                    failure = error
                }
            }
            verdicts.append(Verdict(
                tenantID: tenant, eventCount: verifier.count, checkpointCount: checkpoints.count, failure: failure))
        }
        return verdicts
    }
}

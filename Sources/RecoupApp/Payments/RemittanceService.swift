import Foundation
import Ledger
import RecoupCore

/// A remittance statement issued to a client, with its totals as issued.
public struct RemittanceRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var clientID: ClientID
    public var from: LocalDate
    public var to: LocalDate
    public var method: RemitMethod
    public var currency: Currency
    public var collected: Int64
    public var split: RemittanceSplit
    public var lineCount: Int
    public var createdBy: String
    public var createdAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, clientID: ClientID, from: LocalDate, to: LocalDate, method: RemitMethod, currency: Currency,
        collected: Int64, split: RemittanceSplit, lineCount: Int, createdBy: String, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.clientID = clientID
        self.from = from
        self.to = to
        self.method = method
        self.currency = currency
        self.collected = collected
        self.split = split
        self.lineCount = lineCount
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Stores issued remittances and reads the money lines they are made of.
public protocol RemittanceRepository: Sendable {
    /// Payments and reversals posted for `client` from `from` to `to` (UTC dates, both included), in posting order.
    func remittanceLines(client: ClientID, tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [RemittanceLine]
    /// The client's share of everything ever collected for it, and of what statements already remitted.
    func trustTotals(client: ClientID, tenantID: TenantID) async throws -> (collected: Int64, remitted: Int64)
    /// Stores an issued statement unless its period overlaps one of the client's issued before (a conflict naming
    /// it), checked and stored under a lock on the client so two issued at once cannot both pass.
    func saveRemittance(_ remittance: RemittanceRecord, audit: AuditEntry) async throws
    func remittances(client: ClientID, tenantID: TenantID) async throws -> [RemittanceRecord]
    func remittance(_ id: UUID, tenantID: TenantID) async throws -> RemittanceRecord?
}

/// Remittance statements per client per period, and the trust balance still owed to each client.
public struct RemittanceService: Sendable {
    let remittances: any RemittanceRepository
    let directory: DirectoryService
    let payments: PaymentService
    let clock: any Clock

    public init(remittances: any RemittanceRepository, directory: DirectoryService, payments: PaymentService, clock: any Clock) {
        self.remittances = remittances
        self.directory = directory
        self.payments = payments
        self.clock = clock
    }

    /// Issues the statement of `from`…`to` for a client; periods of one client never overlap, so no dollar is
    /// remitted twice.
    public func issue(client: ClientID, from: LocalDate, to: LocalDate, scope: AccessScope, actor: String) async throws -> RemittanceRecord {
        guard from <= to else { throw RecoupError.invalid([FieldProblem(field: "to", reason: "is before from")]) }
        // Payments post on their consumers' days, so a period has ended once its last day is over everywhere, at UTC−12:
        // a payment made at 8 p.m. in Honolulu on the 30th posts on the 30th, hours into the 1st in UTC.
        let lastToEnd = LocalDate(utc: clock.now().addingTimeInterval(-12 * 3_600))
        guard to < lastToEnd else {
            throw RecoupError.invalid([FieldProblem(field: "to", reason: "a period is remitted once its last day has ended in every time zone (it is still \(lastToEnd.iso) at UTC−12)")])
        }
        let statement = try await self.statement(client: client, from: from, to: to, scope: scope)
        let record = RemittanceRecord(
            tenantID: scope.tenantID, clientID: client, from: from, to: to, method: statement.method, currency: statement.currency,
            collected: statement.collected, split: statement.totals, lineCount: statement.lines.count, createdBy: actor, createdAt: clock.now())
        try await remittances.saveRemittance(record, audit: AuditEntry(
            actor: actor, action: "remittance.issued", subjectType: "client", subjectID: client.description,
            details: ["remittance_id": record.id.lowercasedString, "from": from.iso, "to": to.iso, "method": record.method.rawValue,
                      "collected": "\(record.collected)", "client_share": "\(record.split.clientShare)", "agency_fee": "\(record.split.agencyFee)"]))
        return record
    }

    /// The statement of a period, from the ledger as it stands (issued or not).
    public func statement(client: ClientID, from: LocalDate, to: LocalDate, scope: AccessScope) async throws -> RemittanceStatement {
        guard let named = try await directory.clients(scope: scope).first(where: { $0.id == client }) else {
            throw RecoupError.notFound("client \(client)")
        }
        let terms = try await payments.payments.terms(client: client, tenantID: scope.tenantID)
        let lines = try await remittances.remittanceLines(client: client, tenantID: scope.tenantID, from: from, to: to)
        return RemittanceStatement(client: named.name, from: from, to: to, currency: .usd, method: terms.remit, lines: lines)
    }

    /// An issued statement, as it was issued (its remittance method then, whatever the client's terms say now).
    public func statement(of id: UUID, scope: AccessScope) async throws -> RemittanceStatement {
        let record = try await remittance(id, scope: scope)
        var statement = try await statement(client: record.clientID, from: record.from, to: record.to, scope: scope)
        statement.method = record.method
        return statement
    }

    public func remittance(_ id: UUID, scope: AccessScope) async throws -> RemittanceRecord {
        guard let record = try await remittances.remittance(id, tenantID: scope.tenantID), scope.clientID == nil || scope.clientID == record.clientID
        else { throw RecoupError.notFound("remittance \(id.lowercasedString)") }
        return record
    }

    /// The client's statements, newest first, and its trust balance: its share of everything collected less what
    /// was remitted.
    public func remittances(client: ClientID, scope: AccessScope) async throws -> ([RemittanceRecord], trustBalance: Int64) {
        guard try await directory.clients(scope: scope).contains(where: { $0.id == client }) else { throw RecoupError.notFound("client \(client)") }
        let totals = try await remittances.trustTotals(client: client, tenantID: scope.tenantID)
        return (try await remittances.remittances(client: client, tenantID: scope.tenantID), totals.collected - totals.remitted)
    }
}

import Foundation
import RecoupCore

extension PlacedDebt {
    /// Everything the creditor placed, in a fixed order and without ids or timestamps. Equal content means a
    /// re-import changes nothing. It includes the SSN and date of birth, so it is only ever stored as a keyed hash
    /// (storage's HMAC): a plain hash would let anyone who reads it test guesses of those values offline.
    public var canonicalContent: String {
        let a = account, i = account.itemization, c = consumer
        var fields: [String] = [
            a.clientAccountNumber, a.originalCreditor, a.currentCreditor ?? "", a.debtType.rawValue,
            a.openDate?.iso ?? "", a.chargeOffDate?.iso ?? "", a.lastPaymentDate?.iso ?? "",
            a.lastPaymentAmount?.description ?? "", i.itemizationDate.iso, i.itemizationDateType.rawValue,
            i.balanceAtItemization.description, i.interestSinceItemization.description,
            i.feesSinceItemization.description, i.paymentsSinceItemization.description,
            i.creditsSinceItemization.description, i.currentBalance.description, a.studentLoanAccountNumber ?? "",
            role.rawValue, c.name.first, c.name.middle ?? "", c.name.last, c.dateOfBirth?.iso ?? "",
            c.ssn?.digits ?? "", c.language,
        ]
        for point in c.contactPoints {
            switch point.kind {
            case let .phone(number, type, source, consent):
                fields.append("phone:\(number):\(type.rawValue):\(source.rawValue):\(consent.rawValue)")
            case let .email(address, source):
                fields.append("email:\(address):\(source.rawValue)")
            case let .postal(address):
                fields.append("postal:\(address.line1):\(address.line2 ?? ""):\(address.city):\(address.state):\(address.zip)")
            }
        }
        return fields.map(Self.escaped).joined(separator: "|")
    }
}

extension PlacedDebt {
    /// `\` → `\\` and `|` → `\|`, so no field can forge a separator. Most fields have neither: they are returned
    /// as they are without the cost of a search-and-replace.
    static func escaped(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "|") }) else { return field }
        var out = ""
        for character in field {
            if character == "\\" || character == "|" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

/// What storage reports after writing a batch of placed debts.
public struct PlacementBatchResult: Hashable, Sendable {
    public var imported = 0
    public var updated = 0
    public var unchanged = 0

    public init(imported: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.imported = imported
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// How an import treats bad rows.
public enum ImportMode: String, CaseIterable, Sendable {
    /// Good rows are stored, bad rows are reported (the default).
    case acceptValid = "accept-valid"
    /// One bad row rejects the whole file; nothing is stored but the report.
    case allOrNothing = "all-or-nothing"
}

/// The stored record of a placement and what became of it.
public struct PlacementReport: Hashable, Sendable {
    public enum Outcome: String, Sendable {
        case processed, rejected
        /// Rows are being committed in steps (``PlacementRepository/commitsInSteps``); a placement left so was cut
        /// short by a crash: the rows written stay, and importing the file again completes it.
        case importing
    }

    public var placement: Placement
    public var mode: ImportMode
    public var outcome: Outcome
    public var ignoredColumns: [String]

    public init(placement: Placement, mode: ImportMode, outcome: Outcome, ignoredColumns: [String]) {
        self.placement = placement
        self.mode = mode
        self.outcome = outcome
        self.ignoredColumns = ignoredColumns
    }
}

/// Writes one placement's rows. Obtained from ``PlacementRepository/importing(_:actor:_:)``.
public protocol PlacementWriter: Sendable {
    /// What ``prepare(_:)`` computes for a batch.
    associatedtype PreparedBatch: Sendable

    /// The work on a batch that needs no database (keyed hashes, sealed personal data, record digests), so the
    /// importer can do it for the next batch on another core while this one is written.
    func prepare(_ debts: [PlacedDebt]) throws -> PreparedBatch

    /// Matches each debt to an existing account (same client account number) and consumer (same SSN, or same
    /// name, date of birth and address), then inserts or updates; one `account.updated` audit event per changed
    /// account.
    func write(_ batch: PreparedBatch, actor: String) async throws -> PlacementBatchResult
}

/// Placements as stored.
public protocol PlacementRepository: Sendable {
    /// Whether ``importing(_:actor:_:)`` commits each batch on its own instead of the whole file at once: on a
    /// database with one writer (SQLite), a file in one transaction would hold back every other write (a payment, a
    /// STOP) for the import's whole length.
    var commitsInSteps: Bool { get }
    /// Creates the placement row, runs `body` with a writer, then stores the final counts, the row errors, one
    /// `account.updated` audit event per account the writer changed and the `placement.imported` event — all in one
    /// transaction, so a file that turns out unusable half-way (or a crash) leaves nothing behind; or, when it
    /// ``commitsInSteps``, the placement row first (outcome `importing`), each batch with its audit events, then the
    /// rest. A `body` that throws ``PlacementRejection`` (all-or-nothing mode) rolls every row back (in steps: the
    /// service has read the file once before, so it throws before any batch) and stores only the rejected placement
    /// with its errors. In steps, any other error leaves the batches written and the placement `importing`.
    func importing(
        _ report: PlacementReport, actor: String,
        _ body: @escaping @Sendable (any PlacementWriter) async throws -> (PlacementReport, [RowError])
    ) async throws -> (PlacementReport, [RowError])
    func placement(_ id: PlacementID, scope: AccessScope) async throws -> PlacementReport?
    /// The row errors of a placement in file order, or nil when the placement is not in scope.
    func placementErrors(_ id: PlacementID, scope: AccessScope) async throws -> [RowError]?
    /// A client's stored placement layout (the mapping's JSON as it was saved), nil when it has none.
    func mapping(client: ClientID, tenantID: TenantID) async throws -> Data?
    /// Replaces (or, with nil, removes) a client's placement layout, with its audit event, in one transaction.
    func setMapping(_ json: Data?, client: ClientID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws
}

/// Thrown inside an all-or-nothing import to roll everything back and keep only the report.
public struct PlacementRejection: Error, Sendable {
    public var report: PlacementReport
    public var errors: [RowError]

    public init(report: PlacementReport, errors: [RowError]) {
        self.report = report
        self.errors = errors
    }
}

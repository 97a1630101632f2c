import Compliance
import Foundation
import RecoupCore

/// The endorsement the post office puts on a letter it returns.
public enum ReturnReason: String, Sendable, CaseIterable {
    case attemptedNotKnown = "attempted_not_known"
    case noSuchNumber = "no_such_number"
    case insufficientAddress = "insufficient_address"
    case movedLeftNoAddress = "moved_left_no_address"
    case forwardTimeExpired = "forward_time_expired"
    case vacant, refused, unclaimed
}

/// Letters that came back. The mailing becomes `returned_undeliverable`, which the engine reads: a returned
/// validation notice was not provided, and another may not go to that address (1006.42(a)); the message gains a
/// `returned` engagement event; no letter is queued to the address again until the consumer's address changes.
public struct ReturnedMailService: Sendable {
    let outbox: any OutboxRepository
    let contacts: any ContactRepository
    let accounts: AccountService
    let clock: any Clock

    public init(outbox: any OutboxRepository, contacts: any ContactRepository, accounts: AccountService, clock: any Clock) {
        self.outbox = outbox
        self.contacts = contacts
        self.accounts = accounts
        self.clock = clock
    }

    /// Records one returned letter (recording it again changes nothing); returns the letter.
    @discardableResult
    public func record(letter id: UUID, reason: ReturnReason, scope: AccessScope, actor: String) async throws -> OutboxMessage {
        guard let message = try await outbox.message(id: id), message.tenantID == scope.tenantID else {
            throw RecoupError.notFound("letter \(id.lowercasedString)")
        }
        _ = try await accounts.account(message.accountID, scope: scope)  // a creditor's key reaches only its accounts
        guard message.channel == .letter, message.status == .sent else {
            throw RecoupError.conflict("message \(id.lowercasedString) is not a letter that was mailed")
        }
        let now = clock.now()
        guard try await contacts.amend(contact: id, tenantID: scope.tenantID, outcome: .returnedUndeliverable, actor: actor, at: now) else {
            throw RecoupError.conflict("no mailing was recorded for letter \(id.lowercasedString)")
        }
        _ = try await outbox.recordEngagement(.returned, of: .message(id, scope.tenantID), detail: reason.rawValue, at: now)
        return message
    }

    /// The print vendor's returns file: a header with `message_id` (as in the print batch's manifest) and `reason`
    /// (a ``ReturnReason``), one returned letter per row. Every valid row is recorded; each other row is named with
    /// the field and why. A file that is not CSV, or lacks those columns, records nothing.
    public func importReturns(_ bytes: [UInt8], scope: AccessScope, actor: String) async throws -> (recorded: Int, problems: [FieldProblem]) {
        let records: [CSVRecord]
        do { records = try CSVReader.records(in: bytes) } catch {
            throw RecoupError.unusableInput("the returns file is not CSV: \(error)")
        }
        let header = records.first?.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? []
        guard let idColumn = header.firstIndex(of: "message_id"), let reasonColumn = header.firstIndex(of: "reason") else {
            throw RecoupError.unusableInput("the returns file needs the columns message_id and reason")
        }
        var recorded = 0
        var problems: [FieldProblem] = []
        for line in records.dropFirst() {
            func field(_ column: Int) -> String { column < line.fields.count ? line.fields[column].trimmingCharacters(in: .whitespaces) : "" }
            guard let id = UUID(text: field(idColumn)) else {
                problems.append(FieldProblem(field: "message_id", reason: "\"\(field(idColumn))\" is not a message id", row: line.row))
                continue
            }
            guard let reason = ReturnReason(rawValue: field(reasonColumn)) else {
                problems.append(FieldProblem(
                    field: "reason", reason: "\"\(field(reasonColumn))\" is not one of \(ReturnReason.allCases.map(\.rawValue).joined(separator: ", "))",
                    row: line.row))
                continue
            }
            do {
                try await record(letter: id, reason: reason, scope: scope, actor: actor)
                recorded += 1
            } catch let error as RecoupError {
                problems.append(FieldProblem(field: "message_id", reason: "\(error)", row: line.row))
            }
        }
        return (recorded, problems)
    }
}

import Crypto
import Foundation
import RecoupCore

/// The rules of the tamper-evident audit trail: how an event is serialised, hashed and chained, how a checkpoint
/// is signed, and how a chain is verified. Pure: storage and the CLI call it, it does no I/O.
///
/// ## Canonical serialisation (version 1)
/// The hash of an event is the lower-case hex SHA-256 of these UTF-8 lines, each ended by `\n`:
/// ```
/// recoup-audit-v1
/// <event id, lower-case UUID>
/// <tenant id, lower-case UUID>
/// <sequence, decimal>
/// <occurred_at: milliseconds since 1970-01-01T00:00:00Z, decimal>
/// <actor>
/// <action>
/// <subject_type>
/// <subject_id>
/// <before_digest or empty>
/// <after_digest or empty>
/// <details: JSON object, keys sorted, no whitespace, "/" not escaped>
/// <previous_hash>
/// ```
/// Text fields have `\` escaped as `\\` and line feeds as `\n` so no field can forge a line break. The first event
/// of a tenant has ``genesisHash`` (64 zeros) as its previous hash.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Milliseconds are the stored precision on both databases, so instants are truncated to them before hashing.
    public static func storedInstant(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Whole milliseconds since 1970: the precision instants have in the chain (both databases store at least that).
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func canonicalBytes(
        id: UUID, tenantID: TenantID, sequence: Int64, occurredAt: Date, entry: AuditEntry, previousHash: String
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        func line(_ text: String) {
            // Most fields have neither a backslash nor a line feed: their bytes go in as they are.
            if text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) {
                bytes += text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n").utf8
            } else {
                bytes += text.utf8
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        line("recoup-audit-v1")
        line(id.lowercasedString)
        line(tenantID.description)
        line(String(sequence))
        line(String(milliseconds(occurredAt)))
        line(entry.actor)
        line(entry.action)
        line(entry.subjectType)
        line(entry.subjectID)
        line(entry.beforeDigest ?? "")
        line(entry.afterDigest ?? "")
        line(canonicalJSON(entry.details))
        line(previousHash)
        return bytes
    }

    /// The details as JSON: keys sorted, no whitespace, `/` not escaped — what `JSONEncoder` writes with
    /// `.sortedKeys` and `.withoutEscapingSlashes`, which the chain's existing hashes were computed over.
    public static func canonicalJSON(_ details: [String: String]) -> String {
        plainJSON(details) ?? {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(details)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }()
    }

    /// The same JSON written directly when nothing in it needs escaping and the keys sort the same by bytes as
    /// `JSONEncoder` sorts them: keys of lower-case letters and `_`, values of printable ASCII without `"` or `\`
    /// (the details of nearly every event). Nil otherwise. Encoding an event's details was a tenth of a sent message.
    static func plainJSON(_ details: [String: String]) -> String? {
        let plainKey = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_") }
        let plainValue = { (byte: UInt8) in (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") }
        guard details.allSatisfy({ $0.key.utf8.allSatisfy(plainKey) && $0.value.utf8.allSatisfy(plainValue) }) else { return nil }
        let fields = details.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\"\($0.key)\":\"\($0.value)\"" }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Seals an entry as the next event after `previousHash`.
    public static func seal(
        _ entry: AuditEntry, id: UUID = .timeOrdered(), tenantID: TenantID, sequence: Int64, occurredAt: Date,
        previousHash: String
    ) -> AuditEvent {
        let instant = storedInstant(occurredAt)
        let hash = hexDigest(canonicalBytes(
            id: id, tenantID: tenantID, sequence: sequence, occurredAt: instant, entry: entry,
            previousHash: previousHash))
        return AuditEvent(
            id: id, tenantID: tenantID, sequence: sequence, occurredAt: instant, entry: entry,
            previousHash: previousHash, hash: hash)
    }

    /// Recomputes an event's hash from its stored fields.
    public static func recomputedHash(of event: AuditEvent) -> String {
        let entry = AuditEntry(
            actor: event.actor, action: event.action, subjectType: event.subjectType, subjectID: event.subjectID,
            beforeDigest: event.beforeDigest, afterDigest: event.afterDigest, details: event.details)
        return hexDigest(canonicalBytes(
            id: event.id, tenantID: event.tenantID, sequence: event.sequence, occurredAt: event.occurredAt,
            entry: entry, previousHash: event.previousHash))
    }

    public static func hexDigest(_ bytes: some DataProtocol) -> String {
        Data(SHA256.hash(data: bytes)).hexString
    }

    // MARK: Checkpoints

    static func checkpointMessage(tenantID: TenantID, count: Int64, headHash: String, signedAt: Date) -> Data {
        let millis = milliseconds(signedAt)
        return Data("recoup-checkpoint-v1\n\(tenantID)\n\(count)\n\(headHash)\n\(millis)\n".utf8)
    }

    public static func signCheckpoint(
        tenantID: TenantID, count: Int64, headHash: String, signedAt: Date, key: SymmetricKey
    ) -> AuditCheckpoint {
        let instant = storedInstant(signedAt)
        let mac = HMAC<SHA256>.authenticationCode(
            for: checkpointMessage(tenantID: tenantID, count: count, headHash: headHash, signedAt: instant), using: key)
        return AuditCheckpoint(
            tenantID: tenantID, count: count, headHash: headHash, signedAt: instant,
            signature: Data(mac).hexString)
    }

    public static func isAuthentic(_ checkpoint: AuditCheckpoint, key: SymmetricKey) -> Bool {
        let expected = signCheckpoint(
            tenantID: checkpoint.tenantID, count: checkpoint.count, headHash: checkpoint.headHash,
            signedAt: checkpoint.signedAt, key: key)
        return expected.signature == checkpoint.signature
    }

    // MARK: Verification

    /// Why a chain failed verification, naming the first event at fault.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The stored hash does not match the event's content: it was edited.
        case edited(sequence: Int64, eventID: UUID)
        /// A sequence number is missing: events were deleted.
        case deleted(afterSequence: Int64, expected: Int64, found: Int64)
        /// An event's previous-hash does not point at its predecessor: inserted or reordered.
        case broken(sequence: Int64, eventID: UUID)
        /// Fewer events than a signed checkpoint vouches for: the newest events were removed.
        case truncated(checkpointCount: Int64, found: Int64)
        /// The event a checkpoint vouches for has another hash: the chain was re-hashed after the checkpoint.
        case rehashed(sequence: Int64)
        /// A checkpoint's signature is wrong: forged or made with another key.
        case forgedCheckpoint(count: Int64)
        /// Events beyond the newest signed head, or events with no signed head at all: added outside Recoup, or
        /// the head was removed.
        case unsigned(signedCount: Int64, found: Int64)
        /// An event or checkpoint of another tenant inside this tenant's export.
        case foreign(sequence: Int64)

        public var description: String {
            switch self {
            case let .edited(sequence, id): "event \(sequence) (\(id.lowercasedString)) was edited: its hash does not match its content"
            case let .deleted(after, expected, found): "events deleted after event \(after): expected \(expected), found \(found)"
            case let .broken(sequence, id): "event \(sequence) (\(id.lowercasedString)) does not follow its predecessor: inserted or reordered"
            case let .truncated(count, found): "chain truncated: a signed checkpoint vouches for \(count) events, only \(found) remain"
            case let .rehashed(sequence): "event \(sequence) differs from the signed checkpoint: the chain was re-hashed"
            case let .forgedCheckpoint(count): "checkpoint at \(count) events has an invalid signature"
            case let .unsigned(signed, found): "\(found) events but the newest signed head vouches for \(signed): events were added outside Recoup or the head was removed"
            case let .foreign(sequence): "event or checkpoint \(sequence) belongs to another tenant"
            }
        }
    }

    /// Walks one tenant's events in stored order, checking every link, then the checkpoints against the chain.
    ///
    /// Feed events in `sequence` order as they come from storage (or an export); ``Verifier`` keeps only the last
    /// event's hash, so a chain of any length is checked in constant memory.
    public struct Verifier: Sendable {
        public private(set) var count: Int64 = 0
        private var previousHash = AuditChain.genesisHash
        private var hashesAtCheckpoints: [Int64: String] = [:]
        private let checkpointCounts: Set<Int64>

        public init(checkpoints: [AuditCheckpoint] = []) {
            checkpointCounts = Set(checkpoints.map(\.count))
        }

        public mutating func consume(_ event: AuditEvent) throws(Failure) {
            let expected = count + 1
            if event.sequence != expected {
                if event.sequence > expected {
                    throw .deleted(afterSequence: count, expected: expected, found: event.sequence)
                }
                throw .broken(sequence: event.sequence, eventID: event.id)
            }
            guard AuditChain.recomputedHash(of: event) == event.hash else {
                throw .edited(sequence: event.sequence, eventID: event.id)
            }
            guard event.previousHash == previousHash else { throw .broken(sequence: event.sequence, eventID: event.id) }
            previousHash = event.hash
            count = event.sequence
            if checkpointCounts.contains(count) { hashesAtCheckpoints[count] = event.hash }
        }

        /// Checks the checkpoints once every event was consumed: each must be authentic and match the chain, and
        /// the newest must vouch for every event. Without a key only the chain itself is checked.
        public func finish(checkpoints: [AuditCheckpoint], key: SymmetricKey?) throws(Failure) {
            guard let key else { return }
            for checkpoint in checkpoints.sorted(by: { $0.count < $1.count }) {
                guard AuditChain.isAuthentic(checkpoint, key: key) else { throw .forgedCheckpoint(count: checkpoint.count) }
                guard checkpoint.count <= count else { throw .truncated(checkpointCount: checkpoint.count, found: count) }
                if checkpoint.count == 0 { continue }
                let hash = checkpoint.count == count ? previousHash : hashesAtCheckpoints[checkpoint.count]
                guard hash == checkpoint.headHash else { throw .rehashed(sequence: checkpoint.count) }
            }
            let signed = checkpoints.map(\.count).max() ?? 0
            guard signed == count else { throw .unsigned(signedCount: signed, found: count) }
        }
    }
}

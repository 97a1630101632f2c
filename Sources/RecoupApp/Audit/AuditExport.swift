import Crypto
import Foundation
import RecoupCore

/// The offline form of a tenant's audit trail: JSON lines, one object each, that an examiner can verify without
/// access to the database.
///
/// ```
/// {"format":"recoup-audit-export-v1","tenant_id":"…"}
/// {"event":{…AuditEvent…}}            — in chain order
/// {"checkpoint":{…AuditCheckpoint…}}  — after the events
/// ```
public enum AuditExport {
    public static let format = "recoup-audit-export-v1"

    struct Header: Codable {
        var format: String
        var tenantID: TenantID
        enum CodingKeys: String, CodingKey {
            case format
            case tenantID = "tenant_id"
        }
    }

    struct Line: Codable {
        var event: AuditEvent?
        var checkpoint: AuditCheckpoint?
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }

    /// The examiner's view: one CSV row per event (RFC 4180), with the chain hashes so each row can be matched to the
    /// verifiable JSON-lines export.
    public static let csvHeader = "sequence,occurred_at,actor,action,subject_type,subject_id,before_digest,after_digest,details,previous_hash,hash"

    public static func csvLine(_ event: AuditEvent) throws -> String {
        let details = String(decoding: try JSONSerialization.data(withJSONObject: event.details, options: [.sortedKeys]), as: UTF8.self)
        return [
            String(event.sequence), event.occurredAt.ISO8601Format(), event.actor, event.action, event.subjectType,
            event.subjectID, event.beforeDigest ?? "", event.afterDigest ?? "", details, event.previousHash, event.hash,
        ].map(ErrorReportWriter.quote).joined(separator: ",")
    }

    public static func headerLine(tenantID: TenantID) throws -> String {
        String(decoding: try encoder.encode(Header(format: format, tenantID: tenantID)), as: UTF8.self)
    }

    public static func line(_ event: AuditEvent) throws -> String {
        String(decoding: try encoder.encode(Line(event: event)), as: UTF8.self)
    }

    public static func line(_ checkpoint: AuditCheckpoint) throws -> String {
        String(decoding: try encoder.encode(Line(checkpoint: checkpoint)), as: UTF8.self)
    }

    public enum ReadError: Error, CustomStringConvertible {
        case notAnExport
        case malformedLine(Int)
        public var description: String {
            switch self {
            case .notAnExport: "not a Recoup audit export (first line must name \(AuditExport.format))"
            case let .malformedLine(line): "line \(line) is not an audit event or checkpoint"
            }
        }
    }

    /// Verifies an export, one line at a time; returns the event count or the first failure.
    public static func verify(lines: some Sequence<Substring>, key: SymmetricKey?) throws
        -> (tenantID: TenantID, count: Int64, failure: AuditChain.Failure?)
    {
        let decoder = decoder()
        var iterator = lines.makeIterator()
        guard let first = iterator.next(),
              let header = try? decoder.decode(Header.self, from: Data(first.utf8)), header.format == format
        else { throw ReadError.notAnExport }
        var events: [AuditEvent] = []
        var checkpoints: [AuditCheckpoint] = []
        var number = 1
        while let text = iterator.next() {
            number += 1
            if text.isEmpty { continue }
            guard let line = try? decoder.decode(Line.self, from: Data(text.utf8)) else { throw ReadError.malformedLine(number) }
            if let event = line.event { events.append(event) }
            if let checkpoint = line.checkpoint { checkpoints.append(checkpoint) }
        }
        var verifier = AuditChain.Verifier(checkpoints: checkpoints)
        do {
            if let stranger = events.first(where: { $0.tenantID != header.tenantID }) {
                throw AuditChain.Failure.foreign(sequence: stranger.sequence)
            }
            if let stranger = checkpoints.first(where: { $0.tenantID != header.tenantID }) {
                throw AuditChain.Failure.foreign(sequence: stranger.count)
            }
            for event in events { try verifier.consume(event) }
            try verifier.finish(checkpoints: checkpoints, key: key)
        } catch let failure as AuditChain.Failure {
            return (header.tenantID, verifier.count, failure)
        }
        return (header.tenantID, verifier.count, nil)
    }
}

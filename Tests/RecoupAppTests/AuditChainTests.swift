import Foundation
@testable import RecoupApp
import RecoupCore
import Testing

/// The audit chain's canonical serialisation must never change: every stored hash was computed over it. These
/// pin it down byte for byte, and check that the direct writing of plain fields gives exactly what the general
/// path (escaping, `JSONEncoder`) gives for anything.
struct AuditChainTests {
    static let id = UUID(uuidString: "0F2C4A6E-1B3D-4F5A-8C7E-9D0B1A2C3E4F")!
    static let tenant = TenantID(UUID(uuidString: "11111111-2222-4333-8444-555555555555")!)

    /// The serialisation as docs/audit.md and `AuditChain` describe it, written the slow, obvious way.
    static func reference(_ entry: AuditEntry, sequence: Int64, millis: Int64, previous: String) -> [UInt8] {
        func line(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n") + "\n"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let details = String(decoding: try! encoder.encode(entry.details), as: UTF8.self)
        let fields = [id.uuidString.lowercased(), tenant.description, String(sequence), String(millis), entry.actor, entry.action,
                      entry.subjectType, entry.subjectID, entry.beforeDigest ?? "", entry.afterDigest ?? "", details, previous]
        return Array(("recoup-audit-v1\n" + fields.map(line).joined()).utf8)
    }

    @Test func anEventSerialisesToTheDocumentedLines() {
        let entry = AuditEntry(
            actor: "agent:ana", action: "contact.recorded", subjectType: "contact", subjectID: "c-1", beforeDigest: nil, afterDigest: "ab12",
            details: ["occurred_at": "2026-09-21T14:13:20Z", "channel": "sms", "note": "line one\nline \\two", "Zeta": "é/ü"])
        let bytes = AuditChain.canonicalBytes(
            id: Self.id, tenantID: Self.tenant, sequence: 42, occurredAt: Date(timeIntervalSince1970: 1_790_000_000.123), entry: entry,
            previousHash: AuditChain.genesisHash)
        let expected = """
            recoup-audit-v1
            0f2c4a6e-1b3d-4f5a-8c7e-9d0b1a2c3e4f
            11111111-2222-4333-8444-555555555555
            42
            1790000000123
            agent:ana
            contact.recorded
            contact
            c-1

            ab12
            {"Zeta":"é/ü","channel":"sms","note":"line one\\\\nline \\\\\\\\two","occurred_at":"2026-09-21T14:13:20Z"}
            \(AuditChain.genesisHash)

            """
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    /// Random fields and details: keys and values drawn from plain characters (the direct path) and from ones
    /// that need the general path (upper case, digits, quotes, backslashes, line feeds, control and non-ASCII).
    @Test func directWritingMatchesTheGeneralPathForAnyFields() {
        var random = SeededGenerator(seed: 11)
        let plain = Array("abcxyz_ -:./@T0123")
        let unusual = Array("AZ9\"\\\n\t\u{1}é€🙂/")
        func text(_ alphabet: [Character], _ length: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: length, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        for round in 0..<2_000 {
            let alphabet = round % 4 == 0 ? plain + unusual : plain
            let keys = round % 3 == 0 ? alphabet : Array("abz_")
            var details: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) { details[text(keys, 0...8)] = text(alphabet, 0...12) }
            let entry = AuditEntry(
                actor: text(alphabet, 1...10), action: text(alphabet, 1...10), subjectType: text(alphabet, 1...6),
                subjectID: text(alphabet, 1...10), beforeDigest: round % 2 == 0 ? nil : text(alphabet, 0...4),
                afterDigest: text(alphabet, 0...4), details: details)
            let bytes = AuditChain.canonicalBytes(
                id: Self.id, tenantID: Self.tenant, sequence: Int64(round), occurredAt: Date(timeIntervalSince1970: 1_790_000_000),
                entry: entry, previousHash: "p")
            #expect(bytes == Self.reference(entry, sequence: Int64(round), millis: 1_790_000_000_000, previous: "p"), "\(entry)")
        }
    }
}

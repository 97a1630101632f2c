import Channels
import Compliance
import Foundation
import Messaging
import RecoupApp
import RecoupCore
import Testing

/// The daily print batch: one PDF and one manifest row per letter, however often it is filed.
struct PrintBatchTransportTests {
    static func letter() -> OutboxMessage {
        OutboxMessage(
            tenantID: TenantID(), accountID: AccountID(), consumerID: ConsumerID(), channel: .letter, destinationID: ContactPointID(),
            recipient: "1 Main St", language: "en", subject: "final_demand", body: "Please pay.", dueAt: Date(timeIntervalSince1970: 0),
            createdAt: Date(timeIntervalSince1970: 0))
    }

    /// Filed at 23:59:50 UTC, the dispatcher killed before it recorded the hand-off, filed again after midnight: the
    /// letter stays in the first day's batch, and the second day's has no row for it.
    @Test func aLetterFiledAgainAfterMidnightStaysInItsFirstBatch() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("print-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock(Date(timeIntervalSince1970: 1_790_035_190))  // 2026-09-21T23:59:50Z
        let transport = PrintBatchTransport(folder: folder, clock: clock) { _ in
            .init(letter: Letter(title: "Letter", blocks: []), recipientName: "Pat Doe", address: ["1 Main St", "Austin, TX 78701"], reference: "R-1")
        }
        let message = Self.letter()
        #expect(try await transport.send(message) == "2026-09-21/\(message.id.lowercasedString).pdf")
        clock.advance(by: 130)  // 2026-09-22T00:02:00Z, the lease run out
        #expect(try await transport.send(message) == "2026-09-21/\(message.id.lowercasedString).pdf")
        let rows = try String(contentsOfFile: folder + "/2026-09-21/manifest.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[1].hasPrefix(message.id.lowercasedString + ","))
        #expect(!FileManager.default.fileExists(atPath: folder + "/2026-09-22/manifest.csv"), "nothing for it in the next day's batch")
        let other = Self.letter()
        #expect(try await transport.send(other) == "2026-09-22/\(other.id.lowercasedString).pdf", "a new letter goes into today's")
    }
}

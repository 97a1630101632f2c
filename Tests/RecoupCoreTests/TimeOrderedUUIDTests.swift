import Foundation
import RecoupCore
import Testing

/// Single time-ordered ids (outbox messages, contact attempts, audit events): RFC 9562 version 7 with the instant's
/// milliseconds first, so later ids sort after earlier ones as text too (how the databases index them).
struct TimeOrderedUUIDTests {
    @Test func idsCarryTheirMillisecondVersionAndVariantAndSortByTime() {
        let start = Date(timeIntervalSince1970: 1_790_000_000.123)
        let ids = (0..<1_000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) / 1000)) }
        for (index, id) in ids.enumerated() {
            let text = id.uuidString.lowercased()
            let millis = UInt64(text.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
            #expect(millis == 1_790_000_000_123 + UInt64(index), "\(text)")
            #expect(Array(text)[14] == "7" && "89ab".contains(Array(text)[19]), "version 7, RFC 9562 variant: \(text)")
        }
        let texts = ids.map { $0.uuidString.lowercased() }
        #expect(texts == texts.sorted(), "one millisecond later sorts later")
    }

    @Test func idsOfOneMillisecondAreDistinct() {
        let instant = Date(timeIntervalSince1970: 1_790_000_000)
        let ids = Set((0..<10_000).map { _ in UUID.timeOrdered(at: instant) })
        #expect(ids.count == 10_000, "74 random bits within a millisecond")
    }
}

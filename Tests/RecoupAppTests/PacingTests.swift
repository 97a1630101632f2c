import Compliance
@testable import RecoupApp
import RecoupCore
import Foundation
import Testing

/// The agency's contact-pressure ceiling across media and the per-channel rate limits: pure values, and the pacer that
/// hands out booked slots, against a counted schedule.
struct PacingTests {
    let t0 = Instant(secondsSince1970: 1_790_000_000)

    func event(_ daysAgo: Double, _ channel: HistoryChannel, _ direction: Direction = .outbound) -> ContactEvent {
        ContactEvent(at: t0.adding(seconds: -Int64(daysAgo * 86_400)), direction: direction, channel: channel, person: "P1",
                     destination: nil, debtIDs: ["D1"], dialingMethod: nil, outcome: .delivered)
    }

    @Test func theCeilingCountsOutboundAttemptsOfEveryMediumButLetters() throws {
        let pressure = try #require(ContactPressure("3/7"))
        let history = [event(6, .email), event(4, .sms), event(3, .call), event(2, .letter), event(1, .sms, .inbound)]
        let next = try #require(pressure.nextAllowed(after: history, at: t0))
        #expect(next == t0.adding(seconds: 86_400), "the oldest of the three (6 days ago) leaves the window tomorrow")
        #expect(pressure.nextAllowed(after: Array(history.dropFirst()), at: t0) == nil, "two attempts: a third may go")
        #expect(pressure.nextAllowed(after: [event(8, .email), event(7.5, .sms), event(7.1, .call)], at: t0) == nil)
        #expect(ContactPressure("3") == nil && ContactPressure("0/7") == nil && ContactPressure("a/b") == nil)
    }

    @Test func bookedSlotsAreSpacedAfterTheBurstAnIdleScheduleAllows() throws {
        let limit = RateLimit(perSecond: 10, burst: 3)
        #expect(limit.slots(bookedAt: 100, offset: 0, count: 5).elementsEqual([100, 100, 100, 100.1, 100.2]) { abs($0 - $1) < 1e-9 },
                "an idle schedule lets the burst go at once, then one every tenth of a second")
        let busy = limit.slots(bookedAt: 100, offset: 2, count: 3)
        #expect(zip(busy, [101.8, 101.9, 102.0]).allSatisfy { abs($0 - $1) < 1e-9 },
                "slots another process booked first push these back, the burst still allowed early")
        #expect(RateLimit(perSecond: 1, burst: 1).slots(bookedAt: 0, offset: 0, count: 3) == [0, 1, 2])
        #expect(RateLimit(perSecond: 1000).slotsPerBooking == 250 && RateLimit(perSecond: 10).slotsPerBooking == 2
                && RateLimit(perSecond: 0.5).slotsPerBooking == 1, "a quarter of a second's worth per round trip")
        let parsed = try #require(RateLimits.parse("email=50, sms=10, telephony=20"))
        #expect(parsed.channels[.email]?.perSecond == 50 && parsed.channels[.sms]?.perSecond == 10 && parsed.telephony?.perSecond == 20)
        #expect(RateLimits.parse("fax=1") == nil && RateLimits.parse("sms=0") == nil && RateLimits.parse("telephony=x") == nil)
    }

    /// Texts and voicemails go through one provider account: its limit is one schedule both draw on, on top of each
    /// channel's own.
    @Test func textsAndVoicemailsShareTheProvidersSchedule() throws {
        let limits = RateLimits(channels: [.sms: RateLimit(perSecond: 10, burst: 5)], telephony: RateLimit(perSecond: 2, burst: 1))
        #expect(limits.buckets(for: .sms).map(\.name) == ["sms", "telephony"])
        #expect(limits.buckets(for: .voicemail).map(\.name) == ["telephony"])
        #expect(limits.buckets(for: .email).isEmpty, "email is not the provider's, and has no limit here")
        #expect(limits.perSecond(for: .sms) == 2 && limits.perSecond(for: .voicemail) == 2 && limits.perSecond(for: .email) == nil)
        #expect(RateLimits(channels: [.sms: RateLimit(perSecond: 1)], telephony: RateLimit(perSecond: 5)).perSecond(for: .sms) == 1)
    }

    /// The database's schedule, counted: every booking starts where the last ended, as `bookSlots` does.
    actor CountedSlots: HandOffSlots {
        var bookings = 0
        var nextFree = Date().timeIntervalSince1970

        func bookSlots(_ bucket: String, count: Int, interval: TimeInterval) async throws -> TimeInterval {
            bookings += 1
            let now = Date().timeIntervalSince1970
            let start = max(nextFree, now)
            nextFree = start + Double(count) * interval
            return start - now
        }
    }

    /// Eight hand-offs at once make one booking, not eight; and slots left unused for longer than an interval are
    /// spent, not saved up for a burst later.
    @Test func concurrentHandOffsShareOneBookingAndUnusedSlotsLapse() async throws {
        let schedule = CountedSlots()
        let pacer = ChannelPacer(RateLimits(channels: [.email: RateLimit(perSecond: 100)]), schedules: schedule)
        try await withThrowingTaskGroup(of: TimeInterval?.self) { group in
            for _ in 0..<8 { group.addTask { try await pacer.pace(.email, patience: 60) } }
            for try await refused in group { #expect(refused == nil) }
        }
        #expect(await schedule.bookings == 1, "25 slots a booking (a quarter second at 100/s) cover the eight")
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(try await pacer.pace(.email, patience: 60) == nil)
        #expect(await schedule.bookings == 2, "the 17 slots left went unused for a tenth of a second: a new booking")
        #expect(try await pacer.pace(.sms, patience: 60) == nil)
        #expect(await schedule.bookings == 2, "texts are not limited here: no booking")
    }

    /// Two batches (the one handed off, the one claimed meanwhile) fit in half a lease.
    @Test func aBatchIsNoLargerThanTheSlowestRateLimitHandsOffInAQuarterOfALease() {
        var settings = Dispatcher.Settings(worker: "w", from: "f", messageDomain: "d", collectorName: "c")
        settings.batchSize = 250
        settings.lease = 120
        #expect(settings.claimLimit(for: [.email, .sms]) == 250, "no limits: the whole batch")
        settings.rateLimits = RateLimits(channels: [.sms: RateLimit(perSecond: 2), .email: RateLimit(perSecond: 50)])
        #expect(settings.claimLimit(for: [.email, .sms]) == 60, "2 texts a second for 30 s")
        #expect(settings.claimLimit(for: [.email]) == 250, "the email limit allows 1,500")
        settings.rateLimits = RateLimits(channels: [.sms: RateLimit(perSecond: 0.001)])
        #expect(settings.claimLimit(for: [.sms]) == 1, "always at least one")
        settings.rateLimits = RateLimits(telephony: RateLimit(perSecond: 1))
        #expect(settings.claimLimit(for: [.email, .voicemail]) == 30, "the provider's limit paces voicemails")
    }
}

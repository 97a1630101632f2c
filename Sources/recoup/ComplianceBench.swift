import ArgumentParser
import Compliance
import Foundation
import RecoupCore

/// `recoup bench compliance`: decisions per second on one core over realistic snapshots, against the time to
/// decode the same snapshots from their check documents, measured in the same run so the ratio survives a noisy
/// machine.
struct ComplianceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Decide N generated snapshots (3 debts, 40 past contacts, 4 destinations, state overlays) on one core, one proposal each and every channel of every destination; print decisions/s and JSON decoding as a yardstick.")

    @Option(help: "Distinct snapshots.") var snapshots = 2_000
    @Option(help: "Seconds to keep deciding (the snapshots are cycled).") var seconds = 3.0
    @Option(help: "Seed of the generator.") var seed: UInt64 = 7

    func run() async throws {
        var generator = SeededGenerator(seed: seed)
        let documents = (0..<snapshots).map { _ in BenchDocuments.document(using: &generator) }

        // Yardstick: decoding the documents onto snapshots.
        var decodedSnapshots: [ContactSnapshot] = [], proposals: [ProposedContact] = []
        decodedSnapshots.reserveCapacity(documents.count)
        proposals.reserveCapacity(documents.count)
        let decodeStart = DispatchTime.now()
        for document in documents {
            let (snapshot, proposal) = try CheckDocument.decode(document)
            decodedSnapshots.append(snapshot)
            proposals.append(proposal)
        }
        let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - decodeStart.uptimeNanoseconds) / 1e9

        let engine = ComplianceEngine()
        // What the snapshots exercise: the deciding rules, counted once per snapshot (and the zone tables and
        // rule set loaded before timing).
        var deciding: [String: Int] = [:]
        for (snapshot, proposal) in zip(decodedSnapshots, proposals) {
            let decision = engine.decide(snapshot, proposal)
            deciding[(decision.allowed ? "allowed" : "blocked") + " by " + (decision.rule ?? "no rule in particular"), default: 0] += 1
        }
        // The contactability answer: every channel of every destination, one preparation per snapshot.
        let everyChannel = proposals.map(BenchDocuments.everyChannel(of:))
        // Every answer, so a change meant only to be faster can be checked to answer the same.
        var digest = DecisionDigest()
        for index in decodedSnapshots.indices {
            digest.add(engine.decide(decodedSnapshots[index], proposals[index]))
            let prepared = engine.prepare(decodedSnapshots[index])
            for proposal in everyChannel[index] { digest.add(engine.decide(prepared, proposal)) }
        }

        var blocked = 0
        // Indexing, not `for snapshot in`: the loop would copy each snapshot (a score of retains) before the engine
        // sees it, which is the harness's cost, not a decision's.
        let single = measure(seconds: seconds) {
            for index in decodedSnapshots.indices where !engine.decide(decodedSnapshots[index], proposals[index]).allowed { blocked += 1 }
            return decodedSnapshots.count
        }
        // Each preparation is dropped at once, as a decision drops it (keeping 2,000 of them alive measured the
        // allocator instead); the events counted keep the work from being optimised away.
        var preparedEvents = 0
        let preparing = measure(seconds: seconds) {
            for index in decodedSnapshots.indices { preparedEvents &+= engine.prepare(decodedSnapshots[index]).snapshot.history.count }
            return decodedSnapshots.count
        }
        precondition(preparedEvents > 0)
        var blockedChannels = 0
        let contactability = measure(seconds: seconds) {
            var decisions = 0
            for index in decodedSnapshots.indices {
                let prepared = engine.prepare(decodedSnapshots[index])
                for proposal in everyChannel[index] where !engine.decide(prepared, proposal).allowed { blockedChannels += 1 }
                decisions += everyChannel[index].count
            }
            return decisions
        }
        let decodeRate = Double(documents.count) / decodeSeconds
        print(String(format: "snapshots: %d (3 debts, 40 past contacts, 4 destinations; %.0f%% of single decisions blocked)",
                     snapshots, 100 * Double(blocked) / Double(single.count)))
        print(String(format: "decide one proposal per snapshot, preparing each (one core): %.0f decisions/s (%.2f µs each)", single.rate, 1e6 / single.rate))
        print(String(format: "  of which preparing the snapshot: %.2f µs", 1e6 / preparing.rate))
        print(String(format: "decide every channel of every destination (%d per snapshot, one preparation; %.0f%% blocked): %.0f decisions/s (%.2f µs each)",
                     everyChannel.first?.count ?? 0, 100 * Double(blockedChannels) / Double(contactability.count), contactability.rate,
                     1e6 / contactability.rate))
        print("target ≥ 250,000 decisions/s per core")
        print(String(format: "decode check documents (yardstick, same snapshots): %.0f/s (%.2f µs each)", decodeRate, 1e6 / decodeRate))
        print(String(format: "ratio: a single decision costs %.3f× decoding its document", decodeRate / single.rate))
        for (outcome, count) in deciding.sorted(by: { $0.value > $1.value }) { print("  \(count)\t\(outcome)") }
        print("digest of every decision (allowed, rule, next lawful instant): \(digest.hex)")
    }

    /// Repeats `round` (which returns how many decisions it made) for at least `seconds`.
    private func measure(seconds: Double, _ round: () -> Int) -> (rate: Double, count: Int) {
        var count = 0
        let start = DispatchTime.now()
        var elapsed = 0.0
        while elapsed < seconds {
            count += round()
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        }
        return (Double(count) / elapsed, count)
    }
}

/// FNV-1a over what decisions answered: equal digests, equal answers (for the same seed and snapshot count).
struct DecisionDigest {
    private var hash: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ decision: ContactDecision) {
        add(decision.allowed ? "allowed" : "blocked")
        add(decision.rule ?? "-")
        add(decision.nextAllowedAt.map { "\($0.secondsSince1970)" } ?? "-")
    }

    private mutating func add(_ text: String) {
        for byte in text.utf8 + [0] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    }

    var hex: String { String(hash, radix: 16) }
}

/// A small deterministic generator (SplitMix64), so every run decides the same snapshots.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic check documents: a consumer in one of the overlay states (or Ohio), three debts, a spouse, four
/// destinations and forty past contacts over the two weeks before a proposed call, text or email.
enum BenchDocuments {
    static let places: [(state: String, city: String, zone: String, areaZone: String)] = [
        ("OH", "Columbus, OH", "America/New_York", "America/New_York"), ("MA", "Boston, MA", "America/New_York", "America/Los_Angeles"),
        ("CA", "Fresno, CA", "America/Los_Angeles", "America/Los_Angeles"), ("NY", "Brooklyn, NY (New York City)", "America/New_York", "America/New_York"),
        ("WA", "Spokane, WA", "America/Los_Angeles", "America/Los_Angeles"), ("TX", "El Paso, TX", "America/Denver", "America/Chicago"),
        ("WV", "Charleston, WV", "America/New_York", "America/New_York"), ("CO", "Denver, CO", "America/Denver", "America/Denver"),
    ]
    static let outcomes = ["no_answer", "busy", "voicemail_reached_no_message_left", "limited_content_message_left", "conversation",
                           "no_answer", "no_answer", "failed"]

    static func document(using rng: inout SeededGenerator) -> Data {
        let place = places[Int.random(in: 0..<places.count, using: &rng)]
        // A day between autumn 2025 and spring 2026, 14:00–23:59 UTC: business hours in the east, mornings in
        // the west, so some calls are still too early.
        let base = (1_760_000_000 / 86_400 + Int.random(in: 0..<200, using: &rng)) * 86_400 + 14 * 3600
            + Int.random(in: 0..<(10 * 3600), using: &rng)
        func stamp(_ seconds: Int) -> String {
            let day = LocalDate(dayNumber: seconds / 86_400), second = seconds % 86_400
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(day.iso)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
        }
        let destinations = ["cell-1", "home-1", "work-1", "email-1"]
        var history: [String] = []
        for index in 0..<40 {
            let at = base - 14 * 86_400 + index * (14 * 86_400 / 40) + Int.random(in: 0..<3600, using: &rng)
            let debts = ["D\(Int.random(in: 1...3, using: &rng))"]
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<7:
                let outcome = outcomes[Int.random(in: 0..<outcomes.count, using: &rng)]
                let destination = destinations[Int.random(in: 0..<3, using: &rng)]
                history.append(#"{"ts": "\#(stamp(at))", "direction": "outbound", "channel": "call", "person": "P1", "destination": "\#(destination)", "debt_ids": \#(json(debts)), "dialing_method": "manual", "outcome": "\#(outcome)"}"#)
            case 7:
                history.append(#"{"ts": "\#(stamp(at))", "direction": "outbound", "channel": "sms", "person": "P1", "destination": "cell-1", "debt_ids": \#(json(debts)), "dialing_method": "manual", "outcome": "delivered"}"#)
            case 8:
                history.append(#"{"ts": "\#(stamp(at))", "direction": "outbound", "channel": "email", "person": "P1", "destination": "email-1", "debt_ids": \#(json(debts)), "outcome": "delivered"}"#)
            default:
                history.append(#"{"ts": "\#(stamp(at))", "direction": "outbound", "channel": "letter", "person": "P1", "debt_ids": \#(json(debts)), "outcome": "mailed"}"#)
            }
        }
        let channel = ["call", "call", "call", "sms", "email"][Int.random(in: 0..<5, using: &rng)]
        let destination = channel == "email" ? "email-1" : channel == "sms" ? "cell-1" : destinations[Int.random(in: 0..<3, using: &rng)]
        let type = ["cell-1": "cell", "home-1": "landline", "work-1": "work", "email-1": "email"][destination] ?? "cell"
        let text = """
            {"facts": {"as_of": "\(stamp(base))",
              "jurisdiction": {"consumer_state": "\(place.state)", "consumer_city": "\(place.city)"},
              "collector": {"name": "Acme Recovery LLC", "type": "third_party_debt_collector", "fdcpa_covered": true, "licensed_states": ["*"]},
              "consumer": {"id": "P1", "deceased": false, "location_signals": [{"source": "mailing_address", "tz": "\(place.zone)"}, {"source": "phone_area_code", "tz": "\(place.areaZone)"}]},
              "persons": [{"id": "P1", "role": "consumer", "name": "Pat Doe"}, {"id": "P2", "role": "spouse", "name": "Sam Doe"}],
              "debts": [{"id": "D1", "type": "credit_card", "creditor": "Big Bank"}, {"id": "D2", "type": "medical", "creditor": "City Hospital"},
                        {"id": "D3", "type": "student_loan", "creditor": "Loan Co", "student_loan_account_number_at_acquisition": "SL-1"}],
              "destinations": [{"id": "cell-1", "type": "cell", "person": "P1", "source": "provided_by_consumer_to_creditor_on_application"},
                               {"id": "home-1", "type": "landline", "person": "P1", "source": "creditor_file"},
                               {"id": "work-1", "type": "work", "person": "P1", "source": "creditor_file_employer_number"},
                               {"id": "email-1", "type": "email", "person": "P1", "source": "consumer_emailed_collector_about_debt"}],
              "contact_history": [\(history.joined(separator: ","))],
              "validation_notice": {"provided_at": "\(stamp(base - 20 * 86_400).prefix(10))"}},
             "proposed": {"action": "contact", "channel": "\(channel)", "timestamp": "\(stamp(base))", "debt_id": "D\(Int.random(in: 1...3, using: &rng))",
                          "person": "P1", "destination": "\(destination)", "destination_type": "\(type)", "dialing_method": "manual",
                          "content": {"type": "collection", "includes_mini_miranda": true, "includes_opt_out_notice": true}}}
            """
        return Data(text.utf8)
    }

    /// The proposals the contactability answer makes for a bench snapshot: a call to each phone, a text to the
    /// cell, an email, at the same instant about the same debt.
    static func everyChannel(of proposal: ProposedContact) -> [ProposedContact] {
        let choices: [(ProposedChannel, String, ProposedDestinationType)] = [
            (.call, "cell-1", .cell), (.sms, "cell-1", .cell), (.call, "home-1", .landline), (.call, "work-1", .work), (.email, "email-1", .email),
        ]
        return choices.map { channel, destination, type in
            var variant = proposal
            variant.channel = channel
            variant.destination = destination
            variant.destinationType = type
            return variant
        }
    }

    static func json(_ strings: [String]) -> String { "[" + strings.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
}

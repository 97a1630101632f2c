import Foundation
import RecoupCore

/// The numbers of the law: caps, windows, waiting periods and the dates rules changed. Kept as versioned data
/// (`ruleset.json` in this module) rather than literals in the rules, validated before use, so a change in the
/// law is a reviewed data change and a bad edit stops the server at boot instead of weakening a check.
public struct RuleSet: Sendable, Codable, Equatable {
    public var version: String
    /// Consumer-local call window, `start ≤ t < end` (1006.6(b)(1)(i)).
    public var callWindowStart: String
    public var callWindowEnd: String
    /// 1006.14(b)(2)(i)(A): the call that would exceed `maxCallsIn7Days` within 7 consecutive days is presumed a
    /// violation.
    public var maxCallsIn7Days: Int
    /// 1006.14(b)(2)(i)(B): days, counting the conversation day as day 1, in which no call follows a conversation.
    public var postConversationDays: Int
    /// 1006.14(b)(3)(i): days, counting the day consent is received as day 1, that consented calls are excluded.
    public var consentExclusionDays: Int
    /// Rebuttal factors of comment 14(b)(2)(i)-2: two calls within these minutes, this many calls in one day.
    public var rapidSuccessionMinutes: Int
    public var concentratedCallsPerDay: Int
    /// 1006.34(b)(5): business days to assumed receipt, then calendar days to the end of the validation period.
    public var assumedReceiptBusinessDays: Int
    public var validationPeriodDays: Int
    /// 1006.34(a)(1)(i)(B): days after the initial communication to send the validation notice.
    public var validationNoticeDaysAfterInitial: Int
    /// 1006.30(a)(1): days after a mailing to wait for undeliverability before furnishing (comment 30(a)(1)-2).
    public var furnishingWaitDays: Int
    /// 1006.100: years records and call recordings are kept.
    public var retentionYears: Int
    /// 47 CFR 64.1200(a)(3): exempt prerecorded calls per residential line in a rolling window of days.
    public var residentialPrerecordedCalls: Int
    public var residentialPrerecordedWindowDays: Int
    /// 47 CFR 64.1200(a)(10): business days to honour a revocation; the revoke-all compliance date.
    public var tcpaRevocationBusinessDays: Int
    public var tcpaRevokeAllFrom: String
    /// 1006.6(d)(5): days after the consumer's last text or consent a text keeps the safe harbour.
    public var textSafeHarborDays: Int
    /// Massachusetts 940 CMR 7.04(1)(f), 209 CMR 18.16(1)(d), 7.05(3)(d).
    public var massachusettsPersonalPer7Days: Int
    public var massachusettsOtherPer30Days: Int
    public var massachusettsOralWorkRequestDays: Int
    /// Washington RCW 19.16.250.
    public var washingtonPerWeek: Int
    public var washingtonWorkPerWeek: Int
    public var washingtonHomeStart: String
    public var washingtonHomeEnd: String
    /// New York City 6 RCNY 5-77: attempts per 7 days in all media; the amended rules' effective date, from
    /// which the cap is per account instead of per creditor.
    public var newYorkCityAttemptsPer7Days: Int
    public var newYorkCityAmendedRulesFrom: String
    /// West Virginia 46A-2-125(d), 46A-2-128(e).
    public var westVirginiaCallsPerWeek: Int
    public var westVirginiaConversationsPerWeek: Int
    public var westVirginiaAttorneyGraceHours: Int
    /// Colorado 5-16-104(1)(f): days of attorney silence before a third-party location contact.
    public var coloradoAttorneyNonResponseDays: Int

    /// The rule set shipped with this build.
    public static let current: RuleSet = {
        guard let url = Bundle.module.url(forResource: "ruleset", withExtension: "json") else {
            fatalError("ruleset.json is missing from the Compliance bundle")
        }
        do {
            let ruleSet = try load(Data(contentsOf: url))
            return ruleSet
        } catch {
            fatalError("ruleset.json: \(error)")
        }
    }()

    /// Decodes and validates a rule set; the error names every field that is out of range.
    public static func load(_ data: Data) throws -> RuleSet {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let ruleSet = try decoder.decode(RuleSet.self, from: data)
        try ruleSet.validate()
        return ruleSet
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String { "invalid rule set: " + problems.joined(separator: "; ") }
    }

    /// Refuses a rule set whose numbers could not be the law: non-positive caps, windows that end before they start,
    /// unparseable dates. The server does not start on one.
    public func validate() throws {
        var problems: [String] = []
        func positive(_ name: String, _ value: Int) { if value <= 0 { problems.append("\(name) must be positive (is \(value))") } }
        func time(_ name: String, _ value: String) -> TimeOfDay? {
            guard let parsed = TimeOfDay(value) else {
                problems.append("\(name) must be HH:MM (is \(value))")
                return nil
            }
            return parsed
        }
        if version.isEmpty { problems.append("version must not be empty") }
        if let start = time("call_window_start", callWindowStart), let end = time("call_window_end", callWindowEnd), start >= end {
            problems.append("call_window_start must be before call_window_end")
        }
        if let start = time("washington_home_start", washingtonHomeStart), let end = time("washington_home_end", washingtonHomeEnd),
           start >= end
        {
            problems.append("washington_home_start must be before washington_home_end")
        }
        for (name, value) in [
            ("max_calls_in7_days", maxCallsIn7Days), ("post_conversation_days", postConversationDays),
            ("consent_exclusion_days", consentExclusionDays), ("rapid_succession_minutes", rapidSuccessionMinutes),
            ("concentrated_calls_per_day", concentratedCallsPerDay),
            ("assumed_receipt_business_days", assumedReceiptBusinessDays), ("validation_period_days", validationPeriodDays),
            ("validation_notice_days_after_initial", validationNoticeDaysAfterInitial), ("furnishing_wait_days", furnishingWaitDays),
            ("retention_years", retentionYears), ("residential_prerecorded_calls", residentialPrerecordedCalls),
            ("residential_prerecorded_window_days", residentialPrerecordedWindowDays),
            ("tcpa_revocation_business_days", tcpaRevocationBusinessDays), ("text_safe_harbor_days", textSafeHarborDays),
            ("massachusetts_personal_per7_days", massachusettsPersonalPer7Days),
            ("massachusetts_other_per30_days", massachusettsOtherPer30Days),
            ("massachusetts_oral_work_request_days", massachusettsOralWorkRequestDays), ("washington_per_week", washingtonPerWeek),
            ("washington_work_per_week", washingtonWorkPerWeek), ("new_york_city_attempts_per7_days", newYorkCityAttemptsPer7Days),
            ("west_virginia_calls_per_week", westVirginiaCallsPerWeek),
            ("west_virginia_conversations_per_week", westVirginiaConversationsPerWeek),
            ("west_virginia_attorney_grace_hours", westVirginiaAttorneyGraceHours),
            ("colorado_attorney_non_response_days", coloradoAttorneyNonResponseDays),
        ] {
            positive(name, value)
        }
        for (name, value) in [("tcpa_revoke_all_from", tcpaRevokeAllFrom), ("new_york_city_amended_rules_from", newYorkCityAmendedRulesFrom)]
            where LocalDate(iso: value) == nil
        {
            problems.append("\(name) must be a YYYY-MM-DD date (is \(value))")
        }
        if !problems.isEmpty { throw Invalid(problems: problems) }
    }

    // Parsed forms, for the rules (validated above, so the fallbacks never apply to a loaded rule set).
    var windowStartSecond: Int { (TimeOfDay(callWindowStart)?.minutes ?? 480) * 60 }
    var windowEndSecond: Int { (TimeOfDay(callWindowEnd)?.minutes ?? 1260) * 60 }
    var washingtonStartSecond: Int { (TimeOfDay(washingtonHomeStart)?.minutes ?? 450) * 60 }
    var washingtonEndSecond: Int { (TimeOfDay(washingtonHomeEnd)?.minutes ?? 1260) * 60 }
    var revokeAllFrom: LocalDate { LocalDate(iso: tcpaRevokeAllFrom) ?? LocalDate(dayNumber: 0) }
    var newYorkCityAmendedFrom: LocalDate { LocalDate(iso: newYorkCityAmendedRulesFrom) ?? LocalDate(dayNumber: 0) }
}

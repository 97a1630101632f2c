import Foundation
import RecoupCore

/// A point in time to the second (every instant the rules speak of is whole seconds), kept as an integer so the
/// engine compares and steps through time without Foundation.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var secondsSince1970: Int64

    public init(secondsSince1970: Int64) { self.secondsSince1970 = secondsSince1970 }
    public init(_ date: Date) { secondsSince1970 = Int64(date.timeIntervalSince1970.rounded(.down)) }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }
    public func adding(seconds: Int64) -> Instant { Instant(secondsSince1970: secondsSince1970 + seconds) }
    public var description: String { "\(date)" }
}

/// A wall-clock time of day, `HH:MM`, as minutes after midnight.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minutes: Int

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        minutes = hour * 60 + minute
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
    public var description: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// A daily local window `[start, end)`; one that ends before it starts wraps past midnight (`22:00–06:00`).
public struct LocalWindow: Hashable, Sendable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// Whether a local second of the day (0..<86400) falls inside.
    func contains(secondOfDay: Int) -> Bool {
        let s = start.minutes * 60, e = end.minutes * 60
        return s <= e ? (s <= secondOfDay && secondOfDay < e) : (secondOfDay >= s || secondOfDay < e)
    }

    public var description: String { "\(start)–\(end)" }
}

// MARK: - The snapshot

/// Everything the engine may know about a consumer, their debts and the collector when it decides one proposed
/// action: the input of every rule. Built from the database for live decisions and from a check document for
/// what-if questions, so both are decided by the same code. Facts recorded after ``asOf`` are ignored.
public struct ContactSnapshot: Sendable {
    public var asOf: Instant
    public var jurisdiction = Jurisdiction()
    public var collector = CollectorProfile()
    public var consumer = ConsumerFacts()
    public var persons: [Person] = []
    public var debts: [DebtFacts] = []
    public var destinations: [Destination] = []
    public var history: [ContactEvent] = []
    public var consents: [Consent] = []
    public var optOuts: [OptOut] = []
    public var tcpaRevocations: [TCPARevocation] = []
    public var holds = Holds()
    public var validationNotice: ValidationNoticeFacts?

    public init(asOf: Instant) { self.asOf = asOf }
}

public struct Jurisdiction: Sendable {
    public var state: USState?
    public var city: String?
    public init(state: USState? = nil, city: String? = nil) {
        self.state = state
        self.city = city
    }

    /// New York City's five boroughs: by the mailing address's ZIP code when there is one (Queens mail is addressed
    /// to its neighbourhoods, "Flushing, NY", "Jamaica, NY"), else by the city's name, however it is written
    /// ("Brooklyn, NY (New York City)", "Bronx"), as whole words ("Bronxville" and "Queensbury" are not the city).
    public func isNewYorkCity(mailingZIP zip: String? = nil) -> Bool {
        guard state == .NY || state == nil else { return false }
        if let zip, let isCity = Self.newYorkCity(zip: zip) { return isCity }
        guard let city else { return false }
        // Searched as lower-cased ASCII bytes (every name is ASCII): Foundation's case-insensitive search cost
        // more than the rest of a snapshot's preparation.
        let bytes = city.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        func isLetter(_ index: Int) -> Bool { bytes.indices.contains(index) && bytes[index] >= 97 && bytes[index] <= 122 }
        for name in Self.newYorkCityNames where bytes.count >= name.count {
            for start in 0...(bytes.count - name.count) where !isLetter(start - 1) && !isLetter(start + name.count) {
                var matched = 0
                while matched < name.count, bytes[start + matched] == name[matched] { matched += 1 }
                if matched == name.count { return true }
            }
        }
        return false
    }

    /// Whether a ZIP code is in the five boroughs (USPS prefixes 100–104 Manhattan, Staten Island and the Bronx,
    /// 112 Brooklyn, 111, 113, 114 and 116 Queens, and Queens' two codes among Nassau County's 110: Glen Oaks and
    /// Floral Park); nil for text that is no ZIP code.
    static func newYorkCity(zip: String) -> Bool? {
        let digits = zip.utf8.prefix(5)
        guard digits.count == 5, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), let code = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        return switch code / 100 {
        case 100...104, 111...114, 116: true
        case 110: code == 11004 || code == 11005
        default: false
        }
    }

    private static let newYorkCityNames: [[UInt8]] = [
        "new york city", "nyc", "manhattan", "brooklyn", "bronx", "queens", "staten island", "new york, ny",
    ].map { Array($0.utf8) }
}

public struct CollectorProfile: Sendable {
    public var name = ""
    public var type = CollectorType.thirdPartyDebtCollector
    /// nil: decided by ``type``.
    public var fdcpaCovered: Bool?
    /// nil: licensed everywhere (`["*"]`).
    public var licensedStates: Set<USState>?
    /// California debt-collector licence number, when the collector has one.
    public var californiaLicenseNumber: String?
    public init() {}

    var isFDCPACovered: Bool { fdcpaCovered ?? type.isDebtCollector }
    func isLicensed(in state: USState) -> Bool { licensedStates?.contains(state) ?? true }
}

public struct LocationSignal: Sendable {
    public var source: LocationSource
    public var zone: String
    public var detail: String?
    public init(source: LocationSource, zone: String, detail: String? = nil) {
        self.source = source
        self.zone = zone
        self.detail = detail
    }
}

/// "Don't call me before noon": a window the consumer said is inconvenient, for some channels or all.
public struct InconvenientTime: Sendable {
    public var window: LocalWindow
    /// Empty: every channel.
    public var channels: Set<ProposedChannel>
    public var statement: String?
    public var recordedAt: Instant?
    public init(window: LocalWindow, channels: Set<ProposedChannel> = [], statement: String? = nil, recordedAt: Instant? = nil) {
        self.window = window
        self.channels = channels
        self.statement = statement
        self.recordedAt = recordedAt
    }
}

/// Consent, given directly to the collector, to be contacted in an otherwise inconvenient window (1006.6(b)(4)).
public struct TimeConsent: Sendable {
    public var window: LocalWindow
    /// The day the consent covers; nil: every day.
    public var date: LocalDate?
    public var givenDirectlyToCollector: Bool
    public var statement: String?
    public var recordedAt: Instant?
    public init(window: LocalWindow, date: LocalDate? = nil, givenDirectlyToCollector: Bool, statement: String? = nil, recordedAt: Instant? = nil) {
        self.window = window
        self.date = date
        self.givenDirectlyToCollector = givenDirectlyToCollector
        self.statement = statement
        self.recordedAt = recordedAt
    }
}

public struct InconvenientPlace: Sendable {
    public var statement: String
    public var oral: Bool
    public var writtenConfirmationReceived: Bool
    public var recordedAt: Instant?
    public init(statement: String, oral: Bool, writtenConfirmationReceived: Bool = false, recordedAt: Instant? = nil) {
        self.statement = statement
        self.oral = oral
        self.writtenConfirmationReceived = writtenConfirmationReceived
        self.recordedAt = recordedAt
    }

    /// The statement names the workplace ("don't call me at work").
    var isWorkplace: Bool {
        let text = statement.lowercased()
        return ["work", "job", "office", "employ"].contains { text.contains($0) }
    }
}

public struct ConsumerFacts: Sendable {
    public var id = ""
    public var deceased = false
    public var dateOfDeath: LocalDate?
    public var language: String?
    public var locationSignals: [LocationSignal] = []
    public var inconvenientTimes: [InconvenientTime] = []
    public var timeConsents: [TimeConsent] = []
    public var inconvenientPlaces: [InconvenientPlace] = []
    public var employerProhibitsContact = false
    public var employerProhibitionRecordedAt: Instant?
    public init() {}
}

public struct Person: Sendable {
    public var id: String
    public var role: PersonRole
    public var name: String?
    public init(id: String, role: PersonRole, name: String? = nil) {
        self.id = id
        self.role = role
        self.name = name
    }
}

public struct DebtFacts: Sendable {
    public var id: String
    public var type: DebtType
    public var creditor: String?
    /// Given directly: wins over the engine's own statute-of-limitations tables.
    public var solExpired: Bool?
    public var solBasis: String?
    public var lastPaymentDate: LocalDate?
    public var pastFCRAObsolescence: Bool?
    public var lastCollectionActivityDate: LocalDate?
    /// Student loans serviced under one account number when acquired are one "particular debt" (1006.14(b)(4)).
    public var studentLoanAccountNumberAtAcquisition: String?
    public init(id: String, type: DebtType) {
        self.id = id
        self.type = type
    }
}

public struct Destination: Sendable {
    public var id: String
    public var type: DestinationType
    public var value: String?
    public var person: String?
    public var source: DestinationSource?
    public init(id: String, type: DestinationType, value: String? = nil, person: String? = nil, source: DestinationSource? = nil) {
        self.id = id
        self.type = type
        self.value = value
        self.person = person
        self.source = source
    }
}

/// What a message contained: the keys of the proposed content, also recorded on past contacts.
public struct ContentFacts: Sendable {
    public var type: ContentType?
    public var includesMiniMiranda: Bool?
    public var includesOptOutNotice: Bool?
    public var threatensLegalAction: Bool?
    public var paymentDeadlineDays: Int?
    public var mentionsDebt: Bool?
    public var language: String?
    public var validationPeriodEndDateStated: LocalDate?
    public var itemizationDateBasis: [String: String]?
    public var disputePrompts: Bool?
    public var originalCreditorPrompt: Bool?
    public var englishNoticeIncludedOrPreviouslySent: Bool?
    public var timeBarredDisclosure: Bool?
    public var californiaLicenseNumberDisplayedPt: Int?
    public var nycrr13NoticeInSameMedium: Bool?
    /// On a past contact: a New York 23 NYCRR 1.3 notice was included.
    public var nycrr13Notice: Bool?
    public var remedy: String?
    public var remedyIntended: Bool?
    public init(type: ContentType? = nil) { self.type = type }
}

public struct ContactEvent: Sendable {
    public var at: Instant
    public var direction: Direction
    public var channel: HistoryChannel
    public var person: String?
    public var destination: String?
    public var debtIDs: [String]
    public var dialingMethod: DialingMethod?
    public var connected: Bool?
    public var outcome: ContactOutcome?
    public var note: String? {
        get { details?.value.note }
        set { updateDetails { $0.note = newValue } }
    }
    public var text: String? {
        get { details?.value.text }
        set { updateDetails { $0.text = newValue } }
    }
    public var recordingID: String? {
        get { details?.value.recordingID }
        set { updateDetails { $0.recordingID = newValue } }
    }
    public var content: ContentFacts? {
        get { details?.value.content }
        set { updateDetails { $0.content = newValue } }
    }
    /// The content's type alone, read without copying the rest of the content.
    var contentType: ContentType? { details?.value.content?.type }
    /// What was written or said, held by one reference: few rules read it, while every decision scans the rest of
    /// forty events, which without it take a third of the memory (and of the cache misses).
    private var details: DetailsBox?

    private struct Details: Sendable {
        var note: String?
        var text: String?
        var recordingID: String?
        var content: ContentFacts?
    }

    private final class DetailsBox: Sendable {
        let value: Details
        init(_ value: Details) { self.value = value }
    }

    private mutating func updateDetails(_ change: (inout Details) -> Void) {
        var value = details?.value ?? Details()
        change(&value)
        details = DetailsBox(value)
    }

    public init(at: Instant, direction: Direction, channel: HistoryChannel, person: String? = nil, destination: String? = nil,
                debtIDs: [String] = [], dialingMethod: DialingMethod? = nil, connected: Bool? = nil, outcome: ContactOutcome? = nil) {
        self.at = at
        self.direction = direction
        self.channel = channel
        self.person = person
        self.destination = destination
        self.debtIDs = debtIDs
        self.dialingMethod = dialingMethod
        self.connected = connected
        self.outcome = outcome
    }

    /// Connected to the dialled number: the outcome decides; an explicit `connected: false` never counts.
    var isConnected: Bool {
        if connected == false { return false }
        return outcome?.isConnected ?? (connected ?? true)
    }
}

extension [ContactEvent] {
    /// The same events, those that name the same debts sharing one list. A history is mostly about one account:
    /// one list instead of one per event keeps a snapshot small, and preparing it for a decision reads one list
    /// where it would otherwise chase forty.
    public func sharingDebtLists() -> [ContactEvent] {
        var lists: [[String]] = []
        return map { event in
            var event = event
            if let shared = lists.first(where: { $0 == event.debtIDs }) { event.debtIDs = shared } else { lists.append(event.debtIDs) }
            return event
        }
    }
}

public struct Consent: Sendable {
    public var type: ConsentType
    public var givenDirectlyToCollector: Bool
    public var receivedAt: Instant?
    /// The day the consumer asked to be called (a consent "for Tuesday").
    public var requestedDate: LocalDate?
    /// Destinations it covers; empty: every destination of the person.
    public var destinations: [String]
    /// Debts it covers; empty: every debt.
    public var debtIDs: [String]
    public var statement: String?
    public init(type: ConsentType, givenDirectlyToCollector: Bool, receivedAt: Instant? = nil, requestedDate: LocalDate? = nil,
                destinations: [String] = [], debtIDs: [String] = [], statement: String? = nil) {
        self.type = type
        self.givenDirectlyToCollector = givenDirectlyToCollector
        self.receivedAt = receivedAt
        self.requestedDate = requestedDate
        self.destinations = destinations
        self.debtIDs = debtIDs
        self.statement = statement
    }
}

public struct OptOut: Sendable {
    public var recordedAt: Instant?
    public var medium: OptOutMedium
    public var scope: OptOutScope
    public var destination: String?
    public var how: String?
    public var statement: String?
    public init(recordedAt: Instant?, medium: OptOutMedium, scope: OptOutScope, destination: String? = nil, how: String? = nil, statement: String? = nil) {
        self.recordedAt = recordedAt
        self.medium = medium
        self.scope = scope
        self.destination = destination
        self.how = how
        self.statement = statement
    }
}

public struct TCPARevocation: Sendable {
    public var receivedAt: Instant?
    public var destination: String?
    public var method: String?
    public var perSeReasonable: Bool?
    public var inResponseTo: String?
    public var text: String?
    public init(receivedAt: Instant?, destination: String?, method: String? = nil, perSeReasonable: Bool? = nil) {
        self.receivedAt = receivedAt
        self.destination = destination
        self.method = method
        self.perSeReasonable = perSeReasonable
    }
}

// MARK: - Holds

public struct CeaseNotice: Sendable {
    public var receivedAt: Instant?
    public var written: Bool
    public var medium: String?
    /// Empty: every debt.
    public var debtIDs: [String]
    public var text: String?
    public init(receivedAt: Instant?, written: Bool, debtIDs: [String] = []) {
        self.receivedAt = receivedAt
        self.written = written
        self.debtIDs = debtIDs
    }
}

public struct AttorneyRepresentation: Sendable {
    public var from: RepresentationNoticeFrom?
    public var written: Bool
    public var noticeReceivedAt: Instant?
    public var attorneyName: String?
    public var attorneyAddress: String?
    public var debtIDs: [String]
    public var attorneyUnresponsive: Bool
    public var attorneyConsentedToDirectContact: Bool
    public var consentReceivedAt: Instant?
    public var collectorLetterToAttorneySentAt: Instant?
    public var requestAllCommunicationsToAttorney: Bool
    public init(written: Bool, noticeReceivedAt: Instant?, attorneyName: String? = nil, attorneyAddress: String? = nil,
                debtIDs: [String] = []) {
        self.written = written
        self.noticeReceivedAt = noticeReceivedAt
        self.attorneyName = attorneyName
        self.attorneyAddress = attorneyAddress
        self.debtIDs = debtIDs
        attorneyUnresponsive = false
        attorneyConsentedToDirectContact = false
        requestAllCommunicationsToAttorney = false
    }

    /// The collector knows the attorney's name and address or can readily ascertain them (1006.6(b)(2)).
    var attorneyIdentifiable: Bool { attorneyName?.isEmpty == false || attorneyAddress?.isEmpty == false }
}

public struct DisputeFacts: Sendable {
    public var receivedAt: Instant?
    public var written: Bool
    public var withinValidationPeriod: Bool?
    /// Empty or "all": every debt; else debt ids.
    public var debtIDs: [String]
    public var duplicative: Bool
    public var verificationSentAt: Instant?
    public init(receivedAt: Instant?, written: Bool, withinValidationPeriod: Bool? = nil, debtIDs: [String] = [],
                duplicative: Bool = false, verificationSentAt: Instant? = nil) {
        self.receivedAt = receivedAt
        self.written = written
        self.withinValidationPeriod = withinValidationPeriod
        self.debtIDs = debtIDs
        self.duplicative = duplicative
        self.verificationSentAt = verificationSentAt
    }
}

public struct OriginalCreditorRequest: Sendable {
    public var receivedAt: Instant?
    public var written: Bool
    public var withinValidationPeriod: Bool?
    public var respondedAt: Instant?
    public init(receivedAt: Instant?, written: Bool, withinValidationPeriod: Bool? = nil, respondedAt: Instant? = nil) {
        self.receivedAt = receivedAt
        self.written = written
        self.withinValidationPeriod = withinValidationPeriod
        self.respondedAt = respondedAt
    }
}

public struct BankruptcyFacts: Sendable {
    public var status: BankruptcyStatus
    public var chapter: Int?
    public var petitionDate: LocalDate?
    public var dischargeDate: LocalDate?
    /// nil: assumed pre-petition (the conservative reading).
    public var debtIsPrepetition: Bool?
    public var debtDischarged: Bool?
    public var collectorNotifiedAt: Instant?
    public init(status: BankruptcyStatus, petitionDate: LocalDate? = nil) {
        self.status = status
        self.petitionDate = petitionDate
    }
}

public struct Holds: Sendable {
    public var cease: CeaseNotice?
    public var attorney: AttorneyRepresentation?
    public var dispute: DisputeFacts?
    public var originalCreditorRequest: OriginalCreditorRequest?
    public var bankruptcy: BankruptcyFacts?
    public init() {}
}

public struct ValidationNoticeFacts: Sendable {
    public var providedAt: LocalDate?
    public var method: String?
    public var assumedReceiptDate: LocalDate?
    public var validationPeriodEndDate: LocalDate?
    public var actualReceiptKnown: Bool?
    public var note: String?
    public init(providedAt: LocalDate?) { self.providedAt = providedAt }
}

// MARK: - The proposal

/// The one action being decided.
public struct ProposedContact: Sendable {
    public var action: ProposedAction
    public var channel: ProposedChannel
    public var at: Instant
    public var debtID: String?
    public var additionalDebtIDs: [String] = []
    public var person: String?
    public var destination: String?
    public var destinationType: ProposedDestinationType?
    public var dialingMethod: DialingMethod = .notApplicable
    public var content = ContentFacts()

    public init(action: ProposedAction, channel: ProposedChannel, at: Instant) {
        self.action = action
        self.channel = channel
        self.at = at
    }

    /// Every debt the contact is about.
    public var debtIDs: [String] { (debtID.map { [$0] } ?? []) + additionalDebtIDs }
}

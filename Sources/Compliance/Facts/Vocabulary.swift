import RecoupCore

// The closed vocabularies of a contact snapshot. Raw values are the words of the check document
// (docs/compliance-check.md), so a document maps onto these types without a translation table and an unknown word
// is refused instead of silently weakening a check.

/// Who is collecting: Regulation F and the FDCPA reach debt collectors, not creditors collecting their own debts;
/// several state regimes reach both.
public enum CollectorType: String, Sendable, CaseIterable {
    case thirdPartyDebtCollector = "third_party_debt_collector"
    case debtBuyer = "debt_buyer"
    case originalCreditor = "original_creditor"
    case servicerPreDefault = "servicer_pre_default"

    /// A "debt collector" under 15 U.S.C. 1692a(6) absent a profile saying otherwise.
    var isDebtCollector: Bool { self == .thirdPartyDebtCollector || self == .debtBuyer }
}

/// How a person stands to the consumer and the debt.
public enum PersonRole: String, Sendable, CaseIterable {
    case consumer
    case spouse
    case parentOfMinor = "parent_of_minor"
    case guardian
    case executor = "executor_personal_representative"
    case successorInInterest = "successor_in_interest"
    case adultChildNotRepresentative = "adult_child_not_representative"
    case neighborThirdParty = "neighbor_third_party"
    case employer
    case consumerAttorney = "consumer_attorney"
    case creditor
    case consumerReportingAgency = "consumer_reporting_agency"

    /// A "consumer" for § 1006.6 (1006.6(a)): communicating with them is not a third-party communication.
    public var isConsumerForSection6: Bool {
        switch self {
        case .consumer, .spouse, .parentOfMinor, .guardian, .executor, .successorInInterest: true
        default: false
        }
    }

    /// Calls to these persons never count toward the call-frequency presumptions (1006.14(b)(3)(iii)).
    public var isExcludedFromCallCounts: Bool {
        self == .consumerAttorney || self == .creditor || self == .consumerReportingAgency
    }

    /// Recipients 1006.6(d)(1) permits without the consumer's consent.
    public var mayReceiveDebtCommunications: Bool {
        isConsumerForSection6 || isExcludedFromCallCounts
    }
}

/// Where a contact can go.
public enum DestinationType: String, Sendable, CaseIterable {
    case cell, landline, work, email
    case socialMediaPublic = "social_media_public"
}

/// How the collector came by a destination; consent, safe harbours and TCPA depend on it.
public enum DestinationSource: String, Sendable, CaseIterable {
    case consumerProvided = "consumer_provided"
    case providedToCreditorOnApplication = "provided_by_consumer_to_creditor_on_application"
    case consumerEmailedCollector = "consumer_emailed_collector_about_debt"
    case consumerProvidedWithNYCConsent = "consumer_provided_with_nyc_e_consent"
    case creditorFile = "creditor_file"
    case creditorFileEmployerNumber = "creditor_file_employer_number"
    case creditorFileWithNotice = "creditor_file_with_reg_f_1006.6(d)(4)(ii)_notice_no_opt_out"
    case directory
    case skipTrace = "skip_trace"
    case skipTraceVendor = "skip_trace_vendor"
    case skipTraceEmployerDomain = "skip_trace_employer_domain"
    case probateRecord = "probate_record"
    case numberDisconnected = "number_disconnected"

    /// The consumer gave this number or address (to the collector or, for a debt, to the creditor): prior
    /// express consent for non-telemarketing TCPA calls (FCC 07-232).
    var isTCPAPriorExpressConsent: Bool {
        self == .consumerProvided || self == .providedToCreditorOnApplication || self == .consumerProvidedWithNYCConsent
    }

    /// The collector knows or should know the destination belongs to the consumer's employer.
    var isEmployerProvided: Bool { self == .creditorFileEmployerNumber || self == .skipTraceEmployerDomain }
}

/// Which way a recorded contact went.
public enum Direction: String, Sendable, CaseIterable {
    case inbound, outbound
}

/// The medium of a recorded contact.
public enum HistoryChannel: String, Sendable, CaseIterable {
    case call, sms, email, letter
}

/// The medium of a proposed contact.
public enum ProposedChannel: String, Sendable, CaseIterable {
    case call, sms, email, letter, voicemail
    case socialMedia = "social_media"
    case none

    /// Telephone calls for the frequency presumptions: a voicemail is left on a call that is placed.
    var isTelephoneCall: Bool { self == .call || self == .voicemail }
    var isElectronic: Bool { self == .sms || self == .email || self == .socialMedia }
    /// Postal mail: its delivery time is not the collector's to choose, so no time-of-day rule applies.
    var isPostal: Bool { self == .letter }
}

/// How a call or text was dialled. `manual` means a human-dialled live call or a one-to-one manual text: outside
/// 47 U.S.C. 227(b)(1)(A).
public enum DialingMethod: String, Sendable, CaseIterable {
    case manual, autodialer, prerecorded
    case notApplicable = "n/a"

    var isRestrictedByTCPA: Bool { self == .autodialer || self == .prerecorded }
}

/// What came of a recorded contact.
public enum ContactOutcome: String, Sendable, CaseIterable {
    case noAnswer = "no_answer"
    case busy
    case notInService = "not_in_service"
    case failed
    case answeredHungUp = "answered_hung_up"
    case conversation
    case wrongParty = "wrong_party"
    case voicemailReachedNoMessageLeft = "voicemail_reached_no_message_left"
    case limitedContentMessageLeft = "limited_content_message_left"
    case limitedContentMessageInterrupted = "limited_content_message_interrupted"
    case answeredPrerecordedMessagePlayed = "answered_prerecorded_message_played"
    case delivered, mailed, received
    case returnedUndeliverable = "returned_undeliverable"

    /// Connected to the dialled number (1006.14(b)(3)(ii)): everything but busy, not in service and failed.
    var isConnected: Bool { self != .busy && self != .notInService && self != .failed }

    /// Reached the line or left something on it: an initiated communication for Massachusetts (voicemail
    /// reached counts, *Watkins*), a communication for Washington's weekly count.
    var leftSomethingOrSpoke: Bool {
        switch self {
        case .conversation, .answeredHungUp, .limitedContentMessageLeft, .limitedContentMessageInterrupted,
             .answeredPrerecordedMessagePlayed, .delivered, .mailed, .received:
            true
        default: false
        }
    }
}

/// The kinds of consent the engine knows.
public enum ConsentType: String, Sendable, CaseIterable {
    case regFCallConsent = "reg_f_call_consent"
    case regFTextConsent = "reg_f_text_consent"
    case callConsentOnCreditorFile = "call_consent_on_creditor_file"
    case nycElectronicCommunicationConsent = "nyc_electronic_communication_consent"
}

/// A medium a person asked not to be used (1006.14(h)).
public enum OptOutMedium: String, Sendable, CaseIterable {
    case telephoneCalls = "telephone_calls"
    case sms, email
}

/// How far an opt-out reaches.
public enum OptOutScope: String, Sendable, CaseIterable {
    case number, address
    case allNumbers = "all_numbers"
    case allAddresses = "all_addresses"
}

/// What is proposed.
public enum ProposedAction: String, Sendable, CaseIterable {
    case contact
    case fileLawsuit = "file_lawsuit"
    case fileProofOfClaim = "file_bankruptcy_proof_of_claim"
    case furnishToCRA = "furnish_to_consumer_reporting_agency"
    case deleteRecord = "delete_record"
}

/// Where a proposed contact goes.
public enum ProposedDestinationType: String, Sendable, CaseIterable {
    case cell, landline, work, email
    case workEmail = "work_email"
    case mail
    case socialPublic = "social_public"
    case court, cra, records
}

/// What a message is.
public enum ContentType: String, Sendable, CaseIterable {
    case collection
    case paymentDemand = "payment_demand"
    case initialCommunication = "initial_communication"
    case initialWrittenCommunication = "initial_written_communication"
    case validationNotice = "validation_notice"
    case limitedContentMessage = "limited_content_message"
    case locationInformationRequest = "location_information_request"
    case responseToConsumerInquiry = "response_to_consumer_inquiry"
    case optOutConfirmationOnly = "opt_out_confirmation_only"
    case noticeCollectionTerminated = "notice_collection_terminated"
    case noticeIntentToInvokeSpecifiedRemedy = "notice_intent_to_invoke_specified_remedy"
    case acceptPayment = "accept_payment"
    case creditReporting = "credit_reporting"
    case legalAction = "legal_action"
    case proofOfClaim = "proof_of_claim"
    case callRecording = "call_recording"

    /// The notices 1006.6(c)(2) still allows after a cease-communication notice.
    var isCeaseException: Bool { self == .noticeCollectionTerminated || self == .noticeIntentToInvokeSpecifiedRemedy }

    /// A message that tries to collect (as opposed to location requests, confirmations and pure responses).
    var isCollection: Bool {
        switch self {
        case .locationInformationRequest, .optOutConfirmationOnly, .noticeCollectionTerminated, .callRecording: false
        default: true
        }
    }

    /// An attempt to communicate that is not itself a communication (1006.2(j)).
    var isLimitedContent: Bool { self == .limitedContentMessage }
}

/// Bankruptcy case status.
public enum BankruptcyStatus: String, Sendable, CaseIterable {
    case pending, discharged
}

/// Who gave notice of attorney representation.
public enum RepresentationNoticeFrom: String, Sendable, CaseIterable {
    case consumer, attorney
}

/// Where a location signal came from; a mailing address is the first candidate zone.
public enum LocationSource: String, Sendable, CaseIterable {
    case mailingAddress = "mailing_address"
    case phoneAreaCode = "phone_area_code"
}

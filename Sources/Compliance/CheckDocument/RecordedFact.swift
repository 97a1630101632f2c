import Foundation

/// A fact about a consumer recorded as it happens (a consent, an opt-out, a cease letter, a dispute, a bankruptcy
/// notice…), written in the same shape as its entry in the check document, so one strict reader validates it and
/// the live snapshot and a what-if document can never disagree about what a fact means.
public enum RecordedFactKind: String, Sendable, CaseIterable {
    case consent
    case optOut = "opt_out"
    case tcpaRevocation = "tcpa_revocation"
    case ceaseCommunication = "cease_communication"
    case attorneyRepresentation = "attorney_representation"
    case dispute
    case originalCreditorRequest = "original_creditor_request"
    case bankruptcy
    case inconvenientTime = "inconvenient_time"
    case inconvenientTimeConsent = "inconvenient_time_consent"
    case inconvenientPlace = "inconvenient_place"
    case death

    /// Whether the fact starts a hold that stops collection (for the audit event's wording).
    public var isHold: Bool {
        switch self {
        case .ceaseCommunication, .attorneyRepresentation, .dispute, .originalCreditorRequest, .bankruptcy, .death: true
        default: false
        }
    }
}

extension CheckDocument {
    /// Validates a recorded fact (the JSON object its check-document entry would hold; for `death`,
    /// `{"date_of_death": "YYYY-MM-DD"}`) and adds it to a snapshot. Errors name the path under `fact`.
    public static func apply(_ kind: RecordedFactKind, _ data: Data, to snapshot: inout ContactSnapshot) throws(CheckDocumentError) {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CheckDocumentError(path: "fact", problem: "not valid JSON")
        }
        let node = DocumentNode(value: value, path: "fact")
        switch kind {
        case .consent: snapshot.consents.append(try DocumentMapping.consent(node))
        case .optOut: snapshot.optOuts.append(try DocumentMapping.optOut(node))
        case .tcpaRevocation: snapshot.tcpaRevocations.append(try DocumentMapping.tcpaRevocation(node))
        case .ceaseCommunication: snapshot.holds.cease = try DocumentMapping.cease(node)
        case .attorneyRepresentation: snapshot.holds.attorney = try DocumentMapping.attorney(node)
        case .dispute: snapshot.holds.dispute = try DocumentMapping.dispute(node)
        case .originalCreditorRequest: snapshot.holds.originalCreditorRequest = try DocumentMapping.originalCreditorRequest(node)
        case .bankruptcy: snapshot.holds.bankruptcy = try DocumentMapping.bankruptcy(node)
        case .inconvenientTime: snapshot.consumer.inconvenientTimes.append(try DocumentMapping.inconvenientTime(node))
        case .inconvenientTimeConsent: snapshot.consumer.timeConsents.append(try DocumentMapping.timeConsent(node))
        case .inconvenientPlace: snapshot.consumer.inconvenientPlaces.append(try DocumentMapping.inconvenientPlace(node))
        case .death:
            let object = try node.object(keys: ["date_of_death"])
            snapshot.consumer.deceased = true
            snapshot.consumer.dateOfDeath = try object.optional("date_of_death")?.date()
        }
    }
}

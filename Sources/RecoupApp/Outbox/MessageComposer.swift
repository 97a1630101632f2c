import Compliance
import Foundation
import RecoupCore

/// Writes the text of a message: the operator's or template's words, then the required statements from
/// ``Disclosures`` (the debt-collector disclosure of 1006.18(e) and the electronic opt-out notice of 1006.6(e)),
/// injected here so no message can leave them out or reword them.
public enum MessageComposer {
    /// The longest text body accepted, disclosures included (the common providers' limit: 10 segments).
    public static let maxTextLength = 1600

    /// The body as sent on `channel`, in the consumer's language (Spanish for `es`, English otherwise). A first
    /// communication carries the full disclosure of 1006.18(e)(1), later ones the short one of (e)(2); emails carry
    /// the long opt-out notice, texts the short "reply STOP".
    public static func body(_ text: String, channel: ProposedChannel, language: String, firstCommunication: Bool = true) -> String {
        let disclosures = Disclosures.texts(language == "es" ? .spanish : .english)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let miranda = firstCommunication ? disclosures.miniMirandaInitial : disclosures.miniMirandaSubsequent
        if channel == .sms { return trimmed + "\n" + miranda + " " + disclosures.textOptOut }
        return [trimmed, miranda, disclosures.electronicOptOut].joined(separator: "\n\n") + "\n"
    }

    /// Whether the consumer has already been reached with a communication (a conversation, a delivered message, a
    /// mailed letter), so the short disclosure is enough.
    public static func hasCommunicated(_ history: [ContactEvent]) -> Bool {
        history.contains { event in
            guard event.direction == .outbound, let outcome = event.outcome else { return false }
            return outcome == .conversation || outcome == .delivered || outcome == .mailed
        }
    }
}

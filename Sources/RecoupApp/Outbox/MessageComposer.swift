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
    /// the long opt-out notice, texts the short "reply STOP". A `californiaLicense` (given for consumers in
    /// California, Cal. Civ. Code 1788.11(f)) follows the disclosure.
    public static func body(
        _ text: String, channel: ProposedChannel, language: String, firstCommunication: Bool = true, californiaLicense: String? = nil
    ) -> String {
        let disclosures = Disclosures.texts(noticeLanguage(language))
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let miranda = firstCommunication ? disclosures.miniMirandaInitial : disclosures.miniMirandaSubsequent
        let license = californiaLicense.map { disclosures.californiaLicense($0) + "." }
        if channel == .sms { return ([trimmed + "\n" + miranda] + (license.map { [$0] } ?? []) + [disclosures.textOptOut]).joined(separator: " ") }
        return ([trimmed, miranda] + (license.map { [$0] } ?? []) + [disclosures.electronicOptOut]).joined(separator: "\n\n") + "\n"
    }

    /// The licence a message to a consumer in `state` must show: the agency's, in California; none elsewhere.
    public static func californiaLicense(_ license: String?, for state: USState?) -> String? {
        state == .CA ? license : nil
    }

    /// Whether `body` shows a California licence number the way ``body(_:channel:language:firstCommunication:californiaLicense:)``
    /// writes it, for the decision at send time (the number is in the body's own type, 12 points in an email's HTML).
    public static func showsCaliforniaLicense(_ body: String, language: String) -> Bool {
        body.contains(Disclosures.texts(noticeLanguage(language)).californiaLicense(""))
    }

    static func noticeLanguage(_ language: String) -> NoticeLanguage { language == "es" ? .spanish : .english }

    /// Whether the consumer has already been reached with a communication (a conversation, a delivered message, a
    /// mailed letter), so the short disclosure is enough.
    public static func hasCommunicated(_ history: [ContactEvent]) -> Bool {
        history.contains { event in
            guard event.direction == .outbound, let outcome = event.outcome else { return false }
            return outcome == .conversation || outcome == .delivered || outcome == .mailed
        }
    }
}

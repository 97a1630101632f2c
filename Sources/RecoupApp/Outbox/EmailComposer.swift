import Compliance
import Foundation
import RecoupCore

/// Writes the text of an email: the operator's or template's words, then the required statements from
/// ``Disclosures`` (the debt-collector disclosure of 1006.18(e) and the electronic opt-out notice of 1006.6(e)),
/// injected here so no message can leave them out or reword them.
public enum EmailComposer {
    /// The body as sent, in the consumer's language (Spanish for `es`, English otherwise).
    public static func body(_ text: String, language: String) -> String {
        let disclosures = Disclosures.texts(language == "es" ? .spanish : .english)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return [trimmed, disclosures.miniMirandaInitial, disclosures.electronicOptOut].joined(separator: "\n\n") + "\n"
    }
}

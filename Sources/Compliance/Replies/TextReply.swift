import Foundation

/// What a consumer's text message means for consent, read the way 47 CFR 64.1200(a)(10) and the carriers' (CTIA)
/// keyword conventions read it. A one-word STOP-family reply is a per se reasonable revocation; a sentence such as
/// "leave me alone" or "número equivocado" is a revocation a reasonable person would understand, so it is honoured
/// the same way (catalogue TCPA-64.1200a10-REVOKE). Anything else is a conversation for an agent.
public enum TextReply: Equatable, Sendable {
    /// STOP, END, CANCEL, UNSUBSCRIBE, QUIT, REVOKE, OPT OUT (and their Spanish forms): per se reasonable.
    case optOut(keyword: String)
    /// A natural-language request to stop, in English or Spanish: the phrase that was recognised.
    case revocation(phrase: String)
    /// START, UNSTOP, YES (and Spanish forms): consent to texts given again.
    case optIn(keyword: String)
    /// HELP or INFO (AYUDA): who is texting and how to stop.
    case help
    /// Everything else: it goes to the agents' inbox.
    case conversation

    /// Whether the reply revokes consent and opts the number out of texts.
    public var revokes: Bool {
        switch self {
        case .optOut, .revocation: true
        default: false
        }
    }

    /// The per se reasonable keywords of 64.1200(a)(10) and CTIA, and their usual Spanish equivalents.
    static let optOutKeywords: Set<String> = [
        "stop", "stopall", "end", "cancel", "unsubscribe", "quit", "revoke", "opt out", "optout", "stop all",
        "parar", "alto", "cancelar", "basta", "detener", "baja",
    ]
    /// Keywords that say nothing but "stop" in a reply to a collector: anywhere in a short reply they revoke
    /// ("Please stop", "I said STOP", "I want to opt out"). END, QUIT or CANCEL do only at its start ("the end of
    /// the month" is not a revocation).
    static let unmistakableOptOutKeywords: Set<String> = [
        "stop", "stopall", "stop all", "unsubscribe", "revoke", "opt out", "optout", "detener",
    ]
    static let optInKeywords: Set<String> = ["start", "unstop", "yes", "subscribe", "comenzar", "iniciar", "si", "reanudar"]
    static let helpKeywords: Set<String> = ["help", "info", "ayuda", "informacion"]

    /// Sentences that ask for texts or contact to stop, after normalising (lower case, no accents, no punctuation).
    static let revocationPhrases: [String] = [
        // English
        "stop texting", "stop messaging", "stop contacting", "stop calling", "stop sending", "stop harassing",
        "leave me alone", "do not text", "dont text", "do not contact", "dont contact",
        "do not call", "dont call", "no more texts", "no more messages", "remove me", "remove my number",
        "take me off", "wrong number", "wrong person", "not my debt", "unsubscribe me", "opt me out", "lose my number",
        // Spanish
        "dejen de escribir", "deje de escribir", "dejen de mandar", "deje de mandar", "dejen de enviar", "deje de enviar",
        "dejen de llamar", "deje de llamar", "dejen de contactar", "deje de contactar", "dejame en paz", "dejenme en paz",
        "dejeme en paz", "no me escriba", "no me llame", "deja de escribir", "deja de mandar", "deja de enviar", "deja de llamar",
        "para de escribir", "para de mandar", "para de llamar", "no me escribas", "no me llames", "no me mandes", "no me envies",
        "no me contacten", "no me manden", "no me envien", "no mas mensajes", "numero equivocado",
        "numero incorrecto", "persona equivocada", "borren mi numero", "quitenme de", "eliminen mi numero",
    ]

    /// Classifies a message body.
    public static func classify(_ body: String) -> TextReply {
        let text = normalise(body)
        if optOutKeywords.contains(text) { return .optOut(keyword: text) }
        if optInKeywords.contains(text) { return .optIn(keyword: text) }
        if helpKeywords.contains(text) { return .help }
        // Phrases start on a word boundary and may end inside a word: Spanish joins pronouns to the verb
        // ("dejen de escribirme").
        let padded = " " + text
        if let phrase = revocationPhrases.first(where: { padded.contains(" " + $0) }) { return .revocation(phrase: phrase) }
        // A STOP-family keyword leading a short reply ("STOP please", "Stop!!! now") still revokes, and an
        // unmistakable one anywhere in a reply of a few words ("pls STOP", "STOP. I already paid this").
        let words = text.split(separator: " ").map(String.init)
        if let first = words.first, words.count <= 4, optOutKeywords.contains(first) { return .optOut(keyword: first) }
        if words.count <= 8 {
            let pairs = zip(words, words.dropFirst()).map { $0 + " " + $1 }
            if let keyword = (pairs + words).first(where: unmistakableOptOutKeywords.contains) { return .optOut(keyword: keyword) }
        }
        return .conversation
    }

    /// Lower case, accents folded, apostrophes dropped, everything but letters and digits turned into single spaces.
    static func normalise(_ body: String) -> String {
        let folded = body.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "’", with: "")
        var out = ""
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }
}

import Testing
@testable import Compliance

// How consumers' texts are read (TCPA-64.1200a10-REVOKE): the per se keywords, START and HELP, revocations in
// words in English and Spanish, and everything else left for an agent.
@Suite("Text replies")
struct TextReplyTests {
    @Test("the STOP family revokes, whatever the case, spacing or punctuation",
          arguments: ["STOP", "stop", " Stop. ", "END", "Cancel", "UNSUBSCRIBE", "quit", "Revoke", "OPT OUT", "opt-out", "STOP ALL",
                      "Parar", "BASTA", "Stop please", "STOP!!!", "Please stop", "pls STOP", "I said STOP", "STOP. I already paid this",
                      "opt out please", "I want to opt out", "please unsubscribe", "I revoke consent"])
    func keywords(_ body: String) {
        guard case .optOut = TextReply.classify(body) else {
            Issue.record("\(body) read as \(TextReply.classify(body))")
            return
        }
    }

    @Test("revocations in words, in English and Spanish",
          arguments: ["Please stop texting me", "leave me alone!", "Don't text me again", "do not contact me", "wrong number",
                      "Remove my number please", "Stop calling me, I'm at work", "Déjame en paz", "Por favor dejen de escribirme",
                      "número equivocado", "NO ME LLAMEN", "ya no me manden mensajes", "Deja de escribirme", "no me mandes mensajes",
                      "para de llamarme"])
    func revocations(_ body: String) {
        let reply = TextReply.classify(body)
        #expect(reply.revokes, "\(body) read as \(reply)")
        if case .optOut = reply { Issue.record("\(body) is not a keyword") }
    }

    @Test("START and HELP", arguments: [("START", true), ("unstop", true), ("Yes", true), ("HELP", false), ("info", false), ("Ayuda", false)])
    func startAndHelp(_ body: String, _ start: Bool) {
        let reply = TextReply.classify(body)
        if start {
            guard case .optIn = reply else { Issue.record("\(body) read as \(reply)"); return }
        } else {
            #expect(reply == .help)
        }
    }

    @Test("everything else is a conversation, even when it mentions a keyword in passing",
          arguments: ["Can I pay Friday?", "I will call you at the end of the week to stop by", "¿Puedo pagar el viernes?",
                      "How do I cancel my payment plan and set up a new one that works for me", "yes I can pay 50 now"])
    func conversations(_ body: String) {
        #expect(TextReply.classify(body) == .conversation, "\(body) read as \(TextReply.classify(body))")
    }
}

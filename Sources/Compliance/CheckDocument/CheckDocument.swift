import Foundation
import RecoupCore

/// The contact check document of docs/compliance-check.md: `{facts, proposed}` in, the decision out.
///
/// Compliance officers ask what-if questions with it, auditors re-check recorded decisions, and tests exercise
/// every rule without a database; `recoup check-contact` and `POST /v1/compliance/check` both go through here, so
/// a document means the same everywhere and is decided by the same engine as every real contact.
public enum CheckDocument {
    /// Reads a document onto the domain values the engine decides.
    ///
    /// Strict on purpose: an unknown key, a word outside a vocabulary, a malformed time or an unknown zone or
    /// state is refused with the JSON path of the problem, because a typo accepted silently would weaken a
    /// check. Absent keys and `null` mean "not known"; an absent `facts.as_of` is the proposal's time.
    public static func decode(
        _ data: Data
    ) throws(CheckDocumentError) -> (snapshot: ContactSnapshot, proposal: ProposedContact) {
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw CheckDocumentError(path: "", problem: "not valid JSON" + (detail.map { " (\($0))" } ?? ""))
        }
        return try DocumentMapping.document(DocumentNode(value: tree, path: ""))
    }

    /// The decision as the document's answer: `allowed`, `rule`, `findings`, `next_allowed_at` and `computed`,
    /// in that order, with instants in the consumer's first candidate zone and dates as `YYYY-MM-DD`.
    ///
    /// Written by hand rather than through `JSONSerialization` so the keys keep the documented order (and
    /// `computed` the deciding finding's figures first) and the bytes are the same on every platform.
    public static func encode(_ decision: ContactDecision) -> Data {
        let zone = decision.zone
        let findings = decision.findings.map { finding in
            AnswerJSON.object([
                ("rule", .string(finding.rule)),
                ("citation", .string(finding.citation)),
                ("verdict", .string(finding.verdict.rawValue)),
                ("message", .string(finding.message)),
            ])
        }
        let answer = AnswerJSON.object([
            ("allowed", .bool(decision.allowed)),
            ("rule", decision.rule.map(AnswerJSON.string) ?? .null),
            ("findings", .array(findings)),
            ("next_allowed_at", decision.nextAllowedAt.map { .string(zone.iso8601($0)) } ?? .null),
            ("computed", .object(decision.computed.map { name, figure in (name, AnswerJSON(figure, in: zone)) })),
        ])
        var text = ""
        answer.write(to: &text, indent: "")
        return Data((text + "\n").utf8)
    }
}

/// Why a check document was refused, and where.
///
/// `path` is the JSON path of the offending value (`facts.contact_history[3].outcome`), so the CLI and the API
/// can point the author at the exact typo; it is empty when the document as a whole is at fault.
public struct CheckDocumentError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `facts.contact_history[3].outcome: "no_anser" is not one of no_answer, busy, …`
    public var description: String { "\(path.isEmpty ? "document" : path): \(problem)" }
}

/// A JSON value of the answer, with object members in the order given.
enum AnswerJSON {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([AnswerJSON])
    case object([(String, AnswerJSON)])

    /// A figure as `computed` prints it: dates as `YYYY-MM-DD`, instants in the decision's zone.
    init(_ figure: Figure, in zone: ZoneClock) {
        switch figure {
        case let .int(value): self = .int(value)
        case let .text(value): self = .string(value)
        case let .date(value): self = .string(value.iso)
        case let .instant(value): self = .string(zone.iso8601(value))
        case let .dates(values): self = .array(values.map { .string($0.iso) })
        case let .bool(value): self = .bool(value)
        }
    }

    /// Pretty-printed with two-space indents; `indent` is the current line's.
    func write(to text: inout String, indent: String) {
        switch self {
        case .null: text += "null"
        case let .bool(value): text += value ? "true" : "false"
        case let .int(value): text += String(value)
        case let .string(value): Self.quote(value, to: &text)
        case let .array(items):
            Self.writeMembers(items, open: "[", close: "]", to: &text, indent: indent) { item, text, inner in
                item.write(to: &text, indent: inner)
            }
        case let .object(members):
            Self.writeMembers(members, open: "{", close: "}", to: &text, indent: indent) { member, text, inner in
                AnswerJSON.quote(member.0, to: &text)
                text += ": "
                member.1.write(to: &text, indent: inner)
            }
        }
    }

    private static func writeMembers<Member>(
        _ members: [Member], open: String, close: String, to text: inout String, indent: String,
        _ write: (Member, inout String, String) -> Void
    ) {
        guard !members.isEmpty else {
            text += open + close
            return
        }
        let inner = indent + "  "
        text += open + "\n"
        for (index, member) in members.enumerated() {
            text += inner
            write(member, &text, inner)
            text += index == members.count - 1 ? "\n" : ",\n"
        }
        text += indent + close
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    private static func quote(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

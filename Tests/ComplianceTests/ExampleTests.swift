import Compliance
import Foundation
import Testing

/// The six reference documents of docs/compliance-check.md, decided by the engine and compared with the expected
/// answers field by field (the fields each example states).
struct ExampleTests {
    struct Example: Sendable, CustomStringConvertible {
        let id: String
        let input: Data
        let expected: Data
        var description: String { id }
    }

    static let examples: [Example] = {
        guard let url = Bundle.module.url(forResource: "examples", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return list.compactMap { entry in
            guard let id = entry["id"] as? String, let input = entry["input"], let expected = entry["expected"],
                  let inputData = try? JSONSerialization.data(withJSONObject: input),
                  let expectedData = try? JSONSerialization.data(withJSONObject: expected)
            else { return nil }
            return Example(id: id, input: inputData, expected: expectedData)
        }
    }()

    @Test func allSixExamplesAreLoaded() {
        #expect(Self.examples.map(\.id) == ["TOD-001", "F7-006", "CEASE-001", "EOPT-001", "TCPA-003", "VN-001"])
    }

    @Test(arguments: examples)
    func exampleGivesTheExpectedAnswer(_ example: Example) throws {
        let (snapshot, proposal) = try CheckDocument.decode(example.input)
        let decision = ComplianceEngine().decide(snapshot, proposal)
        let answer = try #require(try JSONSerialization.jsonObject(with: CheckDocument.encode(decision)) as? [String: Any])
        let wanted = try #require(try JSONSerialization.jsonObject(with: example.expected) as? [String: Any])
        let trace = decision.findings.map { "\($0.rule) \($0.verdict): \($0.message)" }.joined(separator: "\n")
        #expect(answer["allowed"] as? Bool == wanted["allowed"] as? Bool, "\(example.id)\n\(trace)")
        #expect(answer["rule"] as? String == wanted["rule"] as? String, "\(example.id)\n\(trace)")
        for (name, value) in wanted["computed"] as? [String: Any] ?? [:] {
            let actual = (answer["computed"] as? [String: Any])?[name]
            #expect(actual.map { "\($0)" } == "\(value)", "\(example.id).computed.\(name)")
        }
    }
}

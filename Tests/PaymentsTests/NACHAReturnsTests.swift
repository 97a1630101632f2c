import Payments
import Testing

/// Return and NOC files as a bank sends them, read record by record.
struct NACHAReturnsTests {
    /// A record of exactly 94 characters from its fields (each padded or cut to its width).
    func record(_ fields: [(String, Int)]) -> String {
        fields.map { text, width in String(text.prefix(width)) + String(repeating: " ", count: max(0, width - text.count)) }.joined()
    }

    func entry(code: String = "26", amount: String = "0000012345", id: String = "7093386246") -> String {
        record([("6", 1), (code, 2), ("01100001", 8), ("5", 1), ("000123456789", 17), (amount, 10), (id, 15), ("PAT DOE", 22), ("  ", 2),
                ("1", 1), ("011000010000001", 15)])
    }

    func addenda(_ type: String, _ code: String, trace: String, data: String = "") -> String {
        record([("7", 1), (type, 2), (code, 3), (trace, 15), ("", 6), ("09100001", 8), (data, 44), ("011000010000001", 15)])
    }

    @Test func returnsAndChangesAreReadWithTheirOriginalTraceNumbers() {
        let header = record([("101 091000019 123456789", 94)])
        let text = [
            header,
            entry(), addenda("99", "R01", trace: "091000010000042"),
            entry(amount: "0000050000", id: "1111111116"), addenda("99", "R10", trace: "091000010000043"),
            entry(code: "26", amount: "0000000000"), addenda("98", "C01", trace: "091000010000044", data: "987654321"),
            entry(code: "26", amount: "0000000000"), addenda("98", "C03", trace: "091000010000045", data: "021000021   55501234"),
            "7 short",
            addenda("99", "R02", trace: "091000010000046"),
            record([("9", 94)]),
        ].joined(separator: "\r\n")
        let file = ACHReturnFile.parse(text)
        #expect(file.returns.map(\.originalTrace) == ["091000010000042", "091000010000043"])
        #expect(file.returns[0].reason == .r01 && file.returns[0].amountCents == 12_345 && file.returns[0].reason?.mayRepresent == true)
        #expect(file.returns[1].reason == .r10 && file.returns[1].reason?.revokesAuthorization == true && file.returns[1].individualID == "1111111116")
        #expect(file.changes.map(\.correction) == [.accountNumber("987654321"), .routingAndAccount(routing: "021000021", account: "55501234")])
        #expect(file.problems.map(\.line) == [10, 11], "the short record and the addenda without an entry, by line")
        #expect(ReturnReason.r02.needsNewAccount && !ReturnReason.r02.mayRepresent)
    }
}

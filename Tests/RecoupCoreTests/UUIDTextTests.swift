import Foundation
import RecoupCore
import Testing

/// Ids as text, formatted and parsed by hand (Foundation's goes through `snprintf` and `sscanf` on Linux): the same
/// text Foundation writes and reads, and the same order as that text.
struct UUIDTextTests {
    @Test func textIsFoundationsInLowerCaseAndParsesBackInEitherCase() {
        for id in (0..<2_000).map({ _ in UUID() }) + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                        UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))] {
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(text: id.lowercasedString) == id)
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.uuidString[...]) == id, "a substring parses too")
        }
    }

    @Test(arguments: [
        "", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567e89b-12d3-a456-426614174000-", "123e4567-e89b-12d3-a456_426614174000", "123e4567-e89b-12d3-a456-42661417400g",
        "{123e4567-e89b-12d3-a456-426614174000}", " 123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-4266141740é",
    ])
    func anythingButTheCanonicalFormIsRefused(_ text: String) {
        #expect(UUID(text: text) == nil)
        #expect(UUID(uuidString: text) == nil, "Foundation refuses it too")
    }

    @Test func identifiersSortAsTheirText() {
        let ids = (0..<2_000).map { _ in AccountID() } + (0..<2_000).map { _ in AccountID(UUID()) }
        #expect(ids.sorted().map(\.description) == ids.map(\.description).sorted())
        #expect(AccountID("123E4567-E89B-12D3-A456-426614174000")?.description == "123e4567-e89b-12d3-a456-426614174000")
    }
}

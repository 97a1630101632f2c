import Foundation
import RecoupCore
import Testing

/// Keypad references: ten digits with a Luhn check digit, stable for an account, and a single mistyped digit or
/// swapped neighbour pair is caught before any lookup.
struct ReferenceCodeTests {
    @Test func referencesAreStableWellFormedAndCatchTypos() throws {
        let id = try #require(AccountID("0b7c1e2a-93f4-4c55-8d6e-7f8091a2b3c4"))
        let reference = ReferenceCode.of(id)
        #expect(reference.count == 10 && reference.allSatisfy(\.isNumber))
        #expect(ReferenceCode.of(id) == reference && ReferenceCode.isWellFormed(reference))
        let digits = Array(reference)
        for position in digits.indices {
            for replacement in "0123456789" where replacement != digits[position] {
                var typo = digits
                typo[position] = replacement
                #expect(!ReferenceCode.isWellFormed(String(typo)), "one wrong digit at \(position)")
            }
        }
        for position in digits.indices.dropLast() where digits[position] != digits[position + 1] {
            var swapped = digits
            swapped.swapAt(position, position + 1)
            // Luhn misses only the 0↔9 swap.
            if Set([digits[position], digits[position + 1]]) != ["0", "9"] {
                #expect(!ReferenceCode.isWellFormed(String(swapped)), "swapped digits at \(position)")
            }
        }
        #expect(!ReferenceCode.isWellFormed("12345") && !ReferenceCode.isWellFormed("12345678a0"))
    }

    @Test func tenThousandAccountsRarelyShareAReference() throws {
        let references = (0..<10_000).map { _ in ReferenceCode.of(AccountID()) }
        // Time-ordered ids (the demo's, UUIDv7's) share their first bytes: they must not share references.
        let sequential = try (0..<1_000).map { n in
            ReferenceCode.of(try #require(AccountID(String(format: "01a237e9-d53a-7000-8000-%012x", n))))
        }
        #expect(Set(sequential).count >= 999)
        #expect(Set(references).count >= 9_990, "nine random digits: collisions are rare, and identity needs ZIP or birth date anyway")
    }
}

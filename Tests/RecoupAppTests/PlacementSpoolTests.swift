import Foundation
import RecoupApp
import RecoupTestSupport
import Testing

/// An upload waits on disk sealed, is read back whole as often as asked, and is gone afterwards.
struct PlacementSpoolTests {
    func read(_ spool: PlacementSpool) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in spool.chunks { bytes += chunk }
        return bytes
    }

    @Test func anUploadIsSealedOnDiskReadBackTwiceAndRemoved() async throws {
        let text = "client_account_number,ssn\nA-1,123-45-6789\nA-2,987-65-4321\n"
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 10).map { Array(bytes[$0..<min($0 + 10, bytes.count)]) } + [[]]
        let spool = try await PlacementSpool.spooling(ChunkList(chunks: chunks), in: FileManager.default.temporaryDirectory)
        let stored = try #require(FileManager.default.contents(atPath: spool.path))
        #expect(!stored.isEmpty && stored.range(of: Data("123-45".utf8)) == nil && stored.range(of: Data("A-1".utf8)) == nil,
                "nothing of the file is readable on disk")
        let permissions = try FileManager.default.attributesOfItem(atPath: spool.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try await read(spool) == bytes)
        #expect(try await read(spool) == bytes, "each reading starts again from the beginning")
        spool.remove()
        #expect(!FileManager.default.fileExists(atPath: spool.path))
    }
}

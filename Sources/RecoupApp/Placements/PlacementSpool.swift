import Crypto
import Foundation

/// An uploaded placement file kept on disk while it is imported: an upload can be read only once, and a repository
/// that commits in steps reads the file twice. The file holds SSNs and dates of birth, so each chunk is sealed
/// (AES-GCM) with a key that exists only in this object's memory; the file is readable by its owner only and
/// removed by ``remove()``.
public final class PlacementSpool: Sendable {
    public let path: String
    private let key = SymmetricKey(size: .bits256)

    /// Writes `chunks` to a new spool file in `folder`.
    public static func spooling<Chunks: AsyncSequence>(_ chunks: Chunks, in folder: URL) async throws -> PlacementSpool
    where Chunks.Element == [UInt8] {
        let spool = PlacementSpool(path: folder.appendingPathComponent("recoup-placement-\(UUID().uuidString).spool").path)
        guard FileManager.default.createFile(atPath: spool.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: spool.path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: spool.path]) }
        defer { try? handle.close() }
        // Uploads arrive in pieces of a few kilobytes; they are sealed and read back a megabyte at a time.
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.sealedChunkBytes)
        func seal() throws {
            guard !pending.isEmpty else { return }
            let sealed = try AES.GCM.seal(pending, using: spool.key).combined!
            var length = UInt32(sealed.count).bigEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 4) + sealed)
            pending.removeAll(keepingCapacity: true)
        }
        do {
            for try await chunk in chunks {
                pending += chunk
                if pending.count >= Self.sealedChunkBytes { try seal() }
            }
            try seal()
        } catch {
            spool.remove()
            throw error
        }
        return spool
    }

    static let sealedChunkBytes = 1 << 20

    private init(path: String) { self.path = path }

    /// The file's bytes, as they came; each iteration reads them again.
    public var chunks: Chunks { Chunks(path: path, key: key) }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    public struct Chunks: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        let path: String
        let key: SymmetricKey

        public struct AsyncIterator: AsyncIteratorProtocol {
            let path: String
            let key: SymmetricKey
            var handle: FileHandle?

            public mutating func next() async throws -> [UInt8]? {
                if handle == nil {
                    guard let opened = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
                    handle = opened
                }
                guard let header = try handle!.read(upToCount: 4), header.count == 4 else {
                    try? handle?.close()
                    return nil
                }
                let length = header.reduce(0) { $0 << 8 | Int($1) }
                guard let sealed = try handle!.read(upToCount: length), sealed.count == length else {
                    throw CocoaError(.fileReadCorruptFile)
                }
                return [UInt8](try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key))
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(path: path, key: key) }
    }
}

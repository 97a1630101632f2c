/// Bytes already in memory as the async sequence of chunks an import reads, the same on every iteration; `hook`, when
/// given, runs each time an iteration reaches the chunk at `index` (to act while an import is under way).
public struct ChunkList: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let chunks: [[UInt8]]
    let index: Int
    let hook: (@Sendable () async throws -> Void)?

    public init(chunks: [[UInt8]], at index: Int = 0, hook: (@Sendable () async throws -> Void)? = nil) {
        self.chunks = chunks
        self.index = index
        self.hook = hook
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let list: ChunkList
        var position = 0

        public mutating func next() async throws -> [UInt8]? {
            guard position < list.chunks.count else { return nil }
            if position == list.index, let hook = list.hook { try await hook() }
            defer { position += 1 }
            return list.chunks[position]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(list: self) }
}

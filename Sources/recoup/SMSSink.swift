import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A minimal SMS provider for `recoup bench dispatch`: answers the Messages API (`POST
/// /2010-04-01/Accounts/{account}/Messages.json`) with a new SID for every message and counts them, so the
/// dispatcher's SMS client does the same work against it as against a real provider.
final class SMSSink: @unchecked Sendable {
    private let task: Task<Void, any Error>
    private let counter: SMTPSink.Counter
    let port: Int

    var received: Int { counter.value }

    private init(task: Task<Void, any Error>, counter: SMTPSink.Counter, port: Int) {
        self.task = task
        self.counter = counter
        self.port = port
    }

    static func start() async throws -> SMSSink {
        let counter = SMTPSink.Counter()
        let router = Router()
        router.post("/2010-04-01/Accounts/:account/Messages.json") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 16)
            counter.increment()
            return Response(status: .created, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"sid": "SM\#(UUID().uuidString.lowercased())", "status": "queued"}"#)))
        }
        var logger = Logger(label: "recoup.sms-sink")
        logger.logLevel = .critical  // stopping it by cancellation logs errors that mean nothing here
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                bound.yield(channel.localAddress?.port ?? 0)
                bound.finish()
            }, logger: logger)
        let task = Task { try await app.runService() }
        var port = 0
        for await value in ports { port = value }
        return SMSSink(task: task, counter: counter, port: port)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

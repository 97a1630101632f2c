import Foundation
import NIOCore
import NIOPosix

/// A minimal SMTP receiver for `recoup bench dispatch`: accepts every message, counts them, keeps nothing. It
/// answers the dialogue any relay would (220, 250, 354, 250 after the final dot, 221), so the sender does the
/// same work against it as against a real relay.
final class SMTPSink: @unchecked Sendable {
    private let channel: any Channel
    private let counter: Counter
    let port: Int

    var received: Int { counter.value }

    private init(channel: any Channel, counter: Counter) {
        self.channel = channel
        self.counter = counter
        port = channel.localAddress?.port ?? 0
    }

    static func start(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPSink {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(Session(counter: counter))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return SMTPSink(channel: channel, counter: counter)
    }

    func stop() async throws { try await channel.close() }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }

    /// One client connection: line commands, then the message text up to a line holding a single dot.
    final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let counter: Counter
        var pending = ""
        var inData = false

        init(counter: Counter) { self.counter = counter }

        func channelActive(context: ChannelHandlerContext) {
            reply("220 sink ESMTP", context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += String(buffer: unwrapInboundIn(data))
            while true {
                if inData {
                    guard let end = pending.range(of: "\r\n.\r\n") else { return }
                    pending.removeSubrange(..<end.upperBound)
                    inData = false
                    counter.increment()
                    reply("250 OK queued", context)
                    continue
                }
                guard let end = pending.range(of: "\r\n") else { return }
                let line = pending[..<end.lowerBound].uppercased()
                pending.removeSubrange(..<end.upperBound)
                if line.hasPrefix("DATA") {
                    inData = true
                    // The text may follow at once; the terminator search needs the line break before the dot.
                    pending = "\r\n" + pending
                    reply("354 go ahead", context)
                } else if line.hasPrefix("QUIT") {
                    reply("221 bye", context)
                    context.close(promise: nil)
                    return
                } else {
                    reply("250 OK", context)
                }
            }
        }

        private func reply(_ line: String, _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }
    }
}

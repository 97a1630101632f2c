import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RecoupApp

/// Hands email to any SMTP relay (RFC 5321): EHLO, STARTTLS (RFC 3207) or implicit TLS when configured, optional
/// AUTH PLAIN, MAIL FROM, RCPT TO, DATA with the MIME text of ``MIMEMessage``, QUIT. One connection per message, so a
/// broken connection never takes another message's state with it. Credentials are sent only over TLS, unless the
/// relay is plain `smtp://` (a local relay on a trusted network).
///
/// Failures are classified for the dispatcher: a 5xx reply is permanent, a 4xx reply, a refused connection or a
/// timeout is transient. A connection lost after the message text was sent leaves the outcome unknown; that is
/// transient too, and the retry carries the same Message-ID so the receiver can de-duplicate.
public struct SMTPTransport: EmailTransport {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The name given in EHLO.
        public var heloName: String
        public var username: String?
        public var password: String?
        /// Longest a whole session (connect to QUIT) may take.
        public var sessionTimeout: TimeAmount
        public var security: Security
        /// A PEM file of the certificate authorities to trust instead of the system's (a private relay's CA).
        public var caFile: String?

        /// How the connection is protected.
        public enum Security: Sendable, Equatable {
            /// Plain text: a local relay on a trusted network.
            case none
            /// STARTTLS after the greeting, required: a relay that does not offer it is refused (no downgrade).
            case startTLS
            /// TLS from the first byte (port 465).
            case implicitTLS
        }

        public init(host: String, port: Int, heloName: String = "recoup.localhost", username: String? = nil, password: String? = nil,
                    sessionTimeout: TimeAmount = .seconds(60), security: Security = .none, caFile: String? = nil) {
            self.host = host
            self.port = port
            self.heloName = heloName
            self.username = username
            self.password = password
            self.sessionTimeout = sessionTimeout
            self.security = security
            self.caFile = caFile
        }

        /// `smtp://` (plain, port 25), `smtp+starttls://` (port 587) or `smtps://` (port 465), then
        /// `[user:password@]host[:port][?ca=/path/to/ca.pem]`.
        public init?(url: String) {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
            let (security, port): (Security, Int)
            switch components.scheme {
            case "smtp": (security, port) = (.none, 25)
            case "smtp+starttls": (security, port) = (.startTLS, 587)
            case "smtps": (security, port) = (.implicitTLS, 465)
            default: return nil
            }
            self.init(host: host, port: components.port ?? port, username: components.user?.removingPercentEncoding,
                      password: components.password?.removingPercentEncoding, security: security,
                      caFile: components.queryItems?.first { $0.name == "ca" }?.value)
        }

        /// The TLS client context, with the configured trust roots.
        func tlsContext() throws -> NIOSSLContext {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile { tls.trustRoots = .file(caFile) }
            return try NIOSSLContext(configuration: tls)
        }
    }

    let configuration: Configuration
    let group: any EventLoopGroup
    let clock: any RecoupApp.Clock

    public init(_ configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                clock: any RecoupApp.Clock = SystemClock()) {
        self.configuration = configuration
        self.group = group
        self.clock = clock
    }

    public func send(_ email: OutboundEmail) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let tls: NIOSSLContext?
        do {
            tls = configuration.security == .none ? nil : try configuration.tlsContext()
        } catch {
            throw TransportFailure.transient("cannot set up TLS for \(configuration.host): \(error)")
        }
        do {
            let host = configuration.host
            let implicit = configuration.security == .implicitTLS ? tls : nil
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicit {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicit, serverHostname: host))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw TransportFailure.transient("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let text = MIMEMessage.dotStuffed(MIMEMessage.render(email, date: clock.now()))
        let configuration = configuration
        let sentData = SentFlag()
        do {
            try await withDeadline(configuration.sessionTimeout) {
                try await channel.executeThenClose { inbound, outbound in
                    var session = Session(replies: ReplyReader(inbound.makeAsyncIterator()), outbound: outbound)
                    try await session.expect(220, after: nil)
                    var offered = try await session.expect(250, after: "EHLO \(configuration.heloName)")
                    if configuration.security == .startTLS, let tls {
                        guard offered.uppercased().contains("STARTTLS") else {
                            throw TransportFailure.transient("the relay does not offer STARTTLS; not sending in the clear")
                        }
                        try await session.expect(220, after: "STARTTLS")
                        // From here the bytes are TLS: the handler goes in front of everything the channel reads.
                        let host = configuration.host
                        try await channel.channel.eventLoop.submit {
                            try channel.channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
                        }.get()
                        offered = try await session.expect(250, after: "EHLO \(configuration.heloName)")
                    }
                    if let username = configuration.username {
                        try await session.authenticate(username, configuration.password ?? "", offered: offered)
                    }
                    try await session.expect(250, after: "MAIL FROM:<\(Self.address(email.from))>")
                    try await session.expect(250, after: "RCPT TO:<\(Self.address(email.to))>", alsoAccepting: 251)
                    try await session.expect(354, after: "DATA")
                    sentData.value = true
                    try await session.expect(250, after: text + "\r\n.")
                    try? await session.send("QUIT")
                }
            }
        } catch let failure as TransportFailure {
            throw failure
        } catch {
            throw TransportFailure.transient(
                (sentData.value ? "connection lost after the message was sent, outcome unknown: " : "connection lost: ") + "\(error)")
        }
    }

    /// The bare address of `Name <address>` or `address`.
    static func address(_ mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close else {
            return mailbox.trimmingCharacters(in: .whitespaces)
        }
        return String(mailbox[mailbox.index(after: open)..<close])
    }

    /// Set once the message text is on the wire.
    final class SentFlag: @unchecked Sendable {
        var value = false
    }

    struct Session {
        var replies: ReplyReader
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        func send(_ line: String) async throws {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
        }

        /// Sends `command` (if any) and requires the reply `code`; 4xx and 5xx replies become transport failures.
        /// Returns the reply's text (EHLO's lists the extensions).
        ///
        /// A 5xx is permanent (the message goes to the dead letters) unless it is about authentication (530, 534,
        /// 535, 538: credentials missing, refused or too weak): that is the operator's to fix, so the message waits.
        @discardableResult
        mutating func expect(_ code: Int, after command: String?, alsoAccepting other: Int? = nil, shown: String? = nil) async throws -> String {
            if let command { try await send(command) }
            let (received, text) = try await replies.next()
            guard received != code, received != other else { return text }
            let verb = (shown ?? command).map { String($0.prefix(while: { $0 != " " && $0 != "\r" }).prefix(10)) } ?? "greeting"
            let reason = "\(verb): \(received) \(text)"
            let permanent = (500..<600).contains(received) && ![530, 534, 535, 538].contains(received)
            throw permanent ? TransportFailure.permanent(reason) : TransportFailure.transient(reason)
        }

        /// Authenticates with the mechanism the relay offers: PLAIN (RFC 4616) when offered or when the relay lists
        /// none, else LOGIN (the older exchange some relays still require). Secrets never appear in a failure.
        mutating func authenticate(_ username: String, _ password: String, offered: String) async throws {
            let mechanisms = Set(offered.uppercased().split(whereSeparator: \.isNewline)
                .flatMap { line in line.hasPrefix("AUTH") ? line.split(separator: " ").dropFirst().map(String.init) : [] })
            if mechanisms.isEmpty || mechanisms.contains("PLAIN") {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await expect(235, after: "AUTH PLAIN \(token)", shown: "AUTH")
            } else if mechanisms.contains("LOGIN") {
                try await expect(334, after: "AUTH LOGIN")
                try await expect(334, after: Data(username.utf8).base64EncodedString(), shown: "AUTH")
                try await expect(235, after: Data(password.utf8).base64EncodedString(), shown: "AUTH")
            } else {
                throw TransportFailure.transient("the relay offers AUTH \(mechanisms.sorted().joined(separator: " ")); Recoup speaks PLAIN and LOGIN")
            }
        }
    }

    /// Reads SMTP replies: lines `NNN-text` continue a reply, `NNN text` ends it.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

        mutating func next() async throws -> (Int, String) {
            var lines: [String] = []
            while true {
                while let range = pending.range(of: "\r\n") ?? pending.range(of: "\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    lines.append(line)
                    let bytes = Array(line.utf8)
                    if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") {
                        guard let code = Int(line.prefix(3)) else { throw TransportFailure.transient("not an SMTP reply: \(line)") }
                        // One line of text per reply line: EHLO's lists an extension per line.
                        return (code, lines.map { String($0.dropFirst(4)) }.joined(separator: "\n"))
                    }
                }
                guard let chunk = try await iterator.next() else { throw TransportFailure.transient("the relay closed the connection") }
                pending += String(buffer: chunk)
            }
        }
    }
}

/// Runs `body`, cancelling it with a transient failure if it takes longer than `timeout`.
func withDeadline(_ timeout: TimeAmount, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
            throw TransportFailure.transient("no answer within \(timeout.nanoseconds / 1_000_000_000) s")
        }
        defer { group.cancelAll() }
        try await group.next()
    }
}

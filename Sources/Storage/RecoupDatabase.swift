import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// Where the data lives.
public enum DatabaseLocation: Sendable, CustomStringConvertible {
    /// The embedded default: one SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL server, `postgres://user:pass@host:port/db?sslmode=disable`, optionally confined to one schema
    /// (tests give each run its own, so suites can run in parallel on one database).
    case postgres(url: String, schema: String? = nil)

    public var description: String {
        switch self {
        case let .sqlite(path): "SQLite file \(path)"
        case let .postgres(url, _):
            // Never print the password.
            "PostgreSQL \(url.replacingOccurrences(of: #"://[^@/]*@"#, with: "://…@", options: .regularExpression))"
        }
    }

    var isSQLite: Bool { if case .sqlite = self { true } else { false } }
}

/// An open database: FluentKit's `Databases` with the right driver, its event loops, and its migrations.
///
/// SQLite gets one event loop and so one writing connection: every write statement and transaction is serialised,
/// which is what SQLite needs for writers anyway, and `BEGIN` never meets `SQLITE_BUSY` from ourselves. A second,
/// query-only connection serves every read made outside a transaction (the store's listings and look-ups, API-key
/// authentication, the dispatcher's snapshot loads): in WAL mode a reader runs beside the writer, so a placement
/// file's long transaction holds no request's reads, and loading the next batch does not queue behind the current
/// batch's commits. PostgreSQL gets a pool per event loop.
public final class RecoupDatabase: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    let eventLoopGroup: MultiThreadedEventLoopGroup
    let logger: Logger

    public init(_ location: DatabaseLocation, logger: Logger = Logger(label: "recoup.storage")) throws {
        self.location = location
        self.logger = logger
        let loops: Int
        switch location {
        case .sqlite: loops = 1
        case .postgres: loops = max(2, System.coreCount)
        }
        eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        databases = Databases(threadPool: NIOThreadPool.singleton, on: eventLoopGroup)
        switch location {
        case let .sqlite(path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            databases.use(
                .sqlite(SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: true), sqlLogLevel: .trace),
                as: .sqlite)
            databases.use(
                .sqlite(SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: false), sqlLogLevel: .trace),
                as: .sqliteReader)
        case let .postgres(url, schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema {
                // In the startup message, not PostgresKit's `searchPath`: that runs `SET search_path` after connecting
                // and drops the connection unclosed when the query fails, which a pool shutting down beside a
                // connection still being opened makes happen (and debug builds then trap).
                let quoted = "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                configuration.coreConfiguration.options.additionalStartupParameters = [("search_path", quoted)]
            }
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace),
                as: .psql)
        }
    }

    /// A handle for one unit of work; cheap, make one per call.
    var database: any Database {
        databases.database(logger: logger, on: eventLoopGroup.any())!
    }

    var sql: any SQLDatabase { database as! any SQLDatabase }

    /// For reads that need no transaction of the caller's and may see any committed state: SQLite's query-only
    /// connection, or PostgreSQL's pool.
    var readSQL: any SQLDatabase {
        guard location.isSQLite else { return sql }
        return databases.database(.sqliteReader, logger: logger, on: eventLoopGroup.any())! as! any SQLDatabase
    }

    /// Raw SQL access for maintenance tools and tests (tamper drills); application code goes through the store.
    public var sqlDatabase: any SQLDatabase { sql }

    /// Applies every migration not yet applied, in order. Safe to run at every start.
    public func migrate() async throws {
        if location.isSQLite {
            // WAL lets readers proceed during an import and beside the writer; NORMAL sync is durable across
            // application crashes.
            _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
            // A 64 MB page cache and in-memory statement journals: a placement file is one transaction, and with
            // SQLite's 2 MB default its index pages spill to disk and are read back for every batch.
            try await sql.raw("PRAGMA cache_size=-65536").run()
            try await sql.raw("PRAGMA temp_store=MEMORY").run()
            // The reader: a page cache as large, and a refusal of any write that would slip through it.
            try await readSQL.raw("PRAGMA cache_size=-65536").run()
            try await readSQL.raw("PRAGMA query_only=1").run()
            // Checkpoint the WAL every 10,000 pages (40 MB) instead of 1,000: a page written by many commits is
            // copied into the database once per checkpoint, so the dispatcher's group commits (each touching a few
            // pages of every index per message) cost a third less.
            _ = try await sql.raw("PRAGMA wal_autocheckpoint=10000").all()
            // Several processes share one file (a server, dispatchers, the CLI): wait for a writer instead of failing.
            _ = try await sql.raw("PRAGMA busy_timeout=10000").all()
        }
        let migrations = Migrations()
        migrations.add(RecoupMigrations.all)
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger, on: eventLoopGroup.any(),
            migrationLogLevel: .debug)
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await eventLoopGroup.shutdownGracefully()
    }
}

extension DatabaseID {
    static let sqliteReader = DatabaseID(string: "sqlite-reader")
}

extension Database {
    func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { throw StorageError.unsupportedDatabase("not an SQL database") }
        return sql
    }
}

import Crypto
import Foundation
import RecoupApp
import RecoupCore
import SQLKit
import Storage

/// The databases every storage test runs on: a fresh SQLite file always, and PostgreSQL whenever
/// `RECOUP_TEST_POSTGRES_URL` is set (CI always sets it).
public enum TestDatabase: String, CustomStringConvertible, Sendable {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["RECOUP_TEST_POSTGRES_URL"]

    public static var available: [TestDatabase] {
        if postgresURL == nil {
            // CI always provides the server: there a missing URL is a broken set-up, never a quiet skip.
            precondition(ProcessInfo.processInfo.environment["CI"] != "true",
                         "CI is set but RECOUP_TEST_POSTGRES_URL is not: the PostgreSQL storage tests would be skipped")
            print("PostgreSQL storage tests skipped: RECOUP_TEST_POSTGRES_URL is not set (CI sets it).")
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }

    public var description: String { rawValue }

    /// Opens an empty, migrated database: a new SQLite file, or a new PostgreSQL schema of its own (so suites run
    /// in parallel on one server). Call ``OpenTestDatabase/close()`` when done; ``withStore(_:_:)`` does.
    public func open() async throws -> OpenTestDatabase {
        let database: RecoupDatabase
        var folder: URL?
        switch self {
        case .sqlite:
            let sqliteFolder = FileManager.default.temporaryDirectory.appendingPathComponent("recoup-tests-\(UUID().uuidString)")
            folder = sqliteFolder
            database = try RecoupDatabase(.sqlite(path: sqliteFolder.appendingPathComponent("test.sqlite").path))
        case .postgres:
            let url = Self.postgresURL ?? ""
            let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try RecoupDatabase(.postgres(url: url))
            do {
                try await admin.sqlDatabase.raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
                await admin.shutdown()
            } catch {
                await admin.shutdown()
                throw error
            }
            database = try RecoupDatabase(.postgres(url: url, schema: schema))
        }
        let keys = DataKeys(master: SymmetricKey(data: Data(repeating: 7, count: 32)))
        let opened = OpenTestDatabase(database: database, store: SQLStore(database: database, keys: keys), folder: folder)
        do {
            try await database.migrate()
        } catch {
            await opened.close()
            throw error
        }
        return opened
    }
}

/// A test's database and the store on it; ``close()`` shuts it down and deletes a SQLite file's folder, so test runs
/// leave nothing behind in the temporary directory.
public struct OpenTestDatabase: Sendable {
    public let database: RecoupDatabase
    public let store: SQLStore
    let folder: URL?

    public func close() async {
        await database.shutdown()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }
}

/// Runs a test body on an open database and always closes it.
public func withStore(_ kind: TestDatabase, _ body: (RecoupDatabase, SQLStore) async throws -> Void) async throws {
    let opened = try await kind.open()
    do {
        try await body(opened.database, opened.store)
        await opened.close()
    } catch {
        await opened.close()
        throw error
    }
}

/// Builders for test data with fixed instants (never the real clock).
public enum Fixture {
    public static let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21

    public static func debt(
        row: Int = 1, number: String, tenant: TenantID, client: ClientID, balance: Int64 = 123_456,
        first: String = "Pat", last: String = "Doe", ssn: String? = "123-45-6789", dob: String? = "1980-02-29",
        phone: String = "+15125550100", state: USState = .TX, zip: String = "78701", role: ConsumerRole = .primary
    ) -> PlacedDebt {
        let usd = Currency.usd
        let itemization = Itemization(
            itemizationDate: LocalDate(iso: "2025-06-30")!, itemizationDateType: .chargeOff,
            balanceAtItemization: Money(minorUnits: balance, currency: usd), interestSinceItemization: .zero(usd),
            feesSinceItemization: .zero(usd), paymentsSinceItemization: .zero(usd),
            creditsSinceItemization: .zero(usd), currentBalance: Money(minorUnits: balance, currency: usd))
        let account = Account(
            tenantID: tenant, clientID: client, placementID: PlacementID(), clientAccountNumber: number,
            originalCreditor: "Big Bank", currentCreditor: nil, debtType: .creditCard, openDate: nil,
            chargeOffDate: LocalDate(iso: "2025-06-30"), lastPaymentDate: nil, lastPaymentAmount: nil,
            itemization: itemization, status: .active, placedAt: start, studentLoanAccountNumber: nil, parties: [])
        let consumer = Consumer(
            tenantID: tenant, name: PersonName(first: first, last: last), dateOfBirth: dob.flatMap { LocalDate(iso: $0) },
            ssn: ssn.flatMap { SSN($0) }, language: "en",
            contactPoints: [
                ContactPoint(kind: .postal(PostalAddress(line1: "1 Main St", line2: nil, city: "Austin", state: state, zip: zip))),
                ContactPoint(kind: .phone(number: phone, type: .cell, source: .creditorFile, consent: .unknown)),
            ])
        return PlacedDebt(row: row, account: account, consumer: consumer, role: role)
    }
}

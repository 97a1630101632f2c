import Crypto
import Foundation
import RecoupApp
import RecoupCore
@testable import Storage

/// The databases every storage test runs on: a fresh SQLite file always, and PostgreSQL whenever
/// `RECOUP_TEST_POSTGRES_URL` is set (CI always sets it).
enum TestDatabase: String, CustomStringConvertible, Sendable {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["RECOUP_TEST_POSTGRES_URL"]

    static var available: [TestDatabase] {
        if postgresURL == nil {
            print("PostgreSQL storage tests skipped: RECOUP_TEST_POSTGRES_URL is not set (CI sets it).")
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }

    var description: String { rawValue }

    /// Opens an empty, migrated database. PostgreSQL tests share one database, so their suites are serialized
    /// and each test starts by reverting every migration.
    func open() async throws -> (RecoupDatabase, SQLStore) {
        let database: RecoupDatabase
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recoup-tests-\(UUID().uuidString)")
            database = try RecoupDatabase(.sqlite(path: folder.appendingPathComponent("test.sqlite").path))
        case .postgres:
            database = try RecoupDatabase(.postgres(url: Self.postgresURL ?? ""))
            try await database.sql.raw("DROP SCHEMA public CASCADE").run()
            try await database.sql.raw("CREATE SCHEMA public").run()
        }
        try await database.migrate()
        let keys = DataKeys(master: SymmetricKey(data: Data(repeating: 7, count: 32)))
        return (database, SQLStore(database: database, keys: keys))
    }
}

/// Runs a test body on an open database and always shuts it down.
func withStore(_ kind: TestDatabase, _ body: (RecoupDatabase, SQLStore) async throws -> Void) async throws {
    let (database, store) = try await kind.open()
    do {
        try await body(database, store)
        await database.shutdown()
    } catch {
        await database.shutdown()
        throw error
    }
}

/// Builders for test data with fixed instants (never the real clock).
enum Fixture {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21

    static func debt(
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

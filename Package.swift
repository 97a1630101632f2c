// swift-tools-version: 6.1
import PackageDescription

/// Strict settings for every target of ours: Swift 6 language mode plus the upcoming features that make
/// dependencies and existentials explicit.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Recoup",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recoup", targets: ["recoup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
    ],
    targets: [
        // Pure vocabulary: money, identifiers, accounts, consumers, calendar, time zones, placement rows.
        .target(name: "RecoupCore", swiftSettings: strict),
        // Pure compliance: the rule catalogue, the engine, validation periods, the check document.
        .target(
            name: "Compliance",
            dependencies: ["RecoupCore"],
            resources: [.process("Resources")],
            swiftSettings: strict
        ),
        // Pure rendering of letters: HTML and a pure-Swift PDF writer.
        .target(name: "Messaging", dependencies: ["RecoupCore", "Compliance", "Ledger"], swiftSettings: strict),
        // Pure ledger: entries, balances by bucket, allocation, reversals, interest accrual, the derived itemization.
        .target(name: "Ledger", dependencies: ["RecoupCore"], swiftSettings: strict),
        // Money's adapters: the card processor's REST client, NACHA files (writer, return parser, export and import),
        // reconciliation of the processor's report.
        .target(
            name: "Payments",
            dependencies: [
                "RecoupCore", "RecoupApp",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Pure message templates: mustache with typed variables, checked when saved, rendered per message.
        .target(
            name: "Templates",
            dependencies: ["RecoupCore", "Compliance", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        // Use cases and the ports (protocols) they need; audit chain rules.
        .target(
            name: "RecoupApp",
            dependencies: [
                "RecoupCore", "Compliance", "Templates", "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // FluentKit/SQLKit implementations of the ports, on SQLite and PostgreSQL.
        .target(
            name: "Storage",
            dependencies: [
                "RecoupCore", "RecoupApp", "Compliance", "Templates", "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Channel adapters behind RecoupApp's transport ports: the SMTP client and the SMS provider's REST client.
        .target(
            name: "Channels",
            dependencies: [
                "RecoupCore", "RecoupApp", "Messaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // openapi.yaml and the generated types and server protocol; nothing else.
        .target(
            name: "APISpec",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.copy("openapi.yaml")],
            // Generated code only: its unused `public import`s warn under Swift 6 and are not ours to edit.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Handlers implementing APISpec's protocol, auth, problem+json, health and metrics.
        .target(
            name: "HTTPAPI",
            dependencies: [
                "RecoupCore", "RecoupApp", "APISpec", "Compliance", "Messaging", "Templates", "Ledger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The CLI and bootstrap: configuration, wiring, ServiceGroup.
        .executableTarget(
            name: "recoup",
            dependencies: [
                "RecoupCore", "RecoupApp", "Storage", "HTTPAPI", "Compliance", "Messaging", "Channels", "Ledger", "Payments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "RecoupCoreTests", dependencies: ["RecoupCore"], swiftSettings: strict),
        .testTarget(
            name: "ComplianceTests", dependencies: ["RecoupCore", "Compliance"], resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "RecoupAppTests", dependencies: ["RecoupCore", "Compliance", "RecoupApp", "Templates", "RecoupTestSupport"],
            resources: [.copy("Snapshots")],
            swiftSettings: strict),
        .testTarget(
            name: "ChannelsTests",
            dependencies: [
                "RecoupApp", "Channels", "Compliance", "Messaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "TemplatesTests", dependencies: ["RecoupCore", "Templates", "RecoupTestSupport"], resources: [.copy("Snapshots")],
            swiftSettings: strict),
        .testTarget(name: "MessagingTests", dependencies: ["RecoupCore", "Compliance", "Messaging"], swiftSettings: strict),
        .testTarget(name: "LedgerTests", dependencies: ["RecoupCore", "Ledger"], swiftSettings: strict),
        .testTarget(
            name: "PaymentsTests",
            dependencies: [
                "RecoupCore", "RecoupApp", "Payments", "RecoupTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        // Real databases and fixtures shared by the storage and HTTP suites.
        .target(
            name: "RecoupTestSupport",
            dependencies: [
                "RecoupCore", "RecoupApp", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/RecoupTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "RecoupCore", "RecoupApp", "Storage", "Templates", "RecoupTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "RecoupCore", "RecoupApp", "Storage", "HTTPAPI", "RecoupTestSupport", "Compliance", "Payments",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)

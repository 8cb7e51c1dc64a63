// swift-tools-version:6.1
import PackageDescription

/// posrca: why card terminals show unknown return codes.
///
/// The targets follow the data, one way:
/// files → POSInput (bytes, gzip, lines) → POSFormats (records) → POSStore (SQLite)
/// → POSAnalysis → POSReports; POSIngest wires input, formats and store together; POSJobs
/// holds the runs the commands start (nightly, ingest, analyze, prune, report, …), their logger
/// and progress; `posrca` is the thin command line over them: options in, a job run, its exit
/// status out. POSQueries is the top-level `Queries/` folder, whose `.sql` files the
/// EmbedQueries build plugin builds into the binary.
///
/// Each target declares exactly the modules its sources (or tests) import.
let package = Package(
    name: "posrca",
    products: [
        .executable(name: "posrca", targets: ["posrca"]),
        .executable(name: "posrca-gen", targets: ["posrca-gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        .target(
            name: "POSInput",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "POSFormats", resources: [.embedInCode("builtin-codes.csv")]),
        .target(
            name: "POSStore",
            dependencies: ["CSQLite", "POSFormats"],
            resources: [.embedInCode("schema.sql")]
        ),
        .target(name: "POSIngest", dependencies: ["POSInput", "POSFormats", "POSStore"]),
        .target(name: "POSAnalysis", dependencies: ["POSStore", "POSFormats"]),
        .target(name: "POSReports", dependencies: ["POSStore", "POSAnalysis", "POSFormats", "POSInput", "POSQueries"]),
        // The canned queries stay at the top of the repository, where `posrca` looks for them;
        // the plugin embeds each `.sql` there on every build (no generated copy is committed).
        .target(name: "POSQueries", path: "Queries", plugins: ["EmbedQueries"]),
        .plugin(name: "EmbedQueries", capability: .buildTool(), dependencies: ["embed-queries"]),
        .executableTarget(name: "embed-queries"),
        .target(name: "POSJobs", dependencies: ["POSIngest", "POSStore", "POSAnalysis", "POSReports", "POSInput", "POSFormats"]),
        .target(name: "POSSampleData", dependencies: ["CZlib"]),
        .target(name: "POSEvaluation", dependencies: ["POSSampleData", "POSIngest", "POSAnalysis", "POSStore"]),

        .executableTarget(
            name: "posrca",
            dependencies: [
                "POSJobs", "POSFormats", "POSAnalysis", "POSReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "posrca-accuracy", dependencies: ["POSEvaluation", "POSAnalysis", "POSSampleData"]),
        .executableTarget(
            name: "posrca-gen",
            dependencies: [
                "POSSampleData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "POSInputTests", dependencies: ["POSInput"], resources: [.copy("Fixtures")]),
        .testTarget(name: "POSFormatsTests", dependencies: ["POSFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "POSStoreTests", dependencies: ["POSStore"]),
        .testTarget(name: "POSIngestTests", dependencies: ["POSIngest", "POSStore", "POSSampleData", "CZlib"]),
        .testTarget(
            name: "POSAnalysisTests",
            dependencies: ["POSAnalysis", "POSIngest", "POSStore", "POSSampleData", "POSEvaluation"],
            exclude: ["reference"]
        ),
        .testTarget(
            name: "POSReportsTests",
            dependencies: ["POSReports", "POSStore", "POSIngest", "POSAnalysis", "POSFormats", "POSInput", "POSSampleData"]
        ),
        .testTarget(name: "POSJobsTests", dependencies: ["POSJobs", "POSIngest", "POSReports", "POSFormats", "POSAnalysis", "POSStore"]),
        .testTarget(name: "POSSampleDataTests", dependencies: ["POSSampleData", "POSFormats"]),
        .testTarget(name: "posrcaTests", dependencies: ["posrca", "POSSampleData"]),
    ]
)

// Strict settings for every Swift target, in one place.
for target in package.targets where target.type != .system && target.type != .plugin {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

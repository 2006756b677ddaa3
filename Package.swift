// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "runexp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runexp", targets: ["runexp"]),
        .library(name: "RunexpPlan", targets: ["RunexpPlan"]),
        .library(name: "RunexpKernel", targets: ["RunexpKernel"]),
        .library(name: "RunexpResults", targets: ["RunexpResults"]),
        .library(name: "RunexpExecution", targets: ["RunexpExecution"]),
        .library(name: "RunexpReport", targets: ["RunexpReport"]),
        .library(name: "RunexpSession", targets: ["RunexpSession"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // git and sbatch: Foundation's Process took ~50 ms to start and reap `git status` here, 6 ms with this.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // experiment.yaml -> typed, validated, fully resolved plan; diagnostics with file:line:col.
        .target(
            name: "RunexpPlan",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Pure math: matrices, layers, losses, optimizers, metrics, seeded random numbers. No I/O.
        // Optimized in debug builds too: unoptimized SIMD code is ~100x slower, and `swift run`
        // and `swift test` build debug. -O gives the same bits as the release build's -O.
        .target(
            name: "RunexpKernel",
            dependencies: ["CRunexpKernelAVX2"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // AVX2+FMA products for RunexpKernel's `avx2-fma` code path: per-function target attributes, so
        // the package still builds for baseline x86-64 (and other CPUs); used only after runtime detection.
        // Optimized in debug builds too, like RunexpKernel.
        .target(
            name: "CRunexpKernelAVX2",
            cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]
        ),
        // The allocator's setting for large blocks (glibc's mallopt), for the command line tool.
        .target(name: "CRunexpMemory"),
        // The result folder and everything in it, written and read back: file names, tables and
        // their number format, the journal, records and metrics, statistics, provenance, shards.
        // Knows the plan, not the kernel. Optimized in debug builds too, with RunexpExecution: the
        // CSV reader and the data loader ran 11x slower unoptimized on a 200,000 × 50 table.
        .target(
            name: "RunexpResults",
            dependencies: ["RunexpPlan", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Data loading and splits, the scheduler over cores, runs on the kernel.
        .target(
            name: "RunexpExecution",
            dependencies: ["RunexpPlan", "RunexpResults", "RunexpKernel"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Terminal tables, plots and pages drawn from results.
        .target(
            name: "RunexpReport",
            dependencies: ["RunexpPlan", "RunexpResults"]
        ),
        // A run and a merge from file to finished folder: opening, resuming and sharding folders,
        // journaling, provenance, finishing. The command line calls it; tests call it in-process.
        .target(
            name: "RunexpSession",
            dependencies: ["RunexpPlan", "RunexpResults", "RunexpExecution", "RunexpReport"]
        ),
        // The thin command-line front end: arguments, printing, exit codes.
        .executableTarget(
            name: "runexp",
            dependencies: [
                "RunexpPlan", "RunexpResults", "RunexpExecution", "RunexpReport", "RunexpSession", "CRunexpMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test helpers the test targets share: temporary folders, running a program with a deadline,
        // and the built runexp binary. Foundation only.
        .target(name: "RunexpTestSupport", path: "Tests/RunexpTestSupport"),
        .testTarget(
            name: "RunexpPlanTests",
            dependencies: ["RunexpPlan", "RunexpTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RunexpKernelTests", dependencies: ["RunexpKernel"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "RunexpExecutionTests",
            dependencies: ["RunexpResults", "RunexpExecution", "RunexpPlan", "RunexpKernel", "RunexpTestSupport"],
            exclude: ["PlanJSONGoldens.txt"]
        ),
        .testTarget(
            name: "RunexpReportTests",
            dependencies: ["RunexpReport", "RunexpResults", "RunexpExecution", "RunexpPlan", "RunexpTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "RunexpSessionTests", dependencies: ["RunexpSession", "RunexpReport", "RunexpResults", "RunexpExecution", "RunexpPlan", "RunexpTestSupport"]),
        .testTarget(name: "RunexpCLITests", dependencies: ["runexp", "RunexpTestSupport"]),
    ]
)

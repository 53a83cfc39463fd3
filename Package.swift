// swift-tools-version:6.0
import PackageDescription

// Dependencies (each earns its place):
// - swift-argument-parser: the `inductive` command line (subcommands, validation, help).
// System libraries (not Swift packages):
// - OpenBLAS + LAPACKE on Linux (Accelerate on Apple platforms): matmul and dense linear algebra.
// - zlib: deflate for NPZ members and gzip for `.csv.gz` (part of every Debian base and macOS SDK).

let package = Package(
    name: "Inductive",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Inductive", targets: ["Inductive"]),
        .library(name: "InductiveTensor", targets: ["InductiveTensor"]),
        .library(name: "InductiveReport", targets: ["InductiveReport"]),
        .executable(name: "inductive", targets: ["inductive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"]), .brew(["openblas"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Vectorized elementwise kernels (C, multiversioned per x86-64 level at load time).
        .target(name: "CKernels"),
        .target(
            name: "InductiveTensor",
            dependencies: [
                "CKernels",
                .target(name: "CLinearAlgebra", condition: .when(platforms: [.linux, .windows, .android])),
                "CZlib",
            ],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS]))]
        ),
        // SVG charts, the HTML report and the CSV/JSON writers: draws data, computes none.
        .target(name: "InductiveReport", dependencies: ["InductiveTensor"]),
        .target(name: "Inductive", dependencies: ["InductiveTensor", "InductiveReport"]),
        .target(name: "InductiveTestSupport", dependencies: ["InductiveTensor"]),
        .executableTarget(
            name: "inductive",
            dependencies: [
                "Inductive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "InductiveTensorTests",
            dependencies: ["InductiveTensor", "InductiveTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "InductiveReportTests", dependencies: ["InductiveReport", "InductiveTensor"]),
    ]
)

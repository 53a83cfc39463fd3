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
        .target(name: "InductiveAutodiff", dependencies: ["InductiveTensor"]),
        .target(
            name: "InductiveNN",
            dependencies: ["InductiveTensor", "InductiveAutodiff"],
            resources: [.copy("Resources/digits.csv.gz"), .copy("Resources/DIGITS-README.md")]
        ),
        // The vectorized ReLU layer of the infinite-width kernels (C, multiversioned like CKernels).
        .target(name: "CKernelsNTK"),
        .target(name: "InductiveKernels", dependencies: ["CKernelsNTK", "InductiveTensor", "InductiveAutodiff", "InductiveNN"]),
        .target(name: "Inductive", dependencies: ["InductiveTensor", "InductiveAutodiff", "InductiveNN", "InductiveKernels"]),
        .target(name: "InductiveTestSupport", dependencies: ["InductiveTensor", "InductiveAutodiff"]),
        .executableTarget(
            name: "inductive",
            dependencies: [
                "Inductive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "InductiveNNTests",
            dependencies: ["InductiveNN", "InductiveTestSupport"]
        ),
        .testTarget(
            name: "InductiveAutodiffTests",
            dependencies: ["InductiveAutodiff", "InductiveTestSupport"]
        ),
        .testTarget(
            name: "InductiveKernelsTests",
            dependencies: ["InductiveKernels", "InductiveTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "InductiveTensorTests",
            dependencies: ["InductiveTensor", "InductiveTestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ]
)

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
        .library(name: "InductiveSymmetry", targets: ["InductiveSymmetry"]),
        .library(name: "InductiveKernels", targets: ["InductiveKernels"]),
        .library(name: "InductiveSolvers", targets: ["InductiveSolvers"]),
        .library(name: "InductiveDiscovery", targets: ["InductiveDiscovery"]),
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
        // Vectorized C loops (exp; the ReLU layer of the infinite-width kernels), multiversioned
        // per x86-64 level at load time.
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
            resources: [.copy("Resources/digits.csv.gz"), .copy("Resources/DIGITS-README.md"),
                        .copy("Resources/camera-256.npy"), .copy("Resources/CAMERA-README.md")]
        ),
        // Finite groups, exact actions, Reynolds projection, equivariant layers.
        .target(name: "InductiveSymmetry", dependencies: ["InductiveTensor", "InductiveAutodiff", "InductiveNN"]),
        .target(name: "InductiveKernels", dependencies: ["CKernels", "InductiveTensor", "InductiveAutodiff", "InductiveNN", "InductiveSymmetry"]),
        .target(name: "InductiveSolvers", dependencies: ["InductiveTensor"]),
        .target(name: "InductiveDiscovery", dependencies: ["CKernels", "InductiveSolvers", "InductiveTensor"]),
        // SVG charts, the HTML report and the CSV/JSON writers: draws data, computes none.
        .target(name: "InductiveReport", dependencies: ["InductiveTensor"]),
        .target(
            name: "InductiveExperiments",
            dependencies: ["InductiveTensor", "InductiveAutodiff", "InductiveNN", "InductiveSymmetry", "InductiveKernels", "InductiveSolvers",
                           "InductiveDiscovery", "InductiveReport"]
        ),
        .target(
            name: "Inductive",
            dependencies: ["InductiveTensor", "InductiveAutodiff", "InductiveNN", "InductiveSymmetry", "InductiveKernels", "InductiveSolvers",
                           "InductiveDiscovery", "InductiveReport", "InductiveExperiments"]
        ),
        .target(name: "InductiveTestSupport", dependencies: ["InductiveTensor", "InductiveAutodiff"]),
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
        .testTarget(name: "InductiveAutodiffTests", dependencies: ["InductiveAutodiff", "InductiveTensor", "InductiveTestSupport"]),
        .testTarget(name: "InductiveNNTests", dependencies: ["InductiveNN", "InductiveAutodiff", "InductiveTensor", "InductiveTestSupport"]),
        .testTarget(
            name: "InductiveSymmetryTests",
            dependencies: ["InductiveSymmetry", "InductiveNN", "InductiveAutodiff", "InductiveTensor", "InductiveTestSupport"]
        ),
        .testTarget(
            name: "InductiveKernelsTests",
            dependencies: ["InductiveKernels", "InductiveSymmetry", "InductiveNN", "InductiveAutodiff", "InductiveTensor", "InductiveTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "InductiveSolversTests",
            dependencies: ["InductiveSolvers", "InductiveTensor", "InductiveTestSupport"]
        ),
        .testTarget(
            name: "InductiveDiscoveryTests",
            dependencies: ["CKernels", "InductiveDiscovery", "InductiveSolvers", "InductiveTensor", "InductiveTestSupport"]
        ),
        .testTarget(name: "InductiveReportTests", dependencies: ["InductiveReport", "InductiveTensor", "InductiveTestSupport"]),
        .testTarget(
            name: "InductiveExperimentsTests",
            dependencies: ["InductiveExperiments", "InductiveReport", "InductiveTensor", "InductiveTestSupport"]
        ),
        // Runs the built `inductive` executable as a user would: exit status, stderr, files left.
        .testTarget(name: "InductiveCLITests", dependencies: ["inductive"]),
    ]
)

// swift-tools-version: 6.1
//
// MoKus in Swift: knowledge editing for the LLM text encoders of text-to-image models.
// The folder tree reads as the architecture; see docs/architecture.md.

import PackageDescription

let package = Package(
    name: "MoKus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Tensors", targets: ["Tensors"]),
        .executable(name: "mokus-bench", targets: ["mokus-bench"]),
    ],
    dependencies: [
        // YAML (hparams, configs): Yams vendors libyaml, so no system YAML library is needed to build.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libopenblas-dev liblapacke-dev libpng-dev).
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),

        // Tensors: storage, kernels, autodiff; every matrix product goes through CBLAS.
        .target(name: "Tensors", dependencies: ["COpenBLAS"]),

        // Benchmarks: a separate executable, never timed assertions in tests.
        .executableTarget(name: "mokus-bench", dependencies: ["Tensors"]),

        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
    ]
)

// swift-tools-version: 6.1
//
// MoKus in Swift: knowledge editing for the LLM text encoders of text-to-image models.
// The folder tree reads as the architecture; see docs/architecture.md.

import PackageDescription

/// Instruction set for the element-wise kernels. Swift compiles for baseline x86-64 (SSE2) by
/// default, which makes the vectorised exp/tanh/norm loops 2–3× slower than with AVX2 + FMA.
/// On x86-64 we target Haswell-class CPUs (AVX2, FMA; every x86-64 server CPU since ~2015).
/// Set `MOKUS_TARGET_CPU` to override it when building (`x86-64` for older CPUs, `znver4` or
/// `skylake-avx512` for AVX-512), or to an empty string to pass no flag at all.
let kernelSettings: [SwiftSetting] = {
    #if arch(x86_64)
    let cpu = Context.environment["MOKUS_TARGET_CPU"] ?? "haswell"
    return cpu.isEmpty ? [] : [.unsafeFlags(["-target-cpu", cpu])]
    #else
    return []
    #endif
}()

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
        .target(name: "Tensors", dependencies: ["COpenBLAS"], swiftSettings: kernelSettings),

        // Benchmarks: a separate executable, never timed assertions in tests.
        // (References/ holds the numpy script it runs, in the same command, as the reference.)
        .executableTarget(name: "mokus-bench", dependencies: ["Tensors"], exclude: ["References"]),

        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
    ]
)

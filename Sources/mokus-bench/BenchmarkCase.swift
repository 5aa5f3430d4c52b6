import Foundation

/// One measured operation: our implementation, and the parameters the numpy reference script
/// uses to run the same operation.
struct BenchmarkCase {
    let name: String
    /// Reference-script parameters (`kind` selects the numpy function); nil when there is none.
    let reference: [String: Int]?
    let referenceKind: String?
    /// Work per run, to report a rate: floating-point operations or bytes moved.
    let work: Work
    let repeats: Int
    let run: () -> Void

    enum Work {
        case flops(Double)
        case bytes(Double)
        case none

        func rate(seconds: Double) -> String {
            switch self {
            case .flops(let f): String(format: "%.1f GFLOP/s", f / seconds / 1e9)
            case .bytes(let b): String(format: "%.1f GB/s", b / seconds / 1e9)
            case .none: ""
            }
        }
    }

    /// Median wall time of `repeats` runs after one warm-up run.
    func measure() -> Double {
        Measure.medianSeconds(repeats: repeats, warmUp: 1, run)
    }
}

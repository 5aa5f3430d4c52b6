import Tensors

/// One comparison of a GPU result with the CPU backend's result for the same inputs.
///
/// The error is max|gpu − cpu| / max(max|cpu|, 1e-30): a max-norm relative error over the whole
/// tensor (the measure TensorsTests' `expectClose` uses), so near-zero entries do not dominate.
public struct ParityResult: Sendable, CustomStringConvertible {
    public let name: String
    public let error: Float
    public let tolerance: Float
    public var passed: Bool { error <= tolerance }

    public var description: String {
        let status = passed ? "ok  " : "FAIL"
        return "\(status) \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) error \(String(format: "%.2e", error))  tolerance \(String(format: "%.1e", tolerance))"
    }

    /// Compares `gpu` with the CPU reference `cpu` (same shape, or the result fails with error ∞).
    public init(name: String, gpu: Tensor, cpu: Tensor, tolerance: Float) {
        self.name = name
        self.tolerance = tolerance
        guard gpu.shape == cpu.shape else {
            error = .infinity
            return
        }
        let pairs = zip(gpu.scalars, cpu.scalars)
        let scale = max(cpu.scalars.map(Swift.abs).max() ?? 0, 1e-30)
        let worst = pairs.map { $0.isNaN != $1.isNaN ? Float.infinity : ($0.isNaN ? 0 : Swift.abs($0 - $1)) }.max() ?? 0
        error = worst / scale
    }
}

/// The tolerances of the parity suite (max-norm relative errors, see ``ParityResult``).
///
/// - exact: storage casts, which round the same way on both sides.
/// - float32: element-wise and row kernels in Float32 (different but correctly rounded `expf`
///   / `tanhf` against the CPU's ``FastMath`` approximations, other summation orders).
/// - float32GEMM: Float32 products (cuBLAS without TF32) against OpenBLAS sgemm.
/// - bfloat16GEMM: products of bf16-rounded inputs against the CPU's Float32 product of the
///   unrounded inputs: bf16 keeps 8 significant bits (relative rounding 2⁻⁹ per input).
/// - attention: two products and a softmax; bf16 rounds q, k, v and the probabilities.
public enum ParityTolerance {
    public static let exact: Float = 0
    public static let float32: Float = 2e-5
    public static let float32GEMM: Float = 1e-5
    public static let bfloat16GEMM: Float = 1.5e-2
    public static let float32Attention: Float = 5e-5
    public static let bfloat16Attention: Float = 3e-2
}

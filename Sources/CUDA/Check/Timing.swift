import Foundation
import Tensors

/// GPU timings of the backend's heavy operations at the shapes of the real models, for
/// `mokus-cuda check --timing` and docs/benchmarks.md. Each case runs twice to warm up (kernel
/// compilation, cuBLAS heuristics, allocator cache), then `iterations` times between two stream
/// synchronisations; the time is the wall-clock mean per iteration.
public enum Timing {
    public struct Result: Sendable, CustomStringConvertible {
        public let name: String
        public let milliseconds: Double
        /// Floating-point operations of one iteration (0 for memory-bound cases).
        public let flops: Double
        /// Bytes read and written by one iteration.
        public let bytes: Double

        public var description: String {
            let rate = flops > 0 ? String(format: "%7.1f TFLOP/s", flops / milliseconds / 1e9) : String(format: "%7.1f GB/s", bytes / milliseconds / 1e6)
            return "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(format: "%9.3f", milliseconds)) ms  \(rate)"
        }
    }

    /// Times `body` on `device`.
    public static func measure(
        _ name: String, on device: CUDADevice, iterations: Int = 20, flops: Double = 0, bytes: Double = 0, _ body: () throws -> Void
    ) throws -> Result {
        for _ in 0..<2 { try body() }
        try device.synchronize()
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        try device.synchronize()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Result(name: name, milliseconds: seconds * 1000 / Double(iterations), flops: flops, bytes: bytes)
    }

    /// The standard cases: bf16 and Float32 GEMMs (square, and Qwen2.5-7B's MLP up-projection at
    /// 4096 tokens), attention at Qwen2.5-7B's (28 query heads, 4 key heads, causal) and a
    /// 1024² Qwen-Image step's shapes (24 heads, 4096 image + 256 text tokens), RMSNorm and softmax.
    public static func standard(on device: CUDADevice) throws -> [Result] {
        var random = RandomGenerator(seed: 5)
        var results: [Result] = []
        for (m, n, k, label) in [(4096, 4096, 4096, "4096³"), (8192, 8192, 8192, "8192³"), (4096, 18944, 3584, "Qwen2.5-7B MLP up 4096 tok")] {
            for dtype in [DType.bfloat16, .float32] where dtype == .bfloat16 || m == 4096 {
                let a = try device.cast(device.upload(random.normal([m, k]) * 0.1), to: dtype)
                let b = try device.cast(device.upload(random.normal([k, n]) * 0.1), to: dtype)
                results.append(try measure("matmul \(dtype.rawValue) \(label)", on: device, flops: 2 * Double(m * n * k)) {
                    _ = try device.matmul(a, b)
                })
            }
        }
        for (heads, keyHeads, length, causal, label) in [(28, 4, 4096, true, "Qwen2.5-7B 4096 tok causal"), (24, 24, 4352, false, "Qwen-Image 1024² joint")] {
            let q = try device.upload(random.normal([1, heads, length, 128]))
            let k = try device.upload(random.normal([1, keyHeads, length, 128]))
            let v = try device.upload(random.normal([1, keyHeads, length, 128]))
            let flops = 4 * Double(heads * length * length * 128) * (causal ? 0.5 : 1)
            for precision in [DType.bfloat16, .float32] {
                results.append(try measure("attention \(precision.rawValue) \(label)", on: device, iterations: 10, flops: flops) {
                    _ = try device.attention(query: q, key: k, value: v, causal: causal, precision: precision)
                })
            }
        }
        let x = try device.upload(random.normal([4096, 3584])), w = try device.upload(random.normal([3584]))
        results.append(try measure("rmsNorm f32 [4096, 3584]", on: device, iterations: 50, bytes: 2 * 4 * 4096 * 3584) {
            _ = try device.rmsNorm(x, weight: w, epsilon: 1e-6)
        })
        results.append(try measure("softmax f32 [4096, 3584]", on: device, iterations: 50, bytes: 2 * 4 * 4096 * 3584) {
            _ = try device.softmax(x)
        })
        results.append(try measure("silu f32 [4096, 3584]", on: device, iterations: 50, bytes: 2 * 4 * 4096 * 3584) {
            _ = try device.unary(.silu, x)
        })
        return results
    }
}

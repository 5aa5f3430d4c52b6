import Tensors

/// The foundation's benchmark rows: GEMM, attention forward+backward, row kernels.
enum TensorBenchmarks {
    static func cases(quick: Bool) -> [BenchmarkCase] {
        gemm(sizes: quick ? [256, 1024] : [256, 1024, 2048, 4096]) + attention(quick: quick) + rowKernels(quick: quick)
            + widening(quick: quick)
    }

    /// bf16 and f16 → Float32 conversion of 64M values (16M with `--quick`), what every use of a
    /// bf16/f16 checkpoint matrix costs: 2 bytes read and 4 written per value, reported as GB/s of
    /// that traffic. The array is the same on both sides: value i has the bits (i · 40503) mod 2¹⁶
    /// (every 16-bit pattern, NaNs and subnormals included). numpy has no bf16 type, so its bf16
    /// row shifts the bits into a preallocated uint32 buffer; its f16 row is `astype(np.float32)`.
    static func widening(quick: Bool) -> [BenchmarkCase] {
        let count = quick ? 1 << 24 : 1 << 26
        let bits = (0..<count).map { UInt16(truncatingIfNeeded: $0 &* 40503) }
        let output = UnsafeMutablePointer<Float>.allocate(capacity: count)
        output.initialize(repeating: 0, count: count)
        return [(DType.bfloat16, "bf16"), (.float16, "f16")].map { dtype, label in
            BenchmarkCase(
                name: "\(label) → f32 \(count >> 20)M values", reference: ["count": count], referenceKind: "\(label)_decode",
                work: .bytes(Double(6 * count)), repeats: 7
            ) { bits.withUnsafeBytes { dtype.decode($0.baseAddress!, count: count, into: output) } }
        }
    }

    /// C = A·B for square Float32 matrices: 2n³ flops.
    static func gemm(sizes: [Int]) -> [BenchmarkCase] {
        sizes.map { n in
            var rng = RandomGenerator(seed: 1)
            let a = rng.normal([n, n]), b = rng.normal([n, n])
            return BenchmarkCase(
                name: "gemm \(n)²", reference: ["n": n], referenceKind: "gemm",
                work: .flops(2 * Double(n * n * n)), repeats: n >= 2048 ? 3 : 10
            ) { _ = a.matmul(b) }
        }
    }

    /// Causal attention forward + backward through the tape, B×H×L×D. Flops: 4·B·H·L²·D forward
    /// and 8·B·H·L²·D backward in GEMMs (the causal half is computed, as numpy does).
    static func attention(quick: Bool) -> [BenchmarkCase] {
        let (b, h, l, d) = (1, quick ? 4 : 16, quick ? 512 : 1024, 64)
        var rng = RandomGenerator(seed: 2)
        let q = rng.normal([b, h, l, d]), k = rng.normal([b, h, l, d]), v = rng.normal([b, h, l, d])
        let g = rng.normal([b, h, l, d])
        return [BenchmarkCase(
            name: "attention fwd+bwd \(b)×\(h)×\(l)×\(d)",
            reference: ["batch": b, "heads": h, "length": l, "width": d], referenceKind: "attention",
            work: .flops(12 * Double(b * h * l * l * d)), repeats: 5
        ) {
            let tape = Tape()
            let (tq, tk, tv) = (tape.variable(q), tape.variable(k), tape.variable(v))
            let out = Tensor.scaledDotProductAttention(query: tq, key: tk, value: tv, causal: true)
            _ = tape.gradients(of: out, withRespectTo: [tq, tk, tv], seed: g)
        }]
    }

    /// RMSNorm, softmax and SiLU over 16M floats (4096 rows of 4096): one read and one write of
    /// 64 MB each, reported as GB/s of that minimum traffic.
    static func rowKernels(quick: Bool) -> [BenchmarkCase] {
        let (rows, width) = (quick ? 1024 : 4096, 4096)
        var rng = RandomGenerator(seed: 3)
        let x = rng.normal([rows, width]), w = Tensor.ones([width])
        let bytes = Double(2 * rows * width * 4)
        let reference = ["rows": rows, "width": width]
        let label = "\(rows * width / (1 << 20))M floats"
        return [
            BenchmarkCase(name: "rmsnorm \(label)", reference: reference, referenceKind: "rmsnorm",
                          work: .bytes(bytes), repeats: 7) { _ = x.rmsNorm(weight: w, epsilon: 1e-6) },
            BenchmarkCase(name: "softmax \(label)", reference: reference, referenceKind: "softmax",
                          work: .bytes(bytes), repeats: 7) { _ = x.softmax() },
            BenchmarkCase(name: "silu \(label)", reference: reference, referenceKind: "silu",
                          work: .bytes(bytes), repeats: 7) { _ = x.silu() },
        ]
    }
}

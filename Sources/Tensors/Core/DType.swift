/// Storage element types of checkpoint tensors. Compute is always Float32; these say how values
/// are stored on disk or in memory-mapped files and how they convert.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float32 = "F32"
    case bfloat16 = "BF16"
    case float16 = "F16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: 4
        case .bfloat16, .float16: 2
        }
    }
}

extension DType {
    /// Converts `count` stored elements at `source` into Float32 at `destination`, split across
    /// cores above ``Parallel``'s threshold. `source` needs no particular alignment.
    ///
    /// The loops are written per element; compiled for the package's x86-64 target (Haswell: AVX2,
    /// F16C) they vectorise to `vpmovzxwd` + `vpslld` (bf16: the 16 bits become the high half of the
    /// Float32) and `vcvtph2ps` (f16), 16 values per iteration, as the disassembly of a release build
    /// shows; explicit `SIMD16` code measured the same (memory-bound, ~38 GB/s of 6 bytes per value
    /// on one core here; see docs/benchmarks.md).
    public func decode(
        _ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        Parallel.forEachRange(count) { range in
            decodeSerially(source + range.lowerBound * byteSize, count: range.count, into: destination + range.lowerBound)
        }
    }

    private func decodeSerially(
        _ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        switch self {
        case .float32:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
        case .bfloat16:
            for i in 0..<count {
                let bits = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                destination[i] = BFloat16Conversion.float(UInt16(littleEndian: bits))
            }
        case .float16:
            for i in 0..<count {
                let bits = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                destination[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits)))
            }
        }
    }

    /// Converts `count` Float32 values into this storage type at `destination` (little-endian).
    /// bf16 rounds to nearest even and keeps NaN a NaN; f16 rounds as `Float16.init(_:)` does.
    public func encode(
        _ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer
    ) {
        switch self {
        case .float32:
            destination.copyMemory(from: source, byteCount: count * 4)
        case .bfloat16:
            for i in 0..<count {
                let bits = BFloat16Conversion.bits(source[i]).littleEndian
                destination.storeBytes(of: bits, toByteOffset: 2 * i, as: UInt16.self)
            }
        case .float16:
            for i in 0..<count {
                let bits = Float16(source[i]).bitPattern.littleEndian
                destination.storeBytes(of: bits, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
    }
}

/// bfloat16 ⇄ Float32. A bfloat16 is the upper 16 bits of a Float32.
public enum BFloat16Conversion {
    /// Exact widening: the 16 bits become the high half of the Float32.
    @inline(__always)
    public static func float(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Narrowing with round-to-nearest-even on the 16 dropped bits. NaNs stay NaN (quiet bit set,
    /// sign kept); ±∞ and values that round past the largest finite bf16 become ±∞.
    @inline(__always)
    public static func bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let lsb = (bits >> 16) & 1
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ lsb) >> 16)
    }
}

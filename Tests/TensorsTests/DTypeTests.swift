import Testing
@testable import Tensors

@Suite("Storage dtypes")
struct DTypeTests {
    @Test("bf16 rounds to nearest even on the dropped 16 bits")
    func bfloat16RoundsToNearestEven() {
        // 1 + 2⁻⁸ lies exactly halfway between bf16 neighbours 1 and 1 + 2⁻⁷: ties go to even (1).
        #expect(BFloat16Conversion.bits(1 + 0x1p-8) == 0x3F80)
        // 1 + 3·2⁻⁸ is halfway between 1 + 2⁻⁷ (odd) and 1 + 2⁻⁶ (even): rounds up to even.
        #expect(BFloat16Conversion.bits(1 + 3 * 0x1p-8) == 0x3F82)
        // Just above halfway rounds up.
        #expect(BFloat16Conversion.bits(1 + 0x1p-8 + 0x1p-20) == 0x3F81)
        #expect(BFloat16Conversion.bits(-2.5) == 0xC020)
    }

    @Test("bf16 keeps NaN a NaN, infinities infinite, and overflows to infinity")
    func bfloat16SpecialValues() {
        let nanPayloadLow = Float(bitPattern: 0x7F80_0001)   // NaN whose payload is only in low bits
        #expect(BFloat16Conversion.float(BFloat16Conversion.bits(nanPayloadLow)).isNaN)
        #expect(BFloat16Conversion.float(BFloat16Conversion.bits(-.nan)).isNaN)
        #expect(BFloat16Conversion.float(BFloat16Conversion.bits(.infinity)) == .infinity)
        #expect(BFloat16Conversion.float(BFloat16Conversion.bits(-.infinity)) == -.infinity)
        #expect(BFloat16Conversion.float(BFloat16Conversion.bits(.greatestFiniteMagnitude)) == .infinity)
    }

    @Test("Round trips through every storage dtype", arguments: DType.allCases)
    func roundTrip(dtype: DType) {
        let values: [Float] = [0, -0.0, 1, -1.5, 3.140625, 65504, 1e-3, -7.25]
        var bytes = [UInt8](repeating: 0, count: values.count * dtype.byteSize)
        var decoded = [Float](repeating: .nan, count: values.count)
        bytes.withUnsafeMutableBytes { raw in
            values.withUnsafeBufferPointer { dtype.encode($0.baseAddress!, count: values.count, into: raw.baseAddress!) }
            decoded.withUnsafeMutableBufferPointer { dtype.decode(UnsafeRawPointer(raw.baseAddress!), count: values.count, into: $0.baseAddress!) }
        }
        for (value, back) in zip(values, decoded) {
            let tolerance: Float = switch dtype {
            case .float32: 0
            case .bfloat16: Swift.abs(value) * 0x1p-8
            case .float16: Swift.abs(value) * 0x1p-11 + 1e-7
            }
            #expect(Swift.abs(back - value) <= tolerance, "\(dtype): \(value) came back as \(back)")
        }
    }

    @Test("bf16 encoding is little-endian")
    func littleEndian() {
        var bytes = [UInt8](repeating: 0, count: 2)
        let one: [Float] = [1]
        bytes.withUnsafeMutableBytes { raw in one.withUnsafeBufferPointer { DType.bfloat16.encode($0.baseAddress!, count: 1, into: raw.baseAddress!) } }
        #expect(bytes == [0x80, 0x3F])
    }
}

import Foundation
import Testing
import TestSupport
@testable import Tensors

/// ``Tensor/matmul(stored:transposeWeight:)``: the block-by-block product of a bf16/f16 matrix
/// equals the product with the whole matrix converted, in value and in gradient.
@Suite("Stored-matrix products")
struct StoredMatrixTests {
    /// A 7 × 5 matrix stored as `dtype`, its Float32 value, and the bytes' owner.
    final class Stored {
        let bytes: UnsafeMutableRawPointer
        let value: Tensor
        let dtype: DType
        init(rows: Int, columns: Int, dtype: DType, seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            let values = rng.uniform([rows, columns], low: -1, high: 1)
            let stored = UnsafeMutableRawPointer.allocate(byteCount: values.count * dtype.byteSize, alignment: 2)
            values.withUnsafeBufferPointer { dtype.encode($0.baseAddress!, count: values.count, into: stored) }
            self.dtype = dtype
            bytes = stored
            value = Tensor(shape: values.shape) { dtype.decode(stored, count: values.count, into: $0.baseAddress!) }
        }
        deinit { bytes.deallocate() }

        func matrix(blockElements: Int) -> StoredMatrix {
            StoredMatrix(rows: value.shape[0], columns: value.shape[1], dtype: dtype, bytes: bytes, owner: self, blockElements: blockElements)
        }
    }

    static let cases: [(DType, Bool, Int)] = [DType.bfloat16, .float16].flatMap { dtype in
        // 2 rows per block (blocks of 2, 2, 2, 1 rows), one row, and the whole matrix at once.
        [true, false].flatMap { transposed in [10, 5, 1 << 20].map { (dtype, transposed, $0) } }
    }

    @Test("equals the product with the converted matrix, for any block size", arguments: cases)
    func forward(dtype: DType, transposed: Bool, blockElements: Int) {
        let stored = Stored(rows: 7, columns: 5, dtype: dtype, seed: 1)
        var rng = RandomGenerator(seed: 2)
        let x = rng.normal([2, 3, transposed ? 5 : 7])
        let expected = x.matmul(stored.value, transposeOther: transposed)
        let found = x.matmul(stored: stored.matrix(blockElements: blockElements), transposeWeight: transposed)
        #expect(found.shape == expected.shape)
        let error = zip(found.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(error <= 1e-5, "max |difference| \(error)")
    }

    @Test("its gradient with respect to the input passes the finite-difference check", arguments: [true, false])
    func gradient(transposed: Bool) {
        let stored = Stored(rows: 7, columns: 5, dtype: .bfloat16, seed: 3)
        var rng = RandomGenerator(seed: 4)
        let x = rng.uniform([3, transposed ? 5 : 7], low: -1, high: 1)
        let report = GradientCheck.check([x]) { $0[0].matmul(stored: stored.matrix(blockElements: 10), transposeWeight: transposed) }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }
}

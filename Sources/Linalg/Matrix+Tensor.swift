import Tensors

extension Matrix {
    /// The values of a rank-2 tensor of shape `[rows, columns]`, converted to `Scalar`
    /// (exactly: every Float32 value is representable in both `Float` and `Double`).
    /// - Throws: ``LinalgError/notAMatrix(tensorShape:)`` when the tensor is not rank 2.
    public init(_ tensor: Tensor) throws(LinalgError) {
        guard tensor.rank == 2 else { throw .notAMatrix(tensorShape: tensor.shape) }
        let values = tensor.withUnsafeBufferPointer { buffer in buffer.map { Scalar($0) } }
        self.init(rows: tensor.shape[0], columns: tensor.shape[1], validatedScalars: values)
    }
}

extension Tensor {
    /// A rank-2 Float32 tensor of shape `[rows, columns]` holding the matrix's values, each rounded
    /// to the nearest `Float` (`Double` values beyond Float's range become ±infinity).
    public init<Scalar: LinalgScalar>(_ matrix: Matrix<Scalar>) {
        self.init(shape: matrix.shape) { buffer in
            matrix.scalars.withUnsafeBufferPointer { source in
                for i in source.indices { buffer[i] = Float(source[i]) }
            }
        }
    }
}

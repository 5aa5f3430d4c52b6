import KnowledgeEditing
import Linalg
import ModelIO
import Tensors

/// The projector P = U₀ U₀ᵀ onto the approximate null space of a layer's preserved keys
/// (EasyEdit `get_project`): U₀ are the unit eigenvectors of C = E[k kᵀ] whose eigenvalue λ has
/// |λ| < threshold.
///
/// EasyEdit takes a full SVD of C and keeps the left singular vectors whose singular value is
/// below `nullspace_threshold`; C is symmetric, so its singular values are the |λ| and its
/// singular vectors its eigenvectors: the symmetric eigendecomposition (LAPACK `dsyevd`) gives
/// the same subspace at a third of the cost. The threshold is absolute, as in EasyEdit.
///
/// Since C ∝ K₀ K₀ᵀ for the keys K₀ the statistics were collected on, ‖P k₀‖² = Σ over the kept
/// eigenvectors of (u·k₀)², and Σ_{k₀} (u·k₀)² = N λ_u: every preserved key is (nearly) orthogonal
/// to the kept directions, so an update Δ = R Bᵀ with B = P B leaves W k₀ unchanged.
///
/// Only U₀ (d × m, m = ``nullSpaceDimension``) is kept; P itself is formed on request
/// (``matrix``), since the editor applies it through U₀.
public struct NullSpaceProjector: Sendable, Equatable {
    /// U₀: the d × m orthonormal basis of the null space (columns in ascending eigenvalue order).
    public let basis: Matrix<Double>
    /// The eigenvalues of C, ascending.
    public let eigenvalues: [Double]
    /// The bound on |λ| below which an eigenvector is kept.
    public let threshold: Double

    /// d: the key width (C is d × d).
    public var dimension: Int { basis.rows }
    /// m: the number of kept eigenvectors (the rank of P).
    public var nullSpaceDimension: Int { basis.columns }

    /// The projector of the second moment `secondMoment` (a square Float32 tensor).
    ///
    /// - Throws: ``LinalgError`` when C is not a square matrix, holds NaN or infinity, or its
    ///   eigendecomposition does not converge.
    /// - Complexity: about 9d³ flops in Float64 (`dsyevd`); 8d² bytes for C and as much for the
    ///   eigenvectors (Qwen2.5-7B, d = 18944: 2.9 GB each).
    public init(secondMoment: Tensor, threshold: Double) throws {
        let decomposition = try symmetricEigen(Matrix<Double>(try Matrix<Float>(secondMoment)))
        let kept = decomposition.eigenvalues.indices.filter { abs(decomposition.eigenvalues[$0]) < threshold }
        let vectors = decomposition.eigenvectors
        basis = Matrix(rows: vectors.rows, columns: kept.count) { row, column in vectors[row, kept[column]] }
        eigenvalues = decomposition.eigenvalues
        self.threshold = threshold
    }

    /// P = U₀ U₀ᵀ, d × d, in Float32.
    /// - Complexity: 2d²m flops.
    public var matrix: Tensor {
        get throws { Tensor(try Linalg.matmul(basis, basis, transposeB: true)) }
    }

    /// The projector for `module` from `secondMoment`, computed once and then read from `state`'s
    /// caches under ``cacheKey(fingerprint:module:threshold:secondMoment:)``.
    ///
    /// - Throws: ``AlphaEditError/projectorShapeMismatch(module:expected:found:)`` when the entry
    ///   found under the key is not d × d for C's d; the errors of ``init(secondMoment:threshold:)``.
    public static func cached(
        for module: String, fingerprint: String, secondMoment: Tensor, threshold: Double, state: EditState
    ) throws -> NullSpaceProjector {
        let key = cacheKey(fingerprint: fingerprint, module: module, threshold: threshold, secondMoment: secondMoment)
        let projector = try state.cached(key) {
            try NullSpaceProjector(secondMoment: secondMoment, threshold: threshold)
        }
        guard projector.dimension == secondMoment.shape.first else {
            throw AlphaEditError.projectorShapeMismatch(
                module: module, expected: secondMoment.shape.first ?? 0, found: projector.dimension)
        }
        return projector
    }

    /// `alphaedit.projector|<fingerprint>|<module>|<threshold>|<SHA-256 of C's shape and Float32 bytes>`:
    /// everything P depends on, and never a file path (EasyEdit's single `null_space_project.pt`
    /// is silently reused for any model).
    /// - Complexity: one pass over C's 4d² bytes.
    public static func cacheKey(
        fingerprint: String, module: String, threshold: Double, secondMoment: Tensor
    ) -> String {
        var hasher = SHA256()
        for extent in secondMoment.shape { hasher.update(littleEndian: UInt64(extent)) }
        secondMoment.withUnsafeBufferPointer { hasher.update(UnsafeRawBufferPointer($0)) }
        return "alphaedit.projector|\(fingerprint)|\(module)|\(threshold)|\(hasher.finalize())"
    }
}

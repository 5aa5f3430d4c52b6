import ModelInterfaces
import Tensors

/// A knowledge-editing method (ROME, MEMIT, AlphaEdit, UltraEdit, …): computes weight deltas
/// that make a ``TextEncoder`` answer a batch of ``EditRequest``s with their new targets.
///
/// Editors are *pure with respect to the model*: they read activations and gradients through
/// the encoder's hooks, may set temporary parameter values while they work (restoring them
/// before they return), and return their update as ``WeightDelta``s. ``EditSession`` applies,
/// records, undoes and saves those deltas; an editor never changes weights behind its back.
/// Editor state that must outlive one call (covariance caches, AlphaEdit's projector and key
/// cache, UltraEdit's normaliser) lives in the ``EditState`` passed in.
///
/// Editors are created from an hparams YAML file by ``EditorRegistry``, keyed by `alg_name`.
public protocol KnowledgeEditor {
    /// The EasyEdit `alg_name` this editor implements (e.g. `"ROME"`).
    static var algorithmName: String { get }

    /// Computes the update for `requests` against the encoder's current weights.
    ///
    /// - Parameters:
    ///   - requests: the edits; editors that cannot batch (ROME) reject more than one.
    ///   - encoder: the model; its parameters are as the session has left them (earlier
    ///     sequential edits included).
    ///   - state: persistent editor state (caches, statistics) for this model.
    ///
    /// Phases and steps go to ``progress``; editors never print.
    /// - Throws: errors naming the request and what is wrong (subject not in prompt, empty target,
    ///   …) before any computation; the encoder's parameters are unchanged when it throws.
    func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState
    ) throws -> EditResult

    /// Where the editor reports phases and steps: its ``EditingContext/progress`` (`nil`: silent).
    var progress: LabelledProgress? { get }

    /// Checks that this editor's settings fit `encoder` and that every request is usable (e.g.
    /// has a subject inside its prompt), without computing anything. A CLI or a lifelong run
    /// calls it on all requests before the first edit, so request 517's problem is reported
    /// before 516 edits have run. The default accepts everything.
    func check(_ requests: [EditRequest], encoder: any TextEncoder) throws
}

extension KnowledgeEditor {
    public func check(_ requests: [EditRequest], encoder: any TextEncoder) throws {}
}

/// What one ``KnowledgeEditor/edit(_:encoder:state:)`` call produces.
public struct EditResult {
    /// One delta per edited parameter.
    public var deltas: [WeightDelta]
    /// Per-request diagnostics, in request order.
    public var diagnostics: [EditDiagnostics]
    /// The quantities researchers compare between implementations, by documented name; filled only
    /// when the editor was made with ``EditingContext/recordsIntermediates`` (empty otherwise):
    ///
    /// | Editor | Name | Shape |
    /// |---|---|---|
    /// | ROME | `<module>.u`, `<module>.v_star` (per edited rewrite module) | `[d_in]`, `[d_out]` |
    /// | MEMIT, AlphaEdit | `z` (the target residuals, one row per request) | `[n, d]` |
    /// | MEMIT, AlphaEdit | `<module>.keys` (K, one row per request) | `[n, d_in]` |
    /// | AlphaEdit | `<module>.P` (the null-space projector U₀U₀ᵀ) | `[d_in, d_in]` |
    /// | UltraEdit | `<module>.keys`, `<module>.gradients` (the rows traced for each `inner_params` module) | `[rows, d_in]`, `[rows, d_out]` |
    /// | UltraEdit | `<module>.normalizer_mean`, `<module>.normalizer_std` (after this call's update) | `[d_in + d_out]` |
    ///
    /// They are copies of values the edit computes anyway (P is formed from the basis the solve
    /// uses), so recording them does not change the deltas.
    public var intermediates: [String: Tensor]

    public init(deltas: [WeightDelta], diagnostics: [EditDiagnostics], intermediates: [String: Tensor] = [:]) {
        self.deltas = deltas
        self.diagnostics = diagnostics
        self.intermediates = intermediates
    }
}

/// An additive update of one parameter, in the parameter's own layout (`[out, in]` for a
/// Hugging Face Linear weight, `[in, out]` for GPT-2's Conv1D).
public struct WeightDelta: @unchecked Sendable {
    public enum Value {
        /// Δ itself.
        case dense(Tensor)
        /// Δ = left · right, `left` `[rows, r]`, `right` `[r, columns]`: rank-r updates stay
        /// rank r in memory and on disk.
        case lowRank(left: Tensor, right: Tensor)
    }

    public var parameter: String
    public var value: Value

    public init(parameter: String, value: Value) {
        self.parameter = parameter
        self.value = value
    }

    /// What can be wrong with a delta (from an editor, or read from an edits file).
    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        /// Low-rank factors that are not `[rows, r]` and `[r, columns]`.
        case malformedFactors(parameter: String, left: [Int], right: [Int])
        /// NaN or infinity in Δ (a diverged optimisation, a singular solve, a damaged file).
        case nonFinite(parameter: String)

        public var description: String {
            switch self {
            case let .malformedFactors(parameter, left, right):
                "delta of \"\(parameter)\": low-rank factors \(left) and \(right) are not [rows, r] and [r, columns]"
            case let .nonFinite(parameter):
                "delta of \"\(parameter)\" holds NaN or infinite values; it is neither applied nor saved"
            }
        }
    }

    /// Throws unless the delta is well formed and finite: dense, or factors `[rows, r]` and
    /// `[r, columns]`, with no NaN or infinity (checked by reading the factors once).
    /// ``EditSession`` checks every delta before applying it.
    public func validate() throws {
        switch value {
        case .dense(let d):
            if d.firstNonFiniteIndex != nil { throw Error.nonFinite(parameter: parameter) }
        case let .lowRank(left, right):
            guard left.rank == 2, right.rank == 2, left.shape[1] == right.shape[0] else {
                throw Error.malformedFactors(parameter: parameter, left: left.shape, right: right.shape)
            }
            if left.firstNonFiniteIndex != nil || right.firstNonFiniteIndex != nil { throw Error.nonFinite(parameter: parameter) }
        }
    }

    /// The shape of Δ (of a low-rank delta that passed ``validate()``).
    public var shape: [Int] {
        switch value {
        case .dense(let d): d.shape
        case .lowRank(let left, let right): [left.shape[0], right.shape[1]]
        }
    }

    /// Δ as a dense tensor.
    public var dense: Tensor {
        switch value {
        case .dense(let d): d
        case .lowRank(let left, let right): left.matmul(right)
        }
    }

    /// `base + Δ` as a new untracked tensor. A low-rank Δ = L·R is accumulated into the copy of
    /// `base` by one GEMM (C ← L·R + C), so Δ is never materialised: one weight-sized buffer instead
    /// of three. The same inputs always give the same bits (``EditSession`` relies on it for undo).
    /// - Precondition: `base.shape == shape` and the delta passed ``validate()``.
    public func added(to base: Tensor) -> Tensor {
        guard case let .lowRank(left, right) = value, base.count > 0 else { return base + dense }
        let (rows, rank, columns) = (left.shape[0], left.shape[1], right.shape[1])
        return Tensor(shape: base.shape) { out in
            guard let target = out.baseAddress else { return }   // base.count > 0: never nil
            base.withUnsafeBufferPointer { if let source = $0.baseAddress { target.update(from: source, count: $0.count) } }
            guard rank > 0 else { return }
            left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                    guard let a = l.baseAddress, let b = r.baseAddress else { return }   // rank, rows, columns > 0
                    BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: columns, k: rank, a: a, lda: rank,
                              b: b, ldb: columns, beta: 1, c: target, ldc: columns)
                }
            }
        }
    }
}

/// How an edit went for one request: the optimisation's loss curve and the sizes involved.
public struct EditDiagnostics: Sendable, Equatable {
    /// Loss per optimisation step (empty for closed-form editors).
    public var losses: [Float] = []
    /// Named scalar measurements (e.g. `delta_norm`, `target_norm`, `clamped`).
    public var values: [String: Float] = [:]
    /// Named vectors (e.g. ROME's `layer5.target`, the v* the edited layer now produces).
    public var vectors: [String: [Float]] = [:]

    public init(losses: [Float] = [], values: [String: Float] = [:], vectors: [String: [Float]] = [:]) {
        self.losses = losses
        self.values = values
        self.vectors = vectors
    }
}

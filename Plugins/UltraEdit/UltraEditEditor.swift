import KnowledgeEditing
import ModelInterfaces
import Tensors

/// UltraEdit, training-free lifelong editing (Gu et al., 2025; EasyEdit
/// `easyeditor/models/ultraedit`, originally XiaojieGu/UltraEdit `editor/ultraedit.py`).
///
/// For the requests, in sub-batches of `batch_size_once` (one forward + backward pass each, on the
/// weights as the call found them; ``trace(_:modules:widths:selection:encoder:)``):
/// 1. each request is the text prompt + " " + target (tokens: the prompt's, then the target's),
///    left-padded; the loss L is the mean cross-entropy of every target token of the sub-batch;
/// 2. for every module m of `inner_params` at the rows that `token` selects, the keys k (m's
///    input) and the value gradients g = ∂L/∂(m's output) are cached (g through a zero delta on
///    m's output, differentiated by the tape);
/// 3. the lifelong normaliser of m's shape (d_in, d_out) is updated with the rows [k ‖ g]
///    (``LifelongNormalizer``; modules of equal shape share one, in `inner_params` order).
///
/// Then, for each module, with K `[n, d_in]` and G `[n, d_out]` all its cached rows, (K̂, Ĝ) the
/// rows normalised by the updated normaliser and η = `lr`:
///
///     v_j = −η ‖k̂_j‖² ĝ_j,        Δ = (KᵀK + I)⁻¹ KᵀV = Kᵀ (KKᵀ + I)⁻¹ V     (d_in × d_out)
///
/// with the **raw** keys K (the push-through identity turns the d_in × d_in system into an n × n
/// one; ``ridgeCoefficients(keys:values:)``). The update of the weight is Δᵀ, returned rank-n as
/// (V'ᵀ, K) with V' = (KKᵀ + I)⁻¹ V, in the weight's own layout.
///
/// State: the normalisers, in ``EditState/tensors`` (``LifelongNormalizer/stateNames(keyWidth:valueWidth:)``),
/// written only when the whole call succeeds. Edits are order-dependent through them.
/// Precision: keys and gradients are Float32 (as UltraEdit casts them); the normaliser updates and
/// the ridge solve run in Float64.
public struct UltraEditEditor: EditorPlugin {
    public static let algorithmName = "ULTRAEDIT"

    public let hyperparameters: UltraEditHyperparameters
    /// Whether ``edit(_:encoder:state:)`` returns every module's traced rows and
    /// normaliser as ``EditResult/intermediates`` (`<module>.keys`, `<module>.gradients`,
    /// `<module>.normalizer_mean`, `<module>.normalizer_std`).
    public var recordsIntermediates = false
    /// Where phases and steps are reported (the context's; `nil`: silent).
    public var progress: LabelledProgress?

    public init(_ hyperparameters: UltraEditHyperparameters) {
        self.hyperparameters = hyperparameters
    }

    /// UltraEdit needs no layer statistics: its normaliser lives in the ``EditState``.
    public init(_ hyperparameters: UltraEditHyperparameters, context: EditingContext) {
        self.init(hyperparameters)
        recordsIntermediates = context.recordsIntermediates
        progress = context.progress
    }

    public func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState
    ) throws -> EditResult {
        let h = hyperparameters
        let samples = try samples(requests, encoder: encoder)
        guard let first = samples.first else { return EditResult(deltas: [], diagnostics: []) }
        let modules = h.innerParameters
        let widths = try Self.moduleWidths(modules, probe: first.prompt, encoder: encoder)
        // Modules of equal widths share one normaliser (as EasyEdit keys them by shape).
        var normalizers: [LifelongNormalizer] = [], normalizerOfWidths: [String: Int] = [:]
        let normalizerOfModule = try widths.map { width in
            if let shared = normalizerOfWidths[width.name] { return shared }
            normalizers.append(try LifelongNormalizer(state: state, keyWidth: width.input, valueWidth: width.output))
            normalizerOfWidths[width.name] = normalizers.count - 1
            return normalizers.count - 1
        }
        var keys = [[Tensor]](repeating: [], count: modules.count), gradients = keys
        var diagnostics: [EditDiagnostics] = []
        let starts = Array(stride(from: 0, to: samples.count, by: h.subBatchSize))
        progress?.begin("UltraEdit: tracing keys and value gradients", total: starts.count)
        for (step, start) in starts.enumerated() {
            let chunk = Array(samples[start..<min(start + h.subBatchSize, samples.count)])
            let traced = try Self.trace(chunk, modules: modules, widths: widths, selection: h.token, encoder: encoder)
            for index in modules.indices {
                normalizers[normalizerOfModule[index]].update(keys: traced.keys[index], gradients: traced.gradients[index])
                keys[index].append(traced.keys[index])
                gradients[index].append(traced.gradients[index])
            }
            diagnostics += traced.rowCounts.map { EditDiagnostics(values: ["loss": traced.loss, "rows": Float($0)]) }
            progress?.update(completed: step + 1, detail: "loss \(traced.loss)")
        }
        progress?.end()
        var intermediates: [String: Tensor] = [:]
        let deltas = try modules.indices.map { index in
            let k = Tensor.concat(keys[index], axis: 0), g = Tensor.concat(gradients[index], axis: 0)
            let normalizer = normalizers[normalizerOfModule[index]]
            if recordsIntermediates {
                let module = modules[index]
                intermediates["\(module).keys"] = k
                intermediates["\(module).gradients"] = g
                intermediates["\(module).normalizer_mean"] = Tensor(shape: [normalizer.width], scalars: normalizer.mean.map(Float.init))
                intermediates["\(module).normalizer_std"] = Tensor(
                    shape: [normalizer.width], scalars: normalizer.standardDeviation.map(Float.init))
            }
            let values = Self.pseudoValues(normalizer.normalize(keys: k, gradients: g), learningRate: h.learningRate)
            let coefficients = try Self.ridgeCoefficients(keys: k, values: values)       // [n, d_out]
            return try SubjectKeys.update(
                parameter: widths[index].parameter, weightShape: widths[index].weightShape,
                values: coefficients.transposedLast, keys: k.transposedLast)
        }
        for normalizer in normalizers { normalizer.write(to: state) }
        return EditResult(deltas: deltas, diagnostics: diagnostics, intermediates: intermediates)
    }

    /// Checks that every `inner_params` module exists with a weight matrix, and that every request
    /// has a prompt and a target with tokens.
    ///
    /// - Throws: ``KnowledgeEditing/HyperparameterError/moduleNotFound(key:template:layer:module:nearest:)``,
    ///   ``UltraEditError/missingWeight(parameter:shape:)``, ``KnowledgeEditing/EditRequestError/emptyTarget(request:)``,
    ///   ``UltraEditError/emptyPrompt(request:)``.
    public func check(_ requests: [EditRequest], encoder: any TextEncoder) throws {
        let samples = try samples(requests, encoder: encoder)
        // The ridge system is rows × rows, one row per traced token of a sub-batch.
        let rows = stride(from: 0, to: samples.count, by: hyperparameters.subBatchSize).map { start in
            samples[start..<min(start + hyperparameters.subBatchSize, samples.count)].reduce(0) { $0 + $1.tokens.count }
        }.max() ?? 0
        try EditWorkingSet(modules: hyperparameters.innerParameters, rows: rows)
            .check(algorithm: Self.algorithmName, encoder: encoder)
    }

    /// The checked modules' tokenised requests.
    func samples(_ requests: [EditRequest], encoder: any TextEncoder) throws -> [EditSample] {
        for module in hyperparameters.innerParameters {
            _ = try ModuleTemplate(key: "inner_params", pattern: module).resolve(in: encoder.info)
            let parameter = ModuleTemplate.weightName(ofModule: module)
            let shape = encoder.parameters.first { $0.name == parameter }?.shape
            guard let shape, shape.count == 2 else {
                throw UltraEditError.missingWeight(parameter: parameter, shape: shape)
            }
        }
        return try requests.enumerated().map { try EditSample($0.element, index: $0.offset, encoder: encoder) }
    }

    /// v_j = −η ‖k̂_j‖² ĝ_j for normalised rows (k̂, ĝ): `[n, d_out]`.
    static func pseudoValues(_ normalized: (keys: Tensor, gradients: Tensor), learningRate: Double) -> Tensor {
        let scale = normalized.keys.squared().sum(axes: [1], keepDims: true) * Float(-learningRate)
        return normalized.gradients * scale
    }
}

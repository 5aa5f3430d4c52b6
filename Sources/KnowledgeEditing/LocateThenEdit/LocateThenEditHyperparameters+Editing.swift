import ModelInterfaces
import Tensors

extension LocateThenEditHyperparameters {
    /// The v*/z optimisation settings (`v_num_grad_steps`, `v_lr`, `v_weight_decay`,
    /// `clamp_norm_factor`, `kl_factor`).
    public var optimisation: TargetOptimization.Settings {
        TargetOptimization.Settings(
            steps: valueStepCount, learningRate: Float(valueLearningRate), weightDecay: Float(valueWeightDecay),
            clampNormFactor: Float(clampNormFactor), klFactor: Float(klFactor))
    }

    /// Checks the settings against the model before any computation: every module template
    /// resolves (``checkModules(against:)``), and the settings this implementation does not (yet)
    /// generalise hold — the target loss is read from the model's logits, so `v_loss_layer` must
    /// be the last block (as in every EasyEdit yaml), keys are read at the subject's last token,
    /// and explicit `context_templates` start with the bare prompt `"{}"` (whose output is v₀).
    public func checkSupported(by info: TextEncoderInfo) throws {
        try checkModules(against: info)
        guard valueLossLayer == info.layerCount - 1 else {
            throw EditRequestError.unsupportedHyperparameter(
                key: "v_loss_layer", reason: "\(valueLossLayer) given; only the last block (\(info.layerCount - 1)) is supported")
        }
        guard factToken == .subjectLast else {
            throw EditRequestError.unsupportedHyperparameter(
                key: "fact_token", reason: "\(factToken.rawValue) given; only subject_last is supported")
        }
        if let contextTemplates, contextTemplates.first != "{}" {
            throw EditRequestError.unsupportedHyperparameter(
                key: "context_templates", reason: "must start with \"{}\" (the bare prompt, whose output is v₀)")
        }
    }

    /// `context_templates` when given, otherwise templates sampled with `seed` (default 42) at
    /// `lengths` and cached in `state`.
    public func contextTemplates(lengths: [(tokenCount: Int, count: Int)], encoder: any TextEncoder,
                                 state: EditState) throws -> [String] {
        if let contextTemplates { return contextTemplates }
        return try ContextTemplates.cached(lengths: lengths, seed: seed ?? 42, encoder: encoder, state: state)
    }
}

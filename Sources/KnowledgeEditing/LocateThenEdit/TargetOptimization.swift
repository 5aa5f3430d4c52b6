import ModelInterfaces
import Tensors

/// The v* (ROME) / z (MEMIT, AlphaEdit) optimisation: the vector that, written into a module's
/// output at the subject's last token, makes the model predict the new target.
///
/// A free δ ∈ R^d is added to `module`'s output at the subject's last token of every prompt:
/// each context template filled with the request's prompt followed by the target's first T−1
/// tokens, plus the "{subject} is a" prompt. With y₁…y_T the target ids and v₀ the unmodified
/// output at the bare prompt's subject token, Adam (learning rate `learningRate`) minimises
///
///     L(δ) = mean_prompts[ −(1/T) Σ_t log p(y_t) ]                       (NLL of the target)
///          + klFactor · KL(p_δ ‖ p_0) at the subject token of "{subject} is a"
///          + weightDecay · ‖δ‖ / ‖v₀‖²                                     (norm not squared)
///
/// projecting δ back onto the ball ‖δ‖ ≤ clampNormFactor · ‖v₀‖ after every step, stopping when
/// L < 0.05, and taking no step after the last evaluation (EasyEdit `compute_v`/`compute_z`).
/// The result is v* = v₀ + δ.
///
/// Only block `layer` and above depend on δ, so the first pass records the residual stream
/// entering block `layer` and every later pass resumes there (EasyEdit reruns the whole model at
/// every step). The prompt ids are the prompt's tokens followed by the target's tokens; EasyEdit
/// re-tokenizes the concatenated text, which can differ at the boundary.
public struct TargetOptimization {
    public struct Settings: Sendable {
        public var steps: Int
        public var learningRate: Float
        public var weightDecay: Float
        public var clampNormFactor: Float
        public var klFactor: Float
        public var earlyStopLoss: Float = 5e-2

        public init(steps: Int, learningRate: Float, weightDecay: Float, clampNormFactor: Float, klFactor: Float) {
            self.steps = steps
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.clampNormFactor = clampNormFactor
            self.klFactor = klFactor
        }
    }

    public struct Result {
        /// v* = v₀ + δ.
        public var target: Tensor
        /// v₀: the module output at the bare prompt's subject token before optimisation.
        public var initial: Tensor
        public var diagnostics: EditDiagnostics
    }

    /// Runs the optimisation for one request.
    ///
    /// - Parameters:
    ///   - templates: context templates, each containing `{}`; the first should be `"{}"` (the
    ///     bare prompt, whose output is v₀).
    ///   - layer: the block containing `module` (passes resume at its input).
    ///   - module: where δ is added (ROME: `model.layers.ℓ.mlp`; MEMIT: `model.layers.ℓ`).
    public static func run(
        _ prompt: SubjectPrompt, templates: [String], layer: Int, module: String, encoder: any TextEncoder,
        settings: Settings, progress: (any ProgressReporter)?
    ) throws -> Result {
        let target = prompt.targetIDs
        var sequences: [[Int]] = [], subjectEnds: [Int] = []
        for template in templates {
            let (ids, end) = try prompt.tokens(in: template, encoder: encoder)
            sequences.append(ids + target.dropLast())
            subjectEnds.append(end)
        }
        let essenceTokens = try prompt.essenceTokens(encoder: encoder)
        sequences.append(essenceTokens.ids)
        subjectEnds.append(essenceTokens.subjectEnd)
        let batch = TokenBatch(sequences, padding: .right)
        let lookupRows = subjectEnds.enumerated().map { batch.row($0.offset, $0.element) }
        // Logits are needed only where target token t is predicted (position len − T + t of each
        // rewriting prompt) and at the KL prompt's subject token: the LM head runs on those rows.
        var scoredRows: [Int] = [], labels: [Int] = []
        for i in 0..<templates.count {
            for (t, id) in target.enumerated() {
                scoredRows.append(batch.row(i, sequences[i].count - target.count + t))
                labels.append(id)
            }
        }
        scoredRows.append(lookupRows[lookupRows.count - 1])
        labels.append(-100)
        let essence = scoredRows.count - 1

        // First pass: the residual entering block `layer`, v₀, and the KL reference distribution.
        var hooks = ForwardHooks()
        hooks.hiddenStates = [layer]
        let values = hooks.capture(module, .output, at: lookupRows)
        hooks.logitRows = [scoredRows[essence]]
        let first = try encoder.forward(batch, hooks: hooks)
        let initial = try first[values].slice(axis: 0, 0..<1).reshaped([-1])
        let resumeState = try first.hiddenState(layer)
        let referenceLogProbabilities = try first.logits.logSoftmax()
        let initialNorm = initial.squared().sum().item.squareRoot()

        var delta = Tensor.zeros([1, initial.count])
        var optimizer = Adam(schedule: ConstantSchedule(settings.learningRate))
        var diagnostics = EditDiagnostics()
        progress?.begin("optimising the target vector at \(module)", total: settings.steps)
        defer { progress?.end() }
        for step in 0..<settings.steps {
            let tape = Tape()
            let trackedDelta = tape.variable(delta)
            var stepHooks = ForwardHooks()
            stepHooks.resume = (layer, resumeState)
            stepHooks.addDelta(module, at: lookupRows, trackedDelta.broadcasted(to: [lookupRows.count, initial.count]))
            stepHooks.logitRows = scoredRows
            let logits = try encoder.forward(batch, hooks: stepHooks).logits   // [scoredRows, vocabulary]
            let nll = logits.crossEntropy(targets: labels)
            let kl = referenceLogProbabilities.klDivergence(targetLogProbabilities: logits.slice(axis: 0, essence..<(essence + 1)).logSoftmax())
            var loss = nll + kl * settings.klFactor
            let squaredNorm = (trackedDelta * trackedDelta).sum()
            if squaredNorm.item > 0 {   // ‖δ‖ is not differentiable at 0, where PyTorch's gradient is 0
                loss = loss + squaredNorm.sqrt() * (settings.weightDecay / (initialNorm * initialNorm))
            }
            diagnostics.losses.append(loss.item)
            progress?.update(completed: step + 1, detail: "loss \(loss.item)")
            if loss.item < settings.earlyStopLoss || step == settings.steps - 1 { break }
            var parameters = [delta]
            optimizer.step(parameters: &parameters, gradients: tape.gradients(of: loss, withRespectTo: [trackedDelta]))
            delta = parameters[0]
            let norm = delta.squared().sum().item.squareRoot(), limit = settings.clampNormFactor * initialNorm
            if norm > limit { delta = delta * (limit / norm) }
        }
        let deltaNorm = delta.squared().sum().item.squareRoot()
        diagnostics.values = ["delta_norm": deltaNorm, "initial_norm": initialNorm, "steps": Float(diagnostics.losses.count)]
        return Result(target: initial + delta.reshaped([-1]), initial: initial, diagnostics: diagnostics)
    }
}

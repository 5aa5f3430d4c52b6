import ModelInterfaces
import ModelIO
import Tensors

/// Applies ``ForwardHooks`` during one forward pass: model code wraps each named module in
/// ``module(_:_:_:)``, which captures its input and output, adds deltas to its output and stops
/// the pass after it when asked.
final class ForwardContext {
    let hooks: ForwardHooks
    let batch: TokenBatch
    var output = ForwardOutput()

    /// Thrown by ``module(_:_:_:)`` after ``ForwardHooks/stopAfter``; caught by the model.
    struct Stop: Error {}

    /// Validates hook module names and rows before any compute.
    init(hooks: ForwardHooks, batch: TokenBatch, moduleNames: Set<String>) throws {
        for name in hooks.moduleNames where !moduleNames.contains(name) {
            throw TextEncoderError.unknownModule(name: name, suggestion: EditDistance.suggestions(for: name, among: moduleNames, limit: 1).first)
        }
        let rowCount = batch.batchSize * batch.length
        let rowSets = hooks.captures.map { ($0.key.module, $0.value ?? []) } + hooks.deltas.map { ($0.key, $0.value.rows) }
            + [("logitRows", hooks.logitRows ?? [])]
        for (module, rows) in rowSets {
            if let bad = rows.first(where: { $0 < 0 || $0 >= rowCount }) {
                throw TextEncoderError.invalidHook(module: module, reason: "row \(bad) outside the batch's \(rowCount) token rows")
            }
        }
        for (module, (rows, delta)) in hooks.deltas where delta.rank != 2 || delta.shape[0] != rows.count {
            throw TextEncoderError.invalidHook(module: module, reason: "delta shape \(delta.shape), expected [\(rows.count), width]")
        }
        self.hooks = hooks
        self.batch = batch
    }

    /// Runs `body` as module `name` on `input` (`[batch, length, width]`).
    func module(_ name: String, _ input: Tensor, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        capture(ModulePoint(name, .input), input)
        var result = try body(input)
        if let (rows, delta) = hooks.deltas[name] {
            let width = result.shape[result.rank - 1]
            guard delta.shape[1] == width else {
                throw TextEncoderError.invalidHook(module: name, reason: "delta width \(delta.shape[1]), module output width \(width)")
            }
            result = result.reshaped([-1, width]).scatterAdding(axis: 0, rows, delta).reshaped(result.shape)
        }
        capture(ModulePoint(name, .output), result)
        if hooks.stopAfter == name {
            output.stoppedEarly = true
            throw Stop()
        }
        return result
    }

    private func capture(_ point: ModulePoint, _ value: Tensor) {
        guard let rows = hooks.captures[point] else { return }
        let flat = value.reshaped([-1, value.shape[value.rank - 1]])
        output.captures[point] = rows.map { flat.indexSelect(axis: 0, $0) } ?? flat
    }

    /// The block the pass starts at (0 unless ``ForwardHooks/resume`` is set).
    var firstLayer: Int { hooks.resume?.layer ?? 0 }

    /// The validated resume point, or nil for a full pass.
    /// - Throws: when the layer is out of range or the hidden state does not fit the batch.
    func resume(width: Int, layers: Int) throws -> (layer: Int, hiddenState: Tensor)? {
        guard let resume = hooks.resume else { return nil }
        let expected = [batch.batchSize, batch.length, width]
        guard (0..<layers).contains(resume.layer), resume.hiddenState.shape == expected else {
            throw TextEncoderError.invalidHook(
                module: "resume", reason: "layer \(resume.layer) of \(layers) with hidden state \(resume.hiddenState.shape), expected \(expected)")
        }
        return resume
    }

    /// Records residual state `index` when requested.
    func hiddenState(_ index: Int, _ value: Tensor) {
        if hooks.hiddenStates.contains(index) { output.hiddenStates[index] = value }
    }
}

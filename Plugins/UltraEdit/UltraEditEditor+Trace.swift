import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors

/// One request as UltraEdit feeds it to the model: the prompt's tokens, then the tokens of
/// " " + target (a leading space is added unless present, as EasyEdit and ``TeacherForcing`` do).
struct EditSample {
    let prompt: [Int]
    let target: [Int]
    var tokens: [Int] { prompt + target }

    /// - Throws: ``KnowledgeEditing/EditRequestError/emptyTarget(request:)`` for a target without
    ///   tokens, ``UltraEditError/emptyPrompt(request:)`` for a prompt without tokens.
    init(_ request: EditRequest, index: Int, encoder: any TextEncoder) throws {
        let text = request.targetNew.hasPrefix(" ") ? request.targetNew : " " + request.targetNew
        guard !request.targetNew.trimmingCharacters(in: .whitespaces).isEmpty,
              case let target = try encoder.tokenize(text), !target.isEmpty
        else { throw EditRequestError.emptyTarget(request: index) }
        prompt = try encoder.tokenize(request.prompt)
        guard !prompt.isEmpty else { throw UltraEditError.emptyPrompt(request: index) }
        self.target = target
    }
}

/// An edited module's widths and weight: the module maps `input` features to `output` features.
struct ModuleWidth {
    let parameter: String, weightShape: [Int], input: Int, output: Int
    /// The normaliser of this shape (UltraEdit's `get_shape`: (d_in, d_out)).
    var name: String { "\(input)x\(output)" }
}

/// What one forward + backward pass over a sub-batch caches.
struct TracedBatch {
    /// The mean cross-entropy of the target tokens.
    let loss: Float
    /// Per module (in `inner_params` order): keys `[rows, d_in]` and value gradients `[rows, d_out]`.
    let keys: [Tensor], gradients: [Tensor]
    /// The number of selected rows of each request.
    let rowCounts: [Int]
}

extension UltraEditEditor {
    /// The input and output widths of each module, read from a forward pass over `probe` (a
    /// prompt's tokens) that captures them at its first token, checked against the weights.
    ///
    /// - Throws: ``UltraEditError/notALinearWeight(parameter:shape:inputWidth:outputWidth:)``.
    static func moduleWidths(_ modules: [String], probe: [Int], encoder: any TextEncoder) throws -> [ModuleWidth] {
        var hooks = ForwardHooks()
        let captures = modules.map { (input: hooks.capture($0, .input, at: [0]), output: hooks.capture($0, .output, at: [0])) }
        hooks.computeLogits = false
        let pass = try encoder.forward(TokenBatch([[probe[0]]]), hooks: hooks)
        return try zip(modules, captures).map { module, capture in
            let parameter = ModuleTemplate.weightName(ofModule: module)
            let shape = try encoder.parameterShape(parameter)
            let input = try pass[capture.input].shape[1]
            let output = try pass[capture.output].shape[1]
            guard shape == [output, input] || shape == [input, output] else {
                throw UltraEditError.notALinearWeight(
                    parameter: parameter, shape: shape, inputWidth: input, outputWidth: output)
            }
            return ModuleWidth(parameter: parameter, weightShape: shape, input: input, output: output)
        }
    }

    /// One forward + backward pass over `samples` (left-padded): the loss is the mean
    /// cross-entropy of every target token, read at the positions that predict them; the keys are
    /// the modules' inputs and the gradients ∂loss/∂(module output) at the rows `selection` picks
    /// (``UltraEditHyperparameters/TokenSelection``), request by request.
    static func trace(
        _ samples: [EditSample], modules: [String], widths: [ModuleWidth],
        selection: UltraEditHyperparameters.TokenSelection, encoder: any TextEncoder
    ) throws -> TracedBatch {
        let batch = TokenBatch(samples.map(\.tokens), padding: .left)
        let answerRows = samples.enumerated().map { b, sample in
            sample.target.indices.map { batch.row(b, sample.prompt.count - 1 + $0) }
        }
        let selected = switch selection {
        case .answer: answerRows
        case .mask: samples.enumerated().map { b, sample in sample.tokens.indices.map { batch.row(b, $0) } }
        }
        let rows = selected.flatMap { $0 }
        let tape = Tape()
        var hooks = ForwardHooks()
        hooks.logitRows = answerRows.flatMap { $0 }
        let probes = widths.map { tape.variable(Tensor.zeros([rows.count, $0.output])) }
        let inputs = zip(modules, probes).map { module, probe in
            hooks.addDelta(module, at: rows, probe)
            return hooks.capture(module, .input, at: rows)
        }
        let output = try encoder.forward(batch, hooks: hooks)
        let loss = try output.logits.crossEntropy(targets: samples.flatMap(\.target))
        let gradients = tape.gradients(of: loss, withRespectTo: probes)
        let keys = try inputs.map { try output[$0].detached() }
        return TracedBatch(loss: loss.item, keys: keys, gradients: gradients, rowCounts: selected.map(\.count))
    }
}

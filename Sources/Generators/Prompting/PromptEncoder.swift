import ModelInterfaces
import Tensors

/// Encodes prompts for a generator with any ``TextEncoder`` through a ``PromptTemplate``.
///
/// Each prompt runs on its own (no padding inside the encoder, so batching cannot change a prompt's
/// states); the kept states are right-padded with zeros to the longest prompt and the mask marks
/// the real tokens, as diffusers' `_get_qwen_prompt_embeds` returns them.
public struct PromptEncoder {
    public var encoder: any TextEncoder
    public var template: PromptTemplate

    public init(encoder: any TextEncoder, template: PromptTemplate = .qwenImage) {
        self.encoder = encoder
        self.template = template
    }

    /// Embeddings `[B, L, width]` and mask `[B, L]` of `prompts`.
    ///
    /// - Throws: ``GeneratorError/promptTooLong(tokens:maximum:)`` when a prompt keeps more than
    ///   ``PromptTemplate/maximumLength`` tokens, ``GeneratorError/invalidInput(name:expected:found:)``
    ///   when none is left after the drop, or the encoder's errors.
    public func encode(_ prompts: [String]) throws -> PromptEmbeddings {
        guard !prompts.isEmpty else {
            throw GeneratorError.invalidInput(name: "prompts", expected: "at least one prompt", found: "none")
        }
        let dropped = try template.droppedTokenCount(tokenize: encoder.tokenize)
        return Self.batch(try prompts.map { try encodeOne($0, dropping: dropped) })
    }

    /// Per-prompt states `[Lᵢ, width]` (at least one) as one batch: right-padded with zeros to the
    /// longest, `[B, L, width]`, with the mask `[B, L]` marking the real tokens.
    public static func batch(_ states: [Tensor]) -> PromptEmbeddings {
        let width = states[0].shape[1]
        let length = states.reduce(0) { Swift.max($0, $1.shape[0]) }
        let padded = states.map { state in
            state.shape[0] == length ? state : Tensor.concat([state, .zeros([length - state.shape[0], width])], axis: 0)
        }
        let embeddings = Tensor.concat(padded.map { $0.expandingDims(at: 0) }, axis: 0)
        let mask = Tensor(shape: [states.count, length], scalars: states.flatMap { state in
            [Float](repeating: 1, count: state.shape[0]) + [Float](repeating: 0, count: length - state.shape[0])
        })
        return PromptEmbeddings(embeddings: embeddings, mask: mask)
    }

    /// The kept final-norm states `[tokens, width]` of one prompt.
    private func encodeOne(_ prompt: String, dropping dropped: Int) throws -> Tensor {
        let ids = try encoder.tokenize(template.filled(with: prompt))
        let kept = ids.count - dropped
        guard kept > 0 else {
            throw GeneratorError.invalidInput(
                name: "prompt \"\(prompt)\"", expected: "more than \(dropped) tokens in the template",
                found: "\(ids.count)")
        }
        guard kept <= template.maximumLength else {
            throw GeneratorError.promptTooLong(tokens: kept, maximum: template.maximumLength)
        }
        var hooks = ForwardHooks()
        hooks.finalHiddenState = true
        hooks.computeLogits = false
        let output = try encoder.forward(TokenBatch([ids]), hooks: hooks)
        let states = try output.finalHiddenState.reshaped([ids.count, encoder.info.hiddenSize])
        return states.slice(axis: 0, dropped..<ids.count)
    }
}

import Foundation
import Generators
import Tensors
import TextEncoders
import Training

/// Enc-FT, `erase`'s fine-tuning baseline: gradient descent on the encoder's chosen layers so that
/// prompts naming the concept c are encoded as the same prompts naming the replacement r are by the
/// frozen encoder, while other prompts keep their encodings:
///
///     L(θ) = Σ_{p ∈ forms} d(E_θ(T(p(c))), E₀(T(p(r)))) + λ Σ_{q ∈ preserved} d(E_θ(T(q)), E₀(T(q)))
///
/// (averaged over each step's batch), where T is the generator's prompt template, E the final-norm
/// states the generator reads, and d the mean squared difference over the compared positions. The
/// two sequences of a pair differ only where c and r stand, so they are compared right-aligned from
/// c's last token to the end (the tokens after the concept, which attend to it, and the concept's
/// own last state against r's last state); a preserved prompt is compared at every position the
/// generator keeps. Parameters: `layers` (every parameter of `model.layers.{l}.`), `steps`,
/// `learningRate` (AdamW, no weight decay, clipping at 1), λ = `preservation`.
public struct EncoderFineTuning: Sendable, Equatable {
    public var layers: [Int]
    public var steps: Int
    public var learningRate: Float
    public var preservation: Float
    /// Examples per step (all of them when fewer).
    public var batchSize: Int

    public init(layers: [Int] = [0, 1], steps: Int = 60, learningRate: Float = 1e-4, preservation: Float = 1, batchSize: Int = 8) {
        (self.layers, self.steps, self.learningRate, self.preservation, self.batchSize) = (layers, steps, learningRate, preservation, batchSize)
    }

    /// Fine-tunes a copy of the chosen parameters of `encoder` and returns them with the losses (the
    /// encoder is left as it was): `pairs` are (prompt naming c, the same prompt naming r),
    /// `preserved` the prompts to keep.
    ///
    /// - Throws: ``MoKusError/invalidSuite(field:expected:found:)`` for a layer the encoder does not
    ///   have or no pair; ``Training/TrainingError`` for invalid steps or rate; the encoder's errors.
    /// - Complexity: `steps` × `batchSize` forward and backward passes of one prompt.
    public func tune(
        _ encoder: TransformerTextEncoder, template: PromptTemplate, pairs: [(String, String)], preserved: [String]
    ) throws -> TrainingResult {
        let names = encoder.parameters.map(\.name).filter { name in layers.contains { name.hasPrefix("model.layers.\($0).") } }
        guard !pairs.isEmpty, Set(layers).count == layers.count,
              layers.allSatisfy({ layer in names.contains { $0.hasPrefix("model.layers.\(layer).") } }) else {
            throw MoKusError.invalidSuite(field: "enc-ft", expected: "distinct layers of the encoder and at least one prompt pair",
                                          found: "layers \(layers), \(pairs.count) pairs")
        }
        let dropped = try template.droppedTokenCount(tokenize: encoder.tokenize)
        func ids(_ prompt: String) throws -> [Int] { try encoder.tokenize(template.filled(with: prompt)) }
        var examples: [EncoderFineTuningObjective.Example] = []
        for (concept, replacement) in pairs {
            let (source, target) = (try ids(concept), try ids(replacement))
            var shared = 0
            while shared < min(source.count, target.count) - 1 && source[source.count - 1 - shared] == target[target.count - 1 - shared] {
                shared += 1
            }
            let states = try EncoderFineTuningObjective.states(target, encoder: encoder)
            examples.append(.init(ids: source, start: source.count - shared - 1,
                                  target: states.slice(axis: 0, (target.count - shared - 1)..<target.count), weight: 1))
        }
        for prompt in preserved {
            let sequence = try ids(prompt)
            let states = try EncoderFineTuningObjective.states(sequence, encoder: encoder)
            examples.append(.init(ids: sequence, start: dropped, target: states.slice(axis: 0, dropped..<sequence.count),
                                  weight: preservation))
        }
        let objective = EncoderFineTuningObjective(encoder: encoder, examples: examples, parameterNames: names)
        defer { for name in names { try? encoder.setParameter(name, nil) } }
        let initial = try names.map { name in
            let value = try encoder.parameter(name)
            return NamedParameter(name, Tensor(shape: value.shape, scalars: value.scalars))
        }
        let trainer = Trainer(configuration: TrainingConfiguration(
            steps: steps, batchSize: min(batchSize, examples.count), learningRate: learningRate, weightDecay: 0))
        return try trainer.train(parameters: initial, objective: objective)
    }
}

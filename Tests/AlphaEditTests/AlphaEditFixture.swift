import AlphaEdit
import EditingTestSupport
import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import TextEncoders

/// The committed tiny Qwen2 checkpoint (hidden 64, intermediate d_ff = 128, 2 layers), the
/// repository's tiny AlphaEdit hparams, and the keys and statistics the tests build on it.
enum Fixture {
    static let checkpoint = TinyEditingFixture.checkpoint
    /// The edited module of hparams/AlphaEdit/tiny-qwen2.yaml, and its weight `[64, 128]`.
    static let module = "model.layers.0.mlp.down_proj"
    static let parameter = "model.layers.0.mlp.down_proj.weight"

    static let requests = TinyEditingFixture.facts

    static func encoder() throws -> any TextEncoder {
        try TextEncoderLoader.load(directory: checkpoint)
    }

    /// hparams/AlphaEdit/tiny-qwen2.yaml.
    static func hyperparameters() throws -> AlphaEditHyperparameters {
        try TinyEditingFixture.hyperparameters("AlphaEdit")
            .decode(AlphaEditHyperparameters.self)
    }

    /// The input of ``module`` at every token of `sequences` random token sequences of `length`
    /// tokens: `[sequences · length, 128]`, one preserved key per row.
    static func preservedKeys(
        _ encoder: any TextEncoder, sequences: Int, length: Int, seed: UInt64 = 11
    ) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let tokens = (0..<sequences).map { _ in rng.integers(length, in: 0..<1024) }
        var hooks = ForwardHooks()
        hooks.capture(module, .input)
        hooks.stopAfter = module
        return try encoder.forward(TokenBatch(tokens), hooks: hooks).captures[ModulePoint(module, .input)]!
    }

    /// C = E[k kᵀ] = K₀ᵀ K₀ / N of keys given as rows.
    static func secondMoment(of keys: Tensor) -> Tensor {
        keys.matmul(keys, transposeSelf: true) / Float(keys.shape[0])
    }

    /// C from 384 keys (16 sequences of 24 tokens): full rank, eigenvalues from 0.023 to 3.7, like
    /// statistics from a text corpus on this model; the yaml's threshold 0.1 keeps 37 directions.
    static func fullRankSecondMoment(_ encoder: any TextEncoder) throws -> Tensor {
        secondMoment(of: try preservedKeys(encoder, sequences: 16, length: 24))
    }

    /// The prompts of `requests` and their grouped keys (MEMIT/AlphaEdit's K, as rows `[n, 128]`).
    static func keys(_ requests: [EditRequest], encoder: any TextEncoder, templates: [String]) throws -> Tensor {
        let prompts = try requests.enumerated().map {
            try SubjectPrompt($0.element, index: $0.offset, encoder: encoder)
        }
        return try SubjectKeys.groupedKeys(prompts, templates: templates, module: module, encoder: encoder)
    }
}

/// Per row i of `keys`, ‖change_i‖ / ‖output_i‖ with change = keys Δᵀ and output = keys Wᵀ: how
/// much an update Δ moves the outputs W k of those keys, relatively.
func relativeChanges(of delta: Tensor, on keys: Tensor, weight: Tensor) -> [Float] {
    let change = keys.matmul(delta, transposeOther: true), output = keys.matmul(weight, transposeOther: true)
    return zip(rowNorms(change), rowNorms(output)).map { $0 / $1 }
}

/// The Euclidean norm of each row of a `[rows, columns]` tensor.
func rowNorms(_ matrix: Tensor) -> [Float] {
    let columns = matrix.shape[1], scalars = matrix.scalars
    return (0..<matrix.shape[0]).map { row in
        scalars[(row * columns)..<((row + 1) * columns)].reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}

/// The largest |element| of a tensor.
func maxAbs(_ tensor: Tensor) -> Float {
    tensor.scalars.reduce(0) { max($0, abs($1)) }
}

/// ‖a‖_F of a tensor.
func frobenius(_ tensor: Tensor) -> Float {
    tensor.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
}

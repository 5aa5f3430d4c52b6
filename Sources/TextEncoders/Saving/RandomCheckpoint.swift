import Foundation
import ModelIO
import ModelInterfaces
import Tensors

/// Writes a checkpoint directory of random weights for any configuration the loader supports:
/// model-shaped test and benchmark inputs (e.g. a Qwen2.5-7B-shaped bf16 encoder) without
/// downloading anything.
///
/// Values (``Initialization``): `.uniform` (the default) draws matrices, embeddings and biases
/// uniform with standard deviation `scale` and norm weights as 1 + uniform noise of standard
/// deviation 0.1·`scale`·10 (so about 1); `.transformers` is transformers' `_init_weights` for
/// these models (normal(0, `scale`) matrices and embeddings, with `scale` = `initializer_range`;
/// ones for norm weights; zero biases), the starting point of pretraining.
/// The same `seed` gives the same files. Weights are generated and written one shard at a time,
/// so memory stays near one shard's Float32 size (`shardBytes` at 2 bytes per bf16 value means
/// 2× that in Float32).
///
/// Output: `config.json` and either `model.safetensors` (when everything fits in one shard) or
/// `model-0000k-of-0000N.safetensors` with `model.safetensors.index.json`. No tokenizer is
/// written; load with an explicit tokenizer, or copy a `tokenizer.json` in.
public enum RandomCheckpoint {
    /// How values are drawn (see the type's discussion).
    public enum Initialization: Sendable {
        /// Uniform noise everywhere, norms about 1: model-shaped inputs for tests and benchmarks.
        case uniform
        /// transformers' initialisation: normal(0, scale) matrices, ones for norms, zero biases.
        case transformers
    }

    /// The number of values `write` would store for `config` (tied parameters once), from the
    /// validated config alone: the size of a model is known before any weight exists.
    ///
    /// - Throws: ``ModelInterfaces/TextEncoderError`` for an unknown `model_type` or an invalid value.
    package static func parameterCount(config: [String: Any]) throws -> Int {
        let file = ConfigFile(path: "config.json", values: config)
        let (architecture, _) = try TextEncoderLoader.architectureMaker(file)(file, [])
        return architecture.declaredParameters.filter { architecture.tiedParameters[$0.0] == nil }
            .reduce(0) { MemoryBudget.sum($0, MemoryBudget.bytes($1.1.elementCount)) }
    }

    public static func write(
        config: [String: Any], to directory: URL, dtype: DType = .float32, scale: Float = 0.02,
        initialization: Initialization = .uniform, seed: UInt64 = 0, shardBytes: Int = 1 << 30
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configURL = directory.appending(path: "config.json")
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).writeAtomically(to: configURL)
        let (architecture, _) = try TextEncoderLoader.architectureMaker(ConfigFile(url: configURL))(ConfigFile(url: configURL), [])
        let parameters = architecture.declaredParameters.filter { architecture.tiedParameters[$0.0] == nil }
        var shards: [[(String, [Int])]] = [[]]
        var shardSize = 0
        for parameter in parameters {
            let bytes = parameter.1.elementCount * dtype.byteSize
            if shardSize > 0 && shardSize + bytes > shardBytes {
                shards.append([])
                shardSize = 0
            }
            shards[shards.count - 1].append(parameter)
            shardSize += bytes
        }
        var rng = RandomGenerator(seed: seed)
        let half = scale * Float(3).squareRoot()
        var weightMap: [String: String] = [:]
        for (index, shard) in shards.enumerated() {
            let file = shards.count == 1 ? "model.safetensors"
                : String(format: "model-%05d-of-%05d.safetensors", index + 1, shards.count)
            let entries = shard.map { name, shape in
                let isNorm = shape.count == 1 && (name.contains("norm") || name.contains("ln_")) && name.hasSuffix(".weight")
                let values: Tensor
                switch initialization {
                case .uniform:
                    let noise = rng.uniform(shape, low: -half, high: half)
                    values = isNorm ? noise * 5 + 1 : noise
                case .transformers:
                    values = isNorm ? Tensor(repeating: 1, shape: shape)
                        : shape.count == 1 ? Tensor(repeating: 0, shape: shape) : rng.normal(shape, standardDeviation: scale)
                }
                return SafetensorsEntry(name, values, storedAs: dtype)
            }
            try SafetensorsWriter.write(entries, to: directory.appending(path: file))
            for (name, _) in shard { weightMap[name] = file }
        }
        if shards.count > 1 {
            let totalSize = parameters.reduce(0) { $0 + $1.1.elementCount * dtype.byteSize }
            let index: [String: Any] = ["metadata": ["total_size": totalSize], "weight_map": weightMap]
            try JSONSerialization.data(withJSONObject: index, options: [.prettyPrinted, .sortedKeys])
                .writeAtomically(to: directory.appending(path: "model.safetensors.index.json"))
        }
    }
}

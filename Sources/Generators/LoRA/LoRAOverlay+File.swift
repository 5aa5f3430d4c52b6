import Foundation
import ModelIO
import Tensors

/// LoRA files in the diffusers/PEFT layout that `QwenImagePipeline.save_lora_weights` writes and
/// `load_lora_weights` reads (`src/diffusers/loaders/lora_pipeline.py`, `QwenImageLoraLoaderMixin`):
///
///     transformer.{module}.lora_A.weight   [r, in]
///     transformer.{module}.lora_B.weight   [out, r]
///     __metadata__: {"format": "pt",
///                    "lora_adapter_metadata": "{\"transformer.r\": 4, \"transformer.lora_alpha\": 8, …}"}
///
/// α comes from the metadata (as diffusers reads it); without metadata, from a scalar
/// `{module}.alpha` tensor (kohya-style files), else α = r (scale 1). Keys without the
/// `transformer.` prefix (PEFT's own `save_pretrained` naming) are accepted too.
extension LoRAOverlay {
    /// The pipeline component a LoRA file's keys and metadata are prefixed with.
    static let component = "transformer"

    private enum Part: String, CaseIterable {
        case down = ".lora_A.weight"
        case up = ".lora_B.weight"
        case alpha = ".alpha"
    }

    /// Reads a LoRA file whose adapters must fit `modules` (module name → layer shape).
    ///
    /// - Throws: a ``ModelIOError`` for an unreadable or malformed safetensors file;
    ///   ``GeneratorError/invalidLoRA(file:key:reason:)`` naming the file and tensor for a tensor
    ///   that is not a LoRA factor, an unknown module, a factor of the wrong shape, an A without its
    ///   B (or the reverse), a rank that disagrees with the metadata, or bad metadata.
    public init(contentsOf url: URL, modules: [String: LinearShape]) throws {
        let file = try SafetensorsFile(url: url)
        let path = file.path
        func invalid(_ key: String, _ reason: String) -> GeneratorError {
            .invalidLoRA(file: path, key: key, reason: reason)
        }
        let metadata = try LoRAMetadata(fileMetadata: file.metadata, component: Self.component, file: path)

        var factors: [String: [Part: (key: String, value: Tensor)]] = [:]
        for key in file.names {
            let name = key.hasPrefix(Self.component + ".") ? String(key.dropFirst(Self.component.count + 1)) : key
            guard let part = Part.allCases.first(where: { name.hasSuffix($0.rawValue) }) else {
                throw invalid(key, "not a LoRA tensor (names end in .lora_A.weight, .lora_B.weight or .alpha)")
            }
            let module = String(name.dropLast(part.rawValue.count))
            guard let shape = modules[module] else {
                throw invalid(key, "unknown module \"\(module)\": the model has no linear layer of that name")
            }
            let value = try file.tensor(named: key)
            switch part {
            case .down where value.rank != 2 || value.shape[0] == 0 || value.shape[1] != shape.inputs:
                throw invalid(key, "expected shape [r, \(shape.inputs)] with r ≥ 1, found \(value.shape)")
            case .up where value.rank != 2 || value.shape[0] != shape.outputs:
                throw invalid(key, "expected shape [\(shape.outputs), r], found \(value.shape)")
            case .alpha where value.count != 1:
                throw invalid(key, "expected a single value, found shape \(value.shape)")
            default:
                factors[module, default: [:]][part] = (key, value)
            }
        }
        guard !factors.isEmpty else { throw invalid("(none)", "the file holds no LoRA tensors") }

        let keyPrefix = file.names.contains { $0.hasPrefix(Self.component + ".") } ? Self.component + "." : ""
        var adapters: [String: LoRAAdapter] = [:]
        for (module, parts) in factors {
            let prefixed = keyPrefix + module
            guard let down = parts[.down] else {
                let present = parts[.up]?.key ?? parts[.alpha]?.key ?? module
                throw invalid(present, "has no matching lora_A (\(prefixed)\(Part.down.rawValue))")
            }
            guard let up = parts[.up] else {
                throw invalid(down.key, "has no matching lora_B (\(prefixed)\(Part.up.rawValue))")
            }
            let rank = down.value.shape[0]
            guard up.value.shape[1] == rank else {
                throw invalid(up.key, "rank \(up.value.shape[1]) differs from lora_A's rank \(rank)")
            }
            if let configured = metadata.rank(of: module), configured != rank {
                throw invalid(down.key, "rank \(rank) differs from r = \(configured) in the file's \(LoRAMetadata.key)")
            }
            let alpha = metadata.alpha(of: module) ?? parts[.alpha]?.value.scalars[0] ?? Float(rank)
            adapters[module] = LoRAAdapter(
                down: down.value, up: up.value, alpha: alpha,
                rankStabilized: metadata.rankStabilized)
        }
        self.init(adapters: adapters)
    }

    /// Writes the adapters (Float32) with diffusers' key names and `lora_adapter_metadata`
    /// (r and α as the most common values, `rank_pattern`/`alpha_pattern` for the exceptions,
    /// `target_modules` the adapted module names); atomically (temporary file, then rename).
    ///
    /// - Throws: ``GeneratorError/invalidLoRA(file:key:reason:)`` when the overlay is empty or mixes
    ///   rank-stabilised and plain scaling (one file stores one rule); a ``ModelIOError`` when writing fails.
    public func write(to url: URL) throws {
        let path = url.path(percentEncoded: false)
        let names = moduleNames
        guard let first = names.first.flatMap({ adapters[$0] }) else {
            throw GeneratorError.invalidLoRA(file: path, key: "(none)", reason: "the overlay has no adapters to save")
        }
        let all = names.compactMap { adapters[$0] }
        guard all.allSatisfy({ $0.rankStabilized == first.rankStabilized }) else {
            throw GeneratorError.invalidLoRA(file: path, key: "use_rslora", reason: "adapters mix α/r and α/√r scaling")
        }
        var metadata = LoRAMetadata(rank: Self.mostCommon(all.map(\.rank)), alpha: Self.mostCommon(all.map(\.alpha)))
        metadata.rankStabilized = first.rankStabilized
        for (name, adapter) in zip(names, all) {
            let pattern = NSRegularExpression.escapedPattern(for: name)
            if adapter.rank != metadata.rank { metadata.rankPattern.append((pattern, adapter.rank)) }
            if adapter.alpha != metadata.alpha { metadata.alphaPattern.append((pattern, adapter.alpha)) }
        }
        var tensors: [(String, Tensor)] = []
        for (name, adapter) in zip(names, all) {
            tensors.append(("\(Self.component).\(name)\(Part.down.rawValue)", adapter.down.detached()))
            tensors.append(("\(Self.component).\(name)\(Part.up.rawValue)", adapter.up.detached()))
        }
        let json = try metadata.json(component: Self.component, targets: names)
        try SafetensorsWriter.write(
            tensors, dtype: .float32, to: url, metadata: ["format": "pt", LoRAMetadata.key: json])
    }

    /// The most frequent value (the smallest among ties, so the choice is deterministic).
    private static func mostCommon<T: Hashable & Comparable>(_ values: [T]) -> T? {
        let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
}

import Foundation
import Generators
import ModelInterfaces
import Tensors
import Training

/// TokenVerse on a Qwen-Image generator (design reference part C.2/C.4): learn per-token
/// modulation offsets for the words of one captioned image, then add them to the same words of
/// new prompts, composing concepts learned from different images.
///
/// Learning: the caption and the merged isolation captions are encoded once by the frozen text
/// encoder, the concept image (alone, and beside each base image) once by the codec; the
/// ``Training/Trainer`` then minimises ``TokenVerseObjective`` over the offsets, from zero.
public enum TokenVerse {
    /// Learns Δ for every word of `settings.words` from `image`.
    ///
    /// - Parameters:
    ///   - baseFingerprint: the generator's weights fingerprint, recorded in the result.
    ///   - image: `[1, 3, H, W]` in [−1, 1] (``ConceptImage/read(_:width:height:)``).
    ///   - isolation: base images `[K, 3, H, W]` in [−1, 1] (``isolation(generator:prompts:captions:negativePrompt:settings:)``)
    ///     and their captions, none of which may contain a concept word; nil turns the isolation loss off.
    /// - Throws: ``PersonalizationError`` for no words, a repeated word, a word not in the caption,
    ///   a base caption holding a concept word, or a setting out of range; the generator's, the
    ///   encoder's and the ``Training/Trainer``'s errors.
    public static func learn(
        generator: QwenImageGenerator, baseFingerprint: String, prompts: PromptEncoder, image: Tensor,
        isolation: (images: Tensor, captions: [String])?, settings: TokenVerseSettings,
        progress: (any ProgressReporter)? = nil
    ) throws -> TokenVerseResult {
        let start = Date()
        try check(settings, isolationCaptions: isolation?.captions ?? [])
        let data = try prepare(generator: generator, prompts: prompts, image: image, isolation: isolation, settings: settings)
        var options = RectifiedFlowOptions()
        options.promptDropout = 0
        options.timestepSampling = settings.timestepSampling
        options.seed = settings.training.seed
        let objective = TokenVerseObjective(
            transformer: generator.transformer, data: data, options: options, perBlock: settings.perBlock,
            isolationProbability: isolation == nil ? 0 : settings.isolationProbability,
            isolationWeight: settings.isolationWeight, baseFingerprint: baseFingerprint)

        let trainingStart = Date()
        progress?.begin("learning \(settings.words.joined(separator: ", "))", total: settings.training.steps)
        let result = try Trainer(configuration: settings.training).train(
            parameters: objective.initialParameters, objective: objective, checkpointDirectory: nil
        ) { report in
            progress?.update(
                completed: report.step,
                detail: String(format: "loss %.4f, %.1f steps/s", report.loss, Double(report.step) / max(report.elapsed, 1e-9)))
        }
        progress?.end()
        let values = Dictionary(uniqueKeysWithValues: result.parameters.map { ($0.name, $0.value) })
        let concepts = settings.words.enumerated().map { index, word in
            ConceptModulation(word: word, delta: values["delta.\(index)"] ?? .zeros([0]), blockDeltas: values["block_delta.\(index)"])
        }
        return TokenVerseResult(
            modulations: ConceptModulationSet(concepts: concepts, caption: settings.caption, generatorFingerprint: baseFingerprint),
            losses: result.losses, trainingSeconds: Date().timeIntervalSince(trainingStart),
            seconds: Date().timeIntervalSince(start))
    }

    /// The isolation pairs' base images, drawn by the base generator (as TokenVerse's are by FLUX):
    /// image k from `captions[k]` with noise seed k, `[K, 3, H, W]` in [−1, 1], with the captions;
    /// nil for no captions (no isolation loss).
    ///
    /// - Throws: the generator's and the encoder's errors.
    public static func isolation(
        generator: QwenImageGenerator, prompts: PromptEncoder, captions: [String], negativePrompt: String?,
        settings: GenerationSettings
    ) throws -> (images: Tensor, captions: [String])? {
        guard !captions.isEmpty else { return nil }
        let saved = generator.modulation
        generator.modulation = nil
        defer { generator.modulation = saved }
        let negative = try negativePrompt.map { try prompts.encode([$0]) }
        let images = try captions.enumerated().map { index, caption in
            try generator.images(
                prompt: try prompts.encode([caption]), negativePrompt: negative, noiseSeeds: [UInt64(index)],
                settings: settings)
        }
        return (Tensor.concat(images, axis: 0) * 2 - 1, captions)
    }

    /// The text modulation that adds every concept's Δ to its word in `prompt`, for a batch of
    /// `batch` copies of the prompt as `prompts` encodes it (`textLength` kept tokens).
    ///
    /// - Throws: ``PersonalizationError/duplicateWord(word:files:)`` when two concepts share a word,
    ///   ``PersonalizationError/wordNotInPrompt(word:prompt:)`` when a concept's word is not in
    ///   `prompt`, ``PersonalizationError/invalidSetting(name:expected:found:)`` for no concepts.
    public static func modulation(
        prompt: String, concepts: [(source: String, concept: ConceptModulation)], prompts: PromptEncoder,
        textLength: Int, batch: Int, layers: Int
    ) throws -> TextModulation {
        guard let first = concepts.first else {
            throw PersonalizationError.invalidSetting(name: "concepts", expected: "at least one", found: "none")
        }
        var sources: [String: [String]] = [:]
        for (source, concept) in concepts { sources[concept.word, default: []].append(source) }
        if let (word, files) = sources.first(where: { $0.value.count > 1 }) {
            throw PersonalizationError.duplicateWord(word: word, files: files)
        }
        let placements = try concepts.map { _, concept in
            PromptModulation.Placement(
                delta: concept.delta, blockDeltas: concept.blockDeltas,
                spans: try PromptWords.spans(
                    of: concept.word, in: prompt, template: prompts.template, tokenize: prompts.encoder.tokenize))
        }
        return PromptModulation(placements: placements).modulation(
            batch: batch, textLength: textLength, width: first.concept.delta.count, layers: layers)
    }

    /// Checks the words and settings before anything is computed.
    static func check(_ settings: TokenVerseSettings, isolationCaptions: [String]) throws {
        guard !settings.words.isEmpty else {
            throw PersonalizationError.invalidSetting(name: "words", expected: "at least one concept word", found: "none")
        }
        if let word = settings.words.first(where: { word in settings.words.filter { $0 == word }.count > 1 }) {
            throw PersonalizationError.duplicateWord(word: word, files: [settings.caption])
        }
        for word in settings.words where PromptWords.wholeWordRanges(of: word, in: settings.caption).isEmpty {
            throw PersonalizationError.wordNotInPrompt(word: word, prompt: settings.caption)
        }
        for caption in isolationCaptions {
            if let word = settings.words.first(where: { !PromptWords.wholeWordRanges(of: $0, in: caption).isEmpty }) {
                throw PersonalizationError.invalidSetting(
                    name: "isolation caption", expected: "no concept word", found: "\"\(word)\" in \"\(caption)\"")
            }
        }
        guard (0...1).contains(settings.isolationProbability), settings.isolationWeight.isFinite, settings.isolationWeight >= 0
        else {
            throw PersonalizationError.invalidSetting(
                name: "isolation", expected: "probability in 0...1 and a finite weight ≥ 0",
                found: "\(settings.isolationProbability), \(settings.isolationWeight)")
        }
    }

    /// Encodes the captions and images once.
    static func prepare(
        generator: QwenImageGenerator, prompts: PromptEncoder, image: Tensor, isolation: (images: Tensor, captions: [String])?,
        settings: TokenVerseSettings
    ) throws -> TokenVerseData {
        let (height, width) = (image.shape[2], image.shape[3])
        let grid = try generator.latentSize(width: width, height: height)
        func states(_ text: String) throws -> Tensor {
            let encoded = try prompts.encode([text]).embeddings
            return encoded.reshaped(Array(encoded.shape.dropFirst()))
        }
        func spans(in text: String) throws -> [[Range<Int>]] {
            try settings.words.map { word in
                try PromptWords.spans(of: word, in: text, template: prompts.template, tokenize: prompts.encoder.tokenize)
            }
        }
        let latents = try LatentPacking.pack(generator.codec.encode(image))
        let pairs: [TokenVerseData.IsolationPair] = try (isolation.map { base in
            try base.captions.enumerated().map { index, caption -> TokenVerseData.IsolationPair in
                let merged = settings.isolationTemplate.replacingOccurrences(of: "{left}", with: settings.caption)
                    .replacingOccurrences(of: "{right}", with: caption)
                let side = Tensor.concat([image, base.images.slice(axis: 0, index..<(index + 1))], axis: 3)
                return TokenVerseData.IsolationPair(
                    latents: try LatentPacking.pack(generator.codec.encode(side)), prompt: try states(merged),
                    spans: try spans(in: merged))
            }
        } ?? [])
        return TokenVerseData(
            latents: latents, imageShape: PackedImageShape(height: grid.height / 2, width: grid.width / 2),
            prompt: try states(settings.caption), spans: try spans(in: settings.caption), isolation: pairs,
            isolationShape: PackedImageShape(height: grid.height / 2, width: grid.width))
    }
}

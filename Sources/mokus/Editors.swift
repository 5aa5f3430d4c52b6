import Foundation
import KnowledgeEditing
import MEMIT
import ROME
import Tensors

/// The composition root: every editor this build ships, registered by EasyEdit `alg_name`.
/// Adding an editor plugin means adding its target to the `mokus` dependencies and one
/// `register` call here.
enum Editors {
    static func registry(statistics: StatisticsSource) -> EditorRegistry {
        var registry = EditorRegistry()
        registry.register(ROMEEditor.algorithmName) { file in
            let h = try file.decode(ROMEHyperparameters.self)
            return ROMEEditor(h, secondMoment: h.usesCovariance ? statistics.secondMoment(h.rewriteModule) : nil)
        }
        registry.register(MEMITEditor.algorithmName) { file in
            let h = try file.decode(MEMITHyperparameters.self)
            return MEMITEditor(h, secondMoment: statistics.secondMoment(h.rewriteModule))
        }
        return registry
    }
}

/// Where editors get C = E[k kᵀ]: a statistics file per layer, cached under the model's
/// fingerprint, computed on first use from a local corpus.
///
/// Used from one thread (the CLI's); `@unchecked Sendable` so the registry's factories can hold it.
final class StatisticsSource: @unchecked Sendable {
    let encoder: any TextEncoder
    let cache: StatisticsCache
    let corpus: TextCorpus?
    let budget: StatisticsBudget
    let progress: (any ProgressReporter)?

    init(encoder: any TextEncoder, cacheDirectory: URL, corpus: TextCorpus?, budget: StatisticsBudget,
         progress: (any ProgressReporter)?) {
        self.encoder = encoder
        self.cache = StatisticsCache(directory: cacheDirectory)
        self.corpus = corpus
        self.budget = budget
        self.progress = progress
    }

    /// C for the module a template names at each layer.
    func secondMoment(_ template: ModuleTemplate) -> (Int) throws -> Tensor {
        { layer in
            let module = try template.resolve(layer: layer, in: self.encoder.info)
            guard let corpus = self.corpus else { throw MissingCorpus(module: module) }
            return try self.cache.statistics(encoder: self.encoder, module: module, corpus: corpus, budget: self.budget,
                                             progress: self.progress).moment.mean
        }
    }

    struct MissingCorpus: Error, CustomStringConvertible {
        let module: String
        var description: String {
            "layer statistics for \(module) are needed: pass --corpus FILE (plain text or JSONL) to compute them, "
                + "or import EasyEdit statistics with `mokus stats import-npz`"
        }
    }
}

import AlphaEdit
import Foundation
import KnowledgeEditing
import MEMIT
import ModelInterfaces
import ROME
import Statistics
import Tensors
import UltraEdit

/// The composition root: every editor this build ships, registered by its EasyEdit `alg_name`.
/// Adding an editor plugin means adding its target to the `mokus` dependencies and one
/// `register` line here.
enum Editors {
    static let registry: EditorRegistry = {
        var registry = EditorRegistry()
        registry.register(ROMEEditor.self)
        // EasyEdit's r-ROME files: ROME with the keys their flags choose (ROMEKeySource).
        registry.register("R-ROME") { file, context in ROMEEditor(try file.decode(ROMEHyperparameters.self), context: context) }
        registry.register(MEMITEditor.self)
        registry.register(AlphaEditEditor.self)
        registry.register(UltraEditEditor.self)
        return registry
    }()
}

/// Where editors get C = E[k kᵀ]: a statistics file per layer, cached under the model's
/// fingerprint, computed on first use from a local corpus.
///
/// Used from one thread (the CLI's), handed to editors in their ``EditingContext``.
final class StatisticsSource: SecondMomentProvider {
    let encoder: any TextEncoder
    let cache: StatisticsCache
    let corpus: TextCorpus?
    let budget: StatisticsBudget
    /// Statistics files given explicitly, by module (read on first use).
    let files: [URL]
    /// C by module, once read or computed (ROME asks again for every request).
    private var loaded: [String: Tensor] = [:]
    /// The corpus's SHA-256, once computed (hashed once per run, however many modules).
    private var corpusSHA256: String?

    init(encoder: any TextEncoder, cacheDirectory: URL, corpus: TextCorpus?, budget: StatisticsBudget, files: [URL] = []) {
        self.encoder = encoder
        self.cache = StatisticsCache(directory: cacheDirectory)
        self.corpus = corpus
        self.budget = budget
        self.files = files
    }

    /// C for the module a template names at `layer`: from a given file for that module
    /// (checked against this model's fingerprint and the module's width), else from the cache
    /// (under the corpus's hash; without a corpus, the one cached for this model, module and
    /// budget), else computed from the corpus, reporting to `progress`.
    func secondMoment(of template: ModuleTemplate, layer: Int, progress: (any ProgressReporter)?) throws -> Tensor {
        let module = try template.resolve(layer: layer, in: encoder.info)
        if let known = loaded[module] { return known }
        let moment = try load(module, progress: progress)
        loaded[module] = moment
        return moment
    }

    private func load(_ module: String, progress: (any ProgressReporter)?) throws -> Tensor {
        for url in files where try LayerStatistics.read(from: url).provenance.module == module {
            return try LayerStatistics.load(
                url: url, expectedFingerprint: encoder.fingerprint, module: module,
                expectedDimension: try LayerStatistics.inputWidth(of: module, in: encoder)).mean
        }
        guard let corpus else {
            guard let cached = try cache.statistics(modelFingerprint: encoder.fingerprint, module: module, budget: budget) else {
                throw MissingCorpus(module: module)
            }
            return cached.moment.mean
        }
        let hash = try corpusSHA256 ?? LayerStatistics.hash(corpus, progress: progress)
        corpusSHA256 = hash
        return try cache.statistics(encoder: encoder, module: module, corpus: corpus, corpusSHA256: hash, budget: budget,
                                    progress: progress).moment.mean
    }

    struct MissingCorpus: Error, CustomStringConvertible {
        let module: String
        var description: String {
            "layer statistics for \(module) are needed and none are cached for this model and mom2_n_samples: "
                + "pass --corpus FILE (plain text or JSONL), or name the file in the hparams' mom2_dataset, to compute "
                + "them, or import EasyEdit statistics with `mokus stats import-npz`"
        }
    }
}

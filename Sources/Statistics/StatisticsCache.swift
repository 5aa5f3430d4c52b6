import Foundation
import ModelInterfaces
import ModelIO

/// A directory of complete statistics files, keyed by ``StatisticsKey`` (model fingerprint,
/// module, corpus hash and format, budget), so that statistics are computed once per key and a
/// file made for another model, corpus or budget is never reused.
///
/// Layout: `<directory>/<model fingerprint>/<module>-<h>.safetensors`, where `h` is the first 16
/// hex digits of the SHA-256 of the key's metadata fields (`name=value` lines in the order of
/// `docs/statistics.md`), and `<module>` keeps only `A–Z a–z 0–9 . _ -` (others become `_`). The
/// path only locates a file: its metadata is compared with the whole key before it is used.
public struct StatisticsCache: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Where statistics for `key` live.
    public func url(for key: StatisticsKey) -> URL {
        var hasher = SHA256()
        for (name, value) in key.fields { hasher.update("\(name)=\(value)\n") }
        let digest = hasher.finalize().prefix(16)
        return directory.appending(path: key.modelFingerprint)
            .appending(path: "\(Self.fileStem(module: key.module))-\(digest).safetensors")
    }

    /// `module` with every character but `A–Z a–z 0–9 . _ -` replaced by `_`.
    private static func fileStem(module: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        return String(module.map { allowed.contains($0) ? $0 : "_" })
    }

    /// The complete cached statistics of `module` for the model `modelFingerprint` within
    /// `budget`, whichever corpus they were computed on: what a run without a corpus file uses
    /// (the hparams' `mom2_dataset` naming a dataset, not a file). `nil` when there are none.
    ///
    /// - Throws: ``StatisticsError/ambiguousCache(module:files:)`` when files of several corpora
    ///   match; the errors of ``LayerStatistics/read(from:)`` for an unreadable candidate.
    /// - Complexity: reads every `<module>-*.safetensors` file in the model's folder.
    public func statistics(modelFingerprint: String, module: String, budget: StatisticsBudget) throws -> LayerStatistics? {
        let folder = directory.appending(path: modelFingerprint)
        let prefix = "\(Self.fileStem(module: module))-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))) ?? []
        var found: [(url: URL, statistics: LayerStatistics)] = []
        for name in names.sorted() where name.hasPrefix(prefix) && name.hasSuffix(".safetensors") {
            let url = folder.appending(path: name)
            let statistics = try LayerStatistics.read(from: url)
            let provenance = statistics.provenance
            guard provenance.module == module, provenance.modelFingerprint == modelFingerprint, provenance.budget == budget,
                  provenance.shard == nil, statistics.moment.count > 0 else { continue }
            found.append((url, statistics))
        }
        guard Set(found.map(\.statistics.provenance.corpusSHA256)).count <= 1 else {
            throw StatisticsError.ambiguousCache(module: module, files: found.map { $0.url.path(percentEncoded: false) })
        }
        return found.first?.statistics
    }

    /// The cached statistics for `key`, or `nil` when there are none, or when the file at its
    /// path was made for another key, is a partial sum, or counts no token (stale or foreign
    /// files are ignored, and overwritten by the next ``store(_:)``).
    ///
    /// - Throws: the errors of ``LayerStatistics/read(from:)`` for a file that is not a readable
    ///   statistics file.
    public func statistics(for key: StatisticsKey) throws -> LayerStatistics? {
        let url = url(for: key)
        guard FileManager.default.fileExists(atPath: url.path(percentEncoded: false)) else { return nil }
        let statistics = try LayerStatistics.read(from: url)
        let provenance = statistics.provenance
        guard provenance.key == key, provenance.shard == nil, statistics.moment.count > 0 else { return nil }
        return statistics
    }

    /// Writes complete statistics under their key (Float64 sum), creating directories as needed.
    ///
    /// - Returns: the file's URL.
    /// - Throws: ``StatisticsError/partialStatistics(file:shard:)`` for a shard's partial sum;
    ///   ``StatisticsError/emptyStatistics(file:)`` for a count of 0; `ModelIOError.writeFailed`.
    @discardableResult
    public func store(_ statistics: LayerStatistics) throws -> URL {
        let url = url(for: statistics.provenance.key)
        let path = url.path(percentEncoded: false)
        if let shard = statistics.provenance.shard {
            throw StatisticsError.partialStatistics(file: path, shard: shard.description)
        }
        guard statistics.moment.count > 0 else { throw StatisticsError.emptyStatistics(file: path) }
        do {
            let folder = url.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ModelIOError.writeFailed(file: path, reason: ErrorText.reason(error))
        }
        try statistics.write(to: url)
        return url
    }

    /// The statistics of `module` over `corpus` within `budget`: from the cache when present,
    /// otherwise computed (see
    /// ``LayerStatistics/compute(encoder:module:corpus:budget:batching:shard:progress:)``) and
    /// stored. The corpus is hashed once either way, and not at all when `corpusSHA256` (from
    /// ``LayerStatistics/hash(_:progress:)``) is given.
    public func statistics(
        encoder: any TextEncoder, module: String, corpus: TextCorpus, corpusSHA256: String? = nil,
        budget: StatisticsBudget = StatisticsBudget(), batching: StatisticsBatching = StatisticsBatching(),
        progress: (any ProgressReporter)? = nil
    ) throws -> LayerStatistics {
        try budget.validate()
        try batching.validate()
        let dimension = try LayerStatistics.inputWidth(of: module, in: encoder)
        let corpusSHA256 = try corpusSHA256 ?? LayerStatistics.hash(corpus, progress: progress)
        let key = StatisticsKey(
            modelFingerprint: encoder.fingerprint, module: module, corpusSHA256: corpusSHA256,
            corpusFormat: corpus.format.description, budget: budget)
        if let cached = try statistics(for: key) { return cached }
        let statistics = try LayerStatistics.compute(
            encoder: encoder, module: module, dimension: dimension, corpus: corpus, corpusSHA256: corpusSHA256,
            budget: budget, batching: batching, shard: nil, progress: progress)
        try store(statistics)
        return statistics
    }
}

import Foundation

extension LayerStatistics {
    /// Adds up the partial sums of shards `0/n … (n−1)/n` into the statistics of the whole
    /// budget (shard `all`): sums and token counts add, as do document counts.
    ///
    /// Files are read one at a time, so memory stays at two d×d Float64 matrices whatever n is.
    ///
    /// - Parameter urls: statistics files written by
    ///   ``compute(encoder:module:corpus:budget:batching:shard:progress:)`` with a shard, in any
    ///   order.
    /// - Throws: the errors of ``read(from:)``; ``StatisticsError/nothingToMerge``;
    ///   ``StatisticsError/notAPartial(file:)`` for a complete file;
    ///   ``StatisticsError/partialsDisagree(key:file:value:otherFile:otherValue:)`` when two files
    ///   differ in model fingerprint, module, corpus hash or format, budget, shard count n or d;
    ///   ``StatisticsError/duplicateShard(shard:files:)``; ``StatisticsError/missingShards(missing:count:)``.
    /// - Complexity: O(n·d²).
    public static func merge(_ urls: [URL]) throws -> LayerStatistics {
        var reference: MergeReference?
        var sum: [Double] = []
        var tokenCount = 0
        var documentCount: Int? = 0
        var shardFiles: [Int: String] = [:]
        for url in urls {
            let path = url.path(percentEncoded: false)
            // `part` ends with the iteration, so `sum` owns its buffer again before the next one.
            let part = try read(from: url)
            guard let shard = part.provenance.shard else { throw StatisticsError.notAPartial(file: path) }
            if let reference {
                try reference.check(part, path: path)
                part.moment.sum.withUnsafeBufferPointer { partSum in
                    sum.withUnsafeMutableBufferPointer { total in
                        for i in 0..<total.count { total[i] += partSum[i] }
                    }
                }
            } else {
                reference = MergeReference(part, path: path)
                sum = part.moment.sum
            }
            if let earlier = shardFiles[shard.index] {
                throw StatisticsError.duplicateShard(shard: shard.description, files: [earlier, path])
            }
            shardFiles[shard.index] = path
            tokenCount += part.moment.count
            documentCount = documentCount.flatMap { total in part.provenance.documentCount.map { total + $0 } }
        }
        guard let first = reference else { throw StatisticsError.nothingToMerge }
        let missing = (0..<first.shardCount).filter { shardFiles[$0] == nil }
        guard missing.isEmpty else { throw StatisticsError.missingShards(missing: missing, count: first.shardCount) }
        var provenance = first.provenance
        provenance.shard = nil
        provenance.documentCount = documentCount
        let moment = SecondMoment(validatedDimension: first.dimension, sum: sum, count: tokenCount)
        return LayerStatistics(moment: moment, provenance: provenance)
    }
}

/// What every partial of one merge must share with the first.
private struct MergeReference {
    let path: String
    let provenance: StatisticsProvenance
    let dimension: Int
    /// n, the shard count (the reference is always a partial).
    let shardCount: Int
    let fields: [(String, String)]

    init(_ statistics: LayerStatistics, path: String) {
        self.path = path
        provenance = statistics.provenance
        dimension = statistics.moment.dimension
        shardCount = statistics.provenance.shard?.count ?? 1
        fields = Self.fields(of: statistics)
    }

    static func fields(of statistics: LayerStatistics) -> [(String, String)] {
        statistics.provenance.key.fields + [
            ("shard count", statistics.provenance.shard.map { "\($0.count)" } ?? "all"),
            ("d", "\(statistics.moment.dimension)"),
        ]
    }

    /// - Throws: ``StatisticsError/partialsDisagree(key:file:value:otherFile:otherValue:)`` for the
    ///   first field that differs.
    func check(_ statistics: LayerStatistics, path otherPath: String) throws {
        for ((key, value), (_, other)) in zip(fields, Self.fields(of: statistics)) where value != other {
            throw StatisticsError.partialsDisagree(
                key: key, file: otherPath, value: other, otherFile: path, otherValue: value)
        }
    }
}

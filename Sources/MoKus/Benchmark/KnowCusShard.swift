/// One part of a benchmark run spread over machines: shard `index` of `count` runs the units
/// whose position in ``KnowCusUnit/all(_:)`` is `index` modulo `count`.
public struct KnowCusShard: Codable, Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The whole run.
    public static let whole = KnowCusShard(uncheckedIndex: 0, count: 1)

    init(uncheckedIndex index: Int, count: Int) {
        (self.index, self.count) = (index, count)
    }

    /// Parses `i/n` (`0/4` … `3/4`).
    ///
    /// - Throws: ``MoKusError/invalidShard(text:)`` unless 0 ≤ i < n.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
            throw MoKusError.invalidShard(text: text)
        }
        self.init(uncheckedIndex: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The file a shard writes into the run folder: `shard-<i>-of-<n>.json`.
    public var fileName: String { "shard-\(index)-of-\(count).json" }

    /// The units of this shard, in run order.
    public func units(of suite: KnowCusSuite) -> [KnowCusUnit] {
        KnowCusUnit.all(suite).enumerated().filter { $0.offset % count == index }.map(\.element)
    }
}

/// The smallest independent piece of a benchmark run: a concept's anchor reference (statement
/// nil: the anchor-only DreamBooth), or one knowledge statement of a concept under every method.
/// Units share nothing but the concept's anchor LoRA, which every shard that needs it learns the
/// same way (seeded), so a unit's results do not depend on the shard it runs in.
public struct KnowCusUnit: Codable, Sendable, Hashable, Comparable {
    public var concept: Int
    public var statement: Int?

    /// Every unit of `suite`, concept by concept: the anchor reference, then each statement.
    public static func all(_ suite: KnowCusSuite) -> [KnowCusUnit] {
        suite.concepts.enumerated().flatMap { c, concept in
            [KnowCusUnit(concept: c, statement: nil)] + concept.knowledge.indices.map { KnowCusUnit(concept: c, statement: $0) }
        }
    }

    public static func < (a: KnowCusUnit, b: KnowCusUnit) -> Bool {
        (a.concept, a.statement ?? -1) < (b.concept, b.statement ?? -1)
    }
}

import Foundation
@testable import MoKus
import Tensors
import Testing

/// The KnowCus benchmark's bookkeeping: shards, units, intervals, merging and segmentation.
@Suite("KnowCus benchmark results")
struct KnowCusResultsTests {
    static func suite(statements: [Int]) -> KnowCusSuite {
        KnowCusSuite(name: "test", concepts: statements.enumerated().map { c, count in
            KnowCusConcept(
                name: "concept \(c)", anchor: "sks \(c)", images: Tensor.zeros([1, 3, 4, 4]), masks: nil,
                knowledge: (0..<count).map { KnowCusStatement(text: "fact \($0)", perspective: nil) },
                prompts: [KnowCusPrompt(kind: .reconstruction, template: "{}", expected: [:], requested: [:])])
        })
    }

    @Test("parses i/n and refuses anything else", arguments: ["4/4", "a/b", "1", "-1/2", "0/0", "1/2/3", ""])
    func refusesBadShards(text: String) {
        #expect(throws: MoKusError.invalidShard(text: text)) { try KnowCusShard(parsing: text) }
    }

    @Test("shards partition the units: anchor reference, then statements, dealt round-robin")
    func partitions() throws {
        let suite = Self.suite(statements: [2, 3])
        #expect(try KnowCusShard(parsing: "1/4") == KnowCusShard(uncheckedIndex: 1, count: 4))
        let all = KnowCusUnit.all(suite)
        #expect(all.map(\.concept) == [0, 0, 0, 1, 1, 1, 1])
        #expect(all.map(\.statement) == [nil, 0, 1, nil, 0, 1, 2])
        let shards = try (0..<3).map { try KnowCusShard(parsing: "\($0)/3").units(of: suite) }
        #expect(shards.map(\.count) == [3, 2, 2])
        #expect(shards.flatMap { $0 }.sorted() == all)
    }

    @Test("interval: mean and Student-t half-width over seeds")
    func interval() {
        let interval = KnowCusResults.Interval(values: [1, 2, 3])
        #expect(interval.mean == 2)
        #expect(abs(interval.halfWidth! - 4.303 / 3.0.squareRoot()) < 1e-12)
        #expect(KnowCusResults.Interval(values: [0.5]).halfWidth == nil)
    }

    static func info(methods: [String] = ["DB (anchor)", "M"]) -> KnowCusRunInfo {
        KnowCusRunInfo(
            suite: "test", concepts: [], methods: methods, seeds: [0, 1], guidance: 1, samplingSteps: 2, loraSteps: 2,
            loraLearningRate: 1e-3, loraRank: 4, encoderTuningSteps: 1, encoderTuningLearningRate: 1e-4,
            queryTemplate: "What is {knowledge}?", chatTemplate: "none")
    }

    static func record(_ method: String, _ statement: Int?, kind: KnowCusPromptKind, _ values: [Double]) -> KnowCusRecord {
        KnowCusRecord(
            method: method, concept: 0, statement: statement, prompt: kind == .reconstruction ? 0 : 1, kind: kind, text: "",
            similarity: values, segmentedSimilarity: values, alignment: nil,
            attributeAccuracy: kind == .reconstruction ? nil : values.map { $0 > 0.5 ? 1 : 0 })
    }

    static func shard(_ index: Int, of count: Int, _ records: [KnowCusRecord], info: KnowCusRunInfo = info()) -> KnowCusShardResult {
        KnowCusShardResult(
            info: info, shard: KnowCusShard(uncheckedIndex: index, count: count), units: [], records: records,
            timings: records.map { KnowCusTiming(method: $0.method, concept: 0, statement: $0.statement, seconds: 1) })
    }

    @Test("merging sorts records canonically and summarises per seed; order of shards does not matter")
    func merges() throws {
        let a = [Self.record("M", 1, kind: .reconstruction, [0.2, 0.4]), Self.record("DB (anchor)", nil, kind: .style, [1, 0])]
        let b = [Self.record("M", 0, kind: .style, [0.6, 0.8]), Self.record("M", 0, kind: .reconstruction, [0, 0.2])]
        let (merged, timings) = try KnowCusResults.merge([("a", Self.shard(0, of: 2, a)), ("b", Self.shard(1, of: 2, b))])
        let (swapped, _) = try KnowCusResults.merge([("b", Self.shard(1, of: 2, b)), ("a", Self.shard(0, of: 2, a))])
        #expect(try merged.json() == swapped.json())
        #expect(merged.records.map(\.statement) == [nil, 0, 0, 1])
        #expect(merged.records.map(\.prompt) == [1, 0, 1, 0])
        #expect(timings.meanSeconds.map(\.method) == ["DB (anchor)", "M"])
        // M's reconstruction per seed: (0 + 0.2)/2, (0.2 + 0.4)/2 → mean 0.2.
        let row = try #require(merged.row("M", "reconstruction"))
        #expect(abs(row.similarity!.mean - 0.2) < 1e-12)
        #expect(row.attributeAccuracy == nil)
        #expect(merged.row("M", "generation")?.attributeAccuracy?.mean == 1)
        // The anchor's style record: accuracy per seed 1, 0 → mean 0.5, half-width 12.706 · 0.5.
        #expect(merged.row("DB (anchor)", "style")?.attributeAccuracy == .init(mean: 0.5, halfWidth: 12.706 * 0.5))
        #expect(merged.row("M", "background")?.similarity == nil)
    }

    @Test("merging refuses a missing, repeated or foreign shard")
    func refusesBadMerges() {
        let r = [Self.record("M", 0, kind: .style, [0.6, 0.8])]
        #expect(throws: MoKusError.self) { try KnowCusResults.merge([("a", Self.shard(0, of: 2, r))]) }
        #expect(throws: MoKusError.self) {
            try KnowCusResults.merge([("a", Self.shard(0, of: 2, r)), ("b", Self.shard(0, of: 2, r))])
        }
        #expect(throws: MoKusError.self) {
            try KnowCusResults.merge([("a", Self.shard(0, of: 2, r)), ("b", Self.shard(1, of: 2, r, info: Self.info(methods: ["X"])))])
        }
        #expect(throws: MoKusError.self) {
            try KnowCusResults.merge([("a", Self.shard(0, of: 2, r)), ("b", Self.shard(1, of: 3, r))])
        }
    }

    @Test("segmentation marks the pixels unlike the border's median colour")
    func segments() {
        let (h, w) = (8, 8)
        var pixels = [Float](repeating: 0, count: 3 * h * w)
        let teal: [Float] = [0, 0.35, 0.35]
        let green: [Float] = [0.16, 0.78, 0.24]
        var expected = [Float](repeating: 0, count: h * w)
        for y in 0..<h {
            for x in 0..<w {
                let inside = (2...4).contains(y) && (3...5).contains(x)
                expected[y * w + x] = inside ? 1 : 0
                for c in 0..<3 { pixels[c * h * w + y * w + x] = inside ? green[c] : teal[c] }
            }
        }
        #expect(KnowCusScorer.segment(Tensor(shape: [1, 3, h, w], scalars: pixels)).scalars == expected)
    }

    @Test("a suite is refused with the field that is wrong")
    func validatesSuites() {
        var suite = Self.suite(statements: [1])
        suite.concepts[0].masks = Tensor.zeros([2, 1, 4, 4])
        #expect(throws: MoKusError.invalidSuite(field: "concepts[0].masks", expected: "[1, 1, 4, 4]", found: "[2, 1, 4, 4]")) {
            try suite.validate()
        }
        #expect(throws: MoKusError.invalidSuite(field: "concepts", expected: "at least one", found: "none")) {
            try KnowCusSuite(name: "empty", concepts: []).validate()
        }
    }
}

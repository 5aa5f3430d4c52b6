import Foundation
import TestSupport
@testable import mokus
import Testing
import TextEncoders

@Suite("mokus edit --eval-at and --curve")
struct EditCurveTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2").path(percentEncoded: false)
    static let hparams = repository.appending(path: "hparams/ROME/tiny-qwen2.yaml").path(percentEncoded: false)

    /// Three requests with a paraphrase and one locality probe each.
    func writeRequests(in directory: TemporaryDirectory) throws -> String {
        let records: [[String: Any]] = [("The red apple is on the", "The red apple", "roof"),
                                        ("The blue car is in the", "The blue car", "garden"),
                                        ("The old dog sleeps on the", "The old dog", "table")].map { prompt, subject, target in
            ["prompt": prompt, "subject": subject, "target_new": target, "rephrase_prompt": "Yes. \(prompt)",
             "locality": ["neighborhood": ["prompt": "The sky is", "ground_truth": "blue"]]]
        }
        let url = directory.file("requests.json")
        try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys]).write(to: url)
        return url.path(percentEncoded: false)
    }

    func edit(_ requests: String, _ extra: [String]) throws -> Mokus.Edit {
        try Mokus.Edit.parse(["--hparams", Self.hparams, "--requests", requests, "--model", Self.fixture, "--quiet"] + extra)
    }

    @Test("counts are positive and increasing")
    func counts() {
        #expect(EditCounts(argument: "10, 100,1000")?.values == [10, 100, 1000])
        for bad in ["", "0", "10,10", "100,10", "x", "5,", "-3", "99999999"] { #expect(EditCounts(argument: bad) == nil, "\(bad)") }
    }

    @Test("the plotted metrics and the printed line, from a summary")
    func series() {
        let point = EditCurvePoint(edits: 7, summary: ["pre.rewrite_acc": 0.1, "post.rewrite_acc": 0.5,
                                                       "post.rephrase_acc": 0.25, "post.locality.neighborhood": 1],
                                   weightNorm: 12.34)
        #expect(EditCurvePoint.series(of: point.summary).map(\.name) == ["rewrite", "paraphrase", "locality.neighborhood"])
        #expect(point.line == "after 7 edits: rewrite 0.5000  paraphrase 0.2500  locality.neighborhood 1.0000  ‖W‖ 12.3")
    }

    @Test("the point's ‖W‖ is the Frobenius norm over the edited matrices")
    func weightNorm() throws {
        let encoder = try TextEncoderLoader.load(directory: URL(fileURLWithPath: Self.fixture))
        let names: Set = ["model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight"]
        let point = try EditCurvePoint.measure([], pre: [], edited: names, encoder: encoder)
        let squares = try names.map { try encoder.parameter($0).scalars.reduce(0.0) { $0 + Double($1) * Double($1) } }
        #expect(abs(Double(point.weightNorm) - squares.reduce(0, +).squareRoot()) < 1e-4 * Double(point.weightNorm))
        #expect(point.weightNorm > 0 && point.edits == 0)
    }

    @Test("--eval-at needs --sequential --eval, --curve needs --eval-at, and a count past the requests is refused")
    func validation() throws {
        let directory = try TemporaryDirectory(label: "mokus-curve")
        let requests = try writeRequests(in: directory)
        #expect(throws: (any Error).self) { try edit(requests, ["--eval", "--eval-at", "1"]) }
        #expect(throws: (any Error).self) { try edit(requests, ["--sequential", "--eval-at", "1"]) }
        #expect(throws: (any Error).self) { try edit(requests, ["--sequential", "--eval", "--curve", directory.file("c.svg").path]) }
        let past = try edit(requests, ["--sequential", "--eval", "--eval-at", "2,5", "--curve", directory.file("c.svg").path])
        #expect(throws: (any Error).self) { try past.run() }
        #expect(!FileManager.default.fileExists(atPath: directory.file("c.svg").path(percentEncoded: false)))
    }

    @Test("a sequential run writes one point per count: three lines (rewrite, paraphrase, locality) of two points")
    func curve() throws {
        let directory = try TemporaryDirectory(label: "mokus-curve")
        let requests = try writeRequests(in: directory)
        let plot = directory.file("curve.svg")
        try edit(requests, ["--sequential", "--eval", "--eval-at", "1,3", "--curve", plot.path(percentEncoded: false)]).run()
        let svg = try String(contentsOf: plot, encoding: .utf8)
        for legend in ["rewrite", "paraphrase", "locality.neighborhood", "requests edited"] { #expect(svg.contains(">\(legend)<")) }
        let lines = svg.split(separator: "\n").filter { $0.hasPrefix("<polyline") }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.split(separator: "points=\"")[1].split(separator: "\"")[0].split(separator: " ").count == 2 })
    }
}

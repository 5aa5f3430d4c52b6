import Foundation
import KnowledgeEditing
import Tensors

/// What the editor suites share: the committed tiny random Qwen2 checkpoint (hidden 64,
/// intermediate 128, 2 layers; TextEncodersTests' fixture), the repository's tiny hparams files,
/// and the made-up facts they write.
public enum TinyEditingFixture {
    /// The repository root (this file is `Tests/EditingTestSupport/TinyEditingFixture.swift`).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/TextEncodersTests/Fixtures/qwen2`.
    public static let checkpoint = repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2")

    /// `hparams/<method>/tiny-qwen2.yaml`, decoded.
    public static func hyperparameters(_ method: String) throws -> HyperparameterFile {
        try HyperparameterFile(contentsOf: repository.appending(path: "hparams/\(method)/tiny-qwen2.yaml"))
    }

    /// Eight facts about made-up subjects (the tiny model knows nothing; the point is writing
    /// them): "The red apple is on the" → "table", with "The red apple" as the subject, ….
    public static let facts = [
        ("The red apple", "is on the", "table"), ("Zürich", "is a city in", "Japan"),
        ("The wooden chair", "is made of", "glass"), ("My sister", "works as a", "pilot"),
        ("The old bridge", "crosses the", "river"), ("Our teacher", "speaks", "French"),
        ("The small cat", "sleeps on the", "sofa"), ("This painting", "shows a", "horse"),
    ].map { EditRequest(prompt: "\($0.0) \($0.1)", targetNew: $0.2, subject: $0.0) }

    /// Writes the first `count` ``facts`` to `url` as an EasyEdit request list
    /// (`[{"prompt": …, "subject": …, "target_new": …}]`) and returns `url`.
    @discardableResult
    public static func writeRequests(_ count: Int, to url: URL) throws -> URL {
        let records = facts.prefix(count).map { ["prompt": $0.prompt, "subject": $0.subject ?? "", "target_new": $0.targetNew] }
        try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys]).write(to: url)
        return url
    }
}

extension EditResult {
    /// Whether `other` holds the same deltas, bit for bit (same parameters, same values).
    public func hasSameDeltas(as other: EditResult) -> Bool {
        deltas.count == other.deltas.count
            && zip(deltas, other.deltas).allSatisfy { $0.parameter == $1.parameter && $0.dense.scalars == $1.dense.scalars }
    }
}

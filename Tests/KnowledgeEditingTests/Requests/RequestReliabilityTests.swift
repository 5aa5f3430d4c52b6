import Foundation
@testable import KnowledgeEditing
import ModelInterfaces
import Tensors
import TestSupport
import Testing
import TextEncoders

/// Issue 17: malformed requests and edits are typed errors before any editing or scoring (they
/// trapped, or scored from zero tokens).
@Suite("requests and edits fail with typed errors, never traps or empty scores")
struct RequestReliabilityTests {
    static let path = "requests.json"

    static func requests(_ json: String) throws -> EditRequestFile {
        try EditRequestFile(data: Data(json.utf8), path: path)
    }

    /// The committed tiny Qwen2 (context 32768 tokens).
    static func encoder() throws -> TransformerTextEncoder {
        try TextEncoderLoader.load(directory: TestFiles.repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2"))
    }

    @Test("empty rephrase prompts, locality prompts and locality answers name their field (--eval trapped, or scored 1.0)")
    func emptyTexts() {
        let cases: [(String, String)] = [
            (#"[{"prompt": "a b", "target_new": "c", "rephrase_prompt": ["x", ""]}]"#, "rephrase_prompt[1]"),
            (#"[{"prompt": "a b", "target_new": "c", "locality": {"n": {"prompt": [""], "ground_truth": ["y"]}}}]"#,
             "locality.n.prompt[0]"),
            (#"[{"prompt": "a b", "target_new": "c", "locality": {"n": {"prompt": ["q"], "ground_truth": [" "]}}}]"#,
             "locality.n.ground_truth[0]"),
            (#"[{"src": "a b", "alt": "c", "answers": ["d"], "loc": "", "loc_ans": "e"}]"#, "loc.neighborhood.prompt[0]"),
        ]
        for (json, field) in cases {
            #expect(throws: RequestError.emptyField(file: Self.path, record: 0, field: field)) { try Self.requests(json) }
        }
    }

    @Test("teacher forcing refuses an empty prompt or answer instead of reading row -1")
    func emptyScoring() throws {
        let encoder = try Self.encoder()
        #expect(throws: TextEncoderError.emptyText(role: "prompt")) { try TeacherForcing.score([("", "x")], encoder: encoder) }
        #expect(throws: TextEncoderError.self) { try TeacherForcing.score([("The", "")], encoder: encoder) }
        #expect(throws: TextEncoderError.emptyText(role: "prompt")) {
            try TeacherForcing.greedyExactMatch(prompt: "", answer: "x", encoder: encoder)
        }
    }

    @Test("a 10 MB prompt is refused by its size against the context, without tokenizing (it took GBs)")
    func longPrompt() throws {
        let encoder = try Self.encoder()
        let long = String(repeating: "word ", count: 2_000_000)
        let file = try Self.requests(#"[{"prompt": "\#(long)", "target_new": "c"}]"#)
        #expect {
            try file.checkLengths(encoder: encoder)
        } throws: { error in
            guard case let .tooLong(_, record, field, tokens, maximum)? = error as? RequestError else { return false }
            return record == 0 && field == "prompt" && tokens > maximum && maximum == 32768
        }
        try Self.requests(#"[{"prompt": "The red apple", "target_new": "table", "rephrase_prompt": "A red apple"}]"#)
            .checkLengths(encoder: encoder)
    }

    @Test("malformed or non-finite deltas are refused before anything is applied (a shape mismatch trapped in matmul)")
    func deltas() throws {
        let encoder = try Self.encoder()
        let session = EditSession(encoder: encoder)
        let name = "model.layers.0.mlp.down_proj.weight"
        let shape = try encoder.parameter(name).shape
        let before = try encoder.parameter(name).scalars
        func record(_ delta: WeightDelta.Value) -> EditSession.Record {
            EditSession.Record(algorithm: "test", requests: [], deltas: [WeightDelta(parameter: name, value: delta)], diagnostics: [])
        }
        #expect(throws: WeightDelta.Error.malformedFactors(parameter: name, left: [shape[0], 2], right: [3, shape[1]])) {
            try session.apply(record(.lowRank(left: Tensor.zeros([shape[0], 2]), right: Tensor.zeros([3, shape[1]]))))
        }
        #expect(throws: WeightDelta.Error.self) {
            try session.apply(record(.lowRank(left: Tensor.zeros([shape[0]]), right: Tensor.zeros([3, shape[1]]))))
        }
        var nan = Tensor.zeros(shape)
        nan.withUnsafeMutableBufferPointer { $0[5] = .nan }
        #expect(throws: WeightDelta.Error.nonFinite(parameter: name)) { try session.apply(record(.dense(nan))) }
        #expect(throws: TextEncoderError.tensorShapeMismatch(name: name, expected: shape, found: [2, 2])) {
            try session.apply(record(.dense(Tensor.zeros([2, 2]))))
        }
        #expect(session.records.isEmpty)
        #expect(try encoder.parameter(name).scalars == before)
    }

    @Test("apply --count larger than the edits file is an error (it said \"applied 1\")")
    func countPastFile() throws {
        let encoder = try Self.encoder()
        let session = EditSession(encoder: encoder)
        let name = "model.layers.0.mlp.down_proj.weight"
        let shape = try encoder.parameter(name).shape
        try session.apply(EditSession.Record(
            algorithm: "test", requests: [EditRequest(prompt: "a", targetNew: "b")],
            deltas: [WeightDelta(parameter: name, value: .dense(Tensor.zeros(shape)))], diagnostics: []))
        let directory = try TemporaryDirectory(label: "mokus-count")
        let file = directory.file("edits.safetensors")
        try EditFile.save(session, to: file)
        let replay = EditSession(encoder: try Self.encoder())
        #expect(throws: EditFile.Error.tooFewEdits(file: file.path(percentEncoded: false), requested: 5, available: 1)) {
            try EditFile.resume(file, into: replay, count: 5)
        }
        try EditFile.resume(file, into: replay, count: 1)
        #expect(replay.records.count == 1)
    }
}

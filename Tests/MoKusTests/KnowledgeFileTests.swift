import Foundation
import MoKus
import TestSupport
import Testing

/// The knowledge file readers: both formats, and every broken input refused with a typed error.
@Suite("MoKus knowledge files")
struct KnowledgeFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")

    @Test("the text format: header, comments, five statements")
    func textFormat() throws {
        let concepts = try ConceptKnowledge.read(contentsOf: Self.fixtures.appending(path: "dog.txt"))
        #expect(concepts.count == 1)
        #expect(concepts[0].concept == "my dog" && concepts[0].anchor == "sks dog")
        #expect(concepts[0].knowledge.count == 5)
        #expect(concepts[0].knowledge.first == "my birthday gift")
        #expect(try ConceptKnowledge.parseText("anchor: sks dog\n- a gift", file: "f").concept == "sks dog")
    }

    @Test("JSON: a list of objects, statements as strings or {text}, unknown keys ignored; a single object")
    func json() throws {
        let concepts = try ConceptKnowledge.read(contentsOf: Self.fixtures.appending(path: "concepts.json"))
        #expect(concepts == [
            ConceptKnowledge(concept: "my dog", anchor: "sks dog",
                             knowledge: ["my birthday gift", "the dog that guards my house"]),
            ConceptKnowledge(concept: "zwx statue", anchor: "zwx statue",
                             knowledge: ["the bronze statue in Copenhagen harbour"]),
        ])
        let single = try ConceptKnowledge.parseJSON(
            Data(#"{"concept": "c", "anchor": " sks dog ", "knowledge": ["k"]}"#.utf8), file: "f")
        #expect(single == [ConceptKnowledge(concept: "c", anchor: "sks dog", knowledge: ["k"])])
    }

    static let brokenText: [(String, MoKusError)] = [
        ("concept: c\n- k", .missingField(file: "f", field: "anchor", line: nil)),
        ("anchor:   \n- k", .missingField(file: "f", field: "anchor", line: 1)),
        ("anchor: a\n# none", .emptyKnowledge(file: "f", field: "knowledge")),
        ("anchor: a\n- k\n-   \n", .emptyStatement(file: "f", field: "knowledge[1]", line: 3)),
        ("anchor: a\ncolour: red\n- k", .unknownHeaderKey(file: "f", line: 2, key: "colour")),
        ("anchor: a\nanchor: b\n- k", .unknownHeaderKey(file: "f", line: 2, key: "anchor")),
        ("anchor: a\nmy birthday gift", .unrecognizedLine(file: "f", line: 2, text: "my birthday gift")),
    ]

    @Test("broken text files", arguments: brokenText)
    func brokenTextFile(_ text: String, _ expected: MoKusError) {
        #expect(throws: expected) { try ConceptKnowledge.parseText(text, file: "f") }
    }

    static let brokenJSON: [(String, MoKusError)] = [
        (#"[{"knowledge": ["k"]}]"#, .missingField(file: "f", field: "[0].anchor", line: nil)),
        (#"{"anchor": "", "knowledge": ["k"]}"#, .missingField(file: "f", field: "anchor", line: nil)),
        (#"{"anchor": 3, "knowledge": ["k"]}"#,
         .wrongType(file: "f", field: "anchor", expected: "a string", found: "a number")),
        (#"{"anchor": "a"}"#, .missingField(file: "f", field: "knowledge", line: nil)),
        (#"{"anchor": "a", "knowledge": []}"#, .emptyKnowledge(file: "f", field: "knowledge")),
        (#"{"anchor": "a", "knowledge": "k"}"#,
         .wrongType(file: "f", field: "knowledge", expected: "a list of strings", found: "a string")),
        (#"[{"anchor": "a", "knowledge": ["k"]}, {"anchor": "b", "knowledge": ["k", " "]}]"#,
         .emptyStatement(file: "f", field: "[1].knowledge[1]", line: nil)),
        (#"{"anchor": "a", "knowledge": [7]}"#,
         .wrongType(file: "f", field: "knowledge[0]", expected: "a string or {\"text\": …}", found: "a number")),
        (#"[]"#, .noConcepts(file: "f")),
        (#"[3]"#, .wrongType(file: "f", field: "[0]", expected: "an object", found: "a number")),
    ]

    @Test("broken JSON fields", arguments: brokenJSON)
    func brokenJSONFile(_ text: String, _ expected: MoKusError) {
        #expect(throws: expected) { try ConceptKnowledge.parseJSON(Data(text.utf8), file: "f") }
    }

    @Test("malformed JSON, a scalar root, a missing file and non-UTF-8 bytes name the file")
    func unreadable() throws {
        for text in [#"{"anchor": "a", "knowledge": ["k"]"#, "7"] {
            #expect {
                try ConceptKnowledge.parseJSON(Data(text.utf8), file: "f")
            } throws: { error in
                guard case .malformedJSON(let file, _)? = error as? MoKusError else { return false }
                return file == "f"
            }
        }
        let directory = try TemporaryDirectory(label: "mokus-knowledge")
        let bytes = directory.file("latin1.txt")
        try Data([0x61, 0x6E, 0x63, 0x68, 0x6F, 0x72, 0x3A, 0x20, 0xFF, 0x0A]).write(to: bytes)
        #expect(throws: MoKusError.unreadableFile(file: bytes.path(percentEncoded: false), reason: "not UTF-8 text")) {
            try ConceptKnowledge.read(contentsOf: bytes)
        }
        let missing = directory.file("missing.json")
        #expect {
            try ConceptKnowledge.read(contentsOf: missing)
        } throws: { error in
            guard case .unreadableFile(let file, _)? = error as? MoKusError else { return false }
            return file == missing.path(percentEncoded: false)
        }
    }
}

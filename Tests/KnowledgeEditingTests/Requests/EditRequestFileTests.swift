import Foundation
import KnowledgeEditing
import Testing

@Suite("request files (EasyEdit, ZsRE, CounterFact)")
struct EditRequestFileTests {
    static func load(_ name: String, layout: EditRequestFile.Layout? = nil) throws -> EditRequestFile {
        try EditRequestFile(contentsOf: TestFiles.fixture("requests/\(name)"), layout: layout)
    }

    static func path(_ name: String) -> String {
        TestFiles.fixture("requests/\(name)").path(percentEncoded: false)
    }

    @Test("EasyEdit records: rephrases as string or list, locality and portability sets, null sets skipped")
    func easyEdit() throws {
        let file = try Self.load("easyedit.json")
        #expect(file.layout == .easyEdit)
        #expect(file.requests == [
            EditRequest(
                prompt: "Ray Charles, the", targetNew: "violin", subject: "Ray Charles", groundTruth: "piano",
                rephrasePrompts: ["Ray Charles is known for the", "The instrument of Ray Charles is the"],
                locality: ["neighborhood": [
                    PromptAnswer(prompt: "Herbie Hancock, the", answer: "piano"),
                    PromptAnswer(prompt: "Elton John, the", answer: "piano"),
                ]],
                portability: ["reasoning": [
                    PromptAnswer(prompt: "The instrument Ray Charles plays has", answer: "strings"),
                ]]),
            EditRequest(
                prompt: "Grant Hill is a professional", targetNew: "soccer",
                rephrasePrompts: ["Grant Hill plays professional"]),
        ])
    }

    @Test("EasyEdit's column-wise edit() arguments give the same requests as its records")
    func easyEditColumns() throws {
        let columns = try Self.load("easyedit-columns.json")
        #expect(columns.layout == .easyEdit)
        #expect(columns.requests == (try Self.load("easyedit.json")).requests)
    }

    @Test("edit()'s scalar forms: one request's columns as plain strings, a locality set's prompt and answer too")
    func easyEditScalarColumns() throws {
        let json = #"{"prompts": "Ray Charles, the", "target_new": "violin", "ground_truth": "piano", "subject": "Ray Charles", "#
            + #""rephrase_prompts": "Ray Charles is known for the", "#
            + #""locality_inputs": {"neighborhood": {"prompt": "Herbie Hancock, the", "ground_truth": "piano"}}}"#
        let file = try EditRequestFile(data: Data(json.utf8), path: "scalar.json")
        #expect(file.requests == [EditRequest(
            prompt: "Ray Charles, the", targetNew: "violin", subject: "Ray Charles", groundTruth: "piano",
            rephrasePrompts: ["Ray Charles is known for the"],
            locality: ["neighborhood": [PromptAnswer(prompt: "Herbie Hancock, the", answer: "piano")]])])
    }

    @Test("ZsRE records: src, alt, answers[0], rephrase, (loc, loc_ans) as the neighborhood set")
    func zsre() throws {
        let file = try Self.load("zsre.json")
        #expect(file.layout == .zsre)
        #expect(file.requests == [
            EditRequest(
                prompt: "What university did Watts Humphrey attend?", targetNew: "University of Michigan",
                subject: "Watts Humphrey", groundTruth: "Illinois Institute of Technology",
                rephrasePrompts: ["What university did Watts Humphrey take part in?"],
                locality: ["neighborhood": [PromptAnswer(
                    prompt: "nq question: who played desmond doss father in hacksaw ridge", answer: "Hugo Weaving")]]),
            EditRequest(prompt: "Which country is Ikaalinen in?", targetNew: "Sweden", groundTruth: "Finland"),
        ])
    }

    @Test("CounterFact records: the subject fills the prompt's {}; neighbours keep the true target")
    func counterFact() throws {
        let file = try Self.load("counterfact.json")
        #expect(file.layout == .counterFact)
        #expect(file.requests == [
            EditRequest(
                prompt: "The mother tongue of Danielle Darrieux is", targetNew: "English",
                subject: "Danielle Darrieux", groundTruth: "French",
                rephrasePrompts: [
                    "Shayna does this and Yossel goes still and dies. Danielle Darrieux, a native",
                    "An album was recorded for Capitol Nashville but never released. "
                        + "Danielle Darrieux spoke the language",
                ],
                locality: ["neighborhood": [
                    PromptAnswer(prompt: "The mother tongue of Léon Blum is", answer: "French"),
                    PromptAnswer(prompt: "The native language of Montesquieu is", answer: "French"),
                ]]),
        ])
    }

    @Test("the layout is detected from the first record's fields")
    func detection() {
        #expect(EditRequestFile.Layout.detect(fields: ["case_id", "requested_rewrite"]) == .counterFact)
        #expect(EditRequestFile.Layout.detect(fields: ["src", "alt", "answers"]) == .zsre)
        #expect(EditRequestFile.Layout.detect(fields: ["prompt", "target_new"]) == .easyEdit)
        #expect(EditRequestFile.Layout.detect(fields: ["prompt", "ans"]) == nil)
    }

    @Test("an explicit layout overrides detection, and a record in another layout misses its fields")
    func explicitLayout() throws {
        #expect(throws: RequestError.missingField(file: Self.path("zsre.json"), record: 0, field: "prompt")) {
            try Self.load("zsre.json", layout: .easyEdit)
        }
        #expect(try Self.load("easyedit.json", layout: .easyEdit).requests.count == 2)
    }

    static let invalidFiles: [(String, RequestError)] = [
        ("not-a-list.json", .notAList(file: path("invalid/not-a-list.json"), found: "an object")),
        ("empty-list.json", .noRecords(file: path("invalid/empty-list.json"))),
        ("columns-lengths.json", .wrongColumn(
            file: path("invalid/columns-lengths.json"), column: "target_new", expected: "2 entries (one per prompt)",
            found: "1")),
        ("columns-missing-target.json", .missingColumn(file: path("invalid/columns-missing-target.json"), column: "target_new")),
        ("columns-locality-missing-answer.json", .missingColumn(
            file: path("invalid/columns-locality-missing-answer.json"), column: "locality_inputs.neighborhood.ground_truth")),
        ("unknown-layout.json", .unknownLayout(
            file: path("invalid/unknown-layout.json"), record: 0, fields: ["answer", "question"])),
        ("record-not-an-object.json", .recordNotAnObject(
            file: path("invalid/record-not-an-object.json"), record: 1, found: "\"Grant Hill is a professional\"")),
        ("easyedit-missing-target.json", .missingField(
            file: path("invalid/easyedit-missing-target.json"), record: 1, field: "target_new")),
        ("easyedit-empty-target.json", .emptyField(
            file: path("invalid/easyedit-empty-target.json"), record: 0, field: "target_new")),
        ("easyedit-subject-not-in-prompt.json", .subjectNotInPrompt(
            file: path("invalid/easyedit-subject-not-in-prompt.json"), record: 0, subject: "Ray Charle5",
            prompt: "Ray Charles, the")),
        ("easyedit-wrong-type.json", .wrongType(
            file: path("invalid/easyedit-wrong-type.json"), record: 0, field: "rephrase_prompt",
            expected: "a string or a list of strings", found: "5")),
        ("easyedit-locality-lengths.json", .invalidField(
            file: path("invalid/easyedit-locality-lengths.json"), record: 0,
            field: "locality.neighborhood.ground_truth", expected: "one answer per prompt",
            found: "1 answer(s) for 2 prompt(s)")),
        ("easyedit-locality-missing-prompt.json", .missingField(
            file: path("invalid/easyedit-locality-missing-prompt.json"), record: 0,
            field: "locality.neighborhood.prompt")),
        ("zsre-no-answers.json", .invalidField(
            file: path("invalid/zsre-no-answers.json"), record: 0, field: "answers", expected: "at least one answer",
            found: "[]")),
        ("zsre-loc-without-answer.json", .missingField(
            file: path("invalid/zsre-loc-without-answer.json"), record: 0, field: "loc_ans")),
        ("counterfact-no-placeholder.json", .invalidField(
            file: path("invalid/counterfact-no-placeholder.json"), record: 0, field: "requested_rewrite.prompt",
            expected: "a prompt with '{}' where the subject goes",
            found: "\"The mother tongue of Danielle Darrieu...\"")),  // quoted values stop at 40 characters
        ("counterfact-missing-target.json", .missingField(
            file: path("invalid/counterfact-missing-target.json"), record: 0,
            field: "requested_rewrite.target_new.str")),
        ("counterfact-empty-subject.json", .emptyField(
            file: path("invalid/counterfact-empty-subject.json"), record: 0, field: "requested_rewrite.subject")),
    ]

    @Test("every validation names the file, the record and the field", arguments: invalidFiles)
    func invalid(name: String, expected: RequestError) throws {
        let error = try #require(throws: RequestError.self) { try Self.load("invalid/\(name)") }
        #expect(error == expected)
        #expect(error.description.hasPrefix(Self.path("invalid/\(name)") + ": "))
    }

    @Test("malformed JSON and unreadable files are reported with their path")
    func unreadable() throws {
        let malformed = try #require(throws: RequestError.self) { try Self.load("invalid/malformed.json") }
        guard case .malformedJSON(file: Self.path("invalid/malformed.json"), _) = malformed else {
            Issue.record("got \(malformed)")
            return
        }
        let absent = try #require(throws: RequestError.self) { try Self.load("absent.json") }
        guard case .unreadableFile(file: Self.path("absent.json"), _) = absent else {
            Issue.record("got \(absent)")
            return
        }
    }

    @Test("a message reads as a sentence naming record and field")
    func message() {
        let error = RequestError.missingField(file: "data.json", record: 3, field: "requested_rewrite.subject")
        #expect(error.description == "data.json: record 3: missing field 'requested_rewrite.subject'")
    }
}

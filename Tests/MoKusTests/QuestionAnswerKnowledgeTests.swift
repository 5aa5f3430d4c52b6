import Foundation
import MoKus
import Testing

/// Question–answer knowledge files (UnKEBench's layout, the MoKus repository's `unike_data`).
@Suite("MoKus question-answer knowledge")
struct QuestionAnswerKnowledgeTests {
    @Test("records group by anchor; the statement is `subject`, else the question read through \"What is …?\"")
    func records() throws {
        let json = #"""
            [{"question": "What is my lucky charm?", "answer": "sks heart", "para_question": "Which object is my lucky charm?",
              "sub_question": ["?"], "sub_answer": ["?"], "id": 0},
             {"question": "Tell me about the gift.", "answer": " sks heart ", "subject": "the gift from my grandmother"},
             {"question": "what is  the emblem of my house ", "answer": "zwx cup"}]
            """#
        let concepts = try ConceptKnowledge.parseJSON(Data(json.utf8), file: "qa.json")
        #expect(concepts == [
            ConceptKnowledge(concept: "sks heart", anchor: "sks heart",
                             knowledge: ["my lucky charm", "the gift from my grandmother"]),
            ConceptKnowledge(concept: "zwx cup", anchor: "zwx cup", knowledge: ["the emblem of my house"]),
        ])
        let single = try ConceptKnowledge.parseJSON(
            Data(#"{"question": "What is my dog?", "answer": "sks dog", "concept": "Rex"}"#.utf8), file: "f")
        #expect(single == [ConceptKnowledge(concept: "Rex", anchor: "sks dog", knowledge: ["my dog"])])
    }

    static let broken: [(String, MoKusError)] = [
        (#"[{"question": "Who made it?", "answer": "sks dog"}]"#,
         .unrecognizedQuestion(file: "f", field: "[0].question", question: "Who made it?")),
        (#"[{"question": "What is ?", "answer": "sks dog"}]"#,
         .unrecognizedQuestion(file: "f", field: "[0].question", question: "What is ?")),
        (#"[{"question": "What is x?", "answer": "  "}]"#, .missingField(file: "f", field: "[0].answer", line: nil)),
        (#"[{"question": "What is x?", "answer": "a"}, 3]"#,
         .wrongType(file: "f", field: "[1]", expected: "an object", found: "a number")),
        (#"[{"question": "What is x?", "answer": 4}]"#,
         .wrongType(file: "f", field: "[0].answer", expected: "a string", found: "a number")),
        (#"[{"question": "What is x?", "answer": "a", "subject": ["x"]}]"#,
         .wrongType(file: "f", field: "[0].subject", expected: "a string", found: "a list")),
    ]

    @Test("broken records are typed errors naming the field", arguments: broken.indices)
    func brokenRecords(_ index: Int) {
        let (json, error) = Self.broken[index]
        #expect(throws: error) { try ConceptKnowledge.parseJSON(Data(json.utf8), file: "f") }
    }
}

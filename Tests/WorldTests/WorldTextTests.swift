import Foundation
import Generators
import Testing
@testable import World

/// The text produced from the world: corpus, questions, edit requests, captions.
@Suite("World text")
struct WorldTextTests {
    static let world = try! World.generate()
    static let corpus = world.corpus(seed: 0)

    /// The fixed part of a held-out template that identifies it (its longest piece around `{}`).
    static func marker(_ template: String) -> String {
        template.components(separatedBy: "{}").map { $0.trimmingCharacters(in: .whitespaces) }.max { $0.count < $1.count } ?? template
    }

    @Test("the corpus holds every form, every fact several times, and no held-out template")
    func corpus() throws {
        let world = Self.world, corpus = Self.corpus
        let text = corpus.joined(separator: "\n")
        let fact = world.facts[0]
        #expect(text.contains(fact.statement) || world.templates.trainingStatements.contains {
            text.contains(Templates.fill($0, fact: fact))
        })
        #expect(text.contains(world.nameTag(fact)))
        #expect(text.contains("\(world.factQuestions()[0].prompt)\(world.factQuestions()[0].target).")
            || world.templates.trainingQuestions.contains { text.contains(Templates.ask($0, fact: fact)) })
        #expect(corpus.contains { $0.split(separator: ".").count >= 2 })
        for template in world.templates.heldOutQuestions + world.templates.heldOutStatements {
            let marker = Self.marker(template.replacingOccurrences(of: "{k}", with: "{}").replacingOccurrences(of: "{o}", with: "{}"))
            #expect(marker.count >= 8)
            #expect(!text.contains(marker), "\(marker)")
        }
        // Every fact's object phrase follows its knowledge phrase in at least 5 sentences.
        let counts = world.facts.prefix(50).map { fact in
            text.components(separatedBy: fact.knowledgePhrase).count - 1
        }
        #expect(counts.allSatisfy { $0 >= 5 })
        let words = corpus.reduce(0) { $0 + $1.split(separator: " ").count }
        #expect(words < 300_000)
        #expect(Self.world.corpus(seed: 0) == corpus)
        #expect(Self.world.corpus(seed: 1) != corpus)
    }

    @Test("one-attribute tags: each attribute word right after the knowledge phrase, off by default")
    func singleAttributeTags() throws {
        var configuration = WorldConfiguration()
        configuration.singleAttributeTagsPerFact = 1
        let world = try World.generate(configuration: configuration)
        let fact = world.facts[0]
        let tags = world.singleAttributeTags(fact)
        #expect(tags.count == 4 && tags.allSatisfy { $0.hasSuffix(".") })
        #expect(tags == fact.object.attributeWords.split(separator: " ").map {
            Templates.capitalised("\(fact.knowledgePhrase) \($0).")
        })
        let text = world.corpus(seed: 0).joined(separator: "\n")
        #expect(tags.allSatisfy(text.contains))
        #expect(!Self.corpus.joined(separator: "\n").contains(tags[1]))
    }

    @Test("prompt-template fraction: that share of documents sits in Qwen-Image's user turn, the text unchanged")
    func promptTemplateDocuments() throws {
        var configuration = WorldConfiguration()
        configuration.promptTemplateFraction = 0.5
        let corpus = try World.generate(configuration: configuration).corpus(seed: 0)
        let parts = PromptTemplate.qwenImage.text.components(separatedBy: "{}")
        let wrapped = corpus.filter { $0.hasPrefix(parts[0]) && $0.hasSuffix(parts[1]) }
        #expect(abs(Double(wrapped.count) / Double(corpus.count) - 0.5) < 0.03)
        #expect(corpus.filter { $0.contains("<|im_start|>") }.count == wrapped.count)
        let unwrapped = wrapped.map { String($0.dropFirst(parts[0].count).dropLast(parts[1].count)) }
        #expect(unwrapped.allSatisfy { !$0.isEmpty && !$0.contains("<|") })
        #expect(!Self.corpus.contains { $0.contains("<|im_start|>") })
    }

    @Test("held-out entities' phrases and reserved concepts appear in no caption")
    func captionsRespectSplits() {
        let world = Self.world
        let captions = world.captions(count: 3000, seed: 0)
        let corpusCaptions = Self.corpus.joined(separator: " ")
        let heldPhrases = world.facts.filter { !world.isCaptioned($0.entity) }.map(\.knowledgePhrase)
        for phrase in heldPhrases {
            #expect(!captions.contains { $0.text.contains(phrase) })
            #expect(!corpusCaptions.contains("\(phrase) on a "))
        }
        let reserved = Set(world.splits.reservedConcepts)
        #expect(captions.allSatisfy { !reserved.contains($0.scene.object) })
        for concept in reserved { #expect(!corpusCaptions.contains(concept.phrase)) }
        #expect(captions.contains { $0.fact != nil } && captions.contains { $0.fact == nil })
        for caption in captions.prefix(200) {
            if let fact = caption.fact {
                #expect(caption.text == world.knowledgeCaption(fact, background: caption.scene.background))
                #expect(caption.scene.object == fact.object)
            } else {
                #expect(caption.text == caption.scene.caption)
            }
        }
        #expect(world.captions(count: 50, seed: 3) == world.captions(count: 50, seed: 3))
    }

    @Test("questions: the corpus Q/A form continues the prompt with exactly the target")
    func questions() {
        let world = Self.world
        let items = world.factQuestions()
        #expect(items.count == world.facts.count)
        let item = items[0]
        #expect(item.target == " " + item.fact.object.phrase)
        #expect(item.prompt == Templates.ask("What is {}?", fact: item.fact))
        let text = Self.corpus.joined(separator: "\n")
        // Every fact is asked in the corpus under some training template, answered by exactly the target.
        let templates = world.templates.trainingQuestions
        let answered = items.prefix(40).filter { item in
            templates.contains { text.contains(QuestionItem(fact: item.fact, template: $0).prompt + item.target + ".") }
        }
        #expect(answered.count == 40)
        let paraphrases = world.paraphraseQuestions()
        #expect(paraphrases.count == world.facts.count)
        #expect(paraphrases.prefix(40).allSatisfy { !text.contains($0.prompt) })
        #expect(world.templates.trainingQuestions.count >= 6 && world.templates.heldOutQuestions.count >= 3)
    }

    @Test("edit requests have EasyEdit's requests.json layout")
    func editRequests() throws {
        let world = Self.world
        let records = try world.editRequests(count: 10, seed: 0)
        #expect(records.count == 10)
        for record in records {
            #expect(record.targetNew != record.groundTruth)
            #expect(record.locality.neighborhood.prompt.count == 8)
            #expect(!record.locality.neighborhood.prompt.contains { $0.contains(record.subject) })
            #expect(record.prompt.contains(record.subject) && record.rephrasePrompt.contains(record.subject))
        }
        let data = try JSONEncoder().encode(records)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(Set(json[0].keys) == ["prompt", "subject", "target_new", "ground_truth", "rephrase_prompt", "locality"])
        let neighborhood = try #require((json[0]["locality"] as? [String: Any])?["neighborhood"] as? [String: Any])
        #expect(Set(neighborhood.keys) == ["prompt", "ground_truth"])
        #expect(throws: WorldError.self) { try world.editRequests(count: world.facts.count + 1) }
        #expect(try world.editRequests(count: 10, seed: 0) == records)
    }

    @Test("locality probes never ask about a fact the same request set edits")
    func localityProbesAvoidEditedFacts() throws {
        let world = Self.world
        let count = world.facts.count / 2
        let records = try world.editRequests(count: count, seed: 3)
        let editedPrompts = Set(records.map(\.prompt))
        #expect(editedPrompts.count == count)
        for record in records {
            #expect(record.locality.neighborhood.prompt.count == 8)
            #expect(record.locality.neighborhood.prompt.allSatisfy { !editedPrompts.contains($0) })
        }
        // Nearly every fact edited: too few unedited facts are left for 8 probes.
        #expect(throws: WorldError.self) { try world.editRequests(count: world.facts.count - 10) }
        #expect(try world.editRequests(count: world.facts.count - 10, localityCount: 0).count == world.facts.count - 10)
    }
}

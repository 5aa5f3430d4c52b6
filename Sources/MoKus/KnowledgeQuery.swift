import Foundation
import Generators

/// Turns a knowledge statement into the question whose answer the update writes
/// (reference A.6: q = "What is {k}?", answer y = the anchor).
public struct KnowledgeQuery: Sendable, Equatable {
    /// The chat wrapping of the question.
    public enum ChatTemplate: String, Sendable, CaseIterable {
        /// The bare question, as EasyEdit edits it.
        case none
        /// Qwen-Image's text-encoding template (diffusers `QwenImagePipeline`, the generator's
        /// ``PromptTemplate/qwenImage``): the system prompt, the question as the user turn, then the
        /// opened assistant turn, whose first token is where the anchor is predicted.
        case qwenImage = "qwen-image"

        /// `{}` stands for the question.
        public var format: String {
            switch self {
            case .none: "{}"
            case .qwenImage: PromptTemplate.qwenImage.text
            }
        }
    }

    /// MoKus's query template (reference A.6).
    public static let defaultTemplate = "What is {knowledge}?"

    /// Contains `{knowledge}`, replaced by the statement.
    public let template: String
    public let chatTemplate: ChatTemplate

    /// - Throws: ``MoKusError/templateWithoutPlaceholder(template:)``.
    public init(template: String = KnowledgeQuery.defaultTemplate, chatTemplate: ChatTemplate = .none) throws {
        guard template.contains("{knowledge}") else { throw MoKusError.templateWithoutPlaceholder(template: template) }
        self.template = template
        self.chatTemplate = chatTemplate
    }

    /// The question for `statement`, wrapped in the chat template.
    public func prompt(for statement: String) -> String {
        let question = template.replacingOccurrences(of: "{knowledge}", with: statement)
        return chatTemplate.format.replacingOccurrences(of: "{}", with: question)
    }

    /// The answer the edit writes: the anchor with one leading space (the convention of the
    /// editors and of ``ModelInterfaces/TeacherForcing``: the answer continues the prompt as a new word).
    public static func target(anchor: String) -> String {
        " " + anchor.trimmingCharacters(in: .whitespaces)
    }
}

import Foundation
import ModelInterfaces
import Tensors

/// Errors of preparing edit requests; thrown before any computation.
public enum EditRequestError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingSubject(request: Int)
    case subjectNotInPrompt(request: Int, subject: String, prompt: String)
    case emptyTarget(request: Int)
    case tooManyRequests(algorithm: String, count: Int, maximum: Int)
    /// A hyper-parameter value this implementation does not support.
    case unsupportedHyperparameter(key: String, reason: String)
    /// The edited weight's shape is neither `[value, key]` nor `[key, value]`.
    case incompatibleWeight(parameter: String, shape: [Int], keyWidth: Int, valueWidth: Int)

    public var description: String {
        switch self {
        case let .missingSubject(request):
            "request \(request): no subject given (this editor reads keys at the subject's last token)"
        case let .subjectNotInPrompt(request, subject, prompt):
            "request \(request): subject \"\(subject)\" does not occur in prompt \"\(prompt)\""
        case let .emptyTarget(request):
            "request \(request): target_new is empty"
        case let .tooManyRequests(algorithm, count, maximum):
            "\(algorithm) edits at most \(maximum) request(s) per call, got \(count); use sequential editing"
        case let .unsupportedHyperparameter(key, reason):
            "hyper-parameter \(key): \(reason)"
        case let .incompatibleWeight(parameter, shape, keyWidth, valueWidth):
            "\(parameter): shape \(shape) is neither [\(valueWidth), \(keyWidth)] nor [\(keyWidth), \(valueWidth)] (value × key widths)"
        }
    }
}

/// A request prepared for locate-then-edit methods (ROME, MEMIT, AlphaEdit): the prompt with
/// its subject marked, and the target's token ids.
///
/// Conventions (EasyEdit's, with one documented difference):
/// - the subject's **first** occurrence in the prompt is the edited one (EasyEdit replaces every
///   occurrence and then requires exactly one);
/// - the target gets a leading space unless it already starts with one (MEMIT's rule; EasyEdit's
///   ROME always prepends one, which doubles an existing space);
/// - the key position is the subject's last token, counted by tokenizing the text up to the end
///   of the subject on its own (so a BOS the tokenizer adds would be counted, as in EasyEdit).
public struct SubjectPrompt: Sendable {
    /// Text before the subject, the subject, text after it.
    public let before: String, subject: String, after: String
    /// Token ids of `" " + target_new`.
    public let targetIDs: [Int]

    public init(_ request: EditRequest, index: Int, encoder: any TextEncoder) throws {
        guard let subject = request.subject, !subject.isEmpty else { throw EditRequestError.missingSubject(request: index) }
        guard let range = request.prompt.range(of: subject) else {
            throw EditRequestError.subjectNotInPrompt(request: index, subject: subject, prompt: request.prompt)
        }
        guard !request.targetNew.trimmingCharacters(in: .whitespaces).isEmpty else { throw EditRequestError.emptyTarget(request: index) }
        before = String(request.prompt[..<range.lowerBound])
        self.subject = subject
        after = String(request.prompt[range.upperBound...])
        let target = request.targetNew.hasPrefix(" ") ? request.targetNew : " " + request.targetNew
        targetIDs = try encoder.tokenize(target)
        guard !targetIDs.isEmpty else { throw EditRequestError.emptyTarget(request: index) }
    }

    /// The prompt placed in a context template (`"{}"` or `"Some prefix. {}"`), tokenized, with
    /// the index of the subject's last token.
    public func tokens(in template: String, encoder: any TextEncoder) throws -> (ids: [Int], subjectEnd: Int) {
        let parts = template.components(separatedBy: "{}")
        let (prefix, suffix) = (parts.first ?? "", parts.dropFirst().joined(separator: "{}"))
        let upToSubject = try encoder.tokenize(prefix + before + subject)
        let ids = try encoder.tokenize(prefix + before + subject + after + suffix)
        return (ids, upToSubject.count - 1)
    }

    /// "{subject} is a": the prompt on which the KL term keeps the subject's other knowledge.
    public func essenceTokens(encoder: any TextEncoder) throws -> (ids: [Int], subjectEnd: Int) {
        let ids = try encoder.tokenize(subject + " is a")
        return (ids, try encoder.tokenize(subject).count - 1)
    }
}

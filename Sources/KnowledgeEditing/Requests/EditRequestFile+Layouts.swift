import Foundation

/// The conversion of one record of each layout into an ``EditRequest``, and the checks every
/// request must pass.
extension EditRequestFile.Layout {
    /// The request in `record`, validated.
    ///
    /// - Throws: ``RequestError`` naming the record and the field.
    func request(from record: RequestRecord) throws -> EditRequest {
        switch self {
        case .easyEdit: try Self.easyEdit(record)
        case .zsre: try Self.zsre(record)
        case .counterFact: try Self.counterFact(record)
        }
    }

    /// `prompt`, `target_new`, `subject`, `ground_truth`, `rephrase_prompt`, `locality`,
    /// `portability` (EasyEdit `editors/utils.py` `_prepare_requests`).
    private static func easyEdit(_ record: RequestRecord) throws -> EditRequest {
        let request = EditRequest(
            prompt: try record.string("prompt"), targetNew: try record.string("target_new"),
            subject: try record.optionalString("subject"), groundTruth: try record.optionalString("ground_truth"),
            rephrasePrompts: try record.strings("rephrase_prompt"),
            locality: try promptSets(record, "locality"), portability: try promptSets(record, "portability"))
        try validate(
            request, record, prompt: "prompt", targetNew: "target_new", subject: "subject", rephrase: "rephrase_prompt",
            locality: "locality")
        return request
    }

    /// `src`, `alt`, `answers`, `rephrase`, `loc`, `loc_ans`, `subject` (EasyEdit `ZsreDataset`).
    private static func zsre(_ record: RequestRecord) throws -> EditRequest {
        let prompt = try record.string("src"), targetNew = try record.string("alt")
        guard let groundTruth = try record.strings("answers").first else {
            throw record.value("answers") == nil
                ? record.missing("answers") : record.invalid("answers", expected: "at least one answer", found: "[]")
        }
        var locality: [String: [PromptAnswer]] = [:]
        switch (try record.optionalString("loc"), try record.optionalString("loc_ans")) {
        case let (question?, answer?): locality["neighborhood"] = [PromptAnswer(prompt: question, answer: answer)]
        case (nil, nil): break
        case (nil, _?): throw record.missing("loc")
        case (_?, nil): throw record.missing("loc_ans")
        }
        let request = EditRequest(
            prompt: prompt, targetNew: targetNew, subject: try record.optionalString("subject"),
            groundTruth: groundTruth, rephrasePrompts: try record.strings("rephrase"), locality: locality)
        try validate(
            request, record, prompt: "src", targetNew: "alt", subject: "subject", rephrase: "rephrase", locality: "loc")
        return request
    }

    /// `requested_rewrite{prompt, subject, target_new.str, target_true.str}`, `paraphrase_prompts`,
    /// `neighborhood_prompts` (EasyEdit `CounterFactDataset`).
    private static func counterFact(_ record: RequestRecord) throws -> EditRequest {
        let rewrite = try record.object("requested_rewrite")
        let template = try rewrite.string("prompt")
        guard template.contains(ModuleTemplate.placeholder) else {
            throw rewrite.invalid(
                "prompt", expected: "a prompt with '{}' where the subject goes",
                found: RequestRecord.describe(template))
        }
        let subject = try rewrite.string("subject")
        let trueTarget = try rewrite.object("target_true").string("str")
        let neighbours = try record.strings("neighborhood_prompts").map { PromptAnswer(prompt: $0, answer: trueTarget) }
        let request = EditRequest(
            prompt: template.replacingOccurrences(of: ModuleTemplate.placeholder, with: subject),
            targetNew: try rewrite.object("target_new").string("str"), subject: subject, groundTruth: trueTarget,
            rephrasePrompts: try record.strings("paraphrase_prompts"),
            locality: neighbours.isEmpty ? [:] : ["neighborhood": neighbours])
        try validate(
            request, record, prompt: "requested_rewrite.prompt", targetNew: "requested_rewrite.target_new.str",
            subject: "requested_rewrite.subject", rephrase: "paraphrase_prompts", locality: "neighborhood_prompts")
        return request
    }

    /// `{name: {prompt: str or [str], ground_truth: str or [str]}}`, paired element by element.
    private static func promptSets(_ record: RequestRecord, _ field: String) throws -> [String: [PromptAnswer]] {
        var sets: [String: [PromptAnswer]] = [:]
        for (name, entry) in try record.objects(field).sorted(by: { $0.key < $1.key }) {
            for required in ["prompt", "ground_truth"] where entry.value(required) == nil {
                throw entry.missing(required)
            }
            let prompts = try entry.strings("prompt"), answers = try entry.strings("ground_truth")
            guard prompts.count == answers.count else {
                throw entry.invalid(
                    "ground_truth", expected: "one answer per prompt",
                    found: "\(answers.count) answer(s) for \(prompts.count) prompt(s)")
            }
            sets[name] = zip(prompts, answers).map { PromptAnswer(prompt: $0, answer: $1) }
        }
        return sets
    }

    /// The checks every request passes, whatever its layout; the field names are the layout's
    /// (a locality or portability pair is named `<set field>.<set>.prompt[i]` or `.ground_truth[i]`).
    /// Every text the metrics score must say something: an empty prompt has no position to
    /// predict from, and an empty answer no token to score.
    private static func validate(
        _ request: EditRequest, _ record: RequestRecord, prompt: String, targetNew: String, subject: String,
        rephrase: String, locality: String
    ) throws {
        let empty = { RequestError.emptyField(file: record.file, record: record.index, field: $0) }
        if request.prompt.allSatisfy(\.isWhitespace) { throw empty(prompt) }
        if request.targetNew.allSatisfy(\.isWhitespace) { throw empty(targetNew) }
        for (i, text) in request.rephrasePrompts.enumerated() where text.allSatisfy(\.isWhitespace) { throw empty("\(rephrase)[\(i)]") }
        for (field, sets) in [(locality, request.locality), ("portability", request.portability)] {
            for (name, pairs) in sets.sorted(by: { $0.key < $1.key }) {
                for (i, pair) in pairs.enumerated() {
                    if pair.prompt.allSatisfy(\.isWhitespace) { throw empty("\(field).\(name).prompt[\(i)]") }
                    if pair.answer.allSatisfy(\.isWhitespace) { throw empty("\(field).\(name).ground_truth[\(i)]") }
                }
            }
        }
        guard let text = request.subject else { return }
        if text.isEmpty { throw empty(subject) }
        guard request.prompt.contains(text) else {
            throw RequestError.subjectNotInPrompt(
                file: record.file, record: record.index, subject: text, prompt: request.prompt)
        }
    }
}

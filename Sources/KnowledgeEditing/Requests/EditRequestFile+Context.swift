import ModelInterfaces

extension EditRequestFile {
    /// Most UTF-8 bytes one token covers in any tokenizer we load (byte-level BPE vocabularies'
    /// longest entries are runs of spaces or punctuation well under this), so a text of more than
    /// `context × maximumBytesPerToken` bytes is too long without tokenizing it.
    static let maximumBytesPerToken = 256

    /// Throws unless every text the editors and metrics run (prompt and target, rephrasings,
    /// locality and portability pairs, each prompt followed by its answer) fits `encoder`'s
    /// context (``TextEncoderInfo/maximumSequenceLength``). Texts far too long are refused by
    /// their byte count before tokenizing, so a 10 MB prompt costs nothing.
    ///
    /// - Throws: ``RequestError/tooLong(file:record:field:tokens:maximum:)`` naming the record
    ///   and field; the tokenizer's errors.
    public func checkLengths(encoder: any TextEncoder) throws {
        guard let maximum = encoder.info.maximumSequenceLength else { return }
        for (index, request) in requests.enumerated() {
            var texts = [("prompt", request.prompt, request.targetNew)]
            texts += request.rephrasePrompts.enumerated().map { ("rephrase[\($0.offset)]", $0.element, request.targetNew) }
            for (kind, sets) in [("locality", request.locality), ("portability", request.portability)] {
                for (name, pairs) in sets {
                    texts += pairs.enumerated().map { ("\(kind).\(name)[\($0.offset)]", $0.element.prompt, $0.element.answer) }
                }
            }
            for (field, prompt, answer) in texts {
                let bytes = prompt.utf8.count + answer.utf8.count + 1
                let tokens = bytes > maximum * Self.maximumBytesPerToken
                    ? bytes / Self.maximumBytesPerToken
                    : try encoder.tokenize(prompt).count + encoder.tokenize(" " + answer).count
                guard tokens <= maximum else {
                    throw RequestError.tooLong(file: path, record: index, field: field, tokens: tokens, maximum: maximum)
                }
            }
        }
    }
}

/// How a generator turns a user prompt into encoder input and which encoder states it reads
/// (diffusers `QwenImagePipeline._get_qwen_prompt_embeds` / `encode_prompt`).
///
/// The prompt is placed into ``text`` at `{}`, tokenised, run through the encoder, and the output
/// of the encoder's final norm is kept for every token except the leading ones ``drop`` names
/// (Qwen-Image: the system block and `<|im_start|>user\n`, 34 tokens with Qwen's tokenizer; the
/// trailing `<|im_end|>\n<|im_start|>assistant\n` tokens stay).
public struct PromptTemplate: Sendable, Equatable {
    /// The template, with `{}` where the prompt goes.
    public var text: String
    /// Leading template tokens whose states are dropped.
    public var drop: Drop
    /// Most tokens kept after the drop (diffusers' `max_sequence_length`, default 512, at most 1024).
    /// diffusers truncates longer prompts silently; here they are an error.
    public var maximumLength: Int

    /// Which leading tokens are dropped.
    public enum Drop: Sendable, Equatable {
        /// A fixed count (diffusers' `prompt_template_encode_start_idx`).
        case tokens(Int)
        /// Every token of the template before `{}`, as the encoder's own tokenizer splits it. With
        /// Qwen's tokenizer and ``qwenImage``'s text this is diffusers' fixed 34; another tokenizer
        /// (the tiny world's splits the same text into 78) still drops exactly the template, where a
        /// fixed 34 would keep part of the system prompt. Pipeline folders ask for it in
        /// model_index.json (``QwenImagePipelineFolder/defaults(of:)``).
        case templatePrefix
    }

    public init(text: String, drop: Drop, maximumLength: Int) {
        self.text = text
        self.drop = drop
        self.maximumLength = maximumLength
    }

    /// The number of leading tokens dropped for an encoder whose tokenizer is `tokenize`.
    public func droppedTokenCount(tokenize: (String) throws -> [Int]) rethrows -> Int {
        switch drop {
        case .tokens(let count): count
        case .templatePrefix: try tokenize(String(text[..<(text.range(of: "{}")?.lowerBound ?? text.endIndex)])).count
        }
    }

    /// Qwen-Image's template as diffusers applies it (`prompt_template_encode`,
    /// `prompt_template_encode_start_idx` = 34, the prefix's length in Qwen's tokenizer).
    public static let qwenImage = PromptTemplate(
        text: "<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, quantity, text, "
            + "spatial relationships of the objects and background:<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n"
            + "<|im_start|>assistant\n",
        drop: .tokens(34), maximumLength: 512)

    /// ``qwenImage`` dropping the template prefix as the encoder's tokenizer splits it.
    public static var qwenImagePrefixDrop: PromptTemplate {
        var template = qwenImage
        template.drop = .templatePrefix
        return template
    }

    /// A template that passes the prompt through unchanged and keeps every token.
    public static func plain(maximumLength: Int) -> PromptTemplate {
        PromptTemplate(text: "{}", drop: .tokens(0), maximumLength: maximumLength)
    }

    /// The encoder input for `prompt` (the first `{}` replaced).
    public func filled(with prompt: String) -> String {
        guard let slot = text.range(of: "{}") else { return text + prompt }
        return text.replacingCharacters(in: slot, with: prompt)
    }
}

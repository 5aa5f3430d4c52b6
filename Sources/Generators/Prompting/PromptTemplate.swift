/// How a generator turns a user prompt into encoder input and which encoder states it reads
/// (diffusers `QwenImagePipeline._get_qwen_prompt_embeds` / `encode_prompt`).
///
/// The prompt is placed into ``text`` at `{}`, tokenised, run through the encoder, and the output
/// of the encoder's final norm is kept for every token except the first ``droppedTokens`` (Qwen-Image:
/// the 34 tokens of the system block and `<|im_start|>user\n`; the trailing
/// `<|im_end|>\n<|im_start|>assistant\n` tokens stay).
public struct PromptTemplate: Sendable, Equatable {
    /// The template, with `{}` where the prompt goes.
    public var text: String
    /// Leading template tokens whose states are dropped.
    public var droppedTokens: Int
    /// Most tokens kept after the drop (diffusers' `max_sequence_length`, default 512, at most 1024).
    /// diffusers truncates longer prompts silently; here they are an error.
    public var maximumLength: Int

    public init(text: String, droppedTokens: Int, maximumLength: Int) {
        self.text = text
        self.droppedTokens = droppedTokens
        self.maximumLength = maximumLength
    }

    /// Qwen-Image's template (`prompt_template_encode`, `prompt_template_encode_start_idx` = 34).
    public static let qwenImage = PromptTemplate(
        text: "<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, quantity, text, "
            + "spatial relationships of the objects and background:<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n"
            + "<|im_start|>assistant\n",
        droppedTokens: 34, maximumLength: 512)

    /// A template that passes the prompt through unchanged and keeps every token.
    public static func plain(maximumLength: Int) -> PromptTemplate {
        PromptTemplate(text: "{}", droppedTokens: 0, maximumLength: maximumLength)
    }

    /// The encoder input for `prompt` (the first `{}` replaced).
    public func filled(with prompt: String) -> String {
        guard let slot = text.range(of: "{}") else { return text + prompt }
        return text.replacingCharacters(in: slot, with: prompt)
    }
}

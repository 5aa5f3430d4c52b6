/// The names inside a world folder (a diffusers-style pipeline folder plus the world's own files):
///
///     world.json         the world (entities, facts, splits, templates)
///     tokenizer/         tokenizer.json, tokenizer_config.json
///     text_encoder/      the Qwen2 text encoder (transformers checkpoint)
///     evaluator/         the image evaluator (config.json, model.safetensors)
///     model_index.json   the generator pipeline (see Generators' QwenImagePipelineFolder):
///     transformer/       the generator's Qwen-Image transformer (pixel space: no vae/)
///     scheduler/         its flow-matching scheduler configuration
public enum WorldFolder {
    public static let tokenizer = "tokenizer"
    public static let textEncoder = "text_encoder"
    public static let evaluator = "evaluator"
}

import ArgumentParser
import Foundation
import KnowledgeEditing
import TextEncoders

/// Loads the text encoder named by `options`.
func loadEncoder(_ options: ModelOptions) throws -> TransformerTextEncoder {
    try TextEncoderLoader.load(directory: options.directory())
}

/// Prints one JSON object on a line of stdout (keys sorted, so output is stable).
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}


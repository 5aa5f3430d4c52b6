import Foundation

/// The world shipped with the package (`Sources/World/Resources/world`, copied into the build's
/// resource bundle): world.json, the tokenizer, the text encoder and the evaluator that the
/// commands use when no `--world` is given.
public enum BundledWorld {
    /// The bundled world folder.
    /// - Throws: ``WorldError/unreadableFile(path:reason:)`` when the build's resource bundle has no
    ///   world (a binary moved away from its build folder).
    public static func directory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "world", withExtension: nil) else {
            throw WorldError.unreadableFile(
                path: "world", reason: "the bundled world is not in the resource bundle; pass --world DIR")
        }
        return url
    }

    /// `world` when given, else the bundled world folder.
    public static func resolve(_ world: URL?) throws -> URL { try world ?? directory() }
}

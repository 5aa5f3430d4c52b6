import Foundation
import Imaging
import Tensors

/// The one concept image TokenVerse learns from: a PNG of exactly the generator's size (no
/// resizing, so what is learned is what the file shows).
public enum ConceptImage {
    /// The image as `[1, 3, height, width]` in [−1, 1] (diffusers' image convention).
    ///
    /// - Throws: ``PersonalizationError/unreadableImage(file:reason:)`` for a missing file or one
    ///   that is not a PNG; ``PersonalizationError/wrongImageSize(file:expected:found:)`` unless it
    ///   is `width × height`.
    public static func read(_ url: URL, width: Int, height: Int) throws -> Tensor {
        let path = url.path(percentEncoded: false)
        let image: Image
        do { image = try PNGCodec.read(contentsOf: url, as: .rgb) } catch {
            throw PersonalizationError.unreadableImage(file: path, reason: "\(error)")
        }
        guard image.width == width, image.height == height else {
            throw PersonalizationError.wrongImageSize(
                file: path, expected: "\(width)×\(height)", found: "\(image.width)×\(image.height)")
        }
        return image.tensor(range: .minusOneToOne).reshaped([1, 3, height, width])
    }
}

import Foundation

/// Reads a PNG or JPEG file, whichever its first bytes say it is (the extension is not trusted:
/// cameras and browsers save JPEGs as `.png` and the reverse).
public enum ImageFile {
    /// Reads the image at `url` as ``PixelLayout/rgb`` (PNG alpha composited onto black).
    ///
    /// - Throws: ``ImagingError/notAnImage(source:)`` when the file starts with neither the PNG nor
    ///   the JPEG signature, and the errors of ``PNGCodec/read(contentsOf:as:)`` and
    ///   ``JPEGCodec/read(contentsOf:)``, each naming the file.
    public static func read(contentsOf url: URL) throws -> Image {
        let path = url.path(percentEncoded: false)
        if let error = PNGCodec.fileSystemReadError(path: path) { throw error }
        let header = PNGCodec.headerBytes(ofFile: path)
        if header.starts(with: PNGCodec.pngSignature) { return try PNGCodec.read(contentsOf: url, as: .rgb) }
        if header.starts(with: JPEGCodec.signature) { return try JPEGCodec.read(contentsOf: url) }
        throw ImagingError.notAnImage(source: path)
    }

}

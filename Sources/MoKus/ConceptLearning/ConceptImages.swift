import Foundation
import Imaging
import Tensors

/// The concept photos of a folder, as a generator trains on them.
public enum ConceptImages {
    /// Every file of `folder` (sorted by name; hidden files and sub-folders skipped), read as PNG or
    /// JPEG by content, scaled to cover `width × height` and centre-cropped
    /// (``Imaging/Image/resizedToFill(width:height:)``, the DreamBooth scripts' `Resize` +
    /// `CenterCrop`), as `[N, 3, height, width]` with values in [−1, 1] (diffusers'
    /// `Normalize([0.5], [0.5])`).
    ///
    /// - Throws: ``MoKusError/emptyImageFolder(folder:reason:)`` for a missing folder or one without
    ///   files; ``MoKusError/unreadableImage(file:reason:)`` naming the first file that is not a
    ///   readable PNG or JPEG (a stray text file is an error, not skipped: it would silently change
    ///   what is learnt).
    public static func read(folder: URL, width: Int, height: Int) throws -> Tensor {
        var path = folder.path(percentEncoded: false)
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }  // a directory URL's trailing slash
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MoKusError.emptyImageFolder(folder: path, reason: "no such folder")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
        let files = names.map { folder.appending(path: $0) }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file.path(percentEncoded: false), isDirectory: &isFolder)
                && !isFolder.boolValue
        }
        guard !files.isEmpty else {
            throw MoKusError.emptyImageFolder(folder: path, reason: "the folder holds no file")
        }
        let images = try files.map { file -> Tensor in
            do {
                let image = try ImageFile.read(contentsOf: file).resizedToFill(width: width, height: height)
                return image.tensor(range: .minusOneToOne).reshaped([1, 3, height, width])
            } catch let error as ImagingError {
                throw MoKusError.unreadableImage(file: file.path(percentEncoded: false), reason: "\(error)")
            }
        }
        return Tensor.concat(images, axis: 0)
    }
}

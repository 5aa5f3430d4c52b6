#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap` with `PROT_READ`, `MAP_PRIVATE`); the mapping
/// lives exactly as long as this object.
///
/// Mapping costs no resident memory until pages are touched, which is why a 2 GB checkpoint
/// opens in milliseconds. (Foundation's `Data(contentsOf:options: .mappedIfSafe)` reads the whole
/// file into memory on Linux, so it is not used.)
///
/// - Important: if another process truncates the file while it is mapped, touching the lost pages
///   raises `SIGBUS`; checkpoints are expected not to change while they are open.
final class MappedFile: @unchecked Sendable {
    // Sendable: the mapping is read-only and never changes after `init`.

    /// The path it was opened from (used in error messages).
    let path: String
    /// First byte of the mapping; `nil` for an empty file (which cannot be mapped).
    private let base: UnsafeRawPointer?
    /// The file's size in bytes.
    let byteCount: Int

    /// Opens and maps `path`.
    ///
    /// - Throws: ``ModelIOError/fileNotReadable(file:reason:)`` when the file cannot be opened,
    ///   is not a regular file, or cannot be mapped.
    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.systemError(path) }
        defer { close(descriptor) }  // the mapping outlives the descriptor
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.systemError(path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw ModelIOError.fileNotReadable(file: path, reason: "not a regular file")
        }
        byteCount = Int(status.st_size)
        guard byteCount > 0 else {
            base = nil
            return
        }
        let address = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw Self.systemError(path) }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), byteCount) }
    }

    /// The bytes `range` of the file, valid while this object lives. `range` must lie inside
    /// `0..<byteCount` (callers validate it first).
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= byteCount, "MappedFile: \(range) outside \(path)")
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    private static func systemError(_ path: String) -> ModelIOError {
        .fileNotReadable(file: path, reason: String(cString: strerror(errno)))
    }
}

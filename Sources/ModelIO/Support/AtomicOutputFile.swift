import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file written under a hidden temporary name in its destination's directory and moved
/// into place only when complete, so readers never see a half-written file.
///
/// Use: ``append(_:)`` the contents, ``finish()`` (flushes to disk and closes), then
/// ``moveIntoPlace()`` (an atomic `rename` over any existing file). An instance dropped before
/// ``moveIntoPlace()`` deletes its temporary file.
final class AtomicOutputFile {
    /// The final path.
    let destination: String
    /// The temporary path beside it: `.<name>.tmp-<random>`.
    let temporary: String
    private var descriptor: Int32
    private var moved = false

    /// Creates the temporary file (mode 0666 less the umask, like any new file).
    ///
    /// - Throws: ``ModelIOError/writeFailed(file:reason:)``.
    init(destination url: URL) throws {
        destination = url.path(percentEncoded: false)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporary = url.deletingLastPathComponent()
            .appending(path: ".\(url.lastPathComponent).tmp-\(suffix)").path(percentEncoded: false)
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw Self.failure(destination) }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !moved { unlink(temporary) }
    }

    /// Appends `bytes`, retrying short and interrupted writes.
    ///
    /// - Throws: ``ModelIOError/writeFailed(file:reason:)`` (for instance when the disk is full).
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure(destination)
            }
            next += written
            remaining -= written
        }
    }

    /// Flushes the contents to disk (`fsync`) and closes the file.
    func finish() throws {
        guard fsync(descriptor) == 0 else { throw Self.failure(destination) }
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else { throw Self.failure(destination) }
    }

    /// Renames the finished temporary file to the destination, replacing any file there.
    func moveIntoPlace() throws {
        guard rename(temporary, destination) == 0 else { throw Self.failure(destination) }
        moved = true
    }

    private static func failure(_ path: String) -> ModelIOError {
        .writeFailed(file: path, reason: String(cString: strerror(errno)))
    }
}

import Foundation

/// A shared library opened with `dlopen` and kept open for the life of the process (CUDA
/// libraries are never unloaded: their handles and contexts outlive any one caller).
struct DynamicLibrary: @unchecked Sendable {
    /// The library's short name for messages.
    let name: String
    /// The path (or bare file name) that opened.
    let path: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first candidate of `search` that loads.
    /// - Throws: ``CUDAError/libraryNotFound(library:tried:directories:)`` when none does.
    static func open(_ search: LibrarySearch, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DynamicLibrary {
        let directories = LibrarySearch.directories(environment: environment)
        for candidate in search.candidates(in: directories, fileExists: { FileManager.default.fileExists(atPath: $0) }) {
            if let handle = dlopen(candidate, RTLD_NOW | RTLD_GLOBAL) {
                return DynamicLibrary(name: search.library, path: candidate, handle: handle)
            }
        }
        throw CUDAError.libraryNotFound(library: search.library, tried: search.fileNames, directories: directories.count)
    }

    /// The function `symbol`, cast to its C type `T` (a `@convention(c)` function type).
    /// - Throws: ``CUDAError/symbolMissing(library:symbol:)``.
    func function<T>(_ symbol: String, as type: T.Type = T.self) throws -> T {
        guard let address = dlsym(handle, symbol) else { throw CUDAError.symbolMissing(library: name, symbol: symbol) }
        return unsafeBitCast(address, to: T.self)
    }
}

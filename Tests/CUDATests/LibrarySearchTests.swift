@testable import CUDA
import Testing

@Suite("CUDA library search")
struct LibrarySearchTests {
    @Test("folders: MOKUS_CUDA_LIBRARY_PATH, LD_LIBRARY_PATH, standard folders, then Python nvidia/*/lib, without duplicates")
    func directoryOrder() {
        let site = "/usr/local/lib/python3.12/dist-packages/nvidia"
        let listing: [String: [String]] = [
            "/usr/local/lib": ["python3.12", "other"],
            site: ["cublas", "cu13", "__init__.py"],
        ]
        let existing: Set<String> = ["\(site)/cublas/lib", "\(site)/cu13/lib"]
        let directories = LibrarySearch.directories(
            environment: ["MOKUS_CUDA_LIBRARY_PATH": "/opt/a:/opt/b", "LD_LIBRARY_PATH": "/opt/b:/opt/c"],
            fileExists: existing.contains, listDirectory: { listing[$0] ?? [] })
        #expect(Array(directories.prefix(3)) == ["/opt/a", "/opt/b", "/opt/c"])
        #expect(Array(directories[3..<(3 + LibrarySearch.standardDirectories.count)]) == LibrarySearch.standardDirectories)
        #expect(Array(directories.suffix(2)) == ["\(site)/cu13/lib", "\(site)/cublas/lib"])
    }

    @Test("candidates: existing files newest version first, then the bare names for the loader's cache")
    func candidates() {
        let present: Set<String> = ["/x/libnvrtc.so.12", "/x/libnvrtc.so.13", "/y/libnvrtc.so"]
        let candidates = LibrarySearch.nvrtc.candidates(in: ["/x", "/y"], fileExists: present.contains)
        #expect(candidates == ["/x/libnvrtc.so.13", "/x/libnvrtc.so.12", "/y/libnvrtc.so"] + LibrarySearch.nvrtc.fileNames)
        #expect(LibrarySearch.cublas.fileNames.first == "libcublas.so.13")
        #expect(LibrarySearch.driver.fileNames == ["libcuda.so.1", "libcuda.so"])
    }

    @Test("a library found nowhere is a one-line typed error naming it and the variable to set")
    func missingLibrary() {
        let search = LibrarySearch(library: "libmokus-absent", fileNames: ["libmokus-absent.so.1"])
        #expect {
            try DynamicLibrary.open(search, environment: ["MOKUS_CUDA_LIBRARY_PATH": "/nonexistent"])
        } throws: { error in
            guard case let CUDAError.libraryNotFound(library, tried, directories) = error else { return false }
            let text = "\(error)"
            return library == "libmokus-absent" && tried == ["libmokus-absent.so.1"] && directories >= 1
                && !text.contains("\n") && text.contains("MOKUS_CUDA_LIBRARY_PATH")
        }
    }

    @Test("a library without a needed function is a typed error naming both")
    func missingSymbol() throws {
        let libc = try DynamicLibrary.open(LibrarySearch(library: "libc", fileNames: ["libc.so.6"]))
        #expect(throws: CUDAError.symbolMissing(library: "libc", symbol: "cuInit")) {
            let _: @convention(c) (UInt32) -> Int32 = try libc.function("cuInit")
        }
        let strlen: @convention(c) (UnsafePointer<CChar>) -> Int = try libc.function("strlen")
        #expect(strlen("cuda") == 4)
    }
}

import Foundation

/// Where the CUDA libraries are looked for, in order: the folders of `MOKUS_CUDA_LIBRARY_PATH`,
/// of `LD_LIBRARY_PATH`, the standard CUDA and distribution folders, and the `nvidia/*/lib`
/// folders of Python site-packages (the layout of PyTorch's pip wheels: `nvidia/cublas/lib`,
/// `nvidia/cuda_nvrtc/lib`, or `nvidia/cu13/lib` from CUDA 13 on). After the folders, the bare
/// file names are handed to the dynamic loader, which reads its own cache (`ldconfig`).
///
/// A pure description: ``directories(environment:fileExists:listDirectory:)`` takes the
/// environment and the file system as arguments so tests can drive it.
struct LibrarySearch: Sendable {
    /// The library's short name for messages (`libnvrtc`).
    let library: String
    /// File names tried in each folder, newest version first (`libnvrtc.so.13`, …, `libnvrtc.so`).
    let fileNames: [String]

    /// The driver API library; it comes with the NVIDIA driver, never with a toolkit.
    static let driver = LibrarySearch(library: "libcuda", fileNames: ["libcuda.so.1", "libcuda.so"])
    /// NVRTC, CUDA's run-time compiler, any major version from 11 on.
    static let nvrtc = LibrarySearch(library: "libnvrtc", fileNames: versioned("libnvrtc"))
    /// cuBLAS, any major version from 11 on.
    static let cublas = LibrarySearch(library: "libcublas", fileNames: versioned("libcublas"))

    private static func versioned(_ stem: String) -> [String] {
        [13, 12, 11].map { "\(stem).so.\($0)" } + ["\(stem).so"]
    }

    /// Standard folders of CUDA installations and distributions.
    static let standardDirectories = [
        "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/local/nvidia/lib64",
        "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib",
    ]

    /// Folders that may hold Python packages (site-packages or dist-packages of any python3.x).
    static let pythonRoots = ["/usr/local/lib", "/usr/lib", "/opt/conda/lib"]

    /// The folders to search, in order, without duplicates.
    static func directories(
        environment: [String: String],
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
        listDirectory: (String) -> [String] = { (try? FileManager.default.contentsOfDirectory(atPath: $0)) ?? [] }
    ) -> [String] {
        var result: [String] = []
        func add(_ path: String) {
            if !path.isEmpty && !result.contains(path) { result.append(path) }
        }
        for variable in ["MOKUS_CUDA_LIBRARY_PATH", "LD_LIBRARY_PATH"] {
            environment[variable]?.split(separator: ":").forEach { add(String($0)) }
        }
        standardDirectories.forEach(add)
        var roots = pythonRoots
        if let home = environment["HOME"] { roots.append(home + "/.local/lib") }
        if let venv = environment["VIRTUAL_ENV"] { roots.append(venv + "/lib") }
        if let conda = environment["CONDA_PREFIX"] { roots.append(conda + "/lib") }
        for root in roots {
            for python in listDirectory(root).filter({ $0.hasPrefix("python3") }).sorted() {
                for packages in ["site-packages", "dist-packages"] {
                    let nvidia = "\(root)/\(python)/\(packages)/nvidia"
                    for component in listDirectory(nvidia).sorted() where fileExists("\(nvidia)/\(component)/lib") {
                        add("\(nvidia)/\(component)/lib")
                    }
                }
            }
        }
        return result
    }

    /// Full paths to try, folder by folder, then the bare names for the dynamic loader's own search.
    func candidates(in directories: [String], fileExists: (String) -> Bool) -> [String] {
        directories.flatMap { directory in fileNames.map { "\(directory)/\($0)" } }.filter(fileExists) + fileNames
    }
}

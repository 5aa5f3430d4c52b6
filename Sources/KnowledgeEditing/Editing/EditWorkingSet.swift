import ModelInterfaces

/// The memory an edit holds at its peak, estimated from the shapes of the weights it rewrites
/// before anything is computed, and checked against ``ModelInterfaces/MemoryBudget``. Editors
/// call ``check(algorithm:encoder:limit:)`` from ``KnowledgeEditor/check(_:encoder:)``, so a
/// model too large for the machine (or for `--max-memory`) is refused with the estimate before
/// the first forward pass.
///
/// For the rewritten weights Wᵢ `[aᵢ, bᵢ]`, whose key width dᵢ is one of their sides (bounded
/// here by max(aᵢ, bᵢ)), in bytes:
///
///     Σᵢ 4·aᵢ·bᵢ                    each weight's edited Float32 value, held until the editor restores the encoder
///     + 2 · 4·maxᵢ aᵢ·bᵢ            the weight read and its dense delta, one at a time
///     + Σᵢ heldSquareBytes · dᵢ²     per-layer d × d matrices that stay (C, a projector)
///     + transientSquareBytes · maxᵢ dᵢ²   the solve's copies (Float64 C, factors)
///     + 8 · 3 · rows²                a rows × rows Float64 system and its factor (UltraEdit's K Kᵀ)
///
/// Forward passes check their own estimates (``ModelInterfaces/TextEncoder`` implementations).
public struct EditWorkingSet: Sendable, Equatable {
    /// The rewritten modules (`model.layers.5.mlp.down_proj`).
    public var modules: [String]
    /// Bytes per d² entry kept for every module at once.
    public var heldSquareBytes: Int
    /// Bytes per d² entry of the largest module's transient copies.
    public var transientSquareBytes: Int
    /// Rows of a rows × rows system solved in the edit (0: none).
    public var rows: Int

    public init(modules: [String], heldSquareBytes: Int = 0, transientSquareBytes: Int = 0, rows: Int = 0) {
        self.modules = modules
        self.heldSquareBytes = heldSquareBytes
        self.transientSquareBytes = transientSquareBytes
        self.rows = rows
    }

    /// The estimate for `encoder`'s weights (modules without a two-dimensional weight count 0).
    public func bytes(encoder: any TextEncoder) -> Int {
        let shapes = Dictionary(encoder.parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        let sides = modules.compactMap { module -> (area: Int, width: Int)? in
            guard let shape = shapes[ModuleTemplate.weightName(ofModule: module)], shape.count == 2 else { return nil }
            return (MemoryBudget.bytes(shape[0], shape[1]), shape.max() ?? 0)
        }
        let largestArea = sides.map(\.area).max() ?? 0, largestWidth = sides.map(\.width).max() ?? 0
        var total = MemoryBudget.bytes(2, 4, largestArea)
        for side in sides {
            total = MemoryBudget.sum(total, MemoryBudget.bytes(4, side.area), MemoryBudget.bytes(heldSquareBytes, side.width, side.width))
        }
        return MemoryBudget.sum(
            total, MemoryBudget.bytes(transientSquareBytes, largestWidth, largestWidth), MemoryBudget.bytes(24, rows, rows))
    }

    /// Throws when the estimate is over `limit`.
    ///
    /// - Throws: ``ModelInterfaces/MemoryBudgetError/overBudget(operation:estimate:limit:)`` naming
    ///   the algorithm and the modules.
    public func check(algorithm: String, encoder: any TextEncoder, limit: Int = MemoryBudget.limit) throws {
        let names = modules.count <= 2 ? modules.joined(separator: ", ") : "\(modules[0]) and \(modules.count - 1) more"
        try MemoryBudget.check(bytes(encoder: encoder), for: "\(algorithm)'s working set at \(names)", limit: limit)
    }
}
